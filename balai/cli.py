"""`balai <verb>`: the commands a server operator runs (run, serve, worker, backup, wilayah import, …)."""

from __future__ import annotations

import os
import sys

USAGE = """usage: balai <command> [options]

  run              migrate, load the demo city into an empty database, serve on http://127.0.0.1:8000
  demo             load the demo city (Kota Bitung) with users and sample reports
  worker           run the background task worker (emails, escalations)
  serve            serve in production with gunicorn (never migrates; see docs/deploy.md)
  backup           write one consistent archive of all data, new photos into the media store; prune, copy off-site
  restore          check an archive and restore it into an empty database
  wilayah import   import or refresh the Kemendagri wilayah table from a code,name CSV
  pemda setup      create the Pemda profile and its units for a kabupaten/kota code
  kinerja import   import a year's plan (program, kegiatan, sub kegiatan, indicators, pagu) from an XLSX file
  email fetch      turn new messages of the reporting mailbox into reports
  apikey create    create an API key for an app (printed once); also list, revoke
  doctor           list what still stands between this installation and going live (exit 1 while any)
  mail test        send a test email through the configured mail server; say why it failed in plain words
  integrity        check that reports, events and files are consistent
  summary check    check the command center's summary tables against the reports; `summary rebuild` redoes them
  data reindex     rebuild the open-data catalogue's word index; `data check` compares it with the datasets
  <django command> any manage.py command (migrate, createsuperuser, check, …)

Each command has --help."""


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help", "help"}:
        print(USAGE)
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "balai.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["balai", *args])


if __name__ == "__main__":
    main()
