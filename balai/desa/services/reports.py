"""Writes on village reports: save a draft, send, accept or return (the camat), comment, ask for follow-up and
send an item to an OPD (the mayor's office); each in one transaction with the rules' check, the version check,
the audit trail and the emails (queued in the outbox, tried after the commit)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from balai.core.models import Membership, OutgoingMail, Unit
from balai.core.outbox import mail_deliver_all, mail_queue
from balai.core.selectors import work_calendar
from balai.core.services import Actor as Person
from balai.core.services import audit_record

from .. import rules
from ..models import NoteKind, ReportType, Submission, SubmissionAttachment, SubmissionNote, SubmissionStatus
from ..periods import PeriodError, deadline, period_parse
from ._common import KINDS, DesaError, UploadedFile, file_check, required_missing, unit_reply_address, version_check


def _site(path: str) -> str:
    return settings.SITE_URL + path


def mail_to_unit(unit: Unit, kind: str, subject: str, body: str) -> list[OutgoingMail]:
    """One mail to the unit's registered address (with its reply key) and to its lurah's accounts; queued."""
    addresses: list[str] = []
    mailbox = getattr(unit, "desa_mailbox", None)
    if mailbox is not None:
        addresses.append(mailbox.sender_email.lower())
    addresses += [
        e.lower()
        for e in get_user_model()
        .objects.filter(
            memberships__unit=unit,
            memberships__module=rules.MODULE,
            memberships__role=rules.Role.LURAH,
            memberships__is_active=True,
            is_active=True,
        )
        .exclude(email="")
        .values_list("email", flat=True)
    ]
    reply_to = unit_reply_address(unit.slug)
    return [
        mail_queue(kind=f"desa.{kind}", to=a, subject=subject, body=body, language="id", reply_to=reply_to)
        for a in dict.fromkeys(addresses)
    ]


def mail_to_role(unit_ids: Sequence[int] | None, role: str, kind: str, subject: str, body: str) -> list[OutgoingMail]:
    """One mail to each active holder of a module role (in these units, or anywhere)."""
    members = Membership.objects.filter(module=rules.MODULE, role=role, is_active=True, user__is_active=True)
    if unit_ids is not None:
        members = members.filter(unit_id__in=list(unit_ids))
    addresses = members.exclude(user__email="").values_list("user__email", flat=True).distinct()
    return [mail_queue(kind=f"desa.{kind}", to=a, subject=subject, body=body, language="id") for a in addresses]


def _subject(submission: Submission, what: str) -> str:
    # The type's code and the period stay in every subject: a reply names its report by them.
    return f"[Balai] {what}: {submission.report_type.slug} {submission.period_key} · {submission.unit.name}"


def staff_url(submission: Submission) -> str:
    return _site(reverse("desa:submission", args=[submission.public_id]))


def submission_save(
    *,
    actor: Person,
    actors: set[rules.Actor],
    unit: Unit,
    report_type: ReportType,
    period_key: str,
    values: dict[str, Any],
    files: Sequence[UploadedFile] = (),
    send: bool = False,
    version: int | None = None,
    channel: str = "web",
    now: dt.datetime | None = None,
) -> Submission:
    """Keep a unit's report as a draft, or send it (the required fields filled): all or nothing."""
    now = now or timezone.now()
    if unit.kind not in report_type.unit_kinds or not report_type.is_active:
        raise DesaError(_("This unit does not send this report."))
    try:
        period = period_parse(report_type.period, period_key)
    except PeriodError as exc:
        raise DesaError(_("There is no such period: %(key)s.") % {"key": period_key}) from exc
    calendar = work_calendar()
    if period.start > calendar.local_date(now):
        raise DesaError(_("This period has not started yet."))
    kinds = [file_check(f) for f in files]  # before anything is written
    written: list[str] = []
    mails: list[OutgoingMail] = []
    try:
        with transaction.atomic():
            submission = (
                Submission.objects.select_for_update()
                .select_related("report_type", "unit")
                .filter(report_type=report_type, unit=unit, period_key=period.key)
                .first()
            )
            status = submission.status if submission is not None else ""
            action = "send" if send else "save"
            refusal = rules.submission_refusal(action, status, actors)
            if refusal:
                raise DesaError(refusal)
            if submission is None:
                submission = Submission(
                    report_type=report_type,
                    unit=unit,
                    period_key=period.key,
                    due_at=deadline(calendar, period, report_type.deadline_days),
                    channel=channel,
                )
            else:
                version_check(submission.version, version)
                submission.version += 1
            submission.values = {**submission.values, **values}
            submission.channel = channel
            attached = set(submission.attachments.values_list("field_key", flat=True)) if submission.pk else set()
            attached |= {f.field_key for f in files if f.field_key}
            if send:
                missing = required_missing(report_type, submission.values, attached)
                if missing:
                    raise DesaError(_("Fill in before sending: %(fields)s.") % {"fields": ", ".join(missing)}, missing)
                submission.status = SubmissionStatus.SENT
                submission.sent_at = now
                submission.first_sent_at = submission.first_sent_at or now
            else:
                submission.status = status or SubmissionStatus.DRAFT
            submission.full_clean(exclude=["report_type", "unit"])
            submission.save()
            for upload, kind in zip(files, kinds, strict=True):
                attachment = SubmissionAttachment(
                    submission=submission, field_key=upload.field_key, name=upload.name[:200], content_type=KINDS[kind]
                )
                attachment.file.save(upload.name, ContentFile(upload.content), save=False)
                written.append(attachment.file.name)
                attachment.save()
            audit_record(
                actor=actor,
                action=f"desa.report.{action}",
                obj=submission,
                changes={"status": submission.status, "channel": channel, "files": len(files)},
            )
            if send:
                mails = _sent_mails(submission, now)
    except BaseException:
        from django.core.files.storage import default_storage

        for name in written:
            default_storage.delete(name)
        raise
    mail_deliver_all(mails)
    return submission


def _sent_mails(submission: Submission, now: dt.datetime) -> list[OutgoingMail]:
    with translation.override("id"):
        late = (
            submission.first_sent_at is not None
            and submission.due_at is not None
            and submission.first_sent_at > submission.due_at
        )
        body = _(
            "Balai received the report %(type)s for %(period)s of %(unit)s on %(when)s.\n"
            "%(timing)s\n\nSee it: %(url)s\n"
        ) % {
            "type": submission.report_type.name,
            "period": submission.period_key,
            "unit": submission.unit.name,
            "when": timezone.localtime(now).strftime("%d-%m-%Y %H:%M"),
            "timing": _("It was sent after the deadline.") if late else _("It was sent on time."),
            "url": staff_url(submission),
        }
        mails = mail_to_unit(submission.unit, "receipt", _subject(submission, _("Receipt")), body)
        if submission.unit.parent_id is not None:
            mails += mail_to_role(
                [submission.unit.parent_id],
                rules.Role.CAMAT,
                "to_review",
                _subject(submission, _("To review")),
                _("A report waits for your review: %(url)s\n") % {"url": staff_url(submission)},
            )
    return mails


def _locked(submission: Submission) -> Submission:
    return Submission.objects.select_for_update().select_related("report_type", "unit").get(pk=submission.pk)


def submission_review(
    *,
    actor: Person,
    actors: set[rules.Actor],
    submission: Submission,
    accept: bool,
    note: str = "",
    version: int | None = None,
    now: dt.datetime | None = None,
) -> Submission:
    """The camat accepts the report, or returns it to the kelurahan with a note (required)."""
    now = now or timezone.now()
    note = note.strip()
    action = "accept" if accept else "return"
    if not accept and not note:
        raise DesaError(_("Write what the kelurahan must change."))
    with transaction.atomic():
        locked = _locked(submission)
        refusal = rules.submission_refusal(action, locked.status, actors)
        if refusal:
            raise DesaError(refusal)
        version_check(locked.version, version)
        locked.status = SubmissionStatus.ACCEPTED if accept else SubmissionStatus.RETURNED
        locked.reviewed_at = now
        locked.return_note = "" if accept else note
        locked.version += 1
        locked.save()
        SubmissionNote.objects.create(
            submission=locked, author=actor, kind=NoteKind.ACCEPT if accept else NoteKind.RETURN, text=note or "-"
        )
        audit_record(actor=actor, action=f"desa.report.{action}", obj=locked, changes={"note": note[:200]})
        mails: list[OutgoingMail] = []
        if not accept:
            with translation.override("id"):
                body = _(
                    "The camat returned your report with this note:\n\n%(note)s\n\n"
                    "Change it on the web (%(url)s) or reply to this email with the corrected lines "
                    "'field: value'.\n"
                ) % {"note": note, "url": staff_url(locked)}
                mails = mail_to_unit(locked.unit, "returned", _subject(locked, _("Returned")), body)
    mail_deliver_all(mails)
    return locked


def submission_note(
    *,
    actor: Person,
    actors: set[rules.Actor],
    submission: Submission,
    follow_up: bool,
    text: str,
    version: int | None = None,
) -> SubmissionNote:
    """The mayor's office comments on a report, or asks the unit for follow-up; the unit is told by email."""
    text = text.strip()
    if not text:
        raise DesaError(_("Write the comment."))
    action = "follow_up" if follow_up else "comment"
    with transaction.atomic():
        locked = _locked(submission)
        refusal = rules.submission_refusal(action, locked.status, actors)
        if refusal:
            raise DesaError(refusal)
        version_check(locked.version, version)
        locked.version += 1
        locked.read_at = locked.read_at or timezone.now()
        if follow_up:
            locked.follow_up_open = True
        locked.save()
        note = SubmissionNote.objects.create(
            submission=locked, author=actor, kind=NoteKind.FOLLOW_UP if follow_up else NoteKind.COMMENT, text=text
        )
        audit_record(actor=actor, action=f"desa.report.{action}", obj=locked, changes={"text": text[:200]})
        with translation.override("id"):
            what = _("Follow-up asked") if follow_up else _("Comment")
            body = _("The mayor's office wrote about your report:\n\n%(text)s\n\n%(url)s\n") % {
                "text": text,
                "url": staff_url(locked),
            }
            mails = mail_to_unit(locked.unit, action, _subject(locked, what), body)
    mail_deliver_all(mails)
    return note


def submission_mark_read(*, actor: Person, actors: set[rules.Actor], submission: Submission) -> None:
    """The mayor's office opened the report: it shows as read (once)."""
    if rules.Actor.OFFICE not in actors or submission.read_at is not None or submission.status not in rules.READABLE:
        return
    with transaction.atomic():
        locked = _locked(submission)
        if locked.read_at is None:
            locked.read_at = timezone.now()
            locked.save(update_fields=["read_at", "updated_at"])
            audit_record(actor=actor, action="desa.report.read", obj=locked)


def submission_to_opd(
    *,
    actor: Person,
    actors: set[rules.Actor],
    submission: Submission,
    category_id: int,
    title: str,
    description: str,
    version: int | None = None,
) -> SubmissionNote:
    """An item of the report that needs an OPD becomes a citizen-report in the reporting module (dispatched
    like any other by the coordinator); its tracking code is kept on the report's notes."""
    from balai.lapor.selectors import categories_active
    from balai.lapor.services import ReportInput, report_submit

    title, description = title.strip(), description.strip()
    if not title or not description:
        raise DesaError(_("Write a title and what the OPD must do."))
    category = categories_active().filter(pk=category_id).first()
    if category is None:
        raise DesaError(_("Choose a category."))
    with transaction.atomic():
        locked = _locked(submission)
        refusal = rules.submission_refusal("to_opd", locked.status, actors)
        if refusal:
            raise DesaError(refusal)
        version_check(locked.version, version)
        wilayah = locked.unit.wilayah if locked.unit.kind in ("kelurahan", "desa") else None
        report = report_submit(
            data=ReportInput(
                category=category,
                title=title,
                description=description,
                kelurahan=wilayah,
                reporter_name=locked.unit.name,
                consent=True,
            ),
            actor=actor,
            channel="staff",
        )
        locked.version += 1
        locked.save(update_fields=["version", "updated_at"])
        note = SubmissionNote.objects.create(
            submission=locked, author=actor, kind=NoteKind.TO_OPD, text=title, lapor_code=report.code
        )
        audit_record(actor=actor, action="desa.report.to_opd", obj=locked, changes={"lapor": report.code})
    return note
