"""Every PPID staff URL against every role: a PPID pelaksana sees only what was forwarded to their OPD (404 for
another OPD's request, as for reports), people without a PPID role get 403, visitors the sign-in page."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from balai.core.models import AuditEvent, Unit
from balai.ppid import services
from balai.ppid.models import DipEntry

from .conftest import person, request_input

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "citizen", "operator_pupr", "pelaksana_dinkes", "pelaksana_pupr", "atasan", "utama", "sysadmin"]
LOGIN = "login"
# url -> role -> outcome
EXPECTED: dict[str, dict[str, Any]] = {
    "inbox": {"anonymous": LOGIN, "citizen": 403, "operator_pupr": 403, "pelaksana_dinkes": 200,
              "pelaksana_pupr": 200, "atasan": 200, "utama": 200, "sysadmin": 200},
    "request": {"anonymous": LOGIN, "citizen": 403, "operator_pupr": 403, "pelaksana_dinkes": 404,
                "pelaksana_pupr": 200, "atasan": 200, "utama": 200, "sysadmin": 200},
    "id_scan": {"anonymous": LOGIN, "citizen": 403, "operator_pupr": 403, "pelaksana_dinkes": 404,
                "pelaksana_pupr": 200, "atasan": 403, "utama": 200, "sysadmin": 200},
    "notice_pdf": {"anonymous": LOGIN, "citizen": 403, "operator_pupr": 403, "pelaksana_dinkes": 404,
                   "pelaksana_pupr": 200, "atasan": 200, "utama": 200, "sysadmin": 200},
    "desk": {"anonymous": LOGIN, "citizen": 403, "operator_pupr": 403, "pelaksana_dinkes": 403,
             "pelaksana_pupr": 403, "atasan": 403, "utama": 200, "sysadmin": 200},
    "dip": {"anonymous": LOGIN, "citizen": 403, "operator_pupr": 403, "pelaksana_dinkes": 200,
            "pelaksana_pupr": 200, "atasan": 200, "utama": 200, "sysadmin": 200},
    "dip_edit": {"anonymous": LOGIN, "citizen": 403, "operator_pupr": 403, "pelaksana_dinkes": 404,
                 "pelaksana_pupr": 200, "atasan": 404, "utama": 200, "sysadmin": 200},
}  # fmt: skip


@pytest.fixture
def cast(city: Any) -> dict[str, Any]:
    users = {
        "citizen": get_user_model().objects.create_user("warga.ppid", "w@x.id", "x"),
        "operator_pupr": get_user_model().objects.get(username="operator.pupr"),
        "pelaksana_dinkes": person("ppid.dinkes", "dinkes", "pelaksana"),
        "pelaksana_pupr": person("ppid.pupr", "dinas-pupr", "pelaksana"),
        "atasan": person("ppid.atasan", "setda", "atasan"),
        "utama": person("ppid.utama", "diskominfo", "utama"),
        "sysadmin": get_user_model().objects.get(username="admin"),
    }
    scan = SimpleUploadedFile("ktp.pdf", b"%PDF-1.4 ktp", content_type="application/pdf")
    item = services.request_submit(data=request_input(identity_scan=scan))
    item = services.request_forward(actor=users["utama"], request=item, unit=Unit.objects.get(slug="dinas-pupr"))
    item = services.request_notice(actor=users["pelaksana_pupr"], request=item, notice=services.NoticeInput(
        decision="diberikan", answer="Terlampir", medium="PDF"))  # fmt: skip
    entry = services.dip_save(actor=users["utama"], entry=DipEntry(
        unit=Unit.objects.get(slug="dinas-pupr"), title="Rencana", summary="s", official="K", made_when_where="2026",
        form="cetak", retention="5 tahun", category="berkala"))  # fmt: skip
    urls = {
        "inbox": "/staf/ppid/", "request": f"/staf/ppid/{item.code}/",
        "id_scan": f"/staf/ppid/{item.code}/berkas/ktp/", "notice_pdf": f"/staf/ppid/{item.code}/pemberitahuan.pdf",
        "desk": "/staf/ppid/baru/", "dip": "/staf/ppid/dip/", "dip_edit": f"/staf/ppid/dip/{entry.pk}/",
    }  # fmt: skip
    return {"users": users, "urls": urls, "item": item}


def outcome(response: Any) -> Any:
    if response.status_code == 302 and "/staf/masuk/" in response.url:
        return LOGIN
    return response.status_code


def test_every_staff_url_against_every_role(cast: dict[str, Any]) -> None:
    found: dict[str, dict[str, Any]] = {}
    for name, url in cast["urls"].items():
        found[name] = {}
        for role in ROLES:
            client = Client()
            if role != "anonymous":
                client.force_login(cast["users"][role])
            found[name][role] = outcome(client.get(url))
    assert found == EXPECTED


def test_a_pelaksana_inbox_lists_only_their_opds_requests(cast: dict[str, Any]) -> None:
    code = cast["item"].code
    for role, sees in [("pelaksana_pupr", True), ("pelaksana_dinkes", False), ("utama", True)]:
        client = Client()
        client.force_login(cast["users"][role])
        assert (code in client.get("/staf/ppid/", {"tampilan": "all"}).content.decode()) is sees, role


def test_each_opening_of_an_id_scan_is_audited(cast: dict[str, Any]) -> None:
    client = Client()
    client.force_login(cast["users"]["pelaksana_pupr"])
    for _ in range(2):
        b"".join(client.get(cast["urls"]["id_scan"]).streaming_content)
    views = AuditEvent.objects.filter(action="ppid.view_identity", actor=cast["users"]["pelaksana_pupr"])
    assert views.count() == 2


def test_a_pelaksana_cannot_post_an_action_on_another_opds_request(cast: dict[str, Any]) -> None:
    client = Client()
    client.force_login(cast["users"]["pelaksana_dinkes"])
    response = client.post(cast["urls"]["request"], {"action": "publication", "publication-version": "1",
                                                     "publication-withheld": "on"})  # fmt: skip
    assert response.status_code == 404
    cast["item"].refresh_from_db()
    assert not cast["item"].withheld
