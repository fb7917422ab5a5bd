"""A mail server whose certificate comes from a Pemda's internal CA is trusted once SSL_CERT_FILE names a bundle
holding that CA (docs/deploy.md, "Mail servers with an internal certificate authority"), and not before: Balai's
SMTP connection (Django's backend, STARTTLS as on port 587) verifies certificates against that file."""

from __future__ import annotations

import socket
import ssl
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.mail import EmailMessage
from django.core.mail.backends.smtp import EmailBackend


@pytest.fixture
def internal_ca(tmp_path: Path) -> Path:
    """A root CA and a certificate for `localhost` signed by it, as a Pemda's IT department would issue."""

    def openssl(command: str) -> None:
        subprocess.run(["openssl", *command.split()], cwd=tmp_path, check=True, capture_output=True)

    openssl("req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=Pemda-Root-CA -keyout ca.key -out ca.pem")
    (tmp_path / "san.cnf").write_text("subjectAltName=DNS:localhost\n")
    openssl("req -newkey rsa:2048 -nodes -subj /CN=localhost -keyout mail.key -out mail.csr")
    openssl("x509 -req -in mail.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -out mail.pem -extfile san.cnf")
    return tmp_path


@pytest.fixture
def smtp_server(internal_ca: Path) -> Iterator[tuple[int, list[bytes]]]:
    """A small SMTP server offering STARTTLS with the internal certificate; yields its port and the messages."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(internal_ca / "mail.pem", internal_ca / "mail.key")
    listener = socket.create_server(("127.0.0.1", 0))
    received: list[bytes] = []

    def serve() -> None:
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            try:
                _converse(connection, context, received)
            except (OSError, ssl.SSLError):
                pass
            finally:
                connection.close()

    threading.Thread(target=serve, daemon=True).start()
    yield listener.getsockname()[1], received
    listener.close()


def _converse(connection: socket.socket, context: ssl.SSLContext, received: list[bytes]) -> None:
    stream = connection.makefile("rwb")

    def say(line: str) -> None:
        stream.write(line.encode() + b"\r\n")
        stream.flush()

    say("220 mail.pemda.local ESMTP")
    while line := stream.readline():
        verb = line.split(b" ", 1)[0].strip().upper()
        if verb == b"EHLO":
            say("250-mail.pemda.local")
            say("250 STARTTLS" if not isinstance(connection, ssl.SSLSocket) else "250 SIZE 10240000")
        elif verb == b"STARTTLS":
            say("220 go ahead")
            connection = context.wrap_socket(connection, server_side=True)
            stream = connection.makefile("rwb")
        elif verb in {b"MAIL", b"RCPT", b"RSET", b"NOOP"}:
            say("250 ok")
        elif verb == b"DATA":
            say("354 end with .")
            body = b""
            while (chunk := stream.readline()) not in {b".\r\n", b""}:
                body += chunk
            received.append(body)
            say("250 queued")
        elif verb == b"QUIT":
            say("221 bye")
            return
        else:
            say("502 not implemented")


def _send(port: int) -> int:
    backend = EmailBackend(host="localhost", port=port, use_tls=True, timeout=10, fail_silently=False)
    message = EmailMessage("Uji", "Surat uji.", "lapor@bitungkota.go.id", ["diskominfo@bitungkota.go.id"])
    return backend.send_messages([message])


def test_without_the_internal_ca_the_mail_server_is_refused(
    smtp_server: tuple[int, list[bytes]], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    port, received = smtp_server
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)

    with pytest.raises(ssl.SSLCertVerificationError):
        _send(port)

    assert received == []


def test_a_bundle_with_the_internal_ca_in_ssl_cert_file_lets_mail_through(
    smtp_server: tuple[int, list[bytes]], monkeypatch: pytest.MonkeyPatch, internal_ca: Path
) -> None:
    port, received = smtp_server
    system = Path(ssl.get_default_verify_paths().cafile or "/etc/ssl/certs/ca-certificates.crt")
    bundle = internal_ca / "ca-bundle.pem"
    bundle.write_bytes((system.read_bytes() if system.exists() else b"") + (internal_ca / "ca.pem").read_bytes())
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle))

    assert _send(port) == 1

    assert len(received) == 1
    assert b"Surat uji." in received[0]
