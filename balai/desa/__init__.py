"""Kelurahan and desa: periodic reports to the mayor (by web or by email) and the KIM (issue 17).

Plan:
- `ReportType` (the Pemda's report kinds, typed `ReportField`s, which unit kinds send it, period, deadline in
  working days after the period ends) and `Submission` (one per unit × type × period: draft → sent →
  accepted | returned → sent again; the mayor's office reads, comments and asks for follow-up in `SubmissionNote`;
  an item for an OPD becomes a lapor report through lapor's public `report_submit`, its code kept on the note).
- On time / late / missing come from the deadline (core working-day calendar) and the first sending.
- Email: `UnitMailbox` holds a unit's registered sender; its reply key (HMAC of the unit slug) is in the Reply-To of
  every mail Balai sends the unit (`desa+<slug>.<key>@…`); mail without both is held for a person (`IncomingMail`).
- KIM: `Kim` per kelurahan/desa (SK, scan, contact, media channels, trusted flag, place on the map),
  `KimMember` (ketua/sekretaris/bendahara/anggota, optionally a user account), `KimPost` (submitted → published |
  returned | refused, trusted KIM publish directly) moderated by Diskominfo; a KIM relays a citizen's problem to
  lapor (`KimRelay`).
- Every change goes through `services` (lock, `rules.allowed`, version, save, audit, outbox).
"""
