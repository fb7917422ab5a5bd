"""Every change of an information request: one transaction each (lock, ask rules.py, check the version, save,
timeline event, audit, emails through the outbox). Views, commands, the worker and the email intake call these."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks import task

from balai.core.models import Membership, Role, StaffPreference, Unit
from balai.core.outbox import mail_deliver_all, mail_queue
from balai.core.selectors import work_calendar
from balai.core.services import audit_record
from balai.lapor import codes
from balai.lib.workdays import WorkCalendar

from . import rules
from .models import (
    Channel,
    Decision,
    DipEntry,
    InformationRequest,
    Objection,
    ObjectionOutcome,
    ReleasedDocument,
    RequestEvent,
    Status,
    ppid_settings,
)
from .rules import Actor

log = logging.getLogger(__name__)
P = ParamSpec("P")
T = TypeVar("T")

NOTICE_DAYS = 10
EXTENSION_DAYS = 7
OBJECTION_WINDOW_DAYS = 30
OBJECTION_ANSWER_DAYS = 30
CODE_PREFIX = "PPID"
REQUESTER_LABEL = "pemohon"
SYSTEM_LABEL = "sistem"
MAX_UPLOAD = 5 * 1024 * 1024


class ActionError(Exception):
    """An action that cannot be done now; `message` says why, in the person's language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class StaleVersionError(ActionError):
    pass


# --- the law's clock --------------------------------------------------------------------------------------


def notice_due(received_at: datetime, calendar: WorkCalendar) -> datetime:
    """The written notice is due within 10 working days of receipt."""
    return calendar.add_working_days(received_at, NOTICE_DAYS)


def extended_due(received_at: datetime, calendar: WorkCalendar) -> datetime:
    """One extension adds 7 working days to the 10."""
    return calendar.add_working_days(received_at, NOTICE_DAYS + EXTENSION_DAYS)


def objection_deadline(request: InformationRequest, calendar: WorkCalendar) -> datetime:
    """30 working days from the notice, or from the notice deadline passing unanswered."""
    start = request.notice_at or request.due_at
    return calendar.add_working_days(start, OBJECTION_WINDOW_DAYS)


def objection_answer_due(filed_at: datetime, calendar: WorkCalendar) -> datetime:
    return calendar.add_working_days(filed_at, OBJECTION_ANSWER_DAYS)


def objection_refusal(request: InformationRequest, now: datetime, calendar: WorkCalendar) -> str | None:
    """Why the requester cannot object now (the table's answer, then the clock), or None."""
    refused = rules.refusal("object", request, actors={Actor.REQUESTER})
    if refused:
        return refused
    if request.status in rules.OPEN and now <= request.due_at:
        return _("You can object once the notice is given, or when its deadline (%(due)s) has passed.") % {
            "due": _date(request.due_at, calendar)
        }
    if now > objection_deadline(request, calendar):
        return _("The 30 working days to object ended on %(end)s.") % {
            "end": _date(objection_deadline(request, calendar), calendar)
        }
    return None


def _date(moment: datetime, calendar: WorkCalendar) -> str:
    from django.utils.formats import date_format

    return date_format(moment.astimezone(calendar.tz).date(), "DATE_FORMAT")


# --- helpers ----------------------------------------------------------------------------------------------


def _label(actor: Any) -> str:
    if actor is None:
        return SYSTEM_LABEL
    full = actor.get_full_name() if hasattr(actor, "get_full_name") else ""
    return full or actor.get_username()


def _lock(request: InformationRequest) -> InformationRequest:
    return InformationRequest.objects.select_for_update().get(pk=request.pk)


def _check(action: str, current: InformationRequest, actors: set[Actor], version: int | None) -> None:
    refused = rules.refusal(action, current, actors=actors)
    if refused:
        raise ActionError(refused)
    if version is not None and version != current.version:
        raise StaleVersionError(
            _("Someone else changed this request while you were reading it. Look at it again and repeat.")
        )


def _staff_actors(actor: Any, request: InformationRequest) -> set[Actor]:
    from balai.core.access import staff_scope

    return rules.actors_of(staff_scope(actor), request)


def _save(current: InformationRequest, fields: Iterable[str]) -> None:
    current.version += 1
    current.full_clean(exclude=["identity_scan", "power_of_attorney"])
    current.save(update_fields=[*fields, "version", "updated_at"])


def _event(
    current: InformationRequest, action: str, *, actor_label: str, note: str = "", to_status: str = ""
) -> RequestEvent:
    return RequestEvent.objects.create(
        request=current, action=action, to_status=to_status, note=note, actor_label=actor_label[:150]
    )


def _audit(
    actor: Any, action: str, current: InformationRequest, changes: dict[str, Any], ip: str | None = None
) -> None:
    audit_record(
        actor=actor,
        action=f"ppid.{action}",
        obj=current,
        changes={"code": current.code, **changes},
        ip_address=ip,
        actor_label="" if actor is not None else (SYSTEM_LABEL if action != "object" else REQUESTER_LABEL),
    )


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def private_url(request: InformationRequest) -> str:
    return absolute(reverse("ppid:private", args=[request.code, request.token]))


def _compose(to: str, language: str, kind: str, subject: Any, lines: list[Any], link: str) -> Any:
    """One email, rendered in the recipient's language at the moment it is queued."""
    with translation.override(language):
        text_subject = str(subject)
        body = render_to_string("ppid/email/message.txt", {"lines": [str(line) for line in lines], "link": link})
    return mail_queue(kind=f"ppid.{kind}", to=to, subject=text_subject[:300], body=body, language=language)


_pending: ContextVar[list[Any] | None] = ContextVar("ppid_pending_mail", default=None)


def _send_after_commit(mails: list[Any]) -> None:
    """Queued emails get their first attempt once the service's transaction is done."""
    pending = _pending.get()
    if pending is not None:
        pending.extend(mails)
    elif mails:
        transaction.on_commit(lambda: mail_deliver_all(mails))


def _atomic_then_mail(function: Callable[P, T]) -> Callable[P, T]:
    """One transaction for the change (and the emails it queues in the outbox), then a first delivery attempt."""

    @wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        if _pending.get() is not None:  # inside another service: its caller delivers once everything is done
            with transaction.atomic():
                return function(*args, **kwargs)
        token = _pending.set([])
        try:
            with transaction.atomic():
                result = function(*args, **kwargs)
            mails = _pending.get() or []
        finally:
            _pending.reset(token)
        mail_deliver_all(mails)
        return result

    return wrapper


def staff_recipients(
    *, unit_ids: Iterable[int] = (), roles: Iterable[str] = (), module: str = "ppid"
) -> list[tuple[str, str]]:
    """(email, language) of active people holding one of `roles` of `module` (in `unit_ids` if given)."""
    memberships = Membership.objects.filter(module=module, role__in=list(roles), is_active=True, user__is_active=True)
    unit_ids = list(unit_ids)
    if unit_ids:
        memberships = memberships.filter(unit_id__in=unit_ids)
    users = get_user_model().objects.filter(pk__in=memberships.values("user_id")).exclude(email="")
    chosen = dict(StaffPreference.objects.filter(user__in=users).values_list("user_id", "language"))
    return [(u.email, chosen.get(u.pk, "id")) for u in users.order_by("pk")]


_silenced: ContextVar[bool] = ContextVar("ppid_silenced", default=False)


@contextmanager
def emails_silenced() -> Iterator[None]:
    """No email is queued inside (the demo's sample history must not write to its sample people)."""
    token = _silenced.set(True)
    try:
        yield
    finally:
        _silenced.reset(token)


def _to_requester(current: InformationRequest, kind: str, subject: Any, lines: list[Any]) -> list[Any]:
    if not current.email or current.identity_erased_at or _silenced.get():
        return []
    return [_compose(current.email, current.language, kind, subject, lines, private_url(current))]


def _to_staff(
    recipients: list[tuple[str, str]], current: InformationRequest, kind: str, subject: Any, lines: list[Any]
) -> list[Any]:
    if _silenced.get():
        return []
    link = absolute(reverse("ppid:staff_request", args=[current.code]))
    return [_compose(email, language, kind, subject, lines, link) for email, language in recipients]


class _Lazy:
    """A text translated when the email is rendered (in the recipient's language), with its arguments."""

    def __init__(self, text: Any, **kwargs: Any) -> None:
        self.text, self.kwargs = text, kwargs

    def __str__(self) -> str:
        return str(self.text) % self.kwargs if self.kwargs else str(self.text)


# --- intake -----------------------------------------------------------------------------------------------


@dataclass
class RequestInput:
    requester_kind: str
    name: str
    information: str
    purpose: str
    obtain_how: str
    copy_form: str
    delivery: str
    identity_number: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""
    is_private: bool = False
    identity_scan: UploadedFile | None = None
    power_of_attorney: UploadedFile | None = None
    language: str = "id"
    unit: Unit | None = None
    extra: dict[str, Any] = field(default_factory=dict)


PDF_MAGIC = b"%PDF-"


def check_upload(upload: UploadedFile) -> None:
    """A scan must be a PDF or an image, judged by its content, not its name; at most 5 MB."""
    if upload.size and upload.size > MAX_UPLOAD:
        raise ValidationError(_("The file is larger than 5 MB."))
    head = upload.read(16)
    upload.seek(0)
    if head.startswith(PDF_MAGIC):
        return
    if head.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")):
        from PIL import Image

        try:
            with Image.open(upload) as image:
                image.verify()
        except Exception as exc:
            raise ValidationError(_("The image cannot be read; send a JPEG, PNG or PDF file.")) from exc
        finally:
            upload.seek(0)
        return
    raise ValidationError(_("Send a PDF, JPEG or PNG file."))


def _next_register_number(now: datetime, calendar: WorkCalendar) -> str:
    year = calendar.local_date(now).year
    prefix = f"{year}/PPID/"
    last = (
        InformationRequest.objects.filter(register_number__startswith=prefix)
        .order_by("-register_number")
        .values_list("register_number", flat=True)
        .first()
    )
    number = int(last.rsplit("/", 1)[1]) + 1 if last else 1
    return f"{prefix}{number:06d}"


@_atomic_then_mail
def request_submit(
    *, data: RequestInput, channel: str = Channel.WEB, actor: Any = None, ip: str | None = None,
    now: datetime | None = None, lapor_report_code: str = "",
) -> InformationRequest:  # fmt: skip
    """Register a new request: register number, tracking code, private link; the clock starts now."""
    for upload in (data.identity_scan, data.power_of_attorney):
        if upload is not None:
            check_upload(upload)
    now = now or timezone.now()
    calendar = work_calendar()
    for _attempt in range(5):
        try:
            with transaction.atomic():
                current = InformationRequest(
                    code=codes.generate(CODE_PREFIX),
                    register_number=_next_register_number(now, calendar),
                    channel=channel,
                    requester_kind=data.requester_kind,
                    name=data.name.strip(),
                    identity_number=data.identity_number.strip(),
                    address=data.address.strip(),
                    phone=data.phone.strip(),
                    email=data.email.strip(),
                    information=data.information.strip(),
                    purpose=data.purpose.strip(),
                    obtain_how=data.obtain_how,
                    copy_form=data.copy_form,
                    delivery=data.delivery,
                    is_private=data.is_private,
                    language=data.language if data.language in dict(settings.LANGUAGES) else "id",
                    received_at=now,
                    due_at=notice_due(now, calendar),
                    lapor_report_code=lapor_report_code,
                    unit=data.unit,
                    status=Status.DITERUSKAN if data.unit else Status.DITERIMA,
                )
                current.full_clean(exclude=["identity_scan", "power_of_attorney", "token"])
                if data.identity_scan is not None:
                    current.identity_scan.save(f"{current.code}-id", data.identity_scan, save=False)
                if data.power_of_attorney is not None:
                    current.power_of_attorney.save(f"{current.code}-kuasa", data.power_of_attorney, save=False)
                current.save()
                _event(current, "submit", actor_label=_label(actor) if actor else REQUESTER_LABEL,
                       to_status=current.status, note=str(Channel(channel).label))  # fmt: skip
                audit_record(actor=actor, action="ppid.submit", obj=current,
                             changes={"code": current.code, "channel": channel}, ip_address=ip,
                             actor_label="" if actor else REQUESTER_LABEL)  # fmt: skip
                mails = _to_requester(
                    current, "received",
                    _Lazy(gettext_lazy("Your information request %(number)s was received"), number=current.register_number),
                    [
                        _Lazy(gettext_lazy("Register number: %(number)s"), number=current.register_number),
                        _Lazy(gettext_lazy("Tracking code: %(code)s"), code=current.code),
                        _Lazy(gettext_lazy("The written notice is due by %(due)s."), due=_date(current.due_at, calendar)),
                        _Lazy(gettext_lazy("Keep this email: the link below is your private page (notice, objection).")),
                    ],
                )  # fmt: skip
                mails += _to_staff(
                    staff_recipients(roles=[rules.UTAMA]), current, "new",
                    _Lazy(gettext_lazy("New information request %(number)s"), number=current.register_number),
                    [_Lazy(gettext_lazy("A new information request arrived and waits for registration."))],
                )  # fmt: skip
                _send_after_commit(mails)
                return current
        except IntegrityError:
            continue  # two requests took the same number at once: take the next
    raise ActionError(_("The request could not be registered; please send it again."))


# --- handling ---------------------------------------------------------------------------------------------


@_atomic_then_mail
def request_forward(*, actor: Any, request: InformationRequest, unit: Unit, note: str = "",
                    version: int | None = None) -> InformationRequest:  # fmt: skip
    current = _lock(request)
    _check("forward", current, _staff_actors(actor, current), version)
    current.unit, current.status = unit, Status.DITERUSKAN
    _save(current, ["unit", "status"])
    _event(current, "forward", actor_label=_label(actor), to_status=current.status, note=unit.name)
    _audit(actor, "forward", current, {"unit": unit.slug, "note": note})
    _send_after_commit(_to_staff(
        staff_recipients(unit_ids=[unit.pk], roles=[rules.PELAKSANA]), current, "forwarded",
        _Lazy(gettext_lazy("Information request %(number)s forwarded to your OPD"), number=current.register_number),
        [_Lazy(gettext_lazy("The PPID utama forwarded an information request to your OPD.")), note],
    ))  # fmt: skip
    return current


@_atomic_then_mail
def request_return(*, actor: Any, request: InformationRequest, reason: str,
                   version: int | None = None) -> InformationRequest:  # fmt: skip
    if not reason.strip():
        raise ActionError(_("Say why the request is returned."))
    current = _lock(request)
    _check("return", current, _staff_actors(actor, current), version)
    old = current.unit
    current.unit, current.status = None, Status.DITERIMA
    _save(current, ["unit", "status"])
    _event(current, "return", actor_label=_label(actor), to_status=current.status, note=reason)
    _audit(actor, "return", current, {"unit": old.slug if old else "", "reason": reason})
    _send_after_commit(_to_staff(
        staff_recipients(roles=[rules.UTAMA]), current, "returned",
        _Lazy(gettext_lazy("Information request %(number)s was returned"), number=current.register_number), [reason],
    ))  # fmt: skip
    return current


@_atomic_then_mail
def request_extend(*, actor: Any, request: InformationRequest, reason: str,
                   version: int | None = None) -> InformationRequest:  # fmt: skip
    """Extend the notice deadline once by 7 working days, with a written reason the requester receives."""
    if not reason.strip():
        raise ActionError(_("Write the reason for the extension: the requester receives it."))
    current = _lock(request)
    _check("extend", current, _staff_actors(actor, current), version)
    calendar = work_calendar()
    current.extended_at = timezone.now()
    current.extension_reason = reason.strip()
    current.due_at = extended_due(current.received_at, calendar)
    current.reminded_at, current.escalation_level = None, 0
    _save(current, ["extended_at", "extension_reason", "due_at", "reminded_at", "escalation_level"])
    _event(current, "extend", actor_label=_label(actor), note=reason)
    _audit(actor, "extend", current, {"due_at": current.due_at.isoformat(), "reason": reason})
    _send_after_commit(_to_requester(
        current, "extended", _Lazy(gettext_lazy("Your information request %(number)s: more time needed"),
                                   number=current.register_number),
        [_Lazy(gettext_lazy("The PPID needs more time to answer, for this reason:")), reason,
         _Lazy(gettext_lazy("The new deadline is %(due)s."), due=_date(current.due_at, calendar))],
    ))  # fmt: skip
    return current


@dataclass
class NoticeInput:
    decision: str
    answer: str
    medium: str = ""
    cost: str = ""
    redactions: str = ""
    exemption: str = ""
    consequence_test: str = ""
    held_by: str = ""
    signer: str = ""


def notice_problems(notice: NoticeInput) -> dict[str, str]:
    """What the law asks of each decision that the notice leaves out (field -> message)."""
    problems: dict[str, str] = {}
    if not notice.answer.strip():
        problems["answer"] = _("Write the answer or the reason: it is the notice's main text.")
    if notice.decision == Decision.PARTLY and not notice.redactions.strip():
        problems["redactions"] = _("List the parts withheld and the reason for each.")
    if notice.decision in (Decision.PARTLY, Decision.REFUSED):
        if not notice.exemption.strip():
            problems["exemption"] = _("Name the exemption of Pasal 17 that applies.")
        if not notice.consequence_test.strip():
            problems["consequence_test"] = _("Record the consequence test (uji konsekuensi).")
    if notice.decision in (Decision.GRANTED, Decision.PARTLY) and not notice.medium.strip():
        problems["medium"] = _("State the medium and format in which the information is given.")
    return problems


@_atomic_then_mail
def request_notice(*, actor: Any, request: InformationRequest, notice: NoticeInput,
                   version: int | None = None) -> InformationRequest:  # fmt: skip
    """The written notice (pemberitahuan tertulis): the decision, what is given, medium, cost."""
    problems = notice_problems(notice)
    if notice.decision not in Decision.values:
        problems["decision"] = _("Choose the decision.")
    if problems:
        raise ActionError(" ".join(problems.values()))
    current = _lock(request)
    _check("notice", current, _staff_actors(actor, current), version)
    current.status = Status.DIJAWAB
    current.notice_at = timezone.now()
    current.decision = notice.decision
    current.answer = notice.answer.strip()
    current.redactions = notice.redactions.strip()
    current.exemption = notice.exemption.strip()
    current.consequence_test = notice.consequence_test.strip()
    current.held_by = notice.held_by.strip()
    current.medium = notice.medium.strip()
    current.cost = notice.cost.strip() or _("free of charge")
    current.notice_signer = notice.signer.strip() or _label(actor)
    fields = ["status", "notice_at", "decision", "answer", "redactions", "exemption", "consequence_test",
              "held_by", "medium", "cost", "notice_signer"]  # fmt: skip
    _save(current, fields)
    _event(current, "notice", actor_label=_label(actor), to_status=current.status,
           note=str(Decision(current.decision).label))  # fmt: skip
    _audit(actor, "notice", current, {"decision": current.decision})
    calendar = work_calendar()
    _send_after_commit(_to_requester(
        current, "notice", _Lazy(gettext_lazy("The answer to your information request %(number)s"), number=current.register_number),
        [_Lazy(gettext_lazy("The written notice on your request is ready. Download it from your private page.")),
         _Lazy(gettext_lazy("If you disagree you may object until %(end)s."), end=_date(objection_deadline(current, calendar), calendar))],
    ))  # fmt: skip
    return current


@transaction.atomic
def request_attach(*, actor: Any, request: InformationRequest, title: str, upload: UploadedFile) -> ReleasedDocument:
    check_upload(upload)
    if not title.strip():
        raise ActionError(_("Give the document a title."))
    current = _lock(request)
    _check("attach", current, _staff_actors(actor, current), None)
    document = ReleasedDocument(request=current, title=title.strip())
    document.file.save(f"{current.code}-dokumen", upload, save=False)
    document.save()
    _event(current, "attach", actor_label=_label(actor), note=document.title)
    _audit(actor, "attach", current, {"document": str(document.public_id)})
    return document


@transaction.atomic
def request_publication(*, actor: Any, request: InformationRequest, withheld: bool, reason: str = "",
                        version: int | None = None) -> InformationRequest:  # fmt: skip
    current = _lock(request)
    _check("publication", current, _staff_actors(actor, current), version)
    current.withheld = withheld
    _save(current, ["withheld"])
    _audit(actor, "publication", current, {"withheld": withheld, "reason": reason})
    return current


def identity_view(*, actor: Any, request: InformationRequest, what: str, ip: str | None = None) -> None:
    """Opening an ID scan or a power of attorney: allowed to the PPID handling it, and always audited."""
    refused = rules.refusal("view_identity", request, actors=_staff_actors(actor, request))
    if refused:
        raise ActionError(refused)
    audit_record(actor=actor, action="ppid.view_identity", obj=request, changes={"code": request.code, "file": what},
                 ip_address=ip)  # fmt: skip


# --- objection --------------------------------------------------------------------------------------------


@_atomic_then_mail
def request_object(*, request: InformationRequest, grounds: list[str], reason: str, ip: str | None = None,
                   now: datetime | None = None) -> Objection:  # fmt: skip
    """The requester objects (keberatan) to the atasan PPID, on the grounds of Pasal 35."""
    from .models import Ground

    now = now or timezone.now()
    if not grounds or any(g not in Ground.values for g in grounds):
        raise ActionError(_("Choose at least one ground of the objection."))
    if not reason.strip():
        raise ActionError(_("Explain the objection in a few words."))
    current = _lock(request)
    calendar = work_calendar()
    refused = objection_refusal(current, now, calendar)
    if refused:
        raise ActionError(refused)
    objection = Objection.objects.create(
        request=current, grounds=sorted(set(grounds)), reason=reason.strip(), filed_at=now,
        due_at=objection_answer_due(now, calendar),
    )  # fmt: skip
    current.status = Status.KEBERATAN
    current.escalation_level = 0
    _save(current, ["status", "escalation_level"])
    _event(current, "object", actor_label=REQUESTER_LABEL, to_status=current.status)
    _audit(None, "object", current, {"grounds": objection.grounds}, ip)
    mails = _to_staff(
        staff_recipients(roles=[rules.ATASAN, rules.UTAMA]), current, "objection",
        _Lazy(gettext_lazy("Objection to information request %(number)s"), number=current.register_number),
        [_Lazy(gettext_lazy("The requester objected. The atasan PPID answers within 30 working days, by %(due)s."),
               due=_date(objection.due_at, calendar))],
    )  # fmt: skip
    mails += _to_requester(
        current, "objection_received", _Lazy(gettext_lazy("Your objection %(number)s was received"), number=current.register_number),
        [_Lazy(gettext_lazy("The atasan PPID answers your objection by %(due)s."), due=_date(objection.due_at, calendar))],
    )  # fmt: skip
    _send_after_commit(mails)
    return objection


@_atomic_then_mail
def objection_answer(*, actor: Any, request: InformationRequest, outcome: str, answer: str,
                     version: int | None = None) -> Objection:  # fmt: skip
    if outcome not in ObjectionOutcome.values:
        raise ActionError(_("Choose the outcome of the objection."))
    if not answer.strip():
        raise ActionError(_("Write the answer to the objection."))
    current = _lock(request)
    _check("objection_answer", current, _staff_actors(actor, current), version)
    objection = current.objection
    objection.outcome, objection.answer, objection.answered_at = outcome, answer.strip(), timezone.now()
    objection.save(update_fields=["outcome", "answer", "answered_at", "updated_at"])
    current.status = Status.KEBERATAN_DIJAWAB
    _save(current, ["status"])
    _event(current, "objection_answer", actor_label=_label(actor), to_status=current.status,
           note=str(ObjectionOutcome(outcome).label))  # fmt: skip
    _audit(actor, "objection_answer", current, {"outcome": outcome})
    _send_after_commit(_to_requester(
        current, "objection_answered",
        _Lazy(gettext_lazy("The answer to your objection %(number)s"), number=current.register_number),
        [str(ObjectionOutcome(outcome).label), answer,
         _Lazy(gettext_lazy("If you still disagree you may file a dispute with the Komisi Informasi within 14 working days."))],
    ))  # fmt: skip
    return objection


@transaction.atomic
def objection_dispute(*, actor: Any, request: InformationRequest, filed_on: date, note: str) -> Objection:
    """Record that the requester took the matter to the Komisi Informasi (and later its result)."""
    current = _lock(request)
    _check("dispute", current, _staff_actors(actor, current), None)
    objection = current.objection
    objection.dispute_filed_on, objection.dispute_note = filed_on, note.strip()
    objection.save(update_fields=["dispute_filed_on", "dispute_note", "updated_at"])
    _event(current, "dispute", actor_label=_label(actor), note=note)
    _audit(actor, "dispute", current, {"filed_on": filed_on.isoformat()})
    return objection


# --- the worker -------------------------------------------------------------------------------------------


def _heads_of(unit_id: int | None) -> list[tuple[str, str]]:
    if unit_id is None:
        return []
    return staff_recipients(unit_ids=[unit_id], roles=[Role.PIMPINAN], module="")


@_atomic_then_mail
def deadlines_check(now: datetime) -> dict[str, int]:
    """Reminders one working day before the notice is due; overdue: the OPD head, then a working day later the
    PPID utama; an objection past its answer date: the atasan PPID. Each request is handled in its own
    transaction, through the table."""
    calendar = work_calendar()
    soon = calendar.add_working_days(now, 1)
    counts = {"reminded": 0, "escalated": 0}
    for pk in (
        InformationRequest.objects.open()
        .filter(due_at__lte=soon, reminded_at__isnull=True)
        .values_list("pk", flat=True)[:200]
    ):
        with transaction.atomic():
            current = InformationRequest.objects.select_for_update().get(pk=pk)
            if rules.refusal("remind", current, actors={Actor.SYSTEM}) or current.reminded_at:
                continue
            current.reminded_at = now
            _save(current, ["reminded_at"])
            _audit(None, "remind", current, {"due_at": current.due_at.isoformat()})
            roles_units = ([rules.PELAKSANA], [current.unit_id]) if current.unit_id else ([rules.UTAMA], [])
            _send_after_commit(_to_staff(
                staff_recipients(unit_ids=roles_units[1], roles=roles_units[0]), current, "due_soon",
                _Lazy(gettext_lazy("Information request %(number)s is due soon"), number=current.register_number),
                [_Lazy(gettext_lazy("The written notice is due by %(due)s."), due=_date(current.due_at, calendar))],
            ))  # fmt: skip
            counts["reminded"] += 1
    overdue = InformationRequest.objects.open().filter(due_at__lt=now, escalation_level__lt=2)
    for pk in overdue.values_list("pk", flat=True)[:200]:
        with transaction.atomic():
            current = InformationRequest.objects.select_for_update().get(pk=pk)
            level = current.escalation_level
            if rules.refusal("escalate", current, actors={Actor.SYSTEM}):
                continue
            if level == 1 and now < calendar.add_working_days(current.due_at, 1):
                continue  # the head has a working day before the PPID utama hears
            heads = _heads_of(current.unit_id) if level == 0 else []
            target = heads or staff_recipients(roles=[rules.UTAMA])
            current.escalation_level = 2 if (level == 1 or not heads) else 1
            _save(current, ["escalation_level"])
            _audit(None, "escalate", current, {"level": current.escalation_level})
            _event(current, "escalate", actor_label=SYSTEM_LABEL)
            _send_after_commit(_to_staff(
                target, current, "overdue",
                _Lazy(gettext_lazy("Information request %(number)s is overdue"), number=current.register_number),
                [_Lazy(gettext_lazy("The written notice was due by %(due)s and has not been given."),
                       due=_date(current.due_at, calendar))],
            ))  # fmt: skip
            counts["escalated"] += 1
    late_objections = InformationRequest.objects.filter(
        status=Status.KEBERATAN, objection__due_at__lt=now, escalation_level=0
    )
    for pk in late_objections.values_list("pk", flat=True)[:200]:
        with transaction.atomic():
            current = InformationRequest.objects.select_for_update().get(pk=pk)
            if rules.refusal("escalate", current, actors={Actor.SYSTEM}) or current.escalation_level:
                continue
            current.escalation_level = 1
            _save(current, ["escalation_level"])
            _audit(None, "escalate", current, {"objection": True})
            _send_after_commit(_to_staff(
                staff_recipients(roles=[rules.ATASAN, rules.UTAMA]), current, "objection_overdue",
                _Lazy(gettext_lazy("The objection to %(number)s is overdue"), number=current.register_number),
                [_Lazy(gettext_lazy("The answer to the objection is late; the requester may go to the Komisi Informasi."))],
            ))  # fmt: skip
            counts["escalated"] += 1
    return counts


def identity_retention(now: datetime) -> dict[str, int]:
    """Erase identity data (NIK, address, contact, scans) N days after a request closed (the Pemda's setting)."""
    from datetime import timedelta

    days = ppid_settings().identity_retention_days
    cutoff = now - timedelta(days=days)
    candidates = InformationRequest.objects.filter(identity_erased_at__isnull=True).filter(
        status__in=(Status.DIJAWAB, Status.KEBERATAN_DIJAWAB)
    )
    closed = candidates.filter(status=Status.DIJAWAB, notice_at__lt=cutoff) | candidates.filter(
        status=Status.KEBERATAN_DIJAWAB, objection__answered_at__lt=cutoff
    )
    erased = 0
    for pk in closed.values_list("pk", flat=True)[:500]:
        with transaction.atomic():
            current = InformationRequest.objects.select_for_update().get(pk=pk)
            if rules.refusal("erase_identity", current, actors={Actor.SYSTEM}):
                continue
            for file_field in (current.identity_scan, current.power_of_attorney):
                if file_field:
                    file_field.delete(save=False)
            current.identity_number = current.address = current.phone = current.email = ""
            current.identity_scan = current.power_of_attorney = ""  # type: ignore[assignment]
            current.identity_erased_at = now
            _save(current, ["identity_number", "address", "phone", "email", "identity_scan", "power_of_attorney",
                            "identity_erased_at"])  # fmt: skip
            _audit(None, "erase_identity", current, {"after_days": days})
            erased += 1
    return {"identities_erased": erased}


# --- DIP --------------------------------------------------------------------------------------------------


@transaction.atomic
def dip_save(*, actor: Any, entry: DipEntry) -> DipEntry:
    """Add or change a DIP row; the PPID utama for any unit, a PPID pelaksana for their OPD."""
    from balai.core.access import staff_scope

    scope = staff_scope(actor)
    utama = scope.admin or scope.has("ppid", rules.UTAMA)
    if not utama and (entry.unit_id is None or entry.unit_id not in scope.units_with("ppid", rules.PELAKSANA)):
        raise ActionError(_("You may not change this OPD's list."))
    entry.full_clean()
    created = entry.pk is None
    entry.save()
    audit_record(actor=actor, action="ppid.dip_save", obj=entry,
                 changes={"title": entry.title, "created": created, "category": entry.category})  # fmt: skip
    return entry


# --- email intake -----------------------------------------------------------------------------------------


def email_intake_address(reporting_address: str) -> str:
    """The PPID's address: its local part (PPID settings, default "ppid") at the reporting address's domain;
    empty when the reporting address has no domain (then no mail is routed to PPID)."""
    if "@" not in reporting_address:
        return ""
    return f"{ppid_settings().email_local_part.strip().lower()}@{reporting_address.rsplit('@', 1)[1].lower()}"


@_atomic_then_mail
# --- the links of all one's requests, sent again -------------------------------------------------------------


def my_requests(email: str) -> list[InformationRequest]:
    """Every request made with `email` (case does not matter) whose identity is still kept, newest first. After
    the retention period the address is erased with the rest of the identity, so those requests are not found."""
    email = email.strip()
    if not email:
        return []
    return list(
        InformationRequest.objects.filter(email__iexact=email, identity_erased_at__isnull=True)
        .only("code", "token", "register_number", "received_at", "status", "email")
        .order_by("-received_at", "-pk")
    )


@task()
def send_my_requests_links(email: str, language: str) -> int:
    """Email `email` the register number, date, state and private link of each of its requests, in `language`;
    nothing when it has none (the page that queued this answers the same either way). The links are the
    requests' own private links (the secret is kept as it was made), so earlier links keep working. Returns the
    number of requests listed."""
    items = my_requests(email)
    if not items or _silenced.get():
        return 0
    language = language if language in dict(settings.LANGUAGES) else "id"
    with translation.override(language):
        rows = [{"register_number": item.register_number, "code": item.code, "received_at": item.received_at,
                 "status": item.get_status_display(), "link": private_url(item)} for item in items]  # fmt: skip
        subject = _("Your information requests (%(count)s)") % {"count": len(items)}
        body = render_to_string("ppid/email/my_requests.txt", {"rows": rows, "email": items[0].email})
    with transaction.atomic():
        queued = mail_queue(kind="ppid.my_requests", to=items[0].email, subject=subject, body=body,
                            language=language)  # fmt: skip
    mail_deliver_all([queued])
    return len(items)


def request_submit_from_email(*, sender_name: str, sender_email: str, subject: str, text: str) -> InformationRequest:
    """A request that came by email to the PPID address: the words asked for, the sender as requester. The NIK,
    address and purpose the email did not give are asked by the PPID when answering (the notice is still due in
    10 working days)."""
    from .models import CopyForm, Delivery, ObtainHow, RequesterKind

    information = "\n\n".join(part for part in (subject.strip(), text.strip()) if part)[:4000]
    data = RequestInput(
        requester_kind=RequesterKind.PERORANGAN, name=(sender_name or sender_email)[:150],
        email=sender_email, information=information or _("(empty email)"),
        purpose=_("Not stated in the email."), obtain_how=ObtainHow.COPY, copy_form=CopyForm.ELECTRONIC,
        delivery=Delivery.EMAIL,
    )  # fmt: skip
    return request_submit(data=data, channel=Channel.EMAIL)


# --- from a citizen report --------------------------------------------------------------------------------


@_atomic_then_mail
def request_from_report(*, actor: Any, report: Any, version: int | None = None) -> InformationRequest:
    """Turn a citizen report of the kind "permintaan informasi" into an information request in one action: the
    request keeps the report's code, the report is closed through lapor's own service (its table decides who may,
    its timeline and email tell the reporter the register number and tracking code). One transaction."""
    from balai.lapor.services import ActionError as LaporActionError
    from balai.lapor.services import report_move_to_ppid

    from .models import CopyForm, Delivery, ObtainHow, RequesterKind

    data = RequestInput(
        requester_kind=RequesterKind.PERORANGAN, name=report.reporter_name or _("Reporter of %(code)s") % {
            "code": report.code}, phone=report.reporter_phone, email=report.reporter_email,
        information=f"{report.title}\n\n{report.description}"[:4000], purpose=_("Not stated in the report."),
        obtain_how=ObtainHow.COPY, copy_form=CopyForm.ELECTRONIC,
        delivery=Delivery.EMAIL if report.reporter_email else Delivery.COLLECT, is_private=not report.is_public,
    )  # fmt: skip
    created = request_submit(data=data, channel=Channel.LAPOR, actor=actor, lapor_report_code=report.code)
    try:
        report_move_to_ppid(report=report, actor=actor, version=version, request_code=created.code,
                            register_number=created.register_number)  # fmt: skip
    except LaporActionError as exc:
        raise ActionError(exc.message) from exc
    return created
