from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from balai.core.selectors import pemda_current
from balai.core.services import (
    BOUNDARY_CODE_PROPERTIES,
    WilayahImportError,
    packaged_wilayah_csv,
    wilayah_boundaries_import,
    wilayah_import,
)


class Command(BaseCommand):
    help = "Import or refresh official Kemendagri wilayah (province to kelurahan/desa) and kelurahan boundaries."

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
        bounds = sub.add_parser(
            "boundaries", help="Import kelurahan/desa outlines from GeoJSON, so a map point finds its kelurahan."
        )
        bounds.add_argument("file", type=Path, help="A GeoJSON FeatureCollection of Polygon/MultiPolygon features")
        bounds.add_argument(
            "--code-property",
            help=f"The feature property holding the Kemendagri code (default: the first of "
            f"{', '.join(BOUNDARY_CODE_PROPERTIES)})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "boundaries":
            pemda = pemda_current()
            try:
                counts = wilayah_boundaries_import(
                    source=options["file"],
                    within=pemda.wilayah_id if pemda else None,
                    code_property=options["code_property"],
                )
            except WilayahImportError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(
                f"boundaries from {options['file']}: {counts.created} created, {counts.updated} updated, "
                f"{counts.unchanged} unchanged"
            )
            return
        source = options["csv"] or packaged_wilayah_csv()
        try:
            result = wilayah_import(source=source, only=options["only"])
        except WilayahImportError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"wilayah from {source}: {result.created} created, {result.updated} updated, {result.unchanged} unchanged"
        )
