"""`balai situs import-wordpress`: a WordPress export (WXR 1.2, as WordPress writes it) into a unit's site;
a second run changes nothing but what changed."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from balai.situs.models import TRANSLATED_FIELDS, Page

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"
EXPORT = FIXTURES / "dinkes-wordpress.xml"


def _run(*extra: str) -> str:
    out = io.StringIO()
    call_command("situs", "import-wordpress", str(EXPORT), "--unit", "dinkes", *extra, stdout=out)
    return out.getvalue()


def test_posts_pages_and_attachments_arrive_and_a_rerun_doubles_nothing(city: Any) -> None:
    out = _run("--uploads", str(FIXTURES / "uploads"))
    assert "6 new, 0 updated." in out and "pengumuman" in out
    pages = {p.wp_id: p for p in Page.objects.filter(site__unit__slug="dinkes")}
    news = pages[101]
    assert (news.kind, news.status, news.slug) == ("berita", "published", "imunisasi-campak-rubela")
    assert news.title == "Imunisasi Campak & Rubela di Posyandu Girian"
    assert news.published_at == datetime(2025, 3, 3, 1, 30, tzinfo=UTC)
    assert news.body.startswith(
        "Dinas Kesehatan mengajak orang tua membawa balita ke Posyandu Girian untuk imunisasi campak–rubela (MR)."
    )
    assert "Jadwal: Senin–Jumat, pukul 08.00–12.00 WITA. Bawa buku KIA.\n\nGratis" in news.body
    assert "<" not in news.body and "wp:paragraph" not in news.body
    assert news.summary == "Imunisasi MR gratis untuk balita di Posyandu Girian."
    assert not any(getattr(p, f"{n}_en") for p in pages.values() for n in TRANSLATED_FIELDS)  # Indonesian only
    assert pages[102].kind == "pengumuman"
    assert pages[103].status == "draft"  # a WordPress draft stays a draft
    assert (pages[5].kind, pages[5].status) == ("halaman", "published")
    assert "Perumusan kebijakan" in pages[5].body
    assert pages[120].kind == "galeri" and pages[120].photo and pages[120].photo_small
    assert (pages[121].kind, pages[121].document_type) == ("dokumen", "pdf")
    assert 130 not in pages  # menu items are not content
    assert "sari.warga@example.id" not in " ".join(p.body for p in pages.values())  # comments are not imported

    again = _run("--uploads", str(FIXTURES / "uploads"))
    assert "0 new, 6 updated." in again
    assert Page.objects.filter(site__unit__slug="dinkes").count() == 6
    assert Page.objects.get(wp_id=101).revisions.count() == 1  # nothing changed: no new revision


def test_without_the_uploads_folder_the_attachments_are_named_not_lost(city: Any) -> None:
    out = _run()
    assert "4 new" in out
    assert (
        "Attachment without its file (give --uploads): 120: https://dinkes.bitungkota.go.id/wp-content/uploads/2025/03/posyandu-girian.jpg"
        in out
    )


def test_a_broken_export_is_refused_with_a_clear_message(city: Any, tmp_path: Path) -> None:
    broken = tmp_path / "broken.xml"
    broken.write_text("<rss><channel><item><title>Tanpa akhir", encoding="utf-8")
    with pytest.raises(CommandError, match="could not be read"):
        call_command("situs", "import-wordpress", str(broken), "--unit", "dinkes")
    assert not Page.objects.exists()
    with pytest.raises(CommandError, match="No unit"):
        call_command("situs", "import-wordpress", str(EXPORT), "--unit", "tidak-ada")
