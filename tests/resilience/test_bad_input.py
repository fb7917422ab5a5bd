"""Whatever arrives at the report form (junk text, control characters, huge values, wrong types, broken photos),
the answer is the form with its errors, never a server error, and nothing is stored unless it was all valid."""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from PIL import Image

from balai.core.models import Pemda
from balai.lapor.models import Category, Report, ReportEvent, ReportPhoto
from tests.factories import kelurahan

from .harness import multipart

pytestmark = [pytest.mark.resilience, pytest.mark.django_db]

FORM_URL = "/lapor/"
MISSING = object()
FIELDS = [
    "kind", "category", "title", "description", "kelurahan", "address", "latitude", "longitude", "reporter_name",
    "reporter_email", "reporter_phone", "is_anonymous", "is_confidential", "consent", "website", "form_token",
    "keep_photos", "q__jalan-rusak__ukuran", "csrfmiddlewaretoken", "something_else",
]  # fmt: skip


def _image(fmt: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 200)).save(out, format=fmt)
    return out.getvalue()


JPEG, PNG = _image("JPEG"), _image("PNG")
MAGIC = [b"\xff\xd8\xff\xe0", b"\x89PNG\r\n\x1a\n", b"GIF89a", b"RIFF\x10\x00\x00\x00WEBPVP8 ", b"BM", b"II*\x00"]

text = st.text(max_size=200)  # every code point but surrogates: control characters, RTL marks, emoji, NUL
long_text = st.builds(lambda ch, n: ch * n, st.characters(), st.integers(1_000, 3_000_000))
number = st.one_of(
    st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["NaN", "-Infinity", "1e999999", "1E-999999", "0x1A", "１２３", "٣٫٥", "1,5", " 1.5 ", "+-1"]),
)
junk = st.one_of(text, long_text, number, st.booleans(), st.lists(st.one_of(text, number), max_size=3))


@dataclass(frozen=True)
class Upload:
    name: str
    content: bytes
    is_photo: bool


uploads = st.lists(
    st.one_of(
        st.builds(Upload, st.text(max_size=40), st.binary(max_size=3000), st.just(False)),
        st.builds(
            Upload, st.just("foto.jpg"), st.builds(bytes.__add__, st.sampled_from(MAGIC), st.binary(max_size=500)),
            st.just(False),
        ),
        st.builds(Upload, st.just("potong.jpg"), st.builds(lambda n: JPEG[:n], st.integers(1, len(JPEG) - 1)),
                  st.just(False)),
        st.builds(Upload, st.sampled_from(["jalan.jpg", "got.png"]), st.sampled_from([JPEG, PNG]), st.just(True)),
    ),
    max_size=6,
)  # fmt: skip


def valid_report(city: Pemda) -> dict[str, Any]:
    return {
        "kind": "pengaduan",
        "category": str(Category.objects.get(slug="jalan-rusak").pk),
        "title": "Jalan berlubang di depan SD Negeri 3",
        "description": "Lubang besar di tengah jalan sejak dua minggu, motor sering jatuh di sana.",
        "kelurahan": kelurahan().code,
        "address": "Jl. Sam Ratulangi",
        "latitude": "1.445000",
        "longitude": "125.190000",
        "reporter_name": "Yohanes Sumampouw",
        "reporter_email": "yohanes@example.id",
        "reporter_phone": "0812-3456-7890",
        "consent": "on",
        "form_token": str(uuid.uuid4()),
    }


def stored() -> tuple[int, int, int]:
    return Report.objects.count(), ReportEvent.objects.count(), ReportPhoto.objects.count()


@pytest.fixture
def open_limits(settings: Any) -> None:
    settings.RATELIMIT_REPORTS = "1000000/h"


# Pillow warns about the broken EXIF blocks some generated photos carry; refusing them is the point.
@pytest.mark.filterwarnings("ignore:Corrupt EXIF data:UserWarning")
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(changes=st.dictionaries(st.sampled_from(FIELDS), st.one_of(st.just(MISSING), junk), max_size=4), photos=uploads)
def test_no_submission_however_broken_gets_a_server_error_or_stores_a_partial_report(
    city: Pemda, open_limits: None, changes: dict[str, Any], photos: list[Upload]
) -> None:
    data = valid_report(city)
    for name, value in changes.items():
        if value is MISSING:
            data.pop(name, None)
        else:
            data[name] = value
    fields = [
        (name, str(item)) for name, value in data.items() for item in (value if isinstance(value, list) else [value])
    ]
    body, content_type = multipart(fields, [("photos", p.name, p.content) for p in photos])
    before = stored()

    response = Client().post(FORM_URL, body, content_type=content_type)

    event(f"status {response.status_code}")  # shown by --hypothesis-show-statistics
    assert response.status_code in (200, 302, 400, 429)
    if response.status_code == 302:
        code = response["Location"].removeprefix("/lapor/terkirim/").strip("/")
        report = Report.objects.get(code=code)
        assert report.events.count() == 1
        assert report.photos.count() == report.photo_count
        assert stored()[0] == before[0] + 1
        return
    assert stored() == before
    if response.status_code in (200, 429):
        assert b'id="error-summary"' in response.content
    # The untouched form with real photos (at most five) must have been accepted.
    real_photos = [p for p in photos if p.name]
    assert changes or len(real_photos) > 5 or not all(p.is_photo for p in real_photos), response.content[:3000]
