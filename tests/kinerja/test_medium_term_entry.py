"""Typed entry of the medium-term plan (what no file holds): Bappeda types the RPJMD (vision, missions), its goals
with an indicator and five-year targets, and each OPD's Renstra (the goals it serves); an OPD planning officer
types their own OPD's Renstra only. Through the services: the allowed-actions table, the version seen, the audit
trail; a bad value keeps what was typed and saves nothing; the public plan page shows the new rows."""

from __future__ import annotations

from typing import Any

import pytest

from balai.core.models import AuditEvent
from balai.kinerja.models import GoalIndicator, Plan, Renstra, Rpjmd, RpjmdGoal, RpjmdMission
from balai.kinerja.summary import summary_drift

from .conftest import YEAR, client_for

pytestmark = pytest.mark.django_db

RPJMD_FIELDS = {"start_year": "2025", "end_year": "2029", "vision": "Bitung kota jasa yang maju dan berkelanjutan",
                "missions": "Infrastruktur kota yang mantap\nWarga yang sehat dan cerdas"}  # fmt: skip


def _goal_fields(mission: RpjmdMission, **more: Any) -> dict[str, Any]:
    return {"mission": mission.pk, "code": "S1.1", "title": "Meningkatnya kemantapan jalan kota",
            "indicator": "Persentase jalan kota dalam kondisi mantap", "indicator_unit": "%", "direction": "higher",
            "baseline": "61.5", "target_2025": "65", "target_2026": "70", "target_2027": "75", "target_2028": "80",
            "target_2029": "85", **more}  # fmt: skip


def _saved(response: Any) -> None:
    """A form that was accepted redirects; otherwise say what the page complained about."""
    errors = response.content.decode().split('class="errorlist')[1:] if response.status_code == 200 else []
    assert response.status_code == 302, [e[:300] for e in errors] or response.status_code


def test_bappeda_types_the_rpjmd_a_goal_and_a_renstra_that_the_public_sees(plan: Plan, bappeda: Any) -> None:
    client = client_for(bappeda)
    _saved(client.post("/staf/kinerja/rpjmd/baru/", RPJMD_FIELDS))
    rpjmd = Rpjmd.objects.get()
    assert [m.text for m in rpjmd.missions.order_by("number")] == [
        "Infrastruktur kota yang mantap", "Warga yang sehat dan cerdas",
    ]  # fmt: skip
    assert Plan.objects.get(year=YEAR).rpjmd == rpjmd  # the year's plan now shows this RPJMD's goals

    mission = rpjmd.missions.get(number=1)
    _saved(client.post("/staf/kinerja/rpjmd/2025/sasaran/baru/", _goal_fields(mission)))
    goal = RpjmdGoal.objects.get()
    indicator = GoalIndicator.objects.get(goal=goal)
    assert indicator.targets == {"2025": "65", "2026": "70", "2027": "75", "2028": "80", "2029": "85"}
    assert str(indicator.baseline) == "61.50"

    sent = client.post("/staf/kinerja/rpjmd/2025/renstra/dinas-pupr/", {"goals": [goal.pk], "summary": "Jalan."})
    assert sent.status_code == 302
    assert list(Renstra.objects.get(unit__slug="dinas-pupr").goals.all()) == [goal]
    assert {e.action for e in AuditEvent.objects.filter(action__startswith="kinerja.")} >= {
        "kinerja.rpjmd.create", "kinerja.goal.create", "kinerja.renstra.create",
    }  # fmt: skip

    body = client_for(language="id").get(f"/kinerja/{YEAR}/").content.decode()
    assert "Bitung kota jasa yang maju dan berkelanjutan" in body
    assert "S1.1 Meningkatnya kemantapan jalan kota" in body
    assert "Persentase jalan kota dalam kondisi mantap" in body and "2029: 85" in body
    assert "Dinas Pekerjaan Umum" in body.split("S1.1")[1].split("</li>")[0]  # the OPD whose Renstra serves it

    # A change is checked against the version seen; the goal's summary cells stay right.
    changed = _goal_fields(mission, title="Meningkatnya jalan kota yang mantap", target_2029="90", version=1)
    assert client.post(f"/staf/kinerja/rpjmd/2025/sasaran/{goal.pk}/", changed).status_code == 302
    stale = client.post(f"/staf/kinerja/rpjmd/2025/sasaran/{goal.pk}/", changed | {"title": "Lain"})
    assert "Someone changed this in the meantime" in stale.content.decode()
    goal.refresh_from_db()
    assert goal.title == "Meningkatnya jalan kota yang mantap" and goal.version == 2
    assert GoalIndicator.objects.get(goal=goal).targets["2029"] == "90"
    assert summary_drift() == []


def test_bad_values_keep_what_was_typed_and_save_nothing(rpjmd: Rpjmd, bappeda: Any) -> None:
    client = client_for(bappeda)
    too_long = client.post("/staf/kinerja/rpjmd/baru/", RPJMD_FIELDS | {"start_year": "2030", "end_year": "2040"})
    body = too_long.content.decode()
    assert too_long.status_code == 200 and "at most five years" in body
    assert "Bitung kota jasa yang maju dan berkelanjutan" in body and "Warga yang sehat dan cerdas" in body
    assert not Rpjmd.objects.filter(start_year=2030).exists()

    mission = rpjmd.missions.get(number=1)
    no_target = _goal_fields(mission, **{f"target_{y}": "" for y in range(2025, 2030)})
    refused = client.post("/staf/kinerja/rpjmd/2025/sasaran/baru/", no_target)
    assert "target for at least one year" in refused.content.decode()
    assert "Meningkatnya kemantapan jalan kota" in refused.content.decode()
    assert not RpjmdGoal.objects.exists() and not GoalIndicator.objects.exists()
    not_a_number = client.post("/staf/kinerja/rpjmd/2025/sasaran/baru/", _goal_fields(mission, target_2027="tujuh"))
    assert "errorlist" in not_a_number.content.decode() and "tujuh" in not_a_number.content.decode()
    assert not RpjmdGoal.objects.exists()

    # A mission that has goals is not removed by dropping its line.
    client.post("/staf/kinerja/rpjmd/2025/sasaran/baru/", _goal_fields(rpjmd.missions.get(number=2), code="S2.1"))
    kept = client.post("/staf/kinerja/rpjmd/2025/ubah/", RPJMD_FIELDS | {"missions": "Satu misi saja", "version": 1})
    assert "Mission 2 has goals" in kept.content.decode()
    assert rpjmd.missions.count() == 2 and rpjmd.missions.get(number=1).text != "Satu misi saja"


def test_an_officer_types_their_own_opds_renstra_only(rpjmd: Rpjmd, bappeda: Any, officer_pupr: Any) -> None:
    mission = rpjmd.missions.get(number=1)
    client_for(bappeda).post("/staf/kinerja/rpjmd/2025/sasaran/baru/", _goal_fields(mission))
    goal = RpjmdGoal.objects.get()
    officer = client_for(officer_pupr)
    assert officer.post("/staf/kinerja/rpjmd/2025/sasaran/baru/", _goal_fields(mission, code="S9")).status_code == 403
    assert officer.post("/staf/kinerja/rpjmd/2025/renstra/dinkes/", {"goals": [goal.pk]}).status_code == 404
    assert not Renstra.objects.exists() and RpjmdGoal.objects.count() == 1
    empty = officer.post("/staf/kinerja/rpjmd/2025/renstra/dinas-pupr/", {"goals": [], "summary": "Rencana jalan"})
    assert "Rencana jalan" in empty.content.decode() and not Renstra.objects.exists()
    assert officer.post("/staf/kinerja/rpjmd/2025/renstra/dinas-pupr/", {"goals": [goal.pk]}).status_code == 302
    renstra = Renstra.objects.get()
    assert renstra.unit.slug == "dinas-pupr" and list(renstra.goals.all()) == [goal]
    listing = officer.get("/staf/kinerja/rpjmd/").content.decode()
    assert "/renstra/dinas-pupr/" in listing and "/renstra/dinkes/" not in listing and "/sasaran/" not in listing
