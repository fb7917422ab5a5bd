"""Follow docs/deploy.md on this machine, without systemd, and check that the result serves citizens.

The commands come from the guide itself: every shell block after a `<!-- smoke: NAME -->` line is read, and each
of its commands is mapped (by COMMANDS below) onto this machine: /etc/balai, /var/lib/balai, … become folders of
a temporary directory, `systemctl reload balai-web` becomes SIGHUP to the gunicorn started here, `sudo balai X`
becomes `balai X` with the environment the guide's /etc/balai/balai.env gives. A command the table does not know
stops the run (and tests/platform/test_deploy_guide.py fails), so the guide and this script cannot drift apart.

Run it through scripts/deploy-smoke.sh (a throw-away PostgreSQL, then this); it needs nginx and openssl.
SMOKE_KEEP=1 keeps the temporary directory (logs, configuration);
before the services start, standing in for the administrator, for a guide whose steps create none.
"""

from __future__ import annotations

import contextlib
import html.parser
import io
import json
import os
import re
import shlex
import shutil
import signal
import socket
import socketserver
import ssl
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "docs" / "deploy.md"
SITE_FILE = ROOT / "deploy" / "nginx" / "balai.conf"
ENV_EXAMPLE = ROOT / "deploy" / "balai.env.example"
BACKUP_UNIT = ROOT / "deploy" / "systemd" / "balai-backup.service"

# The marked blocks, in the order this script runs them (a guide without one of them fails the run).
BLOCKS = ("config", "check-config", "prepare", "nginx", "check", "upgrade", "rollback")
HOST = "lapor.smoke.test"  # what the guide's example host names become; resolved to 127.0.0.1 by this script
GUIDE_HOSTS = ("lapor.example.go.id", "YOUR.HOST.go.id", "<host>")
PROBE_SECONDS = 0.1
PROBE_TIMEOUT = 75.0  # nginx's proxy_read_timeout in the shipped site: what a citizen's browser would wait

MARKER = re.compile(r"^<!--\s*smoke:\s*([a-z0-9-]+)\s*-->\s*$")
FENCE = re.compile(r"^```")


# --- Reading the guide --------------------------------------------------------------------------------------------


def guide_blocks(text: str) -> dict[str, list[str]]:
    """The commands of every marked shell block: continuation lines joined, comments and blank lines dropped."""
    blocks: dict[str, list[str]] = {}
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        marker = MARKER.match(lines[index].strip())
        index += 1
        if not marker:
            continue
        while index < len(lines) and not lines[index].strip():
            index += 1
        if index >= len(lines) or not FENCE.match(lines[index].strip()):
            raise ValueError(f"docs/deploy.md: the smoke marker {marker.group(1)!r} is not followed by a ``` block")
        index += 1
        commands: list[str] = []
        pending = ""
        while index < len(lines) and not FENCE.match(lines[index].strip()):
            line = lines[index]
            index += 1
            if pending:
                line = pending + " " + line.strip()
                pending = ""
            if line.rstrip().endswith("\\"):
                pending = line.rstrip()[:-1].rstrip()
                continue
            command = strip_comment(line).strip()
            if command:
                commands.append(command)
        index += 1
        blocks[marker.group(1)] = commands
    return blocks


def strip_comment(line: str) -> str:
    """The line without a trailing `# comment` (a # inside quotes stays)."""
    quote = ""
    for index, char in enumerate(line):
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "#" and (index == 0 or line[index - 1].isspace()):
            return line[:index]
    return line


# --- This machine's stand-ins for the server's paths --------------------------------------------------------------


@dataclass
class Machine:
    """Where the guide's paths, ports and services are on this machine."""

    tmp: Path
    database_url: str
    restore_database_url: str
    app_port: int
    http_port: int
    https_port: int
    smtp_port: int
    as_root: bool = field(default_factory=lambda: os.geteuid() == 0)

    @property
    def paths(self) -> dict[str, str]:
        return {
            "/srv/balai": str(ROOT),
            "/etc/balai": str(self.tmp / "etc"),
            "/var/lib/balai": str(self.tmp / "lib"),
            "/var/www/balai": str(self.tmp / "www"),
            "/var/www/html": str(self.tmp / "www-html"),
            "/var/backups/balai": str(self.tmp / "backups"),
            "/var/log/nginx": str(self.tmp / "log"),
            "/etc/nginx/sites-available": str(self.tmp / "nginx" / "sites-available"),
            "/etc/nginx/sites-enabled": str(self.tmp / "nginx" / "sites-enabled"),
            f"/etc/letsencrypt/live/{HOST}": str(self.tmp / "tls"),
        }

    def local(self, text: str) -> str:
        """The guide's host names and server paths, as they are here."""
        for name in GUIDE_HOSTS:
            text = text.replace(name, HOST)
        return self.local_paths(text)

    def local_paths(self, text: str) -> str:
        """The server's paths, as they are here."""
        for server_path, here in sorted(self.paths.items(), key=lambda item: -len(item[0])):
            text = re.sub(rf"{re.escape(server_path)}(?![\w.-])", here, text)
        return text

    @property
    def origin(self) -> str:
        return f"https://{HOST}:{self.https_port}"


def resolve_host_here() -> None:
    """HOST is this machine, as /etc/hosts would say (a public name: Balai refuses `localhost` as its SITE_URL)."""
    real = socket.getaddrinfo

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        return real("127.0.0.1" if host == HOST else host, *args, **kwargs)

    socket.getaddrinfo = getaddrinfo


def free_port() -> int:
    with contextlib.closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def read_env_file(path: Path) -> dict[str, str]:
    """systemd's EnvironmentFile format: NAME=value per line, # comments."""
    values = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            name, value = line.split("=", 1)
            values[name.strip()] = value.strip()
    return values


def write_env_file(path: Path, values: dict[str, str]) -> None:
    path.write_text("".join(f"{name}={value}\n" for name, value in values.items()))


# --- A local SMTP server that keeps what it receives --------------------------------------------------------------


class MailSink(socketserver.ThreadingTCPServer):
    """Enough SMTP for Django's SMTP backend: every message is kept in `messages`."""

    allow_reuse_address = True
    daemon_threads = True

    def __init__(self, port: int) -> None:
        self.messages: list[bytes] = []
        super().__init__(("127.0.0.1", port), SmtpHandler)


class SmtpHandler(socketserver.StreamRequestHandler):
    server: MailSink

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        self.reply("220 smoke ESMTP")
        while line := self.rfile.readline():
            verb = line.decode(errors="replace").strip().split(" ")[0].upper()
            if verb in {"EHLO", "HELO"}:
                self.reply("250 smoke")
            elif verb == "DATA":
                self.reply("354 go on")
                body = b""
                while (chunk := self.rfile.readline()) not in {b".\r\n", b".\n", b""}:
                    body += chunk
                self.server.messages.append(body)
                self.reply("250 kept")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:  # MAIL, RCPT, RSET, NOOP
                self.reply("250 ok")


# --- The run ------------------------------------------------------------------------------------------------------


class StepFailedError(Exception):
    pass


class Smoke:
    def __init__(self, machine: Machine) -> None:
        self.m = machine
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        self.archives: list[Path] = []
        self.sink = MailSink(machine.smtp_port)
        threading.Thread(target=self.sink.serve_forever, daemon=True).start()
        self.tls = ssl.create_default_context(cafile=str(machine.tmp / "tls" / "fullchain.pem"))
        self.pemda_code = ""
        self.restoring = False
        self.probe: Probe | None = None
        self.tracking_code = ""

    # The environment the services get: the guide's /etc/balai/balai.env, and nothing of this shell's.
    def env(self) -> dict[str, str]:
        values = read_env_file(self.m.tmp / "etc" / "balai.env")
        if self.restoring:
            values.update(DATABASE_URL=self.m.restore_database_url, BALAI_DATA_DIR=str(self.m.tmp / "restored"))
        base = {name: os.environ[name] for name in ("PATH", "LANG", "TZ") if name in os.environ}
        return {**base, "HOME": str(self.m.tmp), "PYTHONUNBUFFERED": "1", **values}

    def balai(self, *args: str, extra_env: dict[str, str] | None = None, timeout: float = 600) -> str:
        done = subprocess.run(
            [str(ROOT / ".venv" / "bin" / "balai"), *args],
            env={**self.env(), **(extra_env or {})},
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if done.returncode != 0:
            raise StepFailedError(f"balai {' '.join(args)} exited with {done.returncode}:\n{done.stdout}{done.stderr}")
        return (done.stdout + done.stderr).strip()

    # --- what each command of the guide does here ---

    def run_balai(self, args: list[str]) -> str:
        args = [self.m.local(arg) for arg in args]
        if args[:2] == ["wilayah", "import"] and self.pemda_code and "--only" not in args:
            args += ["--only", self.pemda_code]  # the whole country takes a minute; the kota is enough here
        if args[0] == "createsuperuser" and "--noinput" not in args:
            args.append("--noinput")
        if args[0] == "restore":
            # The guide's example archive name stands for "the archive of the first step".
            backups = str(self.m.tmp / "backups") + "/"
            args = [self.archives[-1].as_posix() if a.startswith(backups) else a for a in args]
        extra_env = {}
        if args[0] == "createsuperuser":
            extra_env = {
                "DJANGO_SUPERUSER_USERNAME": "admin",
                "DJANGO_SUPERUSER_EMAIL": "admin@localhost",
                "DJANGO_SUPERUSER_PASSWORD": uuid.uuid4().hex,
            }
        before = set(self.m.tmp.joinpath("backups").glob("balai-*.tar.gz"))
        out = self.balai(*args, extra_env=extra_env)
        self.archives += sorted(
            set(self.m.tmp.joinpath("backups").glob("balai-*.tar.gz")) - before, key=lambda p: p.stat().st_mtime
        )
        return out.splitlines()[-1] if out else "ok"

    def install_env_file(self, _: list[str]) -> str:
        (self.m.tmp / "etc").mkdir(exist_ok=True)
        write_env_file(
            self.m.tmp / "etc" / "balai.env", {k: self.m.local(v) for k, v in read_env_file(ENV_EXAMPLE).items()}
        )
        return "etc/balai.env from deploy/balai.env.example"

    def write_secret_key(self, command: str) -> str:
        producer = command.split("|")[0]
        key = subprocess.run(shlex.split(producer), capture_output=True, text=True, check=True).stdout
        target = self.m.tmp / "etc" / "secret_key"
        target.write_text(key)
        target.chmod(0o640)
        return f"{len(key.strip())} characters"

    def edit_env_file(self, _: list[str]) -> str:
        """What the administrator types into the editor: this machine's database, address and mail server."""
        path = self.m.tmp / "etc" / "balai.env"
        values = read_env_file(path)
        for name in ("EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD_FILE"):
            values.pop(name, None)
        values.update(
            DATABASE_URL=self.m.database_url,
            ALLOWED_HOSTS=HOST,
            CSRF_TRUSTED_ORIGINS=self.m.origin,
            SITE_URL=self.m.origin,
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(self.m.smtp_port),
            EMAIL_USE_TLS="false",
            DEFAULT_FROM_EMAIL="Lapor Smoke <lapor@localhost>",
            WEB_CONCURRENCY="2",
        )
        write_env_file(path, values)
        return "database, host, port and SMTP of this machine"

    def install_site(self, args: list[str]) -> str:
        target = Path(self.m.local(args[-1]))
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(SITE_FILE, target)
        return f"{SITE_FILE.relative_to(ROOT)} copied"

    def run_sed(self, args: list[str]) -> str:
        # The guide's own expression, with this machine's host name for the administrator's.
        expression, path = args[-2], self.m.local_paths(args[-1])
        subprocess.run(["sed", *args[1:-2], expression.replace("YOUR.HOST.go.id", HOST), path], check=True)
        return "host name set"

    def enable_site(self, args: list[str]) -> str:
        source, link = (Path(self.m.local(a)) for a in args[-2:])
        link.parent.mkdir(parents=True, exist_ok=True)
        link.unlink(missing_ok=True)
        link.symlink_to(source)
        return "enabled"

    def nginx_test_and_reload(self, _: str) -> str:
        site = self.m.tmp / "nginx" / "sites-enabled" / "balai.conf"
        site.write_text(site_for_this_machine(site.read_text(), self.m))
        conf = write_nginx_conf(self.m)
        nginx = ["nginx", "-p", str(self.m.tmp / "nginx"), "-c", str(conf), "-e", str(self.m.tmp / "log" / "error.log")]
        test = subprocess.run([*nginx, "-t"], capture_output=True, text=True, check=False)
        if test.returncode != 0:
            raise StepFailedError(f"nginx -t failed:\n{test.stderr}")
        if "nginx" in self.processes:
            subprocess.run([*nginx, "-s", "reload"], check=True)
        else:
            self.processes["nginx"] = subprocess.Popen([*nginx, "-g", "daemon off;"])
            wait_for_port(self.m.https_port, self.processes["nginx"])
        return "configuration ok, nginx serving"

    def start_services(self, args: list[str]) -> str:
        if self.restoring:
            return "(the restored copy is checked, not served)"
        started = []
        for unit in (a for a in args if a.startswith("balai-")):
            if unit == "balai-web":
                self.start_web()
            elif unit == "balai-worker":
                self.start_worker()
            started.append(unit)
        return "started " + ", ".join(started)

    def stop_services(self, args: list[str]) -> str:
        if self.restoring:
            return "(the services of the restored copy never ran)"
        for unit in (a for a in args if a.startswith("balai-")):
            stop(self.processes.pop(unit.removeprefix("balai-"), None))
        return "stopped"

    def restart_services(self, args: list[str]) -> str:
        self.stop_services(args)
        return self.start_services(args)

    def reload_web(self, _: list[str]) -> str:
        web = self.processes["web"]
        old = children(web.pid)
        web.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            now = children(web.pid)
            if len(now) >= 2 and not (now & old):
                return f"gunicorn reloaded: workers {sorted(old)} replaced by {sorted(now)}"
            time.sleep(0.1)
        raise StepFailedError("gunicorn's old workers were still there 120 s after SIGHUP")

    def backup_unit(self, _: list[str]) -> str:
        """`systemctl start balai-backup`: what that unit's ExecStart runs."""
        exec_start = next(line for line in BACKUP_UNIT.read_text().splitlines() if line.startswith("ExecStart="))
        args = shlex.split(self.m.local(exec_start.removeprefix("ExecStart=")))
        return self.run_balai(args[1:])

    def curl(self, args: list[str]) -> str:
        url = self.m.local(next(a for a in args if a.startswith("https://")))
        url = url.replace(f"https://{HOST}/", f"{self.m.origin}/")
        status, body = self.get(url)
        if status >= 400:
            raise StepFailedError(f"{url}: HTTP {status} {body[:200]!r}")
        return f"{urlsplit(url).path}: {status} {body.decode(errors='replace').strip()[:80]}"

    # --- the run ---

    def start_web(self) -> None:
        log = (self.m.tmp / "log" / "web.log").open("ab")
        self.processes["web"] = subprocess.Popen(
            [str(ROOT / ".venv" / "bin" / "balai"), "serve", f"127.0.0.1:{self.m.app_port}"],
            env=self.env(),
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        wait_for_port(self.m.app_port, self.processes["web"], log=self.m.tmp / "log" / "web.log")
        # Ready when a worker answers (gunicorn listens before its workers have imported Balai).
        probe = urllib.request.Request(f"http://127.0.0.1:{self.m.app_port}/healthz", headers={"Host": HOST})
        deadline = time.monotonic() + 180
        while True:
            try:
                with urllib.request.urlopen(probe, timeout=180) as response:  # noqa: S310
                    if response.status == 200:
                        return
            except OSError:
                if time.monotonic() > deadline:
                    raise StepFailedError("balai serve's workers did not answer within 180 s") from None
                time.sleep(0.2)

    def start_worker(self) -> None:
        log = (self.m.tmp / "log" / "worker.log").open("ab")
        self.processes["worker"] = subprocess.Popen(
            [str(ROOT / ".venv" / "bin" / "balai"), "worker"], env=self.env(), cwd=ROOT, stdout=log, stderr=log
        )

    def get(self, url: str, timeout: float = PROBE_TIMEOUT) -> tuple[int, bytes]:
        try:
            with urllib.request.urlopen(url, context=self.tls, timeout=timeout) as response:  # noqa: S310
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def run_block(self, name: str, commands: list[str], report: Callable[[str, str, float], None]) -> None:
        for command in commands:
            action = translate(command)
            started = time.monotonic()
            result = action(self, command)
            report(f"{name}: {command}", result, time.monotonic() - started)


def children(pid: int) -> set[int]:
    try:
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True, check=False)
    except OSError:
        return set()
    return {int(p) for p in out.stdout.split()}


def stop(process: subprocess.Popen[bytes] | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=45)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def wait_for_port(port: int, process: subprocess.Popen[bytes], log: Path | None = None, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = log.read_text()[-3000:] if log else ""
            raise StepFailedError(f"{process.args!r} exited with {process.returncode}\n{tail}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return
        time.sleep(0.1)
    raise StepFailedError(f"nothing listens on port {port} after {seconds:.0f} s")


def site_for_this_machine(text: str, m: Machine) -> str:
    """The shipped site with this machine's ports and paths (the host name was set by the guide's sed)."""
    text = m.local_paths(text)
    text = re.sub(r"^\s*listen\s+\[::\]:\d+[^;]*;\s*$\n", "", text, flags=re.M)  # CI containers may lack IPv6
    text = re.sub(r"listen\s+80\b", f"listen 127.0.0.1:{m.http_port}", text)
    text = re.sub(r"listen\s+443\b", f"listen 127.0.0.1:{m.https_port}", text)
    text = re.sub(r"server\s+127\.0\.0\.1:8000\b", f"server 127.0.0.1:{m.app_port}", text)
    return text


SITE_SUBSTITUTIONS = (r"listen\s+80\b", r"listen\s+443\b", r"server\s+127\.0\.0\.1:8000\b")


def write_nginx_conf(m: Machine) -> Path:
    """nginx's main file as Debian's, shortened: everything lives in the temporary directory."""
    prefix = m.tmp / "nginx"
    for folder in ("cache", "logs"):
        (prefix / folder).mkdir(parents=True, exist_ok=True)
    user = ""
    if m.as_root:
        # Debian's nginx workers run as www-data: they must be able to read the static files, as on a server.
        user = "user www-data;" if _user_exists("www-data") else "user nobody nogroup;"
        for path in (prefix / "cache",):
            shutil.chown(path, "www-data" if _user_exists("www-data") else "nobody")
    conf = prefix / "nginx.conf"
    conf.write_text(
        f"""{user}
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {m.tmp}/log/error.log;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    access_log {m.tmp}/log/access.log;
    client_body_temp_path {prefix}/cache/body;
    proxy_temp_path {prefix}/cache/proxy;
    fastcgi_temp_path {prefix}/cache/fastcgi;
    uwsgi_temp_path {prefix}/cache/uwsgi;
    scgi_temp_path {prefix}/cache/scgi;
    include {prefix}/sites-enabled/*.conf;
}}
"""
    )
    return conf


def _user_exists(name: str) -> bool:
    import pwd

    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


# --- The guide's commands, mapped onto this machine ---------------------------------------------------------------

Action = Callable[[Smoke, str], str]


def _args(command: str) -> list[str]:
    return shlex.split(command)


def _skip(reason: str) -> Action:
    return lambda smoke, command: f"skipped: {reason}"


# (pattern on the whole command, action). The first pattern that matches wins; a command none matches is an error.
COMMANDS: list[tuple[str, Action]] = [
    (r"sudo balai \S.*", lambda s, c: s.run_balai(_args(c)[2:])),
    (
        r"sudo install -m \d+ -o root -g balai \S+/deploy/balai\.env\.example /etc/balai/balai\.env",
        lambda s, c: s.install_env_file(_args(c)),
    ),
    (r"python3 -c .*secrets.* \| sudo install .* /etc/balai/secret_key", lambda s, c: s.write_secret_key(c)),
    (r"sudo editor /etc/balai/balai\.env", lambda s, c: s.edit_env_file(_args(c))),
    (r"sudo systemctl reload balai-web", lambda s, c: s.reload_web(_args(c))),
    (
        r"sudo systemctl restart (balai-web|balai-worker)( balai-(web|worker))?",
        lambda s, c: s.restart_services(_args(c)),
    ),
    (r"sudo systemctl stop balai-\S+( balai-\S+)*", lambda s, c: s.stop_services(_args(c))),
    (r"sudo systemctl start balai-backup", lambda s, c: s.backup_unit(_args(c))),
    (r"sudo systemctl start balai-\S+( balai-\S+)*", lambda s, c: s.start_services(_args(c))),
    (r"sudo -u balai -H git -C /srv/balai (pull|fetch)\b.*", _skip("this checkout is the release under test")),
    (r"sudo -u balai -H git -C /srv/balai checkout \S+", _skip("this checkout stays: it is the release under test")),
    (r"sudo -u balai -H (make -C /srv/balai \S*install\S*|.*\buv sync\b.*)", _skip("installed already (make install)")),
    (r"curl -fsS https://\S+", lambda s, c: s.curl(_args(c))),
    (
        r"sudo cp /srv/balai/deploy/nginx/balai\.conf /etc/nginx/sites-available/balai\.conf",
        lambda s, c: s.install_site(_args(c)),
    ),
    (
        r"sudo sed -i 's/lapor\.example\.go\.id/[^/]+/g' /etc/nginx/sites-available/balai\.conf",
        lambda s, c: s.run_sed(_args(c)[1:]),
    ),
    (
        r"sudo ln -s /etc/nginx/sites-available/balai\.conf /etc/nginx/sites-enabled/balai\.conf",
        lambda s, c: s.enable_site(_args(c)),
    ),
    (r"sudo rm /etc/nginx/sites-enabled/default", _skip("this nginx has no default site")),
    (r"sudo nginx -t && sudo systemctl reload nginx", lambda s, c: s.nginx_test_and_reload(c)),
    (r"echo '[^']*' \| sudo tee -a /etc/letsencrypt/cli\.ini", _skip("no certbot: a self-signed certificate")),
]


def translate(command: str) -> Action:
    for pattern, action in COMMANDS:
        if re.fullmatch(pattern, command):
            return action
    raise StepFailedError(f"docs/deploy.md has a command this script cannot map onto a test machine: {command}")


# --- What a citizen does ------------------------------------------------------------------------------------------


class FormReader(html.parser.HTMLParser):
    """The fields of one form, as a browser would send them untouched."""

    def __init__(self, form_id: str) -> None:
        super().__init__()
        self.form_id = form_id
        self.inside = False
        self.fields: dict[str, str] = {}
        self.options: dict[str, list[str]] = {}
        self.select: str | None = None
        self.attrs: dict[str, dict[str, str]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("id") == self.form_id:
            self.inside = True
        if not self.inside:
            return
        name = a.get("name", "")
        if tag == "input" and name:
            self.attrs[name] = a
            kind = a.get("type", "text")
            if kind in {"radio", "checkbox"}:
                if "checked" in a:
                    self.fields[name] = a.get("value", "on")
            elif kind != "file":
                self.fields.setdefault(name, a.get("value", ""))
        elif tag == "select" and name:
            self.select = name
            self.options[name] = []
        elif tag == "option" and self.select is not None:
            self.options[self.select].append(a.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        if tag == "select":
            self.select = None


def multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes, str]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    out = io.BytesIO()
    for name, value in fields.items():
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, content, kind) in files.items():
        out.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {kind}\r\n\r\n".encode()
        )
        out.write(content + b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


def a_photo() -> bytes:
    from PIL import Image

    image = Image.new("RGB", (640, 480), (200, 120, 40))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


class Browser:
    """Cookies and the CSRF dance, over HTTPS, trusting the smoke's own certificate authority."""

    def __init__(self, smoke: Smoke) -> None:
        import http.cookiejar

        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), urllib.request.HTTPSHandler(context=smoke.tls)
        )

    def open(self, request: urllib.request.Request) -> tuple[int, str, bytes]:
        try:
            with self.opener.open(request, timeout=120) as response:
                return response.status, response.url, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.url, error.read()


def citizen_reports(smoke: Smoke) -> str:
    browser = Browser(smoke)
    form_url = f"{smoke.m.origin}/lapor/"
    status, _, page = browser.open(urllib.request.Request(form_url))  # noqa: S310
    if status != 200:
        raise StepFailedError(f"/lapor/: HTTP {status}")
    reader = FormReader("report-form")
    reader.feed(page.decode())
    if not [v for v in reader.options.get("category", []) if v]:
        raise StepFailedError(
            "the report form offers no category: the guide's steps leave the Pemda unable to take reports"
        )
    fields = dict(reader.fields)
    fields.update(
        category=next(v for v in reader.options["category"] if v),
        kelurahan=next(v for v in reader.options.get("kelurahan", []) if v),
        title="Jalan berlubang di depan SD Negeri 3",
        description="Lubang sedalam 20 cm sejak minggu lalu, berbahaya bagi pengendara motor di malam hari.",
        reporter_name="Warga Uji",
        reporter_email="warga@localhost",
        consent="on",
    )
    body, content_type = multipart(fields, {"photos": ("lubang.jpg", a_photo(), "image/jpeg")})
    request = urllib.request.Request(  # noqa: S310
        form_url, data=body, method="POST", headers={"Content-Type": content_type, "Referer": form_url}
    )
    status, final_url, answer = browser.open(request)
    code = re.search(r"/lapor/terkirim/([^/]+)/", final_url)
    if status != 200 or not code:
        errors = re.findall(r'class="errorlist"[^>]*><li>([^<]+)<', answer.decode(errors="replace"))
        raise StepFailedError(f"the report was not accepted (HTTP {status}, {final_url}): {errors[:5]}")
    smoke.tracking_code = code.group(1)
    return f"report {code.group(1)} accepted with one photo"


def confirmation_email_arrives(smoke: Smoke) -> str:
    if not smoke.tracking_code:
        raise StepFailedError("no report was accepted, so no confirmation can come")
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        for message in smoke.sink.messages:
            if b"warga@localhost" in message and smoke.tracking_code.encode() in message:
                return f"{len(smoke.sink.messages)} message(s); the confirmation names {smoke.tracking_code}"
        time.sleep(0.5)
    raise StepFailedError(
        f"no confirmation email for {smoke.tracking_code} within 120 s ({len(smoke.sink.messages)} other)"
    )


def static_and_map_script(smoke: Smoke) -> str:
    _, page = smoke.get(f"{smoke.m.origin}/lapor/")
    text = page.decode()
    stylesheet = re.search(r'<link[^>]+href="(/static/[^"]+\.css)"', text)
    leaflet = re.search(r'data-leaflet-js="(/static/[^"]+)"', text)
    if not stylesheet or not leaflet:
        raise StepFailedError("the report form links no stylesheet or no map script")
    results = []
    for path, must_hold in ((stylesheet.group(1), b"{"), (leaflet.group(1), b"Leaflet")):
        status, body = smoke.get(urljoin(smoke.m.origin, path))
        if status != 200 or must_hold not in body:
            raise StepFailedError(f"{path} through nginx: HTTP {status}, {len(body)} bytes")
        results.append(f"{path.rsplit('/', 1)[-1]} {len(body)} B")
    return ", ".join(results)


class Probe(threading.Thread):
    """A citizen who reloads the report form every 100 ms and counts every answer that is not a page."""

    def __init__(self, smoke: Smoke) -> None:
        super().__init__(daemon=True)
        self.smoke = smoke
        self.running = True
        self.answers: list[int | str] = []
        self.slowest = 0.0

    def run(self) -> None:
        while self.running:
            started = time.monotonic()
            try:
                status, _ = self.smoke.get(f"{self.smoke.m.origin}/lapor/", timeout=PROBE_TIMEOUT)
                self.answers.append(status)
            except OSError as error:
                self.answers.append(repr(error))
            self.slowest = max(self.slowest, time.monotonic() - started)
            time.sleep(max(0.0, PROBE_SECONDS - (time.monotonic() - started)))

    def finish(self) -> str:
        self.running = False
        self.join(timeout=PROBE_TIMEOUT + 5)
        errors = [a for a in self.answers if a != 200]
        if errors:
            raise StepFailedError(
                f"{len(errors)} of {len(self.answers)} probes failed during the upgrade: {errors[:5]}"
            )
        return f"{len(self.answers)} probes every {PROBE_SECONDS * 1000:.0f} ms, 0 errors, slowest {self.slowest:.1f} s"


def manifest(archive: Path) -> dict[str, Any]:
    with tarfile.open(archive) as tar:
        member = tar.extractfile("manifest.json")
        if member is None:
            raise StepFailedError(f"{archive.name} has no manifest.json")
        return dict(json.load(member))


def restored_matches(smoke: Smoke) -> str:
    """A backup of the restored copy holds the same rows and the same files as the one it came from."""
    original = smoke.archives[-1]
    smoke.restoring = True
    before = set(Path(smoke.m.tmp / "backups").glob("balai-*.tar.gz"))
    time.sleep(1.1)  # archive names carry the second
    smoke.balai("backup", "--output", str(smoke.m.tmp / "backups") + "/")
    smoke.restoring = False
    copy = next(iter(set(Path(smoke.m.tmp / "backups").glob("balai-*.tar.gz")) - before))
    first, second = manifest(original), manifest(copy)
    if first["counts"] != second["counts"]:
        raise StepFailedError(f"row counts differ: {first['counts']} != {second['counts']}")
    media, media_copy = media_hashes(first), media_hashes(second)
    if media != media_copy or not media:
        raise StepFailedError(f"media files differ or are missing: {len(media)} vs {len(media_copy)}")
    data = "data hash identical" if first["files"].get("data.jsonl") == second["files"].get("data.jsonl") else ""
    rows = sum(first["counts"].values())
    return f"{rows} rows in {len(first['counts'])} models, {len(media)} file(s) by sha256 identical; {data}".rstrip(
        "; "
    )


def media_hashes(manifest: dict[str, Any]) -> dict[str, str]:
    """The uploaded files an archive names, with their sha256: listed apart since backups keep media once
    (`media`, format balai-backup/2), or among the archive's own files before that (`media/...`)."""
    if isinstance(manifest.get("media"), dict):
        return {name: entry["sha256"] for name, entry in manifest["media"].items()}
    return {name: entry["sha256"] for name, entry in manifest["files"].items() if name.startswith("media/")}


def self_signed_certificate(m: Machine) -> None:
    folder = m.tmp / "tls"
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", f"/CN={HOST}",
         "-addext", f"subjectAltName=DNS:{HOST}", "-keyout", str(folder / "privkey.pem"),
         "-out", str(folder / "fullchain.pem")],
        check=True, capture_output=True,
    )  # fmt: skip


def database_urls(base: str) -> tuple[str, str]:
    """Two new databases on the server of `base` (a throw-away PostgreSQL): the install's and the restore's."""
    import psycopg
    from psycopg import sql

    admin = urlsplit(base)._replace(path="/postgres").geturl()
    suffix = uuid.uuid4().hex[:8]
    names = [f"balai_smoke_{suffix}", f"balai_restored_{suffix}"]
    with psycopg.connect(admin, autocommit=True) as conn:
        for name in names:
            conn.execute(sql.SQL("CREATE DATABASE {} ENCODING 'UTF8'").format(sql.Identifier(name)))
    first, second = (urlsplit(base)._replace(path=f"/{name}").geturl() for name in names)
    return first, second


@contextlib.contextmanager
def machine() -> Iterator[Machine]:
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith(("postgres://", "postgresql://")):
        raise SystemExit("deploy_smoke: run it through scripts/deploy-smoke.sh (a throw-away PostgreSQL)")
    tmp = Path(tempfile.mkdtemp(prefix="balai-smoke."))
    try:
        if os.geteuid() == 0:
            tmp.chmod(0o755)  # nginx's workers (www-data) walk to the static files, as on a server
        for folder in ("etc", "lib", "www/static", "www-html", "backups", "log", "restored"):
            (tmp / folder).mkdir(parents=True, exist_ok=True)
        database, restored = database_urls(base)
        yield Machine(
            tmp=tmp,
            database_url=database,
            restore_database_url=restored,
            app_port=free_port(),
            http_port=free_port(),
            https_port=free_port(),
            smtp_port=free_port(),
        )
    finally:
        if os.environ.get("SMOKE_KEEP"):
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def main() -> int:
    resolve_host_here()
    blocks = guide_blocks(GUIDE.read_text())
    missing = [name for name in BLOCKS if name not in blocks]
    if missing:
        print(f"FAIL docs/deploy.md lacks the smoke block(s) {missing}")
        return 1
    started = time.monotonic()
    failures: list[str] = []

    def report(step: str, result: str, seconds: float) -> None:
        print(f"ok   {seconds:6.1f} s  {step}\n               {result}", flush=True)

    with machine() as m:
        self_signed_certificate(m)
        smoke = Smoke(m)
        pemda = next((c for c in blocks["prepare"] if " pemda setup " in c), "")
        smoke.pemda_code = pemda.split(" pemda setup ")[1].split()[0] if pemda else ""
        # (name, step, fatal): after a failed check that later steps do not need, the run goes on, so that one
        # run lists every failure; it still ends non-zero.
        steps: list[tuple[str, Callable[[], str], bool]] = [
            *((name, lambda name=name: smoke.run_block(name, blocks[name], report) or "", True) for name in BLOCKS[:4]),
            ("services: balai serve and balai worker (step 7)", lambda: smoke.start_services(["balai-web", "balai-worker"]), True),
            ("check", lambda: smoke.run_block("check", blocks["check"], report) or "", False),
            ("a citizen reports with a photo through HTTPS", lambda: citizen_reports(smoke), False),
            ("the confirmation email reaches the SMTP server", lambda: confirmation_email_arrives(smoke), False),
            ("a static file and the map's script through nginx", lambda: static_and_map_script(smoke), False),
            ("upgrade, probed every 100 ms", lambda: upgrade_probed(smoke, blocks["upgrade"], report), True),
            ("rollback into a new database", lambda: rollback(smoke, blocks["rollback"], report), True),
            ("the restored copy matches the backup", lambda: restored_matches(smoke), True),
        ]  # fmt: skip
        try:
            for name, step, fatal in steps:
                step_started = time.monotonic()
                try:
                    result = step()
                except (StepFailedError, subprocess.CalledProcessError, OSError) as error:
                    failures.append(name)
                    print(f"FAIL {time.monotonic() - step_started:6.1f} s  {name}: {error}", flush=True)
                    if fatal:
                        for log in ("web.log", "worker.log", "error.log"):
                            path = m.tmp / "log" / log
                            if path.exists():
                                print(f"--- {log} (end)\n{path.read_text()[-2000:]}")
                        break
                else:
                    if result:
                        report(name, result, time.monotonic() - step_started)
        finally:
            if smoke.probe is not None:
                smoke.probe.running = False
            for name in ("nginx", "web", "worker"):
                stop(smoke.processes.get(name))
            smoke.sink.shutdown()
    verdict = f"FAILED ({'; '.join(failures)})" if failures else "passed"
    print(f"deploy smoke {verdict} in {time.monotonic() - started:.0f} s")
    return 1 if failures else 0


def upgrade_probed(smoke: Smoke, commands: list[str], report: Callable[[str, str, float], None]) -> str:
    smoke.probe = Probe(smoke)
    smoke.probe.start()
    smoke.run_block("upgrade", commands, report)
    time.sleep(1)  # a few answers from the new workers too
    return smoke.probe.finish()


def rollback(smoke: Smoke, commands: list[str], report: Callable[[str, str, float], None]) -> str:
    smoke.restoring = True
    try:
        smoke.run_block("rollback", commands, report)
    finally:
        smoke.restoring = False
    return ""


if __name__ == "__main__":
    sys.exit(main())
