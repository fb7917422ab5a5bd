"""Readers for the shipped deployment files (deploy/), shared by the tests that hold them to the settings."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ENV_EXAMPLE = ROOT / "deploy" / "balai.env.example"
NGINX_SITE = ROOT / "deploy" / "nginx" / "balai.conf"
GUIDE = ROOT / "docs" / "deploy.md"


def read_env_file(path: Path) -> dict[str, str]:
    """NAME=value lines as systemd's EnvironmentFile reads them (comments and blank lines skipped)."""
    values: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        name, _, value = line.partition("=")
        values[name.strip()] = value.strip()
    return values


def settings_under(env: dict[str, str], *names: str) -> list[str]:
    """The values of settings `names` as balai/settings.py computes them from `env`, in a fresh interpreter.

    Secrets named by *_FILE live in /etc/balai on a server; a test key stands in for them.
    """
    clean = {name: value for name, value in env.items() if not name.endswith("_FILE")}
    clean["SECRET_KEY"] = "test-only-" + "k" * 50
    base = {name: os.environ[name] for name in ("PATH", "HOME", "LANG") if name in os.environ}
    code = "from django.conf import settings\n" + "".join(f"print(settings.{name})\n" for name in names)
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**base, **clean, "DJANGO_SETTINGS_MODULE": "balai.settings", "PYTHONPATH": str(ROOT)},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.splitlines()


def nginx_blocks(text: str, header: str) -> list[str]:
    """The bodies of every `header { ... }` block (e.g. `server`, `location /static/`), nested blocks included."""
    bodies = []
    for match in re.finditer(rf"(?m)^\s*{re.escape(header)}\s*\{{", text):
        depth, start = 1, match.end()
        position = start
        while depth:
            char = text[position]
            depth += {"{": 1, "}": -1}.get(char, 0)
            position += 1
        bodies.append(text[start : position - 1])
    return bodies


def without_comments(text: str) -> str:
    return re.sub(r"(?m)#.*$", "", text)
