"""Removing what Bappeda typed by mistake: an RPJMD goal (with its indicators), one indicator, a mission, an OPD's
Renstra. A confirm page (a POST form, no JavaScript) says what goes; the service refuses, naming what still
depends on it and where to change it, and removes nothing; a removal is audited with who and what; the public
year page stops showing it. The year page lists goals under their mission, named with its text."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.utils import translation

from balai.core.access import staff_scope
from balai.core.models import AuditEvent, Unit
from balai.kinerja import services
from balai.kinerja.models import GoalIndicator, Level, Renstra, Rpjmd, RpjmdGoal, RpjmdMission
from balai.kinerja.summary import summary_drift

from .conftest import ROAD, YEAR, client_for, sub

pytestmark = pytest.mark.django_db


def _goal(
    bappeda: Any, rpjmd: Rpjmd, number: int, code: str, title: str, indicators: tuple[str, ...] = ()
) -> RpjmdGoal:
    mission = rpjmd.missions.get(number=number)
    goal = services.goal_save(actor=bappeda, scope=staff_scope(bappeda), rpjmd=rpjmd,
                              data=services.GoalInput(mission_id=mission.pk, code=code, title=title))  # fmt: skip
    for name in indicators:
        data = services.GoalInput(mission_id=mission.pk, code=code, title=title, indicator=name, indicator_unit="%",
                                  targets={2026: Decimal(70), 2029: Decimal(85)})  # fmt: skip
        goal = services.goal_save(actor=bappeda, scope=staff_scope(bappeda), rpjmd=rpjmd, data=data, goal=goal,
                                  version=goal.version)  # fmt: skip
    return goal


def _public_year() -> str:
    return client_for(language="id").get(f"/kinerja/{YEAR}/").content.decode()


def test_the_year_page_lists_goals_under_their_mission_with_its_text(rpjmd: Rpjmd, bappeda: Any) -> None:
    _goal(bappeda, rpjmd, 2, "S2.1", "Menurunnya angka stunting")
    _goal(bappeda, rpjmd, 1, "S1.1", "Meningkatnya kemantapan jalan kota")
    body = _public_year()
    first = body.index("Misi 1: Meningkatkan kualitas infrastruktur kota")
    second = body.index("Misi 2: Meningkatkan derajat kesehatan warga")
    assert first < body.index("S1.1 Meningkatnya kemantapan jalan kota") < second
    assert second < body.index("S2.1 Menurunnya angka stunting")
    staff = client_for(bappeda, language="id").get("/staf/kinerja/rpjmd/").content.decode()
    assert "Misi 2: Meningkatkan derajat kesehatan warga" in staff
    # The goal form offers the missions by their text too.
    form = client_for(bappeda, language="id").get("/staf/kinerja/rpjmd/2025/sasaran/baru/").content.decode()
    assert "Misi 1: Meningkatkan kualitas infrastruktur kota" in form


def test_bappeda_removes_a_goal_after_a_confirm_step(rpjmd: Rpjmd, bappeda: Any) -> None:
    goal = _goal(bappeda, rpjmd, 1, "S1.9", "Sasaran salah ketik", ("Indikator salah", "Indikator kedua"))
    assert "S1.9 Sasaran salah ketik" in _public_year()
    client = client_for(bappeda)
    url = f"/staf/kinerja/rpjmd/2025/sasaran/{goal.pk}/hapus/"
    confirm = client.get(url).content.decode()
    assert "S1.9 Sasaran salah ketik" in confirm and "Indikator kedua" in confirm
    assert '<form method="post" class="kin-form"' in confirm and f'value="{goal.version}"' in confirm
    assert RpjmdGoal.objects.filter(pk=goal.pk).exists()  # looking at the page removes nothing

    stale = client.post(url, {"version": goal.version - 1})
    assert "Someone changed this in the meantime" in stale.content.decode()
    assert RpjmdGoal.objects.filter(pk=goal.pk).exists()

    assert client.post(url, {"version": goal.version}).status_code == 302
    assert not RpjmdGoal.objects.filter(pk=goal.pk).exists() and not GoalIndicator.objects.exists()
    event = AuditEvent.objects.get(action="kinerja.goal.delete")
    assert event.actor == bappeda and event.object_id == str(goal.pk)
    assert event.changes["code"] == "S1.9" and event.changes["title"] == "Sasaran salah ketik"
    assert [i["name"] for i in event.changes["indicators"]] == ["Indikator salah", "Indikator kedua"]
    assert "Sasaran salah ketik" not in _public_year()
    assert summary_drift() == []


def test_a_goal_that_rows_or_a_renstra_serve_is_kept_with_the_reason(plan: Any, rpjmd: Rpjmd, bappeda: Any) -> None:
    goal = _goal(bappeda, rpjmd, 1, "S1.1", "Meningkatnya kemantapan jalan kota", ("Jalan mantap",))
    scope = staff_scope(bappeda)
    program = sub(ROAD).program
    assert program is not None and program.level == Level.PROGRAM
    data = services.ActivityInput(code=program.code, name=program.name, unit=program.unit, urusan=program.urusan,
                                  goal_id=goal.pk)  # fmt: skip
    services.activity_save(actor=bappeda, scope=scope, plan=plan, data=data, activity=program, version=program.version)
    services.renstra_save(actor=bappeda, scope=scope, rpjmd=rpjmd, unit=Unit.objects.get(slug="dinas-pupr"),
                          goal_ids=[goal.pk], summary="")  # fmt: skip
    client = client_for(bappeda)
    url = f"/staf/kinerja/rpjmd/2025/sasaran/{goal.pk}/hapus/"
    page = client.get(url).content.decode()
    assert "cannot be removed yet" in page and 'class="kin-form"' not in page
    assert f"{program.code} {program.name}" in page and str(YEAR) in page and "Change this row" in page
    assert "The Renstra of Dinas Pekerjaan Umum" in page

    refused = client.post(url, {"version": goal.version}).content.decode()
    assert "Nothing was removed." in refused and "1 row of the annual plan serves this goal" in refused
    assert RpjmdGoal.objects.filter(pk=goal.pk).exists() and GoalIndicator.objects.filter(goal=goal).exists()
    assert not AuditEvent.objects.filter(action="kinerja.goal.delete").exists()
    indonesian = client_for(bappeda, language="id").post(url, {"version": goal.version}).content.decode()
    assert "Tidak ada yang dihapus." in indonesian

    # Once the row serves no goal and the Renstra is gone, the goal may go.
    program.refresh_from_db()
    data = services.ActivityInput(code=program.code, name=program.name, unit=program.unit, urusan=program.urusan)
    services.activity_save(actor=bappeda, scope=scope, plan=plan, data=data, activity=program, version=program.version)
    renstra = Renstra.objects.get()
    assert (
        client.post("/staf/kinerja/rpjmd/2025/renstra/dinas-pupr/hapus/", {"version": renstra.version}).status_code
        == 302
    )
    renstra_event = AuditEvent.objects.get(action="kinerja.renstra.delete")
    assert renstra_event.actor == bappeda and renstra_event.changes["unit"] == "dinas-pupr"
    assert renstra_event.changes["goals"] == ["S1.1"]
    assert "Dinas Pekerjaan Umum" not in _public_year().split("S1.1")[1].split("</li>")[0]
    assert client.post(url, {"version": goal.version}).status_code == 302
    assert not RpjmdGoal.objects.exists()
    assert summary_drift() == []


def test_one_indicator_of_a_goal_is_removed_and_the_others_kept(rpjmd: Rpjmd, bappeda: Any) -> None:
    goal = _goal(bappeda, rpjmd, 1, "S1.1", "Jalan kota", ("Persentase jalan mantap", "Persentase jalan mantp"))
    typo = GoalIndicator.objects.get(name="Persentase jalan mantp")
    url = f"/staf/kinerja/rpjmd/2025/sasaran/{goal.pk}/indikator/{typo.pk}/hapus/"
    client = client_for(bappeda)
    assert "Persentase jalan mantp" in client.get(url).content.decode()
    assert client.post(url, {"version": goal.version}).status_code == 302
    assert list(GoalIndicator.objects.values_list("name", flat=True)) == ["Persentase jalan mantap"]
    event = AuditEvent.objects.get(action="kinerja.goal_indicator.delete")
    assert event.actor == bappeda and event.changes["indicator"] == "Persentase jalan mantp"
    body = _public_year()
    assert "Persentase jalan mantap" in body and "Persentase jalan mantp" not in body
    before = goal.version
    goal.refresh_from_db()
    assert goal.version == before + 1  # a goal form opened before the removal is now stale


def test_a_mission_with_goals_is_kept_and_an_empty_one_removed_renumbering_the_rest(rpjmd: Rpjmd, bappeda: Any) -> None:
    scope = staff_scope(bappeda)
    data = services.RpjmdInput(start_year=2025, end_year=2029, vision=rpjmd.vision,
                               missions=("Infrastruktur", "Misi salah ketik", "Kesehatan warga"))  # fmt: skip
    rpjmd = services.rpjmd_save(actor=bappeda, scope=scope, data=data, rpjmd=rpjmd, version=rpjmd.version)
    _goal(bappeda, rpjmd, 3, "S3.1", "Menurunnya angka stunting")
    client = client_for(bappeda)
    kept = client.post("/staf/kinerja/rpjmd/2025/misi/3/hapus/", {"version": rpjmd.version}).content.decode()
    assert "Mission 3 still has the goals S3.1" in kept and "Nothing was removed." in kept
    assert rpjmd.missions.count() == 3

    page = client.get("/staf/kinerja/rpjmd/2025/misi/2/hapus/").content.decode()
    assert "Misi salah ketik" in page and "move up one number" in page
    assert client.post("/staf/kinerja/rpjmd/2025/misi/2/hapus/", {"version": rpjmd.version}).status_code == 302
    assert list(rpjmd.missions.order_by("number").values_list("number", "text")) == [
        (1, "Infrastruktur"), (2, "Kesehatan warga"),
    ]  # fmt: skip
    assert RpjmdGoal.objects.get(code="S3.1").mission.number == 2
    event = AuditEvent.objects.get(action="kinerja.mission.delete")
    assert event.actor == bappeda and event.changes == {"number": 2, "text": "Misi salah ketik"}
    assert "Misi salah ketik" not in _public_year() and "Misi 2: Kesehatan warga" in _public_year()

    rpjmd.refresh_from_db()
    only = services.RpjmdInput(start_year=2025, end_year=2029, vision=rpjmd.vision, missions=("Satu-satunya",))
    stunting = RpjmdGoal.objects.get(code="S3.1")
    services.goal_delete(actor=bappeda, scope=scope, goal=stunting, version=stunting.version)
    rpjmd = services.rpjmd_save(actor=bappeda, scope=scope, data=only, rpjmd=rpjmd, version=rpjmd.version)
    last = RpjmdMission.objects.get(rpjmd=rpjmd)
    with translation.override("en"), pytest.raises(services.ActionError, match="at least one mission"):
        services.mission_delete(actor=bappeda, scope=scope, mission=last, version=rpjmd.version)
    assert RpjmdMission.objects.filter(pk=last.pk).exists()
