from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from balai.core.services import pemda_setup, wilayah_by_code


class Command(BaseCommand):
    help = "Create the Pemda profile and a unit for every standard OPD, kecamatan and kelurahan/desa."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        setup = sub.add_parser("setup", help="Set up the Pemda for a kabupaten/kota code; run `wilayah import` first.")
        setup.add_argument("code", help="Kemendagri code of the kabupaten/kota, for example 71.72")
        setup.add_argument("--prefix", required=True, help="Tracking code prefix, 2-4 capital letters, e.g. BTG")
        setup.add_argument(
            "--bounds",
            required=True,
            help="south,north,west,east in degrees, e.g. 1.36,1.62,124.98,125.36 (south of the equator: --bounds=-0.96,...)",
        )
        setup.add_argument(
            "--time-zone", default="Asia/Jakarta", choices=["Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"]
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            bounds = tuple(Decimal(part) for part in options["bounds"].split(","))
        except ArithmeticError as exc:
            raise CommandError("--bounds must be four numbers: south,north,west,east") from exc
        if len(bounds) != 4:
            raise CommandError("--bounds must be four numbers: south,north,west,east")
        if wilayah_by_code(options["code"], level=2) is None:
            raise CommandError(f"{options['code']} is not an imported kabupaten/kota; run `balai wilayah import` first")
        pemda = pemda_setup(
            actor=None,
            wilayah_code=options["code"],
            code_prefix=options["prefix"],
            bounds=bounds,  # type: ignore[arg-type]
            time_zone=options["time_zone"],
        )
        self.stdout.write(f"{pemda.name} is set up.")
