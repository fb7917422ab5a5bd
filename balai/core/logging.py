"""One JSON line per request: route, status, latency, size. No addresses, no query strings, no personal data."""

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
                        "route": f"/{match.route}" if match else "<unmatched>",
                        "view": match.view_name if match else "",
                        "status": response.status_code,
                        "ms": round((time.perf_counter() - started) * 1000, 1),
                        "bytes": len(response.content) if not response.streaming else None,
                    },
                    separators=(",", ":"),
                )
            )
        return response


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
