"""The report form's photos beyond the allowed number are counted and dropped while the request is read.

Django refuses a request with more than DATA_UPLOAD_MAX_NUMBER_FILES files before any view runs (a bare
"Bad Request (400)" that loses what was typed). This handler, first in FILE_UPLOAD_HANDLERS, lets the form
see every text field and the first PHOTO_MAX_COUNT photos, skips the rest unread into memory or disk, and
leaves the number sent on the request so that the form can say "at most 5; you chose 11".
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile

# Where photos are sent: the web form and the JSON API (their URL names).
PHOTO_VIEWS = frozenset({"lapor:create", "api-v1:report_create"})
FILES_SENT = "balai_files_sent"


class PhotoCountHandler(FileUploadHandler):
    def new_file(self, field_name: str, *args: Any, **kwargs: Any) -> None:
        request = self.request
        match = getattr(request, "resolver_match", None)
        if request is None or match is None or match.view_name not in PHOTO_VIEWS or field_name != "photos":
            return
        sent = getattr(request, FILES_SENT, 0) + 1
        setattr(request, FILES_SENT, sent)
        if sent > settings.PHOTO_MAX_COUNT:
            raise SkipFile

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def files_sent(request: Any) -> int:
    """How many photos the request carried, the skipped ones included (0 for none or another view)."""
    return int(getattr(request, FILES_SENT, 0))
