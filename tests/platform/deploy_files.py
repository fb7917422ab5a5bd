"""Readers for the shipped deployment files (deploy/), shared by the tests that hold them to the settings."""

from __future__ import annotations

import contextlib
import http.server
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

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


@contextlib.contextmanager
def shipped_nginx_site(**replace: str) -> Iterator[tuple[int, Path]]:
    """A real nginx running deploy/nginx/balai.conf: ports moved, a self-signed certificate, logs and temporary
    files in a folder of its own, a stand-in upstream answering 200 "ok"; `replace` changes more of the file.
    Yields the HTTPS port and the folder. Skips the test where nginx or openssl is not installed."""
    if not shutil.which("nginx") or not shutil.which("openssl"):
        pytest.skip("nginx or openssl is not installed (apt-get install nginx-light openssl)")
    folder = Path(tempfile.mkdtemp(prefix="balai-nginx-"))
    folder.chmod(0o755)
    upstream = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Upstream)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    https_port, http_port = _free_port(), _free_port()
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-days", "1"),
            *("-keyout", str(folder / "key.pem"), "-out", str(folder / "cert.pem")),
        ],
        check=True,
        capture_output=True,
    )
    conf = NGINX_SITE.read_text(encoding="utf-8")
    for old, new in {
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen [::]:80;": "",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
        "listen [::]:443 ssl http2;": "",
        "/etc/letsencrypt/live/lapor.example.go.id/fullchain.pem": str(folder / "cert.pem"),
        "/etc/letsencrypt/live/lapor.example.go.id/privkey.pem": str(folder / "key.pem"),
        "/var/log/nginx/": f"{folder}/",
        "server 127.0.0.1:8000;": f"server 127.0.0.1:{upstream.server_address[1]};",
        **replace,
    }.items():
        assert old in conf
        conf = conf.replace(old, new)
    (folder / "site.conf").write_text(conf)
    temp_paths = "".join(
        f"{kind}_temp_path {folder}/{kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    (folder / "nginx.conf").write_text(
        f"pid {folder}/nginx.pid; error_log {folder}/main-error.log; events {{}}\n"
        f"http {{ {temp_paths} access_log {folder}/main-access.log; include {folder}/site.conf; }}\n"
    )
    subprocess.run(["nginx", "-c", str(folder / "nginx.conf"), "-p", str(folder)], check=True, capture_output=True)
    try:
        yield https_port, folder
    finally:
        subprocess.run(["nginx", "-c", str(folder / "nginx.conf"), "-p", str(folder), "-s", "stop"], check=False)
        upstream.shutdown()
        shutil.rmtree(folder, ignore_errors=True)


class _Upstream(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, format: str, *args: object) -> None:
        pass


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
