"""One JSON line per request: route, status, latency, size. No addresses, no query strings, no personal data.

Django's own lines about a request (a CSRF failure, a server error) name its path, which can carry a tracking
code or a reporter's private link: the console handler puts the route pattern in its place (RoutesNotPaths).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

log = logging.getLogger("balai.request")


class RequestLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        if log.isEnabledFor(logging.INFO):
            match = request.resolver_match
            log.info(
                json.dumps(
                    {
                        "method": request.method,
                        # The route pattern, not the path: paths carry tracking codes.
                        "route": route_of(request),
                        "view": match.view_name if match else "",
                        "status": response.status_code,
                        "ms": round((time.perf_counter() - started) * 1000, 1),
                        "bytes": len(response.content) if not response.streaming else None,
                    },
                    separators=(",", ":"),
                )
            )
        return response


def route_of(request: HttpRequest) -> str:
    """The URL pattern a request matched (`/lacak/<str:code>/`), never its path."""
    match = getattr(request, "resolver_match", None)
    return f"/{match.route}" if match else "<unmatched>"


class RoutesNotPaths(logging.Filter):
    """Replaces a request's path in any log line about it (Django's `Forbidden (CSRF token missing.): /lacak/…`,
    `Internal Server Error: …`) by the route it matched."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        path = getattr(request, "path", "")
        if isinstance(request, HttpRequest) and path not in {"", "/"}:
            message = record.getMessage()
            if path in message:
                record.msg = message.replace(path, route_of(request))
                record.args = ()
        return True


class JsonFormatter(logging.Formatter):
    """Log records as JSON lines; a message that is already JSON is embedded as an object."""

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        payload: dict[str, object] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
        }
        try:
            parsed = json.loads(message)
        except ValueError:
            parsed = None
        if isinstance(parsed, dict):
            payload.update(parsed)
        else:
            payload["message"] = message
        if record.exc_info:
            payload["exception"] = self.formatException(record.exc_info)
        return json.dumps(payload, ensure_ascii=False)
