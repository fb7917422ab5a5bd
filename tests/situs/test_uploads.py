"""Photos go through the report photos' pipeline (re-encoded, metadata gone, a small rendition); documents are
checked by what they contain, not by their name."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from balai.situs import services
from balai.situs.models import Page
from balai.situs.services import SitusError, Upload
from tests.factories import jpeg_bytes

from .conftest import scope

pytestmark = pytest.mark.django_db


def _upload(name: str, content: bytes) -> Upload:
    return Upload(name, len(content), io.BytesIO(content))


def _gps_exif() -> Any:
    exif = Image.Exif()
    exif[0x8825] = {2: (1.0, 26.0, 0.0), 4: (125.0, 11.0, 0.0)}  # GPSInfo: a latitude and longitude
    exif[0x010F] = "KameraHP"
    return exif


def test_a_photo_is_re_encoded_without_its_metadata_and_gets_a_small_copy(sites: Any, editor_dinkes: Any) -> None:
    page = services.page_create(
        actor=editor_dinkes, scope=scope(editor_dinkes), site=sites["dinkes"], kind="berita",
        data={"title": "Foto kegiatan", "photo_alt": "Petugas menimbang balita"},
        photo=_upload("IMG_0001.jpg", jpeg_bytes(2400, 1600, exif=_gps_exif())),
    )  # fmt: skip
    with default_storage.open(page.photo.name) as f:
        full = Image.open(io.BytesIO(f.read()))
    with default_storage.open(page.photo_small.name) as f:
        small = Image.open(io.BytesIO(f.read()))
    assert max(full.size) <= 1600 and max(small.size) == services.RENDITION_SIDE
    assert not full.getexif().get_ifd(0x8825) and 0x010F not in full.getexif()


def test_a_file_that_is_not_a_photo_is_refused_and_no_page_is_made(sites: Any, editor_dinkes: Any) -> None:
    with pytest.raises(SitusError):
        services.page_create(
            actor=editor_dinkes, scope=scope(editor_dinkes), site=sites["dinkes"], kind="berita",
            data={"title": "Foto"}, photo=_upload("foto.jpg", b"<html>not a photo</html>"),
        )  # fmt: skip
    assert not Page.objects.exists()


def _docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("laporan.pdf", b"%PDF-1.7\n%\xe2\xe3\n1 0 obj\n", "pdf"),
        ("renstra.docx", _docx(), "docx"),
        ("salah-nama.docx", b"%PDF-1.4\n", "pdf"),
        ("lama.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, "doc"),
    ],
    ids=["pdf", "docx", "pdf-named-docx", "ole-doc"],
)
def test_documents_are_known_by_their_content(
    sites: Any, editor_dinkes: Any, name: str, content: bytes, kind: str
) -> None:
    page = services.page_create(
        actor=editor_dinkes, scope=scope(editor_dinkes), site=sites["dinkes"], kind="dokumen",
        data={"title": "Renstra Dinkes 2025-2029"}, document=_upload(name, content),
    )  # fmt: skip
    assert page.document_type == kind and page.document_size == len(content)
    assert page.document.name.endswith(f".{kind}")


@pytest.mark.parametrize(
    "content", [b"MZ\x90\x00 an executable", b"PK\x03\x04 broken zip", b""], ids=["exe", "bad-zip", "empty"]
)
def test_anything_else_is_refused(sites: Any, editor_dinkes: Any, content: bytes) -> None:
    with pytest.raises(SitusError):
        services.page_create(
            actor=editor_dinkes, scope=scope(editor_dinkes), site=sites["dinkes"], kind="dokumen",
            data={"title": "Dokumen"}, document=_upload("dokumen.pdf", content),
        )  # fmt: skip
    assert not Page.objects.exists()
