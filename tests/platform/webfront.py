"""A small real web server in front of Balai, as nginx is in production: it serves /static/ from a folder and
proxies everything else to the app with `X-Forwarded-Proto`, passing the Host header with its port
(`$http_host`) or without it (`$host`, the trap of a site on a non-443 port). It listens on this machine's
non-loopback address, so that SITE_URL can name it (a loopback SITE_URL is refused by design)."""

from __future__ import annotations

import http.client
import http.server
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-connection"}


def public_address() -> str | None:
    """This machine's address on its default route (no packet is sent), or None if it has only loopback."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))
        except OSError:
            return None
        address = str(probe.getsockname()[0])
    return None if address.startswith("127.") or address == "0.0.0.0" else address  # noqa: S104


@dataclass
class Front:
    url: str
    static_root: Path


@contextmanager
def web_front(*, address: str, static_root: Path, backend: str = "", keep_port: bool = True) -> Iterator[Front]:
    backend_parts = urlsplit(backend)

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, directory=str(static_root), **kwargs)  # type: ignore[arg-type]

        def log_message(self, *args: object) -> None:
            pass

        def _proxy(self) -> None:
            if not backend:
                self.send_error(502)
                return
            host = self.headers.get("Host", "")
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
            headers["Host"] = host if keep_port else host.rsplit(":", 1)[0]
            headers["X-Forwarded-Proto"] = "http"
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            # "localhost" may mean ::1 first, where the test server does not listen.
            backend_host = "127.0.0.1" if backend_parts.hostname == "localhost" else backend_parts.hostname or ""
            upstream = http.client.HTTPConnection(backend_host, backend_parts.port, timeout=60)
            try:
                upstream.request(self.command, self.path, body=body or None, headers=headers)
                answer = upstream.getresponse()
                payload = answer.read()
            finally:
                upstream.close()
            self.send_response(answer.status)
            for name, value in answer.getheaders():
                if name.lower() not in HOP_BY_HOP | {"content-length"}:
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def do_GET(self) -> None:
            if self.path.startswith("/static/"):
                super().do_GET()
            else:
                self._proxy()

        def do_POST(self) -> None:
            self._proxy()

    server = http.server.ThreadingHTTPServer((address, 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Front(url=f"http://{address}:{server.server_address[1]}", static_root=static_root)
    finally:
        server.shutdown()
        server.server_close()
