"""The SPBE cast: a coordinator at Diskominfo, an officer at Dinas PUPR and one at Dinkes (each with an email),
and the 2025 framework made from the shipped PermenPANRB 59/2020 data."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from balai.core.models import Unit
from balai.core.services import membership_grant
from balai.spbe import services
from balai.spbe.models import Assessment, Framework

YEAR = 2025


def _member(username: str, unit: str, role: str, first_name: str) -> Any:
    user = get_user_model().objects.create_user(username, f"{username}@example.id", "x", first_name=first_name)
    membership_grant(actor=None, user=user, unit=Unit.objects.get(slug=unit), role=role, module="spbe")
    return user


@pytest.fixture
def spbe_coordinator(city: Any) -> Any:
    return _member("koord.spbe", "diskominfo", "koordinator", "Meiske")


@pytest.fixture
def officer(city: Any) -> Any:
    return _member("petugas.pupr", "dinas-pupr", "petugas", "Fandy")


@pytest.fixture
def other_officer(city: Any) -> Any:
    return _member("petugas.dinkes", "dinkes", "petugas", "Grace")


@pytest.fixture
def framework(city: Any) -> Framework:
    return services.framework_create_year(actor=None, year=YEAR)


def assessment(framework: Framework, number: int) -> Assessment:
    return Assessment.objects.select_related("indicator", "officer").get(
        indicator__framework=framework, indicator__number=number
    )


def reviewed(framework: Framework, number: int, level: int, coordinator: Any) -> Assessment:
    """An indicator filled, submitted and accepted by the coordinator in three service calls."""
    a = services.assessment_save(actor=coordinator, assessment=assessment(framework, number), version=None,
                                 level=level, justification="Bukti lengkap.")  # fmt: skip
    a = services.assessment_submit(actor=coordinator, assessment=a, version=None)
    return services.assessment_review(actor=coordinator, assessment=a, version=None)


def signed_in(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


# The browser journey's fixtures (Playwright with Debian's chromium, the live server, axe).
from tests.e2e.conftest import axe_js, browser, new_page, site  # noqa: E402, F401
