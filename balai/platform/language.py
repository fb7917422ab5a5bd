"""The language of what an operator's command prints: `--lang`, else the LANGUAGE environment variable, else the
Pemda's (LANGUAGE_CODE, Indonesian)."""

from __future__ import annotations

import os

from django.conf import settings


def command_language(chosen: str | None = None) -> str:
    """`id` or `en`. LANGUAGE may be a gettext list such as `en_US:en`: its first known language wins."""
    known = {code for code, _name in settings.LANGUAGES}
    if chosen:
        return chosen if chosen in known else settings.LANGUAGE_CODE
    for part in os.environ.get("LANGUAGE", "").split(":"):
        code = part.split("_")[0].split(".")[0].lower()
        if code in known:
            return code
    return settings.LANGUAGE_CODE


def add_language_option(parser: object) -> None:
    """`--lang id|en` on a command (argparse parser or sub-parser)."""
    parser.add_argument(  # type: ignore[attr-defined]
        "--lang",
        choices=[code for code, _name in settings.LANGUAGES],
        help="language of the output (default: LANGUAGE from the environment, else Indonesian)",
    )
