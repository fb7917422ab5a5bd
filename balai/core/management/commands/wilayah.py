from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from balai.core.services import WilayahImportError, packaged_wilayah_csv, wilayah_import


class Command(BaseCommand):
    help = "Import or refresh official Kemendagri wilayah (province to kelurahan/desa) from a code,name CSV."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="Import wilayah; importing the same data twice changes nothing.")
        imp.add_argument(
            "--csv",
            type=Path,
            help="A CSV (or .csv.gz) of code,name rows with dotted Kemendagri codes (default: the packaged table, "
            "idn-area-data, ODbL).",
        )
        imp.add_argument("--only", help="Only this code (e.g. 71.72), its ancestors and everything below it.")

    def handle(self, *args: Any, **options: Any) -> None:
        source = options["csv"] or packaged_wilayah_csv()
        try:
            result = wilayah_import(source=source, only=options["only"])
        except WilayahImportError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"wilayah from {source}: {result.created} created, {result.updated} updated, {result.unchanged} unchanged"
        )
