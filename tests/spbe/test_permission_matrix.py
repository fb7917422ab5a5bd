"""Every SPBE staff URL against every role: who reads, who acts, and an officer never opens another officer's
indicator (404, as another unit's objects elsewhere)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from balai.spbe import services
from balai.spbe.models import Assessment

from .conftest import YEAR, assessment, signed_in

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "citizen", "operator_pupr", "head_pupr", "coordinator", "pimpinan", "other_officer", "officer",
         "spbe_coordinator", "sysadmin"]  # fmt: skip
LOGIN = "login"


@pytest.fixture
def setting(framework, spbe_coordinator, officer, other_officer) -> dict[str, Any]:
    a = services.assessment_assign(actor=spbe_coordinator, assessment=assessment(framework, 42), version=None,
                                   officer=officer)  # fmt: skip
    pdf = SimpleUploadedFile("sop.pdf", b"%PDF-1.4\n%%EOF\n")
    item = services.evidence_add(actor=officer, assessment=a, version=None, title="SOP", upload=pdf)
    get_user_model().objects.create_user("warga.biasa", "warga.biasa@example.id", "x")
    return {"item": item.public_id}


def _client(request: Any, role: str) -> Any:
    if role == "anonymous":
        return signed_in(None)
    if role == "citizen":
        return signed_in(get_user_model().objects.get(username="warga.biasa"))
    return signed_in(request.getfixturevalue(role))


def _outcome(response: Any) -> Any:
    if response.status_code == 302 and response.url.startswith("/staf/masuk/"):
        return LOGIN
    return response.status_code


NONE = {"anonymous": LOGIN, "citizen": 403, "operator_pupr": 403, "head_pupr": 403, "coordinator": 403}
READERS = {**NONE, "pimpinan": 200, "other_officer": 403, "officer": 403, "spbe_coordinator": 200, "sysadmin": 200}
EVERYONE_SPBE = {**NONE, "pimpinan": 200, "other_officer": 200, "officer": 200, "spbe_coordinator": 200,
                 "sysadmin": 200}  # fmt: skip
OWN_ONLY = {**EVERYONE_SPBE, "other_officer": 404}
ADMIN_ONLY = {**NONE, "pimpinan": 403, "other_officer": 403, "officer": 403, "spbe_coordinator": 403,
              "sysadmin": 200}  # fmt: skip

READ: dict[str, tuple[str, dict[str, Any]]] = {
    "home": ("/staf/spbe/", {**EVERYONE_SPBE, **{r: 302 for r, v in EVERYONE_SPBE.items() if v == 200}}),
    "overview": (f"/staf/spbe/{YEAR}/", EVERYONE_SPBE),
    "indicator": (f"/staf/spbe/{YEAR}/indikator/42/", OWN_ONLY),
    "evidence": ("/staf/spbe/bukti/{item}/", OWN_ONLY),
    "raise": (f"/staf/spbe/{YEAR}/naikkan/", READERS),
    "years": ("/staf/spbe/tahunan/", READERS),
    "framework": (f"/staf/spbe/{YEAR}/kerangka/", READERS),
    "framework_indicator": (f"/staf/spbe/{YEAR}/kerangka/42/", ADMIN_ONLY),
    "pdf": (f"/staf/spbe/{YEAR}/dosir.pdf", READERS),
    "xlsx": (f"/staf/spbe/{YEAR}/dosir.xlsx", READERS),
}


@pytest.mark.parametrize("role", ROLES)
def test_every_staff_page_answers_each_role_as_the_table_says(request, setting, role):
    client = _client(request, role)
    seen = {name: _outcome(client.get(url.format(**setting))) for name, (url, _e) in READ.items()}
    assert seen == {name: expected[role] for name, (_u, expected) in READ.items()}


# Saving indicator 42's level: the assigned officer and the coordinators may; a reader is refused (409) and
# another officer does not find it (404).
SAVE = {**NONE, "pimpinan": 409, "other_officer": 404, "officer": 302, "spbe_coordinator": 302, "sysadmin": 302}
REVIEW = {**NONE, "pimpinan": 409, "other_officer": 404, "officer": 409, "spbe_coordinator": 409, "sysadmin": 409}


@pytest.mark.parametrize("role", ROLES)
def test_acting_on_an_indicator_asks_the_same_table(request, setting, role):
    client = _client(request, role)
    before = Assessment.objects.get(indicator__framework__year=YEAR, indicator__number=42)
    url = f"/staf/spbe/{YEAR}/indikator/42/"
    response = client.post(url + "save/", {"save-version": before.version, "save-level": "4",
                                          "save-justification": "SOP ada."})  # fmt: skip
    assert _outcome(response) == SAVE[role]
    after = Assessment.objects.get(pk=before.pk)
    assert (after.level == 4) == (SAVE[role] == 302)
    # A draft cannot be reviewed by anyone: the table's refusal, not a crash.
    response = client.post(url + "review/", {"review-version": after.version})
    assert _outcome(response) == REVIEW[role]
    # The framework is the system administrator's.
    response = client.post(f"/staf/spbe/{YEAR}/kerangka/42/", {"version": 1, "name": "x", "weight": "9"})
    assert _outcome(response) == {**ADMIN_ONLY, "sysadmin": 302}[role]
