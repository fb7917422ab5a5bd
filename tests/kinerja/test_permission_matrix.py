"""Every staff URL of the planning module against every role: an OPD planning officer works only on their OPD
(another OPD's rows answer 404), Bappeda (and the system administrator) checks all, other staff get 403."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from balai.core.access import staff_scope
from balai.core.models import Unit
from balai.kinerja import services
from balai.kinerja.models import Realisation, RpjmdGoal

from .conftest import ROAD, YEAR, client_for, sub

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "citizen",
    "operator_pupr",
    "coordinator",
    "officer_dinkes",
    "officer_pupr",
    "bappeda",
    "sysadmin",
]
LOGIN = "login"

EXPECTED: dict[str, dict[str, Any]] = {
    "home": {"anonymous": LOGIN, "citizen": 403, "operator_pupr": 403, "coordinator": 403, "officer_dinkes": 200,
             "officer_pupr": 200, "bappeda": 200, "sysadmin": 200},
    "import": {"anonymous": LOGIN, "citizen": 403, "operator_pupr": 403, "coordinator": 403, "officer_dinkes": 403,
               "officer_pupr": 403, "bappeda": 200, "sysadmin": 200},
    "plan": {"anonymous": LOGIN, "citizen": 403, "operator_pupr": 403, "coordinator": 403, "officer_dinkes": 403,
             "officer_pupr": 403, "bappeda": 200, "sysadmin": 200},
    "activity": {"anonymous": LOGIN, "citizen": 403, "operator_pupr": 403, "coordinator": 403, "officer_dinkes": 404,
                 "officer_pupr": 200, "bappeda": 200, "sysadmin": 200},
    "realisation": {"anonymous": LOGIN, "citizen": 403, "operator_pupr": 403, "coordinator": 403, "officer_dinkes": 404,
                    "officer_pupr": 200, "bappeda": 200, "sysadmin": 200},
    "program_new": {"anonymous": LOGIN, "citizen": 403, "operator_pupr": 403, "coordinator": 403, "officer_dinkes": 200,
                    "officer_pupr": 200, "bappeda": 200, "sysadmin": 200},
    "child_new": {"anonymous": LOGIN, "citizen": 403, "operator_pupr": 403, "coordinator": 403, "officer_dinkes": 404,
                  "officer_pupr": 200, "bappeda": 200, "sysadmin": 200},
    "activity_edit": {"anonymous": LOGIN, "citizen": 403, "operator_pupr": 403, "coordinator": 403,
                      "officer_dinkes": 404, "officer_pupr": 200, "bappeda": 200, "sysadmin": 200},
    "rpjmd": {"anonymous": LOGIN, "citizen": 403, "operator_pupr": 403, "coordinator": 403, "officer_dinkes": 200,
              "officer_pupr": 200, "bappeda": 200, "sysadmin": 200},
    "rpjmd_new": {"anonymous": LOGIN, "citizen": 403, "operator_pupr": 403, "coordinator": 403, "officer_dinkes": 403,
                  "officer_pupr": 403, "bappeda": 200, "sysadmin": 200},
    "rpjmd_edit": {"anonymous": LOGIN, "citizen": 403, "operator_pupr": 403, "coordinator": 403, "officer_dinkes": 403,
                   "officer_pupr": 403, "bappeda": 200, "sysadmin": 200},
    "goal_new": {"anonymous": LOGIN, "citizen": 403, "operator_pupr": 403, "coordinator": 403, "officer_dinkes": 403,
                 "officer_pupr": 403, "bappeda": 200, "sysadmin": 200},
    "goal_edit": {"anonymous": LOGIN, "citizen": 403, "operator_pupr": 403, "coordinator": 403, "officer_dinkes": 403,
                  "officer_pupr": 403, "bappeda": 200, "sysadmin": 200},
    "renstra_pupr": {"anonymous": LOGIN, "citizen": 403, "operator_pupr": 403, "coordinator": 403,
                     "officer_dinkes": 404, "officer_pupr": 200, "bappeda": 200, "sysadmin": 200},
}  # fmt: skip
# Removing what was typed by mistake: Bappeda (and the system administrator) only, even an OPD's own Renstra.
BAPPEDA_ONLY = {"anonymous": LOGIN, "citizen": 403, "operator_pupr": 403, "coordinator": 403, "officer_dinkes": 403,
                "officer_pupr": 403, "bappeda": 200, "sysadmin": 200}  # fmt: skip
EXPECTED |= {"goal_remove": BAPPEDA_ONLY, "indicator_remove": BAPPEDA_ONLY, "mission_remove": BAPPEDA_ONLY,
             "renstra_remove": BAPPEDA_ONLY}  # fmt: skip


def _urls() -> dict[str, str]:
    road = sub(ROAD)
    assert road.program is not None
    goal = RpjmdGoal.objects.order_by("pk").first()
    return {
        "home": "/staf/kinerja/",
        "import": "/staf/kinerja/impor/",
        "plan": f"/staf/kinerja/rencana/{YEAR}/",
        "activity": f"/staf/kinerja/kegiatan/{road.public_id}/",
        "realisation": f"/staf/kinerja/kegiatan/{road.public_id}/triwulan/1/",
        "program_new": f"/staf/kinerja/rencana/{YEAR}/baru/",  # an officer's form offers their own OPD only
        "child_new": f"/staf/kinerja/rencana/{YEAR}/baru/?induk={road.program.public_id}",
        "activity_edit": f"/staf/kinerja/kegiatan/{road.public_id}/ubah/",
        "rpjmd": "/staf/kinerja/rpjmd/",
        "rpjmd_new": "/staf/kinerja/rpjmd/baru/",
        "rpjmd_edit": "/staf/kinerja/rpjmd/2025/ubah/",
        "goal_new": "/staf/kinerja/rpjmd/2025/sasaran/baru/",
        "goal_edit": f"/staf/kinerja/rpjmd/2025/sasaran/{goal.pk if goal else 0}/",
        "renstra_pupr": "/staf/kinerja/rpjmd/2025/renstra/dinas-pupr/",
        "goal_remove": f"/staf/kinerja/rpjmd/2025/sasaran/{goal.pk if goal else 0}/hapus/",
        "indicator_remove": f"/staf/kinerja/rpjmd/2025/sasaran/{goal.pk if goal else 0}/indikator/"
        f"{goal.indicators.get().pk if goal else 0}/hapus/",
        "mission_remove": "/staf/kinerja/rpjmd/2025/misi/2/hapus/",
        "renstra_remove": "/staf/kinerja/rpjmd/2025/renstra/dinas-pupr/hapus/",
    }


def _outcome(response: Any) -> Any:
    if response.status_code == 302 and response.url.startswith("/staf/masuk/"):
        return LOGIN
    return response.status_code


@pytest.fixture
def people(request: Any, plan: Any, rpjmd: Any, officer_pupr: Any, officer_dinkes: Any, bappeda: Any) -> dict[str, Any]:
    cast = {"anonymous": None, "officer_pupr": officer_pupr, "officer_dinkes": officer_dinkes, "bappeda": bappeda}
    mission = rpjmd.missions.get(number=1)
    goal = services.goal_save(actor=bappeda, scope=staff_scope(bappeda), rpjmd=rpjmd,
                              data=services.GoalInput(mission_id=mission.pk, code="S1.1", title="Jalan mantap",
                                                      indicator="Jalan mantap", targets={2026: Decimal(70)}))  # fmt: skip
    services.renstra_save(actor=bappeda, scope=staff_scope(bappeda), rpjmd=rpjmd,
                          unit=Unit.objects.get(slug="dinas-pupr"), goal_ids=[goal.pk], summary="")  # fmt: skip
    cast["citizen"] = get_user_model().objects.create_user("warga.k", "warga.k@example.id", "x")
    for name in ("operator_pupr", "coordinator", "sysadmin"):
        cast[name] = request.getfixturevalue(name)
    return cast


def test_every_staff_url_against_every_role(people: dict[str, Any]) -> None:
    urls = _urls()
    seen = {page: {role: _outcome(client_for(people[role]).get(url)) for role in ROLES} for page, url in urls.items()}
    assert seen == EXPECTED


def test_an_officer_cannot_remove_by_posting_either(people: dict[str, Any]) -> None:
    urls = _urls()
    officer = client_for(people["officer_pupr"])
    for page in ("goal_remove", "indicator_remove", "mission_remove", "renstra_remove"):
        assert officer.post(urls[page], {"version": 1}).status_code == 403, page
    goal = RpjmdGoal.objects.get()
    assert goal.indicators.count() == 1 and goal.renstra.count() == 1 and goal.mission.rpjmd.missions.count() == 2


def test_an_officer_cannot_post_another_opds_realisation(people: dict[str, Any]) -> None:
    url = _urls()["realisation"]
    response = client_for(people["officer_dinkes"]).post(url, {"physical_pct": "10", "financial": "1"})
    assert response.status_code == 404
    assert not Realisation.objects.exists()


def test_an_officer_cannot_accept_through_the_check_buttons(people: dict[str, Any]) -> None:
    road_url = _urls()["realisation"]
    officer = client_for(people["officer_pupr"])
    officer.post(
        road_url,
        {"physical_pct": "10", "financial": "1000", "submit": "1", f"value_{sub(ROAD).indicators.get().pk}": "2"},
    )
    realisation = Realisation.objects.get()
    assert realisation.status == "submitted"
    response = officer.post(road_url, {"check": "accept", "version": realisation.version, "note": ""})
    assert "You may not do this for this OPD." in response.content.decode()
    assert Realisation.objects.get().status == "submitted"
    accepted = client_for(people["bappeda"]).post(
        road_url, {"check": "accept", "version": realisation.version, "note": ""}
    )
    assert accepted.status_code == 302
    assert Realisation.objects.get().status == "accepted"


def test_bad_input_on_the_form_keeps_what_was_typed(people: dict[str, Any]) -> None:
    road_url = _urls()["realisation"]
    response = client_for(people["officer_pupr"]).post(
        road_url, {"physical_pct": "150", "financial": "1000", "obstacles": "Tanah longsor di KM 3"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Tanah longsor di KM 3" in body
    assert "errorlist" in body
    assert not Realisation.objects.exists()
