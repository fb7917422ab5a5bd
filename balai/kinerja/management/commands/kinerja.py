from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from balai.kinerja.importer import ImportFileError, parse_mapping, read_plan
from balai.kinerja.services import plan_import


class Command(BaseCommand):
    help = "Import a year's plan (program, kegiatan, sub kegiatan, indicators, pagu) from an XLSX file."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="Import a plan spreadsheet; importing the same file twice changes nothing.")
        imp.add_argument("file", help="the .xlsx file (SIPD or Renja export)")
        imp.add_argument("--year", type=int, required=True, help="the plan's year, e.g. 2026")
        imp.add_argument(
            "--map",
            default="",
            help="COLUMN=field,… (column: header text or letter); fields: opd, urusan, program_code, program, "
            "kegiatan_code, kegiatan, code, name, pagu, indicator, unit, target, direction, spbe",
        )

        summary = sub.add_parser("summary", help="Check the summary cells against a recount, or recount them.")
        summary.add_argument("what", choices=["check", "rebuild"])

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "summary":
            self._summary(options["what"])
            return
        try:
            mapping = parse_mapping(options["map"])
            with open(options["file"], "rb") as stream:
                rows, problems = read_plan(stream, mapping)
        except (ImportFileError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        summary = plan_import(actor=None, scope=None, year=options["year"], rows=rows, problems=problems)
        self.stdout.write(
            f"{summary.created} created, {summary.updated} updated, {summary.unchanged} unchanged, "
            f"{len(summary.problems)} rows not read"
        )
        for number, reason in summary.problems:
            self.stdout.write(f"  row {number}: {reason}")

    def _summary(self, what: str) -> None:
        from balai.kinerja.summary import summary_drift, summary_rebuild

        if what == "rebuild":
            self.stdout.write(f"summary cells recounted for {summary_rebuild()} plans")
            return
        problems = summary_drift()
        for line in problems[:50]:
            self.stdout.write(line)
        if problems:
            raise CommandError(f"{len(problems)} summary cells differ; run `balai kinerja summary rebuild`")
        self.stdout.write("summary cells match the plans")
