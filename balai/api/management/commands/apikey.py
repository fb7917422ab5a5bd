from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from balai.api.models import ApiClient
from balai.api.services import apikey_create, apikey_revoke


class Command(BaseCommand):
    help = "Create, list or revoke API keys for apps and systems that submit reports."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a client; its key is printed once, as the last line.")
        create.add_argument("name")
        create.add_argument("--rate-limit", default="600/h", help="Requests per client, e.g. 600/h (default).")
        create.add_argument("--contact", default="", help="Who to call about this client.")
        sub.add_parser("list", help="List clients (never their keys).")
        revoke = sub.add_parser("revoke", help="Revoke a client's key at once.")
        revoke.add_argument("name")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "create":
            if ApiClient.objects.filter(name=options["name"]).exists():
                raise CommandError(f"a client named {options['name']!r} exists already")
            client, key = apikey_create(
                name=options["name"], rate_limit=options["rate_limit"], contact=options["contact"]
            )
            self.stdout.write(f"API client {client.name!r} created. Its key is shown only now; store it safely:")
            self.stdout.write(key)
        elif action == "list":
            for client in ApiClient.objects.all():
                state = "revoked" if client.revoked_at else "active"
                used = client.last_used_at.isoformat() if client.last_used_at else "never"
                self.stdout.write(f"{client.name}\t{client.key_prefix}…\t{state}\tlast used {used}")
        elif action == "revoke":
            found = ApiClient.objects.filter(name=options["name"]).first()
            if found is None:
                raise CommandError(f"no client named {options['name']!r}")
            apikey_revoke(client=found)
            self.stdout.write(f"API client {found.name!r} revoked.")
