"""/staf/siap-tayang/: `balai doctor`'s findings for the system administrator, and for nobody else."""

from __future__ import annotations

from typing import Any

import pytest

from balai.core.models import Pemda
from balai.lapor.models import Category
from tests.lapor.backoffice.steps import client_for, text

PAGE = "/staf/siap-tayang/"


@pytest.mark.django_db
def test_the_system_administrator_sees_what_is_left_with_its_fix(city: Pemda, sysadmin: Any) -> None:
    Category.objects.update(is_active=False)

    page = text(client_for(sysadmin).get(PAGE))

    assert "Citizens can choose a report category" in page
    assert "There is no active report category" in page
    assert "Fix: Add the categories and their OPD at /staf/admin/lapor/category/" in page
    assert "[TO DO]" in page and "[OK]" in page  # the Pemda is set up


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["coordinator", "operator_pupr", "pimpinan"])
def test_other_staff_may_not_open_it(city: Pemda, who: str, request: pytest.FixtureRequest) -> None:
    response = client_for(request.getfixturevalue(who)).get(PAGE)

    assert response.status_code == 403


@pytest.mark.django_db
def test_only_the_system_administrators_menu_links_it(city: Pemda, sysadmin: Any, coordinator: Any) -> None:
    assert PAGE in text(client_for(sysadmin).get("/staf/"))
    assert PAGE not in text(client_for(coordinator).get("/staf/"))
