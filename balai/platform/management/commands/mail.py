from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from balai.platform.language import add_language_option, command_language
from balai.platform.mailtest import mail_test_send


class Command(BaseCommand):
    help = "Email tools: `balai mail test ADDRESS` sends a test email through the configured mail server."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        test = sub.add_parser(
            "test",
            help="Send one test email now; prints the mail server's error in plain words and exits 1 if it fails.",
        )
        test.add_argument("address", help="where to send it, for example your own work address")
        add_language_option(test)

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(command_language(options.get("lang"))):
            result = mail_test_send(address=options["address"])
            if result.ok:
                self.stdout.write(_("OK: %(message)s") % {"message": result.message})
                return
            self.stderr.write(_("FAILED: %(message)s") % {"message": result.message})
            if result.hint:
                self.stderr.write(_("What to check: %(hint)s") % {"hint": result.hint})
        sys.exit(1)
