"""A page's way from draft to public, by the one write path: who may do what in which state, versions, the
audit trail, the review email, scheduled publishing, revisions with their diff and rollback."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail

from balai.core.models import AuditEvent
from balai.situs import services
from balai.situs.models import PageStatus
from balai.situs.selectors import revision_diff
from balai.situs.services import SitusError, StaleVersionError

from .conftest import publish, scope, write

pytestmark = pytest.mark.django_db


def _act(page: Any, user: Any, action: str, **kwargs: Any) -> Any:
    return services.page_act(actor=user, scope=scope(user), page=page, action=action, version=page.version, **kwargs)


def test_an_editor_sends_for_review_and_the_publisher_publishes(
    sites: Any, editor_dinkes: Any, publisher_dinkes: Any, django_capture_on_commit_callbacks: Any
) -> None:
    page = write(sites["dinkes"], editor_dinkes)
    assert page.status == PageStatus.DRAFT
    with pytest.raises(SitusError, match="tidak boleh"):
        _act(page, editor_dinkes, "publish")
    with django_capture_on_commit_callbacks(execute=True):
        page = _act(page, editor_dinkes, "submit")
    assert page.status == PageStatus.REVIEW
    assert [m.to for m in mail.outbox] == [["penerbit.dinkes@example.id"]]
    assert "/staf/situs/dinkes/halaman/" in mail.outbox[0].body
    page = _act(page, publisher_dinkes, "publish")
    assert page.status == PageStatus.PUBLISHED and page.published_at is not None
    actions = list(AuditEvent.objects.filter(object_type="situs.page").order_by("pk").values_list("action", flat=True))
    assert actions == ["situs.page.create", "situs.page.submit", "situs.page.publish"]


def test_without_review_the_editor_publishes_directly(sites: Any, editor_dinkes: Any, sysadmin: Any) -> None:
    site = services.site_settings_update(
        actor=sysadmin, scope=scope(sysadmin), site=sites["dinkes"], version=None, review_required=False, host=""
    )
    page = _act(write(site, editor_dinkes), editor_dinkes, "publish")
    assert page.status == PageStatus.PUBLISHED


def test_an_editor_cannot_change_the_review_switch(sites: Any, editor_dinkes: Any) -> None:
    with pytest.raises(SitusError):
        services.site_settings_update(
            actor=editor_dinkes, scope=scope(editor_dinkes), site=sites["dinkes"], version=None,
            review_required=False, host="",
        )  # fmt: skip


def test_an_editor_of_another_unit_can_do_nothing_on_this_site(
    sites: Any, editor_dinkes: Any, editor_pupr: Any
) -> None:
    page = write(sites["dinkes"], editor_dinkes)
    with pytest.raises(SitusError):
        services.page_update(actor=editor_pupr, scope=scope(editor_pupr), page=page, version=None, data={"title": "x"})
    with pytest.raises(SitusError):
        write(sites["dinkes"], editor_pupr)


def test_a_stale_version_is_refused_and_nothing_is_saved(sites: Any, editor_dinkes: Any) -> None:
    page = write(sites["dinkes"], editor_dinkes)
    services.page_update(actor=editor_dinkes, scope=scope(editor_dinkes), page=page, version=1, data={"body": "Satu"})
    with pytest.raises(StaleVersionError):
        services.page_update(
            actor=editor_dinkes, scope=scope(editor_dinkes), page=page, version=1, data={"body": "Dua"}
        )
    page.refresh_from_db()
    assert page.body == "Satu" and page.version == 2


def test_an_editor_cannot_publish_the_changes_of_a_published_page_when_review_is_on(
    sites: Any, editor_dinkes: Any
) -> None:
    page = publish(write(sites["dinkes"], editor_dinkes))
    page = services.page_update(
        actor=editor_dinkes, scope=scope(editor_dinkes), page=page, version=None, data={"body": "x"}
    )
    with pytest.raises(SitusError, match="tidak boleh"):
        _act(page, editor_dinkes, "publish")
    page.refresh_from_db()
    assert page.body == "" and page.draft is not None and page.draft["body"] == "x"


def test_a_scheduled_page_goes_online_and_offline_on_time(sites: Any, publisher_dinkes: Any) -> None:
    start = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False):
        page = write(sites["dinkes"], publisher_dinkes, kind="pengumuman")
        page = _act(page, publisher_dinkes, "publish", publish_at=start + timedelta(days=1),
                    unpublish_at=start + timedelta(days=3))  # fmt: skip
        assert page.status == PageStatus.SCHEDULED
        assert services.scheduled_run(start + timedelta(hours=23)) == {"published": 0, "unpublished": 0}
    assert services.scheduled_run(start + timedelta(days=1)) == {"published": 1, "unpublished": 0}
    page.refresh_from_db()
    assert page.status == PageStatus.PUBLISHED
    assert services.scheduled_run(start + timedelta(days=3)) == {"published": 0, "unpublished": 1}
    page.refresh_from_db()
    assert page.status == PageStatus.UNPUBLISHED
    assert AuditEvent.objects.filter(action="situs.page.unpublish", actor_label="system").count() == 1


def test_an_end_before_the_start_is_refused(sites: Any, publisher_dinkes: Any) -> None:
    page = write(sites["dinkes"], publisher_dinkes)
    now = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    with pytest.raises(SitusError, match="diturunkan sebelum terbit"):
        _act(page, publisher_dinkes, "publish", now=now, publish_at=now + timedelta(days=2),
             unpublish_at=now + timedelta(days=1))  # fmt: skip
    page.refresh_from_db()
    assert page.status == PageStatus.DRAFT


def test_revisions_show_a_line_diff_and_roll_back(sites: Any, editor_dinkes: Any) -> None:
    page = write(sites["dinkes"], editor_dinkes, body="Jadwal: Senin\nTempat: Girian")
    page = services.page_update(
        actor=editor_dinkes, scope=scope(editor_dinkes), page=page, version=page.version,
        data={"body": "Jadwal: Selasa\nTempat: Girian"},
    )  # fmt: skip
    shown, diff = revision_diff(page, 2)
    assert shown.number == 2
    assert [(d.field, d.lines) for d in diff] == [("teks", [("-", "Jadwal: Senin"), ("+", "Jadwal: Selasa")])]
    page = services.page_rollback(
        actor=editor_dinkes, scope=scope(editor_dinkes), page=page, version=page.version, number=1
    )
    assert page.body == "Jadwal: Senin\nTempat: Girian"
    assert page.revisions.count() == 3
    assert AuditEvent.objects.filter(action="situs.page.rollback").count() == 1
