"""The freshness rule on a hand-made calendar: what makes a site stale, the reasons it gives, the readiness flag
and the weekly email to the site's editors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.files.storage import default_storage

from balai.core.registry import registry
from balai.situs import services
from balai.situs.freshness import stale_reasons
from balai.situs.models import Kind, Site

from .conftest import publish, write

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 1, 5, 2, 0, tzinfo=UTC)  # a Monday morning in Bitung


def _current(site: Site, now: datetime) -> Site:
    """A site that keeps every rule at `now`: profile and services reviewed, contact, a service, fresh news."""
    site = services.site_profile_update(
        actor=None, scope=None, site=site, version=None, now=now, profile_reviewed=True, services_reviewed=True,
        data={"tugas_fungsi": "Urusan kesehatan.", "visi_misi": "Bitung sehat.", "address": "Jl. Sam Ratulangi 1"},
    )  # fmt: skip
    publish(write(site, kind=Kind.SERVICE, title="Surat keterangan sehat"), now)
    publish(write(site, title="Posyandu bulan Januari"), now)
    return site


def test_a_kept_site_is_current_and_goes_stale_after_thirty_days_without_news(sites: Any) -> None:
    site = _current(sites["dinkes"], T0)
    assert stale_reasons([site], T0 + timedelta(days=30)) == {}
    reasons = stale_reasons([site], T0 + timedelta(days=31))[site.pk]
    assert reasons == ["Tidak ada berita yang diterbitkan dalam 30 hari terakhir."]


def test_a_profile_not_reviewed_for_a_year_is_a_reason(sites: Any) -> None:
    site = _current(sites["dinkes"], T0)
    later = T0 + timedelta(days=366)
    publish(write(site, title="Berita baru"), later)
    assert stale_reasons([site], later)[site.pk] == [
        "Profil belum ditinjau selama setahun.",
        "Layanan publik belum ditinjau selama setahun.",
    ]


def test_empty_mandatory_parts_are_named(sites: Any) -> None:
    reasons = stale_reasons([sites["dinas-pupr"]], T0)[sites["dinas-pupr"].pk]
    assert reasons[-1] == "Bagian wajib masih kosong: tugas dan fungsi, visi dan misi, kontak, layanan publik."


def test_a_broken_internal_link_and_a_missing_file_are_reasons(sites: Any) -> None:
    site = _current(sites["dinkes"], T0)
    publish(write(site, title="Tautan", body="Lihat /opd/dinkes/tidak-ada/ dan /opd/dinkes/layanan/ juga."), T0)
    document = services.page_create(
        actor=None, scope=None, site=site, kind=Kind.DOCUMENT, data={"title": "Renstra"},
        document=services.Upload("r.pdf", 9, __import__("io").BytesIO(b"%PDF-1.4\n")),
    )  # fmt: skip
    publish(document, T0)
    default_storage.delete(document.document.name)
    assert stale_reasons([site], T0)[site.pk] == [
        "Halaman “Tautan” menautkan ke /opd/dinkes/tidak-ada/, yang tidak ada.",
        "Berkas dokumen “Renstra” hilang.",
    ]


def test_the_readiness_flag_comes_through_the_registry(sites: Any) -> None:
    site = _current(sites["dinkes"], T0)
    source = next(s for m, s in registry.readiness() if m.label == "situs")
    backlog = source.backlog([site.unit_id, sites["dinas-pupr"].unit_id], T0 + timedelta(days=1))
    assert backlog[site.unit_id].overdue == 0
    assert backlog[sites["dinas-pupr"].unit_id].overdue == 1
    # The reasons travel with the flag, for the command center's readiness pages (dasbor renders them as they come).
    assert backlog[site.unit_id].reasons == ()
    assert backlog[sites["dinas-pupr"].unit_id].reasons[-1].startswith("Bagian wajib masih kosong: tugas dan fungsi")


def test_editors_get_one_email_a_week_naming_what_is_stale(
    sites: Any, editor_dinkes: Any, publisher_dinkes: Any, django_capture_on_commit_callbacks: Any
) -> None:
    site = _current(sites["dinkes"], T0)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.stale_mail_run(T0 + timedelta(days=1))["stale_mails"] == 0  # current: nothing
        with time_machine.travel(T0 + timedelta(days=40), tick=False):
            assert services.stale_mail_run(T0 + timedelta(days=40))["stale_mails"] == 1
            assert services.stale_mail_run(T0 + timedelta(days=46))["stale_mails"] == 0  # a week not yet passed
        assert services.stale_mail_run(T0 + timedelta(days=47))["stale_mails"] == 1
    assert [m.to for m in mail.outbox] == [["editor.dinkes@example.id"]] * 2  # the editor, not the publisher
    assert "Tidak ada berita yang diterbitkan dalam 30 hari terakhir." in mail.outbox[0].body
    assert "/staf/situs/dinkes/" in mail.outbox[0].body
    site.refresh_from_db()
    assert site.stale_mail_at == T0 + timedelta(days=47)
