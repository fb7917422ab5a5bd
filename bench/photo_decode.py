"""Photo decode pressure: the peak resident memory of one server process while 8 uploads of the worst photo we
can construct arrive at once (bench/README.md, "Photo decode pressure"; summary key `photo_decode_rss_mb`).

One gunicorn worker with 8 threads (the most concurrent way to run Balai: `balai serve --threads 8`) serves a
fresh SQLite database with the demo city. For each constructed photo, a fresh server is started and 8 browsers
post the report form at the same moment, each with the photo and a missing title (an invalid form, as an
attacker sends it: its valid photos are decoded, and kept). psutil samples the worker's RSS every 20 ms.

    uv run python -m bench.photo_decode --out bench/results/<timestamp>-photo-decode.json
    uv run python -m bench.photo_decode --code /tmp/balai-before   # the same load against another checkout
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psutil
from PIL import Image

from .client import Visitor, csrf_token, form_token
from .figures import format_summary
from .server import RssSampler, Server, _wait_ready, free_port

ROOT = Path(__file__).resolve().parents[1]
PREPARE = (
    "import django; django.setup()\n"
    "from django.core.management import call_command\n"
    "call_command('migrate', interactive=False, verbosity=0)\n"
    "call_command('createcachetable', verbosity=0)\n"
    "from balai.platform.demo import load_demo\n"
    "load_demo(reports=0, modules=False)\n"
    "from balai.lapor.models import Category\n"
    "from balai.core.models import Wilayah\n"
    "print(Category.objects.get(slug='jalan-rusak').pk,"
    " Wilayah.objects.filter(level=4, code__startswith='71.72.').order_by('code').first().code)\n"
)


def _encode(image: Image.Image, fmt: str, **params: Any) -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt, **params)
    return out.getvalue()


# The worst photos we could construct: tiny files that claim (and hold) many pixels, just under the limits of
# the code before (60 megapixels for every format) and after (50 for a baseline JPEG, 8 for the formats decoded
# whole). A uniform picture compresses best, so each is a few hundred KB at most.
PHOTOS: dict[str, Callable[[], bytes]] = {
    "png_rgba_60mp": lambda: _encode(Image.new("RGBA", (7745, 7745)), "PNG", compress_level=9),
    "jpeg_progressive_60mp": lambda: _encode(
        Image.new("RGB", (7745, 7745), (128, 128, 128)), "JPEG", progressive=True, quality=10, subsampling=0
    ),
    "jpeg_baseline_50mp": lambda: _encode(
        Image.new("RGB", (8160, 6120), (128, 128, 128)), "JPEG", quality=10, subsampling=0
    ),
    "png_rgba_8mp": lambda: _encode(Image.new("RGBA", (2828, 2828)), "PNG", compress_level=9),
    "jpeg_progressive_8mp": lambda: _encode(
        Image.new("RGB", (2828, 2828), (128, 128, 128)), "JPEG", progressive=True, quality=10, subsampling=0
    ),
    "webp_rgba_8mp": lambda: _encode(Image.new("RGBA", (2828, 2828)), "WEBP", lossless=True),
}


def _multipart(fields: list[tuple[str, str]], photo: bytes, name: str) -> tuple[bytes, str]:
    boundary = "----balaiphotobench"
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode() for k, v in fields]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="photos"; filename="{name}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n".encode()
        + photo
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def _server(code: Path, env: dict[str, str], log: Path, threads: int) -> Server:
    port = free_port()
    command = [
        sys.executable, "-m", "gunicorn", "balai.wsgi:application", "--bind", f"127.0.0.1:{port}",
        "--workers", "1", "--threads", str(threads), "--timeout", "300", "--no-control-socket",
        "--log-level", "warning", "--chdir", str(code),
    ]  # fmt: skip
    with log.open("ab") as out:
        process = subprocess.Popen(command, env=env, cwd=code, stdout=out, stderr=out)  # noqa: S603
    server = Server(port, process, log)
    deadline = time.monotonic() + 300  # a busy machine: the shared _wait_ready gives up after 60 s
    while True:
        try:
            _wait_ready(server, log)
            return server
        except RuntimeError:
            if server.process.poll() is not None or time.monotonic() > deadline:
                raise


def _stop(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()


def _worker_rss_mb(server: Server) -> float:
    return round(max(psutil.Process(pid).memory_info().rss for pid in server.worker_pids()) / 2**20, 1)


def measure_photo(
    code: Path, env: dict[str, str], log: Path, city: tuple[str, str], name: str, photo: bytes, uploads: int
) -> dict[str, Any]:
    server = _server(code, env, log, threads=uploads)
    try:
        browsers = [Visitor(server.port, timeout=600) for _ in range(uploads)]
        bodies = []
        for browser in browsers:
            page = browser.get("/lapor/").body
            fields = [
                ("csrfmiddlewaretoken", csrf_token(page)), ("form_token", form_token(page)),
                ("kind", "pengaduan"), ("category", city[0]), ("kelurahan", city[1]), ("title", ""),
                ("description", "Lubang besar di tengah jalan sejak dua minggu, motor sering jatuh."),
                ("reporter_name", "Warga"), ("reporter_email", "warga@example.id"), ("consent", "on"),
            ]  # fmt: skip
            bodies.append(_multipart(fields, photo, f"{name}.img"))
        idle = _worker_rss_mb(server)
        start = threading.Barrier(uploads)
        answers: list[tuple[int, float, str]] = []

        def send(browser: Visitor, body: tuple[bytes, str]) -> None:
            start.wait(timeout=60)
            reply = browser.request("POST", "/lapor/", body=body[0], headers={"Content-Type": body[1]})
            text = reply.body.decode("utf-8", "replace")
            errors = re.findall(r'class="field-error"[^>]*>([^<]*)<', text) or re.findall(r"Foto 1[^<]*", text)
            answers.append((reply.status, round(reply.seconds, 2), (errors or [""])[0][:200]))

        threads = [threading.Thread(target=send, args=pair) for pair in zip(browsers, bodies, strict=True)]
        with RssSampler(server, interval=0.02) as sampler:
            began = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=900)
            seconds = time.perf_counter() - began
        return {
            "photo": name,
            "bytes": len(photo),
            "uploads": uploads,
            "idle_rss_mb": idle,
            "peak_rss_mb": round(sampler.peak_bytes / 2**20, 1),
            "seconds": round(seconds, 2),
            "answers": sorted(answers),
        }
    finally:
        _stop(server)


def main() -> None:
    parser = argparse.ArgumentParser(description="Peak RSS of one server process under concurrent photo uploads.")
    parser.add_argument("--code", type=Path, default=ROOT, help="the Balai checkout to serve (default: this one)")
    parser.add_argument("--uploads", type=int, default=8)
    parser.add_argument("--photos", default=",".join(PHOTOS), help="which constructed photos, comma-separated")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    code = args.code.resolve()
    with tempfile.TemporaryDirectory(prefix="balai-photo-bench-") as folder:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "balai.settings",
            "DATABASE_URL": f"sqlite:///{folder}/balai.sqlite3",
            "BALAI_DATA_DIR": f"{folder}/data",
            "MEDIA_ROOT": f"{folder}/media",
            "SECRET_KEY": "photo-bench-only-not-a-secret-0123456789abcdefghijklmnopqrstuv",
            "ALLOWED_HOSTS": "127.0.0.1",
            "DEBUG": "false",
            "RATELIMIT_REPORTS": "1000000/h",
            "RATELIMIT_PHOTO_RETRIES": "1000000/h",
            "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "PYTHONPATH": str(code),
        }
        prepared = subprocess.run(  # noqa: S603
            [sys.executable, "-c", PREPARE], env=env, cwd=code, capture_output=True, text=True, check=True
        )
        category, kelurahan = prepared.stdout.split()[-2:]
        log = Path(folder) / "gunicorn.log"
        results = []
        for name in args.photos.split(","):
            result = measure_photo(code, env, log, (category, kelurahan), name, PHOTOS[name](), args.uploads)
            print(json.dumps(result), flush=True)
            results.append(result)
    commit = subprocess.run(  # noqa: S603
        ["git", "-C", str(code), "rev-parse", "--short", "HEAD"],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    summary = {
        "code": str(code),
        "git": commit,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "load_average": os.getloadavg(),
        "results": results,
        "photo_decode_rss_mb": max(r["peak_rss_mb"] for r in results),
    }
    if args.out:
        args.out.write_text(json.dumps(summary, indent=2) + "\n")
    print(format_summary({"photo_decode_rss_mb": summary["photo_decode_rss_mb"]}))


if __name__ == "__main__":
    main()
