"""`balai situs import-wordpress EXPORT.xml --unit <slug> [--uploads DIR]`: move a unit's WordPress site in."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from balai.core.models import Unit

from ...services import SitusError, site_activate
from ...wordpress import import_wxr


class Command(BaseCommand):
    help = "Websites of the units: import-wordpress reads a WordPress export (WXR) into a unit's site."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        wp = sub.add_parser("import-wordpress", help="import a WordPress export (posts, pages, attachments)")
        wp.add_argument("export", type=Path, help="the WXR file WordPress wrote (Tools → Export)")
        wp.add_argument("--unit", required=True, help="the slug of the unit whose site receives it")
        wp.add_argument("--uploads", type=Path, help="a copy of wp-content/uploads, for the attachments' files")

    def handle(self, *args: Any, **options: Any) -> None:
        unit = Unit.objects.filter(slug=options["unit"]).first()
        if unit is None:
            raise CommandError(f"No unit with the slug {options['unit']!r}.")
        if not options["export"].is_file():
            raise CommandError(f"No such file: {options['export']}")
        site = site_activate(actor=None, scope=None, unit=unit)
        try:
            result = import_wxr(options["export"], site, options.get("uploads"))
        except (SitusError, SyntaxError, ValueError) as exc:
            raise CommandError(f"The export could not be read: {exc}") from exc
        self.stdout.write(f"{unit.name}: {result.created} new, {result.updated} updated.")
        if result.categories:
            self.stdout.write("Categories: " + ", ".join(sorted(c for c in result.categories if c)))
        for line in result.skipped:
            self.stdout.write(f"Attachment without its file (give --uploads): {line}")
