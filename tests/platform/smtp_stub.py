"""A tiny SMTP server on a free local port: it speaks enough of the protocol for Django's SMTP backend, offers no
STARTTLS, refuses every sign-in (535) and keeps the messages it accepts."""

from __future__ import annotations

import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class _Handler(socketserver.StreamRequestHandler):
    received: list[bytes]

    def _say(self, text: str) -> None:
        self.wfile.write(text.encode() + b"\r\n")

    def handle(self) -> None:
        self._say("220 stub ESMTP")
        while line := self.rfile.readline():
            verb = line.split(b" ", 1)[0].strip().upper()
            if verb in {b"EHLO", b"HELO"}:
                self._say("250-stub")
                self._say("250-AUTH PLAIN LOGIN")
                self._say("250 8BITMIME")
            elif verb == b"AUTH":
                self._say("535 5.7.8 Authentication credentials invalid")
            elif verb == b"STARTTLS":
                self._say("454 4.7.0 TLS not available")
            elif verb == b"DATA":
                self._say("354 go ahead")
                body = b""
                while (chunk := self.rfile.readline()) not in {b".\r\n", b""}:
                    body += chunk
                self.server.received.append(body)  # type: ignore[attr-defined]
                self._say("250 2.0.0 queued")
            elif verb == b"QUIT":
                self._say("221 bye")
                return
            else:
                self._say("250 OK")


@contextmanager
def smtp_stub() -> Iterator[tuple[int, list[bytes]]]:
    """(port, messages received)."""
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    server.received = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield int(server.server_address[1]), server.received  # type: ignore[attr-defined]
    finally:
        server.shutdown()
        server.server_close()
