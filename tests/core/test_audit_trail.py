"""The audit trail is append-only: no code path, and no admin screen, can change or remove what it recorded."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import RequestFactory

from balai.core.models import AuditEvent, Membership, Role, Unit
from balai.core.services import audit_record, membership_grant

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(city, sysadmin):
    unit = Unit.objects.get(slug="dlh")
    return audit_record(actor=sysadmin, action="unit.change", obj=unit, changes={"email": "dlh@bitungkota.go.id"})


def test_a_recorded_event_cannot_be_saved_again(event):
    event.action = "unit.delete"

    with pytest.raises(PermissionError):
        event.save()

    assert AuditEvent.objects.get(pk=event.pk).action == "unit.change"


def test_a_recorded_event_cannot_be_deleted(event):
    with pytest.raises(PermissionError):
        event.delete()

    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_the_trail_cannot_be_rewritten_in_bulk(event):
    count = AuditEvent.objects.count()

    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(action="unit.delete")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().update(changes={})
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(action="unit.change").delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()

    assert AuditEvent.objects.count() == count
    assert AuditEvent.objects.get(pk=event.pk).changes == {"email": "dlh@bitungkota.go.id"}


def test_removing_a_user_keeps_their_events_under_their_name(city, sysadmin):
    intern = get_user_model().objects.create_user("magang.kominfo", password="x" * 12)
    unit = Unit.objects.get(slug="diskominfo")
    event = audit_record(actor=intern, action="unit.change", obj=unit)

    intern.delete()

    event = AuditEvent.objects.get(pk=event.pk)
    assert event.actor_id is None
    assert event.actor_label == "magang.kominfo"


@pytest.fixture
def audit_admin():
    return admin.site._registry[AuditEvent]


@pytest.fixture
def admin_request(sysadmin):
    request = RequestFactory().get("/staf/admin/core/auditevent/")
    request.user = sysadmin
    return request


def test_even_a_superuser_cannot_add_change_or_delete_events_in_the_admin(audit_admin, admin_request, event):
    assert admin_request.user.is_superuser

    assert audit_admin.has_add_permission(admin_request) is False
    assert audit_admin.has_change_permission(admin_request) is False
    assert audit_admin.has_change_permission(admin_request, event) is False
    assert audit_admin.has_delete_permission(admin_request) is False
    assert audit_admin.has_delete_permission(admin_request, event) is False


def test_the_superuser_can_still_read_the_trail_in_the_admin(audit_admin, admin_request, event):
    assert audit_admin.has_view_permission(admin_request, event) is True
    assert "delete_selected" not in audit_admin.get_actions(admin_request)


def test_the_admin_refuses_to_delete_an_event_even_when_asked_directly(client, sysadmin, event):
    client.force_login(sysadmin)

    response = client.post(f"/staf/admin/core/auditevent/{event.pk}/delete/", {"post": "yes"})

    assert response.status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_granting_a_membership_writes_an_audit_row_with_the_actor_and_the_change(city, sysadmin, operator_dinkes):
    dlh = Unit.objects.get(slug="dlh")

    membership = membership_grant(actor=sysadmin, user=operator_dinkes, unit=dlh, role=Role.OPERATOR)

    assert Membership.objects.filter(user=operator_dinkes, unit=dlh, role=Role.OPERATOR, is_active=True).exists()
    row = AuditEvent.objects.get(action="membership.grant", object_id=str(membership.pk))
    assert row.actor == sysadmin
    assert row.actor_label == "admin"
    assert row.object_type == "core.membership"
    assert row.changes == {"user": "operator.dinkes", "module": "lapor", "role": "operator", "unit": "dlh"}


def test_a_grant_by_the_system_is_recorded_as_anonymous(city, operator_pupr):
    setda = Unit.objects.get(slug="setda")

    membership = membership_grant(actor=None, user=operator_pupr, unit=setda, role=Role.PIMPINAN)

    row = AuditEvent.objects.get(action="membership.grant", object_id=str(membership.pk))
    assert (row.actor, row.actor_label) == (None, "anonymous")
