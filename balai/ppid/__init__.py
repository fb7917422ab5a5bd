"""Public information requests under UU 14/2008 (PPID): requests, the law's clock, objections, DIP and reports.

Plan (issue 15):
- Models: `InformationRequest` (register number, tracking code, private token, requester identity kept apart from
  the public fields, the holding OPD, the clock: received/due/extended/notice, the decision of the written notice,
  publication flags), `RequestEvent` (the public timeline), `ReleasedDocument`, `Objection` (Pasal 35 grounds,
  the atasan's answer, a Komisi Informasi dispute), `DipEntry` (DIP and DIK rows per OPD or for the Pemda) and
  `PpidSettings` (retention of identity data, the email intake's local part).
- One write path: `balai.ppid.services` (lock, ask `rules.refusal`, check the version, save, event, audit, outbox).
- The allowed-actions table `rules.RULES`: action x state x actor (utama, pelaksana, atasan, requester, system).
- States: diterima (at the PPID utama) -> diteruskan (forwarded to an OPD) -> dijawab (written notice given)
  -> keberatan (objection filed) -> keberatan_dijawab (the atasan answered); an OPD returns a request to utama.
- Deadlines on the core working-day calendar: notice 10 (+7 once with a reason), objection 30 from the notice or
  the missed deadline, the atasan's answer 30.
- Public: form (no account), tracking + private link (notice PDF, objection), register, DIP/DIK (CSV),
  statistics and the Pasal 12 report (PDF, XLSX). Staff: inbox, request page with its actions, desk entry, DIP.
- Registry: roles, menus, work, periodic (reminders, escalation, identity retention), readiness, kpis, search,
  datasets, evidence, site_panels, demo.
"""
