"""A small HTTP/1.1 client for the load generators: one visitor's cookies, CSRF tokens, bytes on the wire.

Plain `http.client`, one connection per request (gunicorn's sync workers close it after each response).
"""

from __future__ import annotations

import http.client
import re
import secrets
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode

BROWSER_ACCEPT_ENCODING = "gzip, br"
_CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
_FORM_TOKEN = re.compile(rb'name="form_token" value="([^"]+)"')


@dataclass
class Reply:
    status: int
    headers: list[tuple[str, str]]
    body: bytes  # as received: still compressed if the server compressed it
    header_bytes: int  # status line and headers, as on the wire
    seconds: float

    def header(self, name: str) -> str | None:
        name = name.lower()
        return next((value for key, value in self.headers if key.lower() == name), None)

    @property
    def wire_bytes(self) -> int:
        return self.header_bytes + len(self.body)


class HttpError(RuntimeError):
    pass


@dataclass
class Visitor:
    """One browser against one server: keeps its cookies between requests."""

    port: int
    host: str = "127.0.0.1"
    accept_encoding: str = BROWSER_ACCEPT_ENCODING
    cookies: dict[str, str] = field(default_factory=dict)
    timeout: float = 60.0

    def request(
        self, method: str, path: str, *, body: bytes | None = None, headers: dict[str, str] | None = None
    ) -> Reply:
        sent = {
            "Host": f"{self.host}:{self.port}",
            "User-Agent": "balai-bench/1",
            "Accept": "text/html,*/*",
            "Accept-Encoding": self.accept_encoding,
            **(headers or {}),
        }
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        started = time.perf_counter()
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            data = response.read()
        finally:
            connection.close()
        seconds = time.perf_counter() - started
        pairs = list(response.getheaders())
        for key, value in pairs:
            if key.lower() == "set-cookie":
                jar: SimpleCookie = SimpleCookie()
                jar.load(value)
                for name, morsel in jar.items():
                    if morsel["max-age"] == "0" or morsel.value == "":
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value
        status_line = f"HTTP/1.1 {response.status} {response.reason}\r\n"
        header_bytes = len(status_line) + sum(len(f"{k}: {v}\r\n") for k, v in pairs) + 2
        return Reply(response.status, pairs, data, header_bytes, seconds)

    def get(self, path: str, *, expect: int | None = 200) -> Reply:
        reply = self.request("GET", path)
        if expect is not None and reply.status != expect:
            raise HttpError(f"GET {path}: {reply.status}, expected {expect}")
        return reply

    def post_form(self, path: str, fields: list[tuple[str, str]], *, multipart: bool = False) -> Reply:
        if multipart:
            body, content_type = encode_multipart(fields)
        else:
            body, content_type = urlencode(fields).encode(), "application/x-www-form-urlencoded"
        return self.request("POST", path, body=body, headers={"Content-Type": content_type})


def csrf_token(html: bytes) -> str:
    found = _CSRF.search(html)
    if not found:
        raise HttpError("no CSRF token in the page")
    return found.group(1).decode()


def form_token(html: bytes) -> str:
    found = _FORM_TOKEN.search(html)
    if not found:
        raise HttpError("no form_token in the page")
    return found.group(1).decode()


def encode_multipart(fields: list[tuple[str, str]], empty_files: tuple[str, ...] = ("photos",)) -> tuple[bytes, str]:
    """The body a browser sends for an `enctype="multipart/form-data"` form, with no file chosen."""
    boundary = "----balaibench" + secrets.token_hex(8)
    parts = []
    for name, value in fields:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    parts.extend(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename=""\r\n'
        "Content-Type: application/octet-stream\r\n\r\n\r\n".encode()
        for name in empty_files
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"
