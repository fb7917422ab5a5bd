"""Planning, implementation and evaluation, open to every citizen (issue 16).

Plan of the module:
- Models (models.py): `Rpjmd` (vision) → `RpjmdMission` → `RpjmdGoal` (sasaran) with `GoalIndicator`s and their
  five-year targets; `Renstra` per OPD linked to the goals it serves. The annual `Plan` (one per year, a
  `published` flag: public pages never show an unpublished year) holds `Activity` rows on three levels
  (program → kegiatan → sub kegiatan, nomenclature code as text, urusan, pagu in Rp, responsible OPD, kelurahan
  and a point or line as GeoJSON text, SPBE tag), each with `Indicator`s (output/outcome, unit, annual target,
  direction). Per sub kegiatan and quarter a `Realisation` (cumulative physical %, financial Rp, obstacles,
  follow-up, status draft → submitted → accepted | returned) with an `IndicatorValue` per indicator, photos
  and documents. `ReportLink` ties a lapor report (by code) to an activity; `EvaluationNote` is Bappeda's word on
  an OPD's year; `PredicateBand` the editable bands; `ReminderSent` keeps reminders from repeating.
- Allowed actions (rules.py): action × state × actor (OPD planning officer, Bappeda, system) → allowed or the
  reason it is not; services, staff pages and the command ask it.
- Writes (services.py): one transaction each, lock, ask the table, check the version, save, audit, outbox mail.
- Arithmetic (evaluation.py): pure functions (achievement with direction, roll-ups, predicate) on plain numbers.
- Import (importer.py): XLSX with a column mapping, idempotent on year + OPD + code, row-numbered problems.
- Public pages (views.py, no JavaScript needed), staff pages (staff_views.py), exports (exports.py: CSV, XLSX,
  PDF), what the module brings to the platform (module.py), demo rows (demo.py).
"""
