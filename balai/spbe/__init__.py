"""SPBE self-assessment (PermenPANRB 59/2020): the 47 indicators, each officer's level with its evidence, the
coordinator's review, the index and predicate, year on year, and the dossier evaluators ask for.

Plan (issue 18 §1):
- Data, versioned per evaluation year: `Framework` (year, predicate bands, weights confirmed by the admin or not)
  → `Domain` → `Aspect` → `Indicator` (number, name, weight, level criteria 1..5, confirmed flag). The first year
  comes from `data/permenpanrb-59-2020.json` (its source is noted in the file); a new year copies the previous
  year's framework, which the admin (admin sistem) then edits on a screen: a later regulation replaces it without
  code.
- One `Assessment` per indicator and year: level, justification, responsible officer, status
  draft → submitted → reviewed (or returned), version; `EvidenceItem`s (link, document checked by content, photo
  or screenshot through lapor's photo pipeline) and `Comment`s; the history is core's audit trail.
- `rules.py` is the allowed-actions table (action × status × actor); `services/` is the one write path (lock,
  table, version, save, audit, outbox); `scoring.py` is the index arithmetic (Decimal, rounded to 2 places at the
  end, as the regulation's tables print it).
- Incomplete assessment: the index counts reviewed levels only, over the weights of the reviewed indicators, and
  is shown with the share reviewed (by count and by weight) and a "complete" flag once all 47 are reviewed.
- Automatic evidence: whatever `registry.evidence(now)` gives for an indicator is shown on its page; this module
  adds staff competence (indicator 25) from core's training records; lapor adds indicator 42 itself.
- Roles (module "spbe"): koordinator (Pemda-wide: assigns officers, reviews, returns), petugas (indicator officer:
  fills the indicators assigned to them); the admin sistem edits the framework and acts as coordinator; a pimpinan
  of the leadership unit reads.
"""
