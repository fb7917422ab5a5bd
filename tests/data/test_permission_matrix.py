"""Every staff URL of the open-data module against every role: an OPD's data officer sees and changes only their
OPD's datasets (another OPD's do not exist for them: 404), only the walidata publishes, and everyone else is
refused (403) or sent to sign in."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from balai.data.models import Dataset

from .conftest import draft_with_file

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "citizen", "operator_pupr", "officer_dinkes", "officer_pupr", "walidata", "sysadmin"]
LOGIN = "login"
# (name, path template, expected per role) for a draft dataset of Dinas PUPR.
MATRIX = [
    ("list", "/staf/data/", [LOGIN, 403, 403, 200, 200, 200, 200]),
    ("create", "/staf/data/baru/", [LOGIN, 403, 403, 200, 200, 200, 200]),
    ("detail", "/staf/data/{id}/", [LOGIN, 403, 403, 404, 200, 200, 200]),
    ("edit", "/staf/data/{id}/ubah/", [LOGIN, 403, 403, 404, 200, 200, 200]),
    ("upload", "/staf/data/{id}/berkas/", [LOGIN, 403, 403, 404, 302, 302, 302]),
]


@pytest.fixture
def citizen(city: Any) -> Any:
    return get_user_model().objects.create_user("warga.biasa", "warga@example.id", "x")


@pytest.fixture
def cast(request: Any, city: Any, officer_dinkes: Any, officer_pupr: Any, walidata: Any) -> dict[str, Client]:
    clients = {}
    for role in ROLES:
        client = Client()
        if role != "anonymous":
            client.force_login(request.getfixturevalue(role))
        clients[role] = client
    return clients


def _outcome(response: Any) -> Any:
    if response.status_code == 302 and response["Location"].startswith(reverse(settings.LOGIN_URL)):
        return LOGIN
    return response.status_code


def test_every_staff_url_answers_each_role_as_the_matrix_says(cast: dict[str, Client], officer_pupr: Any) -> None:
    dataset = draft_with_file(officer_pupr, unit_slug="dinas-pupr", title="Panjang jalan kota")
    found = {}
    for name, template, _expected in MATRIX:
        for role in ROLES:
            found[(name, role)] = _outcome(cast[role].get(template.format(id=dataset.uuid)))
    wanted = {(name, role): code for name, _t, codes in MATRIX for role, code in zip(ROLES, codes, strict=True)}
    assert found == wanted


def test_the_list_shows_an_officer_only_their_opds_datasets(cast: dict[str, Client], officer_pupr: Any) -> None:
    draft_with_file(officer_pupr, unit_slug="dinas-pupr", title="Panjang jalan kota")
    assert "Panjang jalan kota" not in cast["officer_dinkes"].get("/staf/data/").content.decode()
    assert "Panjang jalan kota" in cast["officer_pupr"].get("/staf/data/").content.decode()
    assert "Panjang jalan kota" in cast["walidata"].get("/staf/data/").content.decode()


def test_only_the_walidata_publishes_and_no_other_opd_can_act(cast: dict[str, Client], officer_pupr: Any) -> None:
    dataset = draft_with_file(officer_pupr, unit_slug="dinas-pupr", title="Panjang jalan kota")
    decide = f"/staf/data/{dataset.uuid}/keputusan/"

    def post(role: str, action: str) -> int:
        return (
            cast[role]
            .post(decide, {"action": action, "version": Dataset.objects.get(pk=dataset.pk).version})
            .status_code
        )

    assert post("officer_dinkes", "submit") == 404
    assert post("operator_pupr", "submit") == 403
    assert post("officer_pupr", "publish") == 400
    assert Dataset.objects.get(pk=dataset.pk).state == "draft"
    assert post("officer_pupr", "submit") == 302
    assert post("officer_pupr", "publish") == 400
    assert post("walidata", "publish") == 302
    assert Dataset.objects.get(pk=dataset.pk).state == "published"


def test_a_stale_form_is_refused_with_a_message(cast: dict[str, Client], officer_pupr: Any) -> None:
    dataset = draft_with_file(officer_pupr, unit_slug="dinas-pupr", title="Panjang jalan kota")
    response = cast["officer_pupr"].post(
        f"/staf/data/{dataset.uuid}/keputusan/", {"action": "submit", "version": dataset.version - 1}
    )
    assert response.status_code == 400
    assert "Seseorang mengubah" in response.content.decode() or "Someone changed" in response.content.decode()
    assert Dataset.objects.get(pk=dataset.pk).state == "draft"
