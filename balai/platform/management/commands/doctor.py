from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from balai.platform.doctor import doctor_run
from balai.platform.language import add_language_option, command_language


class Command(BaseCommand):
    help = (
        "List what still stands between this installation and going live (docs/deploy.md, 'First hour after "
        "install'); exits 1 while anything is left to do."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_language_option(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(command_language(options.get("lang"))):
            results = doctor_run()
            ok_label, todo_label = _("[OK]"), _("[TO DO]")
            width = max(len(ok_label), len(todo_label))
            for check, finding in results:
                label = ok_label if finding.ok else todo_label
                line = f"{label:<{width}}  {check.title}: {finding.detail}"
                self.stdout.write(self.style.SUCCESS(line) if finding.ok else self.style.WARNING(line))
                if not finding.ok and finding.fix:
                    self.stdout.write(" " * (width + 2) + _("Fix: %(fix)s") % {"fix": finding.fix})
            left = sum(not finding.ok for _check, finding in results)
            if left:
                self.stdout.write(
                    _("%(left)d of %(total)d items still stand between this installation and going live.")
                    % {"left": left, "total": len(results)}
                )
            else:
                self.stdout.write(_("All %(total)d items are done: ready to go live.") % {"total": len(results)})
        if left:
            sys.exit(1)
