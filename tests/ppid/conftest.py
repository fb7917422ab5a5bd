from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model

from balai.core.models import Unit
from balai.core.services import membership_grant
from balai.ppid import services
from balai.ppid.models import CopyForm, Delivery, ObtainHow, RequesterKind


def person(username: str, unit: str, role: str, module: str = "ppid") -> Any:
    user, _created = get_user_model().objects.get_or_create(username=username, defaults={"email": f"{username}@x.id"})
    membership_grant(actor=None, user=user, unit=Unit.objects.get(slug=unit), role=role, module=module)
    return user


@pytest.fixture
def utama(city: Any) -> Any:
    return person("ppid.utama", "diskominfo", "utama")


@pytest.fixture
def pelaksana_pupr(city: Any) -> Any:
    return person("ppid.pupr", "dinas-pupr", "pelaksana")


@pytest.fixture
def pelaksana_dinkes(city: Any) -> Any:
    return person("ppid.dinkes", "dinkes", "pelaksana")


@pytest.fixture
def atasan(city: Any) -> Any:
    return person("ppid.atasan", "setda", "atasan")


NIK = "7172012345678901"


def request_input(**overrides: Any) -> services.RequestInput:
    values: dict[str, Any] = {
        "requester_kind": RequesterKind.PERORANGAN, "name": "Sinta Wowor", "identity_number": NIK,
        "address": "Jl. Rahasia No. 7", "phone": "081234567890", "email": "sinta@example.id",
        "information": "Salinan kontrak pembangunan jembatan Girian 2025", "purpose": "Pengawasan warga",
        "obtain_how": ObtainHow.COPY, "copy_form": CopyForm.ELECTRONIC, "delivery": Delivery.EMAIL,
    }  # fmt: skip
    values.update(overrides)
    return services.RequestInput(**values)
