from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Load the demo city (Kota Bitung): real wilayah, OPD, categories, one user per role, sample reports."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--reports", type=int, default=300, help="How many sample reports (default 300).")

    def handle(self, *args: Any, **options: Any) -> None:
        from balai.platform.demo import load_demo

        pemda = load_demo(reports=options["reports"])
        self.stdout.write(f"Demo loaded: {pemda.name}.")
        print_logins(self.stdout)


def print_logins(out: Any) -> None:
    from balai.platform.demo import DEMO_PASSWORD, DEMO_USERS

    out.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    from balai.core.registry import registry

    for user in DEMO_USERS:
        out.write(f"  {user.username:<16} {user.role}")
    for username, shows in registry.demo_logins():
        out.write(f"  {username:<16} {shows}")
