"""Open data (`data`): a Satu Data Indonesia catalogue that CKAN portals can harvest unchanged.

Plan.
- Models: `Group` and `Tag` (small, edited by the walidata), `Dataset` (CKAN `id` = a UUID, `name` = a slug; the
  producing OPD is a core `Unit`; walidata, licence, update frequency, temporal and spatial coverage; state
  draft -> submitted -> published; `generated_key` for tables Balai makes itself from `registry.datasets()`),
  `Resource` (a CSV/XLSX/JSON file checked by its content, its data dictionary, a preview of the first rows,
  download counts).
- Rules (`rules.py`): action x state x actor (the OPD's data officer, the walidata, the system) -> allowed or the
  reason it is not. The services (`services.py`) are the one write path: lock, ask the table, check the version,
  save, audit, queue the emails; staff pages ask the same table for their buttons.
- Generated datasets: a periodic check creates one published dataset per `GeneratedDataset` of any module and
  rewrites its CSV, XLSX and JSON files when due by its frequency; no code per module.
- Public pages (`/data/`): search and filters by organisation, group, tag and format; the dataset page with a
  preview and download counts; DCAT JSON-LD per dataset and for the catalogue.
- CKAN Action API (`/api/3/action/<name>`, `/api/action/<name>`), read-only, bounded and rate-limited.
- Registry: roles (data officer per OPD, walidata Pemda-wide), menus, work, periodic refresh and reminders,
  readiness, KPIs, search, SPBE evidence for indicator 43, the wilayah list as a dataset, demo and its logins.
"""
