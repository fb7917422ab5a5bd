"""The websites' cast: Dinkes and Dinas PUPR with a site each, an editor and a publisher of Dinkes, an editor of
PUPR; plus helpers that act through the services, as the staff pages do."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from balai.core.access import staff_scope
from balai.core.models import Unit
from balai.core.services import membership_grant
from balai.situs import services
from balai.situs.models import Kind, Page, Site

EDITOR, PUBLISHER = "editor", "penerbit"


def make_user(username: str, unit: str, role: str) -> Any:
    user = get_user_model().objects.create_user(username, f"{username}@example.id", "x")
    membership_grant(actor=None, user=user, unit=Unit.objects.get(slug=unit), role=role, module="situs")
    return user


@pytest.fixture
def sites(city: Any) -> dict[str, Site]:
    return {
        slug: services.site_activate(actor=None, scope=None, unit=Unit.objects.get(slug=slug))
        for slug in ("dinkes", "dinas-pupr")
    }


@pytest.fixture
def editor_dinkes(sites: Any) -> Any:
    return make_user("editor.dinkes", "dinkes", EDITOR)


@pytest.fixture
def publisher_dinkes(sites: Any) -> Any:
    return make_user("penerbit.dinkes", "dinkes", PUBLISHER)


@pytest.fixture
def editor_pupr(sites: Any) -> Any:
    return make_user("editor.pupr", "dinas-pupr", EDITOR)


def scope(user: Any) -> Any:
    return staff_scope(user)


def write(site: Site, user: Any = None, kind: str = Kind.NEWS, **data: Any) -> Page:
    data.setdefault("title", "Vaksinasi gratis di Puskesmas Girian")
    return services.page_create(actor=user, scope=scope(user) if user else None, site=site, kind=kind, data=data)


def publish(page: Page, when: datetime | None = None) -> Page:
    return services.page_act(actor=None, scope=None, page=page, action="publish", version=None, now=when)


def client_for(user: Any = None) -> Client:
    client = Client()
    client.cookies["django_language"] = "en"
    if user is not None:
        client.force_login(user)
    return client
