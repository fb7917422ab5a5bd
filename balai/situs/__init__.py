"""Every unit online (issue 14): a website for the Pemda (the portal) and for each OPD, kecamatan and kelurahan,
edited by the unit's own people and kept visibly current.

Built on plain Django models, not Wagtail. Measured on this machine (2 shared cores), Wagtail 7.4.4 with its
apps in INSTALLED_APPS raised the peak RSS of a bare `django.setup()` + URL load from 120 MB to 161 MB (+41 MB:
an app worker, today 137-145 MB, would pass the 150 MB goal), `django.setup()` + URLs from 8.3 s to 13.0 s, and
`migrate` of an empty SQLite database from 15 s to 50 s (99 Wagtail migrations, about 300 with its companions),
paid again for every test database of every xdist worker. So the module keeps what an OPD needs in three tables:

- `Site`: one per unit (OneToOne), its profile (tugas dan fungsi, visi-misi, struktur, pejabat), contact, opening
  hours and map point, whether publishing needs review, when the profile and the services were last reviewed, the
  host it answers to when the Pemda maps a go.id subdomain (settings: SITUS_HOST_SUFFIX, per-site `host`).
- `Page`: news, announcement, agenda, public service (standar pelayanan components), document (file checked by
  content), gallery photo, plain page; status draft -> review -> scheduled/published -> unpublished; photos go
  through lapor's photo pipeline with a small rendition.
- `Revision`: a JSON snapshot of a page at each save, with a readable diff and rollback.

Writes go through `services` and ask `rules.RULES` (action x state x actor). Readers: `selectors` (public ones
never return a page that is not published). The portal lives at /portal/ (lapor keeps "/"), unit sites at
/opd/<slug>/, /kecamatan/<slug>/, /kelurahan/<slug>/, /desa/<slug>/; /sitemap.xml and /robots.txt at the root.
Freshness (`freshness.py`) is a readiness flag through the registry and a weekly email to the unit's editors.
"""
