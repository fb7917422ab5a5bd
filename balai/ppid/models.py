"""The rows of public information requests (UU 14/2008): the request, its timeline, objections and the DIP."""

from __future__ import annotations

import secrets
import uuid
from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from balai.core.models import TimestampedModel, Unit


class Status(models.TextChoices):
    DITERIMA = "diterima", _("received")
    DITERUSKAN = "diteruskan", _("forwarded to the OPD")
    DIJAWAB = "dijawab", _("notice given")
    KEBERATAN = "keberatan", _("objection filed")
    KEBERATAN_DIJAWAB = "keberatan_dijawab", _("objection answered")


OPEN_STATES = (Status.DITERIMA, Status.DITERUSKAN)


class RequesterKind(models.TextChoices):
    PERORANGAN = "perorangan", _("a person")
    BADAN_HUKUM = "badan_hukum", _("a legal entity")
    KUASA = "kuasa", _("a proxy (on someone's behalf)")


class Channel(models.TextChoices):
    WEB = "web", _("web form")
    EMAIL = "email", _("email")
    DESK = "loket", _("at the desk")
    LAPOR = "lapor", _("from a citizen report")


class ObtainHow(models.TextChoices):
    SEE = "melihat", _("see / read it")
    COPY = "salinan", _("get a copy")


class CopyForm(models.TextChoices):
    PRINT = "cetak", _("printed")
    ELECTRONIC = "elektronik", _("electronic")


class Delivery(models.TextChoices):
    COLLECT = "ambil", _("collect it in person")
    POST = "pos", _("by post")
    EMAIL = "email", _("by email")


class Decision(models.TextChoices):
    GRANTED = "diberikan", _("granted")
    PARTLY = "sebagian", _("partly granted")
    REFUSED = "ditolak", _("refused (exempt information)")
    NOT_HELD = "tidak_dikuasai", _("not held")


class InformationRequestQuerySet(models.QuerySet["InformationRequest"]):
    def in_register(self) -> InformationRequestQuerySet:
        """What the public register may show: answered (a notice was given), not private, not withheld. The
        filter is the leading columns of the index `ppid_req_register`, whose last column orders the list (read
        backwards: newest notice first) and which alone counts the register. Written `__in=[False]`: Django writes
        `is_private=False` as `NOT is_private`, which SQLite does not match to an index column (it read and sorted
        every request); `IN (false)` is an equality it does."""
        return self.filter(is_private__in=[False], withheld__in=[False], notice_at__isnull=False)

    def open(self) -> InformationRequestQuerySet:
        return self.filter(status__in=OPEN_STATES)


class InformationRequest(TimestampedModel):
    """One request for public information; identity fields never leave the staff pages."""

    code = models.CharField(_("tracking code"), max_length=20, unique=True)
    register_number = models.CharField(_("register number"), max_length=30, unique=True)
    token = models.CharField(_("private link secret"), max_length=64, default=secrets.token_urlsafe, editable=False)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DITERIMA)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.WEB)
    version = models.PositiveIntegerField(_("version"), default=1)
    language = models.CharField(_("language"), max_length=8, default="id")
    # Identity: staff only, erased after the Pemda's retention period.
    requester_kind = models.CharField(_("who asks"), max_length=12, choices=RequesterKind.choices)
    name = models.CharField(_("name"), max_length=150)
    identity_number = models.CharField(_("NIK or deed number"), max_length=60, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    identity_scan = models.FileField(_("scan of the ID card or deed"), upload_to="ppid/identitas/", blank=True)
    power_of_attorney = models.FileField(_("power of attorney"), upload_to="ppid/kuasa/", blank=True)
    identity_erased_at = models.DateTimeField(_("identity erased"), null=True, blank=True)
    # The request itself (public once answered, unless private or withheld).
    information = models.TextField(_("information asked for"), max_length=4000)
    purpose = models.TextField(_("purpose"), max_length=2000)
    obtain_how = models.CharField(_("how to obtain it"), max_length=10, choices=ObtainHow.choices)
    copy_form = models.CharField(_("form of the copy"), max_length=12, choices=CopyForm.choices)
    delivery = models.CharField(_("how to receive it"), max_length=8, choices=Delivery.choices)
    is_private = models.BooleanField(_("requester asked to keep it out of the register"), default=False)
    withheld = models.BooleanField(_("withheld from the register by the PPID"), default=False)
    # Handling.
    unit = models.ForeignKey(
        Unit, verbose_name=_("OPD holding it"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    received_at = models.DateTimeField(_("received"))
    due_at = models.DateTimeField(_("notice due"))
    extended_at = models.DateTimeField(_("extended"), null=True, blank=True)
    extension_reason = models.TextField(_("reason for the extension"), blank=True)
    reminded_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(_("escalation level"), default=0)
    # The written notice.
    notice_at = models.DateTimeField(_("notice given"), null=True, blank=True)
    decision = models.CharField(_("decision"), max_length=16, choices=Decision.choices, blank=True)
    answer = models.TextField(_("answer"), blank=True)
    redactions = models.TextField(_("redacted parts and the reason for each"), blank=True)
    exemption = models.CharField(_("exemption (Pasal 17)"), max_length=120, blank=True)
    consequence_test = models.TextField(_("consequence test"), blank=True)
    held_by = models.CharField(_("where it is held"), max_length=255, blank=True)
    medium = models.CharField(_("medium and format"), max_length=120, blank=True)
    cost = models.CharField(_("cost and how to pay"), max_length=120, blank=True)
    notice_signer = models.CharField(_("signed by"), max_length=150, blank=True)
    lapor_report_code = models.CharField(_("citizen report"), max_length=20, blank=True)

    objects = InformationRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("information request")
        verbose_name_plural = _("information requests")
        indexes: ClassVar = [
            models.Index(fields=["status", "due_at"], name="ppid_req_status_due"),
            models.Index(fields=["unit", "status", "due_at"], name="ppid_req_unit_status_due"),
            models.Index(fields=["is_private", "withheld", "notice_at"], name="ppid_req_register"),
            models.Index(fields=["received_at"], name="ppid_req_received"),
        ]

    def __str__(self) -> str:
        return self.register_number

    @property
    def open(self) -> bool:
        return self.status in OPEN_STATES


EVENT_LABELS = {
    "submit": _("request received"),
    "forward": _("forwarded to the OPD"),
    "return": _("returned to the PPID utama"),
    "extend": _("deadline extended by 7 working days"),
    "notice": _("written notice given"),
    "attach": _("document released"),
    "object": _("objection filed"),
    "objection_answer": _("objection answered"),
    "dispute": _("dispute at the Komisi Informasi recorded"),
    "escalate": _("overdue: escalated"),
}


class RequestEvent(models.Model):
    """One step of a request's public timeline (never an identity)."""

    request = models.ForeignKey(InformationRequest, on_delete=models.CASCADE, related_name="events")
    created_at = models.DateTimeField(_("when"), auto_now_add=True)
    action = models.CharField(_("action"), max_length=30)
    to_status = models.CharField(_("new status"), max_length=20, choices=Status.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    actor_label = models.CharField(_("by"), max_length=150, blank=True)

    class Meta:
        ordering = ("created_at", "id")
        verbose_name = _("request event")
        verbose_name_plural = _("request events")

    def __str__(self) -> str:
        return self.action

    @property
    def label(self) -> str:
        return str(EVENT_LABELS.get(self.action, self.action))


class ReleasedDocument(TimestampedModel):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    request = models.ForeignKey(InformationRequest, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to="ppid/dokumen/")

    class Meta:
        verbose_name = _("released document")
        verbose_name_plural = _("released documents")

    def __str__(self) -> str:
        return self.title


class Ground(models.TextChoices):
    """The grounds of an objection, Pasal 35 ayat (1) UU 14/2008."""

    REFUSED = "a", _("the request was refused under the exemptions of Pasal 17")
    NOT_PUBLISHED = "b", _("periodic information (Pasal 9) was not published")
    NO_RESPONSE = "c", _("the request was not responded to")
    NOT_AS_ASKED = "d", _("the request was responded to other than as asked")
    NOT_FULFILLED = "e", _("the request was not fulfilled")
    COST = "f", _("an unreasonable cost was charged")
    LATE = "g", _("the answer came later than the law allows")


class ObjectionOutcome(models.TextChoices):
    UPHELD = "diterima", _("objection upheld: the information is given")
    PARTLY = "sebagian", _("objection partly upheld")
    REJECTED = "ditolak", _("objection rejected: the PPID's decision stands")


class Objection(TimestampedModel):
    request = models.OneToOneField(InformationRequest, on_delete=models.CASCADE, related_name="objection")
    grounds = models.JSONField(_("grounds"), default=list)
    reason = models.TextField(_("reason"), max_length=4000)
    filed_at = models.DateTimeField(_("filed"))
    due_at = models.DateTimeField(_("answer due"))
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=ObjectionOutcome.choices, blank=True)
    answer = models.TextField(_("answer of the atasan PPID"), blank=True)
    dispute_filed_on = models.DateField(_("dispute filed with the Komisi Informasi"), null=True, blank=True)
    dispute_note = models.TextField(_("dispute: register number and result"), blank=True)

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")

    def __str__(self) -> str:
        return f"keberatan {self.request_id}"

    def ground_labels(self) -> list[str]:
        labels = dict(Ground.choices)
        return [str(labels[g]) for g in self.grounds if g in labels]


class DipCategory(models.TextChoices):
    BERKALA = "berkala", _("periodic (berkala)")
    SERTA_MERTA = "serta_merta", _("immediate (serta-merta)")
    SETIAP_SAAT = "setiap_saat", _("available at any time (setiap saat)")
    DIKECUALIKAN = "dikecualikan", _("exempt (dikecualikan)")


class DipEntry(TimestampedModel):
    """A row of the Daftar Informasi Publik of an OPD (or the Pemda, unit empty); exempt rows form the DIK."""

    grows_with_use: ClassVar[bool] = False
    unit = models.ForeignKey(
        Unit, verbose_name=_("OPD"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), max_length=2000)
    official = models.CharField(_("official responsible"), max_length=150)
    made_when_where = models.CharField(_("time and place made"), max_length=150)
    form = models.CharField(_("form"), max_length=12, choices=CopyForm.choices)
    retention = models.CharField(_("retention period"), max_length=80)
    category = models.CharField(_("category"), max_length=14, choices=DipCategory.choices)
    consequence_test = models.TextField(_("consequence test (exempt information)"), blank=True)
    link = models.URLField(_("link to the document"), blank=True)
    is_active = models.BooleanField(_("listed"), default=True)
    is_demo = models.BooleanField(default=False, editable=False)

    class Meta:
        ordering = ("title",)
        verbose_name = _("DIP entry")
        verbose_name_plural = _("DIP entries")

    def __str__(self) -> str:
        return self.title


class PpidSettings(TimestampedModel):
    """The Pemda's PPID settings (one row), edited by the system administrator."""

    grows_with_use: ClassVar[bool] = False
    singleton = models.BooleanField(default=True, editable=False, unique=True)
    identity_retention_days = models.PositiveIntegerField(
        _("days identity data is kept after closing"),
        default=365,
        help_text=_("After this many days from the notice (or the objection's answer) the NIK, address, contact and "
                    "scans are erased."),
    )  # fmt: skip
    email_local_part = models.CharField(
        _("email address for requests (local part)"),
        max_length=60,
        default="ppid",
        help_text=_("Mail to this address at the intake domain becomes an information request."),
    )
    notice_city = models.CharField(_("place printed on the notice"), max_length=80, blank=True)

    class Meta:
        verbose_name = _("PPID settings")
        verbose_name_plural = _("PPID settings")

    def __str__(self) -> str:
        return "PPID"


def ppid_settings() -> PpidSettings:
    found, _created = PpidSettings.objects.get_or_create(singleton=True)
    return found
