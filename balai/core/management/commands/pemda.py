from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from balai.core.services import pemda_setup, wilayah_by_code, wilayah_envelope
from balai.lib.zones import WIB, WIT, WITA

BOUNDS_HELP = (
    "south,north,west,east in degrees, e.g. 1.36,1.62,124.98,125.36 (south of the equator: --bounds=-0.96,...)"
)


class Command(BaseCommand):
    help = "Create the Pemda profile and a unit for every standard OPD, kecamatan and kelurahan/desa."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        setup = sub.add_parser("setup", help="Set up the Pemda for a kabupaten/kota code; run `wilayah import` first.")
        setup.add_argument("code", help="Kemendagri code of the kabupaten/kota, for example 71.72")
        setup.add_argument("--prefix", required=True, help="Tracking code prefix, 2-4 capital letters, e.g. BTG")
        setup.add_argument(
            "--bounds",
            help=f"{BOUNDS_HELP}; may be left out once `balai wilayah boundaries` has imported the kelurahan outlines",
        )
        setup.add_argument(
            "--time-zone",
            choices=[WIB, WITA, WIT],
            help="Default: the zone of the province of CODE (WIB, WITA or WIT, Keppres 41/1987)",
        )
        setup.add_argument(
            "--no-categories",
            action="store_true",
            help="Do not create the default report categories (each mapped to a standard OPD, editable later)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        kabkota = wilayah_by_code(options["code"], level=2)
        if kabkota is None:
            raise CommandError(f"{options['code']} is not an imported kabupaten/kota; run `balai wilayah import` first")
        bounds = self._bounds(options["bounds"], kabkota.code)
        setup = pemda_setup(
            actor=None,
            wilayah_code=options["code"],
            code_prefix=options["prefix"],
            bounds=bounds,
            time_zone=options["time_zone"],
            with_module_defaults=not options["no_categories"],
        )
        for note in setup.notes:
            self.stdout.write(note)
        self.stdout.write(f"{setup.pemda.name} is set up.")

    def _bounds(self, given: str | None, code: str) -> tuple[Decimal, Decimal, Decimal, Decimal]:
        if given is None:
            envelope = wilayah_envelope(code)
            if envelope is None:
                raise CommandError(
                    f"--bounds is needed: no kelurahan outlines of {code} are imported to take them from "
                    f"(`balai wilayah boundaries FILE`). --bounds is {BOUNDS_HELP}"
                )
            self.stdout.write("Bounds: {},{},{},{}, around the imported kelurahan outlines.".format(*envelope))
            return envelope
        try:
            bounds = tuple(Decimal(part) for part in given.split(","))
        except ArithmeticError as exc:
            raise CommandError("--bounds must be four numbers: south,north,west,east") from exc
        if len(bounds) != 4:
            raise CommandError("--bounds must be four numbers: south,north,west,east")
        return bounds  # type: ignore[return-value]
