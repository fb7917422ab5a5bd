"""A report that came with a map point only, outside every imported kelurahan boundary, waits in the inbox as
"kelurahan to be set", and the coordinator sets the kelurahan when verifying."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from balai.core.models import AuditEvent
from balai.lapor.models import Report, Status
from tests.factories import make_report

from .steps import client_for, fresh, post_action, text
from .verify_form import verify_form

pytestmark = pytest.mark.django_db

WANGURER_BARAT = "71.72.02.1001"


def _point_only() -> Report:
    return make_report(kelurahan=None, latitude=Decimal("1.441200"), longitude=Decimal("125.161700"))


def test_the_inbox_shows_a_report_without_kelurahan_as_kelurahan_to_be_set(city, coordinator):
    report = _point_only()
    assert (report.kelurahan_id, report.kecamatan_id) == (None, None)

    page = text(client_for(coordinator).get("/staf/laporan/?lang=en"))

    row = page[page.index(report.code) :][:600]
    assert "kelurahan to be set" in row


def test_verifying_without_choosing_a_kelurahan_is_refused_and_nothing_changes(city, coordinator):
    report = _point_only()

    response = post_action(client_for(coordinator), report, "verify", _verify_form_with_place(report))

    assert "Set the kelurahan or desa before verifying" in text(response)
    assert fresh(report).status == Status.DITERIMA
    assert fresh(report).kelurahan_id is None


def test_verifying_sets_the_kelurahan_and_its_kecamatan_with_an_audit_entry(city, coordinator):
    report = _point_only()

    response = post_action(
        client_for(coordinator), report, "verify", _verify_form_with_place(report, kelurahan=WANGURER_BARAT)
    )

    assert response.status_code == 302
    report = fresh(report)
    assert (report.status, report.kelurahan_id, report.kecamatan_id) == (
        Status.DIVERIFIKASI,
        WANGURER_BARAT,
        "71.72.02",
    )
    audit = AuditEvent.objects.get(action="report.verify", object_id=report.code)
    assert audit.changes["kelurahan"] == [None, WANGURER_BARAT]
    assert "kelurahan to be set" not in text(client_for(coordinator).get("/staf/laporan/?lang=en"))


def test_a_kelurahan_of_another_city_is_not_offered(city, coordinator):
    report = _point_only()

    response = post_action(
        client_for(coordinator), report, "verify",
        _verify_form_with_place(report, kelurahan="71.71.01.1001", public_title="Lampu jalan mati di dekat pasar"),
    )  # fmt: skip

    assert response.status_code == 400
    assert 'value="Lampu jalan mati di dekat pasar"' in text(response)  # nothing typed is lost
    assert (fresh(report).kelurahan_id, fresh(report).status) == (None, Status.DITERIMA)


def _verify_form_with_place(report: Report, **overrides: Any) -> dict[str, Any]:
    return verify_form(report, **{"kelurahan": "", **overrides})
