"""`balai email fetch`: take the reports sent to the reporting address."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from balai.api.email_intake import FetchResult, IntakeConfigError, IntakeSourceError, fetch_imap, fetch_local


class Command(BaseCommand):
    help = "Turn emails to the reporting address into reports (IMAP from the environment, or a Maildir/mbox)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        fetch = sub.add_parser(
            "fetch", help="Import new messages once: IMAP (INTAKE_IMAP_*) unless --maildir or --mbox is given."
        )
        source = fetch.add_mutually_exclusive_group()
        source.add_argument("--maildir", type=Path, metavar="PATH", help="Read this local Maildir instead of IMAP.")
        source.add_argument("--mbox", type=Path, metavar="PATH", help="Read this local mbox file instead of IMAP.")
        fetch.add_argument(
            "--address",
            default=None,
            help="Take only messages to this address (default INTAKE_ADDRESS; an empty value takes all).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["maildir"] is not None:
                result = fetch_local(path=options["maildir"], kind="maildir", address=options["address"])
            elif options["mbox"] is not None:
                result = fetch_local(path=options["mbox"], kind="mbox", address=options["address"])
            else:
                result = fetch_imap(address=options["address"])
        except (IntakeConfigError, IntakeSourceError) as exc:
            raise CommandError(str(exc)) from exc
        self._report(result)

    def _report(self, result: FetchResult) -> None:
        for outcome in result.outcomes:
            if outcome.report_code:
                self.stdout.write(f"{outcome.status}\t{outcome.report_code}\t{outcome.sender}")
        for outcome in result.failed:
            self.stderr.write(
                f"kept aside\t{outcome.message_id}\t{outcome.sender or '(no sender)'}\t{outcome.error}"
                f"\t→ {outcome.kept_at}"
            )
        counts = result.summary()
        self.stdout.write(
            "imported {imported}, attached {attached}, ignored {ignored}, kept aside {failed}, "
            "already taken {duplicate}, for other addresses {not_addressed}".format(**counts)
        )
