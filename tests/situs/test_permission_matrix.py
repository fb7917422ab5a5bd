"""Every staff URL of the websites against every role: an editor of one OPD cannot open, edit or preview another
OPD's pages (404, as for reports); only the system administrator changes a site's settings or activates one."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model

from balai.situs.models import Page

from .conftest import client_for, make_user, write

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "citizen",
    "operator_dinkes",
    "editor_pupr",
    "editor_dinkes",
    "publisher_dinkes",
    "head_pupr",
    "sysadmin",
]
LOGIN = "login"


@pytest.fixture
def cast(sites: Any, editor_dinkes: Any, publisher_dinkes: Any, editor_pupr: Any, operator_dinkes: Any,
         head_pupr: Any, sysadmin: Any) -> dict[str, Any]:  # fmt: skip
    citizen = get_user_model().objects.create_user("warga.biasa", "warga@example.id", "x")
    return {"anonymous": None, "citizen": citizen, "operator_dinkes": operator_dinkes, "editor_pupr": editor_pupr,
            "editor_dinkes": editor_dinkes, "publisher_dinkes": publisher_dinkes, "head_pupr": head_pupr,
            "sysadmin": sysadmin}  # fmt: skip


# (url, expected per role); a Dinkes draft page "draf" exists.
D = "/staf/situs/dinkes"
P = f"{D}/halaman/draf"
MATRIX: list[tuple[str, dict[str, Any]]] = [
    ("/staf/situs/", {"anonymous": LOGIN, "citizen": 403, "default": 200}),
    ("/staf/situs/kesegaran/", {"anonymous": LOGIN, "citizen": 403, "default": 200}),
    (f"{D}/", {"anonymous": LOGIN, "citizen": 403, "operator_dinkes": 404, "editor_pupr": 404, "head_pupr": 404, "default": 200}),
    (f"{D}/profil/", {"anonymous": LOGIN, "citizen": 403, "operator_dinkes": 404, "editor_pupr": 404, "head_pupr": 404, "default": 200}),
    (f"{D}/pejabat/", {"anonymous": LOGIN, "citizen": 403, "operator_dinkes": 404, "editor_pupr": 404, "head_pupr": 404, "default": 200}),
    (f"{D}/baru/berita/", {"anonymous": LOGIN, "citizen": 403, "operator_dinkes": 404, "editor_pupr": 404, "head_pupr": 404, "default": 200}),
    (f"{P}/", {"anonymous": LOGIN, "citizen": 403, "operator_dinkes": 404, "editor_pupr": 404, "head_pupr": 404, "default": 200}),
    (f"{P}/pratinjau/", {"anonymous": LOGIN, "citizen": 403, "operator_dinkes": 404, "editor_pupr": 404, "head_pupr": 404, "default": 200}),
    (f"{P}/revisi/", {"anonymous": LOGIN, "citizen": 403, "operator_dinkes": 404, "editor_pupr": 404, "head_pupr": 404, "default": 200}),
    (f"{D}/pengaturan/", {"anonymous": LOGIN, "citizen": 403, "operator_dinkes": 404, "editor_pupr": 404, "head_pupr": 404, "editor_dinkes": 403, "publisher_dinkes": 403, "default": 200}),
]  # fmt: skip


def _status(response: Any) -> Any:
    if (response.status_code == 302 and "/staf/masuk/" in response["Location"]) or "login" in response.get(
        "Location", ""
    ):
        return LOGIN
    return response.status_code


@pytest.mark.parametrize("role", ROLES)
def test_every_staff_page_for_every_role(cast: dict[str, Any], sites: Any, role: str) -> None:
    write(sites["dinkes"], cast["editor_dinkes"], title="Draf", slug="draf")
    client = client_for(cast[role])
    for url, expected in MATRIX:
        want = expected.get(role, expected["default"])
        assert _status(client.get(url)) == want, (url, role)


@pytest.mark.parametrize("role", ["editor_pupr", "operator_dinkes", "head_pupr"])
def test_another_units_people_cannot_change_a_draft(cast: dict[str, Any], sites: Any, role: str) -> None:
    page = write(sites["dinkes"], cast["editor_dinkes"], title="Draf", slug="draf")
    client = client_for(cast[role])
    assert client.post(f"{P}/", {"version": 1, "title": "Diubah"}).status_code == 404
    assert client.post(f"{P}/aksi/", {"version": 1, "action": "submit"}).status_code == 404
    assert client.post(f"{P}/revisi/", {"version": 1, "number": 1}).status_code == 404
    page.refresh_from_db()
    assert page.title == "Draf" and page.status == "draft" and page.version == 1


def test_only_the_system_administrator_activates_a_site(cast: dict[str, Any]) -> None:
    assert client_for(cast["editor_dinkes"]).post("/staf/situs/dlh/aktifkan/").status_code == 403
    assert client_for(cast["sysadmin"]).post("/staf/situs/dlh/aktifkan/").status_code == 302
    assert client_for(cast["sysadmin"]).get("/staf/situs/dlh/").status_code == 200


def test_the_unit_head_publishes_for_the_unit(sites: Any, head_pupr: Any, editor_pupr: Any) -> None:
    page = write(sites["dinas-pupr"], editor_pupr, title="Jalan baru", slug="jalan")
    client = client_for(head_pupr)
    assert (
        client.post("/staf/situs/dinas-pupr/halaman/jalan/aksi/", {"version": 1, "action": "publish"}).status_code
        == 302
    )
    page.refresh_from_db()
    assert page.status == "published"


def test_a_second_editor_is_just_another_membership(sites: Any) -> None:
    """No second place to manage who edits what: a membership with the role is all it takes."""
    user = make_user("editor2.dinkes", "dinkes", "editor")
    assert client_for(user).get(f"{D}/").status_code == 200
    assert Page.objects.count() == 0
