"""What a new module brings beyond staff work: demo rows and logins, open datasets, SPBE evidence and panels on a
unit's website all reach the platform through the registry, in INSTALLED_APPS order, without a platform change."""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from balai.core.models import Unit
from balai.core.registry import (
    DatasetColumn,
    DemoContext,
    Evidence,
    GeneratedDataset,
    Module,
    SitePanel,
    registry,
)
from balai.platform.checks import _demo_present
from balai.platform.demo import DEMO_PASSWORD, load_demo

pytestmark = pytest.mark.django_db

SEEN: list[DemoContext] = []


def _demo(context: DemoContext) -> None:
    SEEN.append(context)
    user, created = get_user_model().objects.get_or_create(username="contoh.editor")
    if created:
        user.set_password(context.password)
        user.save()


def _datasets() -> list[GeneratedDataset]:
    return [
        GeneratedDataset(
            key="contoh-halaman",
            title="Pages per unit",
            description="How many pages each unit keeps.",
            columns=(DatasetColumn("unit", "Unit"), DatasetColumn("pages", "Pages", type="integer")),
            rows=lambda: [(u.slug, 1) for u in Unit.objects.order_by("slug")[:3]],
            unit_slug="diskominfo",
        )
    ]


def _evidence(now: datetime) -> list[Evidence]:
    return [Evidence(indicator=42, title="Pages kept", facts=(("Units", str(Unit.objects.count())),), as_of=now)]


def _panels(unit: Any, now: datetime) -> list[SitePanel]:
    return [SitePanel("contoh", f"About {unit.slug}", "contoh/panel.html", {"unit": unit.pk}, order=5)]


EXAMPLE = Module(
    label="contoh",
    name="Situs contoh",
    datasets=_datasets,
    evidence=_evidence,
    site_panels=_panels,
    demo=_demo,
    demo_logins=(("contoh.editor", "website editor (example)"),),
)


@pytest.fixture
def example_module() -> Any:
    SEEN.clear()
    registry.register(EXAMPLE)
    yield EXAMPLE
    registry.unregister("contoh")


def test_the_demo_asks_every_module_for_its_rows_and_prints_its_logins(example_module):
    pemda = load_demo(reports=0)
    assert [(c.pemda.pk, c.password) for c in SEEN] == [(pemda.pk, DEMO_PASSWORD)]
    assert get_user_model().objects.get(username="contoh.editor").check_password(DEMO_PASSWORD)
    out = io.StringIO()
    call_command("demo", reports=0, stdout=out)
    assert "contoh.editor" in out.getvalue()
    assert "website editor (example)" in out.getvalue()
    # The production warning about demo accounts knows the module's login too.
    assert "contoh.editor" in _demo_present()[1]


def test_without_the_module_its_login_is_neither_made_nor_printed():
    out = io.StringIO()
    call_command("demo", reports=0, stdout=out)
    assert "contoh.editor" not in out.getvalue()
    assert not get_user_model().objects.filter(username="contoh.editor").exists()


def test_datasets_evidence_and_site_panels_come_through_the_registry(city, example_module):
    now = timezone.now()
    datasets = [d for m, d in registry.datasets() if m.label == "contoh"]
    assert [d.key for d in datasets] == ["contoh-halaman"]
    assert list(datasets[0].rows()) == [(u.slug, 1) for u in Unit.objects.order_by("slug")[:3]]
    evidence = [e for m, e in registry.evidence(now) if m.label == "contoh"]
    assert [(e.indicator, e.facts) for e in evidence] == [(42, (("Units", str(Unit.objects.count())),))]
    unit = Unit.objects.get(slug="dinkes")
    panels = [p for p in registry.site_panels(unit, now) if p.key == "contoh"]
    assert [(p.title, p.context) for p in panels] == [("About dinkes", {"unit": unit.pk})]


def test_a_figure_may_carry_a_line_saying_what_it_counts():
    """`Kpi.help` (added last, defaulting to nothing): modules that give none are unchanged."""
    from balai.core.registry import Kpi

    assert Kpi("k", "Label", 1).help == ""
    lapor = registry.get("lapor")
    assert lapor is not None and lapor.kpis is not None
    helps = {k.key: k.help for k in lapor.kpis(None, timezone.now())}
    assert helps["lapor.open"] == "" and helps["lapor.received_12m"]
