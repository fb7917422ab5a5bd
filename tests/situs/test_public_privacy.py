"""UU 27/2022: every public page, feed, export and search result of the websites walked for what must never be
public: drafts, pages waiting for review or scheduled or taken offline, rahasia reports, reporters' identities,
editors' names and emails."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.utils import timezone

from balai.core.registry import registry
from balai.lapor.services import report_submit
from balai.situs import services
from balai.situs.models import Kind
from tests.factories import ReportInputFactory

from .conftest import client_for, publish, scope, write

pytestmark = pytest.mark.django_db

SECRET = "RAHASIA-7Q3K"


def _public_urls(site: Any, pages: list[Any]) -> list[str]:
    base = site.path
    urls = ["/portal/", "/portal/layanan/", f"/portal/cari/?q={SECRET}", "/portal/cari/?q=Puskesmas", "/portal/feed/",
            "/sitemap.xml", "/robots.txt", base, *(f"{base}{s}/" for s in
            ("profil", "layanan", "berita", "agenda", "dokumen", "galeri", "kontak", "ppid", "feed"))]  # fmt: skip
    return urls + [p.path for p in pages]


def test_nothing_private_reaches_any_public_output(sites: Any, editor_dinkes: Any, publisher_dinkes: Any) -> None:
    site = sites["dinkes"]
    public = publish(write(site, editor_dinkes, title="Puskesmas buka Sabtu"))
    # A published page in both languages whose editor's changes (in both languages) wait for the publisher.
    changed = publish(write(site, editor_dinkes, title="Imunisasi gratis", title_en="Free immunisation"))
    services.page_update(actor=editor_dinkes, scope=scope(editor_dinkes), page=changed, version=None,
                         data={"body": f"Draf {SECRET}", "title_en": f"Draft {SECRET}", "body_en": SECRET})  # fmt: skip
    hidden = [
        write(site, editor_dinkes, title=f"Draf {SECRET}"),
        services.page_act(actor=editor_dinkes, scope=scope(editor_dinkes), page=write(site, editor_dinkes, title=f"Tinjau {SECRET}"), action="submit", version=None),
        services.page_act(actor=publisher_dinkes, scope=scope(publisher_dinkes), page=write(site, publisher_dinkes, kind=Kind.SERVICE, title=f"Jadwal {SECRET}"), action="publish", version=None, publish_at=timezone.now() + timezone.timedelta(days=3)),
        services.page_act(actor=publisher_dinkes, scope=scope(publisher_dinkes), page=publish(write(site, publisher_dinkes, title=f"Ditarik {SECRET}")), action="unpublish", version=None),
    ]  # fmt: skip
    report_submit(data=ReportInputFactory(title=f"Laporan {SECRET}", reporter_name="Budi Rahasia",
                                          reporter_email="budi@rahasia.id", is_confidential=True))  # fmt: skip
    client = client_for()
    for url in _public_urls(site, [public, changed, *hidden]):
        response = client.get(url)
        text = response.content.decode()
        if SECRET in url:  # the search form repeats the words asked: no result may carry them
            assert '<ul class="page-list">' not in text
            continue
        for secret in (SECRET, "Budi Rahasia", "budi@rahasia.id", "editor.dinkes", "penerbit.dinkes@"):
            assert secret not in text, (url, secret)
        if any(url == p.path for p in hidden):
            assert response.status_code == 404
    assert "Free immunisation" in client.get(changed.path).content.decode()  # what is online is shown
    for module, hits in registry.search(SECRET, 20):
        assert hits == [], module.label
    for _module, dataset in registry.datasets():
        if dataset.key.startswith("situs-"):
            rows = " ".join(str(v) for row in dataset.rows() for v in row)
            assert SECRET not in rows
            assert not re.search(r"[\w.]+@[\w.]+", rows)


def test_a_draft_photo_and_document_are_not_served_publicly(sites: Any, editor_dinkes: Any) -> None:
    import io

    from tests.factories import jpeg_bytes

    data = jpeg_bytes()
    page = services.page_create(
        actor=editor_dinkes, scope=scope(editor_dinkes), site=sites["dinkes"], kind=Kind.GALLERY,
        data={"title": "Foto draf"}, photo=services.Upload("a.jpg", len(data), io.BytesIO(data)),
    )  # fmt: skip
    assert client_for().get(f"{page.path}foto-kecil.jpg").status_code == 404
    assert client_for(editor_dinkes).get(f"/staf/situs/dinkes/halaman/{page.slug}/foto-kecil.jpg").status_code == 200
