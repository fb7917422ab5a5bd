"""What the websites give the platform through the registry: roles, menus, my work, KPIs, search, open datasets,
SPBE evidence; and the demo (each OPD a site, one stale, the demo logins), which adds nothing twice."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.utils import timezone

from balai.core.access import staff_scope
from balai.core.models import Membership, Unit, UnitKind
from balai.core.registry import DemoContext, registry
from balai.platform.demo import DEMO_PASSWORD
from balai.situs.freshness import stale_reasons
from balai.situs.models import Kind, Official, Page, Site

from .conftest import publish, write

pytestmark = pytest.mark.django_db


def test_the_roles_menus_and_periodic_checks_are_registered() -> None:
    module = registry.get("situs")
    assert module is not None
    assert [r.code for r in module.roles] == ["editor", "penerbit"] and module.roles[0].operates
    assert [e.url_name for e in module.public_menu] == ["situs:portal"]
    assert {c.name for c in registry.periodic()} >= {"situs.schedule", "situs.stale_mail"}


def test_my_work_counts_reviews_for_the_publisher(sites: Any, editor_dinkes: Any, publisher_dinkes: Any) -> None:
    from balai.situs import services

    from .conftest import scope

    page = write(sites["dinkes"], editor_dinkes)
    services.page_act(actor=editor_dinkes, scope=scope(editor_dinkes), page=page, action="submit", version=None)
    module = registry.get("situs")
    assert module is not None and module.work is not None
    section = module.work(RequestFactory().get("/"), staff_scope(publisher_dinkes), timezone.now())
    assert section is not None
    assert {i.key: i.count for i in section.items}["situs.review"] == 1
    mine = module.work(RequestFactory().get("/"), staff_scope(editor_dinkes), timezone.now())
    assert mine is not None and {i.key: i.count for i in mine.items}["situs.review"] == 0


def test_kpis_search_datasets_and_evidence_carry_only_published_pages(sites: Any) -> None:
    service = publish(write(sites["dinkes"], kind=Kind.SERVICE, title="Surat sehat", cost="Gratis", duration="1 hari"))
    write(sites["dinkes"], kind=Kind.SERVICE, title="Surat draf")
    now = timezone.now()
    module = registry.get("situs")
    assert module is not None and module.kpis is not None and module.search is not None
    figures = {k.key: k.value for k in module.kpis(frozenset({sites["dinkes"].unit_id}), now)}
    assert figures == {"situs.sites": 1, "situs.stale": 1, "situs.pages": 1}
    assert [h.title for h in module.search("surat", 10)] == ["Surat sehat"]
    datasets = {d.key: d for _m, d in registry.datasets() if d.key.startswith("situs-")}
    assert [list(r) for r in datasets["situs-services"].rows()] == [
        ["Dinas Kesehatan", "Surat sehat", "", "1 hari", "Gratis", "", f"http://127.0.0.1:8000{service.path}"]
    ]
    sites_rows = {r[0]: r for r in datasets["situs-websites"].rows()}
    assert sites_rows["Dinas Kesehatan"][3] == 1 and sites_rows["Dinas Pekerjaan Umum dan Penataan Ruang"][3] == 0
    evidence = [e for m, e in registry.evidence(now) if m.label == "situs"]
    assert [e.indicator for e in evidence] == [45, 46, 47]
    assert dict((str(k), v) for k, v in evidence[0].facts)["Layanan publik dengan standar yang diterbitkan"] == "1"


def test_the_demo_gives_every_opd_a_site_one_stale_and_adds_nothing_twice(city: Any) -> None:
    import random

    context = DemoContext(pemda=city, password=DEMO_PASSWORD, rng=random.Random(1))
    registry.get("situs").demo(context)  # type: ignore[union-attr,misc]
    opd = Unit.objects.filter(kind=UnitKind.OPD, is_active=True).count()
    assert Site.objects.count() == opd
    people = Official.objects.all()
    assert people.count() == 2 * (opd - 1) and people.exclude(photo="").count() >= 6
    assert people.filter(site__unit__slug="dinkes").exclude(photo="").count() == 2
    assert all("[DEMO]" in person.name for person in people)
    english = Page.objects.exclude(title_en="").filter(status="published")
    assert sorted(english.values_list("site__unit__slug", "title_en")) == [
        ("dinkes", "Certificate letter"),
        ("dinkes", "Complaints about a service"),
        ("dinkes", "Services stay open during the school holidays"),
    ]
    counts = (Site.objects.count(), Page.objects.count(), Membership.objects.filter(module="situs").count())
    registry.get("situs").demo(context)  # type: ignore[union-attr,misc]
    assert (Site.objects.count(), Page.objects.count(), Membership.objects.filter(module="situs").count()) == counts
    assert Official.objects.count() == 2 * (opd - 1)
    stale = stale_reasons(list(Site.objects.select_related("unit")), timezone.now() + timedelta(hours=1))
    assert [Site.objects.get(pk=pk).unit.slug for pk in stale] == ["dinsos"]
    editor = get_user_model().objects.get(username="editor.dinkes")
    assert editor.check_password(DEMO_PASSWORD)
    assert [login for login, _ in registry.get("situs").demo_logins] == ["editor.dinkes", "penerbit.dinkes"]  # type: ignore[union-attr]
