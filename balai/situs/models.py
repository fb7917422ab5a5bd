"""A unit's website: the site (profile, contact, review switch), its pages and their revisions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from balai.core.models import TimestampedModel, Unit, UnitKind

# The path prefix of each kind of unit: /opd/<slug>/, /kecamatan/<slug>/, /kelurahan/<slug>/, /desa/<slug>/.
PREFIXES: dict[str, str] = {
    UnitKind.OPD: "opd",
    UnitKind.KECAMATAN: "kecamatan",
    UnitKind.KELURAHAN: "kelurahan",
    UnitKind.DESA: "desa",
}


class Site(TimestampedModel):
    """One unit's website. Its profile fields are the unit's 'about us'; the pages hang below it."""

    unit = models.OneToOneField(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="site")
    is_active = models.BooleanField(_("active"), default=True)
    review_required = models.BooleanField(
        _("publishing needs review"),
        default=True,
        help_text=_("When on, an editor's page waits for the unit head or a publisher before it goes online."),
    )
    host = models.CharField(
        _("own address"),
        max_length=120,
        blank=True,
        help_text=_("A go.id host mapped to this site, for example dinkes.bitungkota.go.id (leave empty if none)."),
    )
    tagline = models.CharField(_("tagline"), max_length=200, blank=True)
    tugas_fungsi = models.TextField(_("duties and functions (tugas dan fungsi)"), blank=True)
    visi_misi = models.TextField(_("vision and mission (visi-misi)"), blank=True)
    struktur = models.TextField(_("organisation structure"), blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    opening_hours = models.TextField(_("opening hours"), blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    profile_reviewed_at = models.DateTimeField(_("profile reviewed"), null=True, blank=True)
    services_reviewed_at = models.DateTimeField(_("services reviewed"), null=True, blank=True)
    stale_mail_at = models.DateTimeField(_("staleness email sent"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    # One per unit: tens to hundreds of rows.
    grows_with_use: ClassVar[bool] = False

    class Meta:
        verbose_name = _("website")
        verbose_name_plural = _("websites")

    def __str__(self) -> str:
        return self.unit.name

    @property
    def prefix(self) -> str:
        return PREFIXES.get(self.unit.kind, "opd")

    @property
    def path(self) -> str:
        return f"/{self.prefix}/{self.unit.slug}/"


class Kind(models.TextChoices):
    NEWS = "berita", _("news")
    ANNOUNCEMENT = "pengumuman", _("announcement")
    AGENDA = "agenda", _("agenda")
    SERVICE = "layanan", _("public service")
    DOCUMENT = "dokumen", _("document")
    GALLERY = "galeri", _("gallery photo")
    PAGE = "halaman", _("page")


class PageStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    REVIEW = "review", _("waiting for review")
    SCHEDULED = "scheduled", _("scheduled")
    PUBLISHED = "published", _("published")
    UNPUBLISHED = "unpublished", _("taken offline")


class PageQuerySet(models.QuerySet["Page"]):
    def published(self) -> PageQuerySet:
        """Online now: published, of an active site, and not past its end (before the worker takes it offline)."""
        return self.filter(
            models.Q(unpublish_at__isnull=True) | models.Q(unpublish_at__gt=timezone.now()),
            status=PageStatus.PUBLISHED,
            site__is_active=True,
        )


class Page(TimestampedModel):
    """One page of a site. The fields are the current text; each save keeps a Revision."""

    site = models.ForeignKey(Site, verbose_name=_("website"), on_delete=models.PROTECT, related_name="pages")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    slug = models.SlugField(_("address"), max_length=90)
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    body = models.TextField(_("text"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=PageStatus.choices, default=PageStatus.DRAFT)
    publish_at = models.DateTimeField(_("publish at"), null=True, blank=True)
    unpublish_at = models.DateTimeField(_("take offline at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    # Agenda
    event_on = models.DateField(_("date of the event"), null=True, blank=True)
    location = models.CharField(_("place"), max_length=200, blank=True)
    # Public service: the components of a standar pelayanan
    requirements = models.TextField(_("requirements"), blank=True)
    procedure = models.TextField(_("procedure"), blank=True)
    duration = models.CharField(_("time to complete"), max_length=120, blank=True)
    cost = models.CharField(_("cost"), max_length=120, blank=True)
    product = models.CharField(_("product"), max_length=200, blank=True)
    complaint_channel = models.TextField(_("complaints"), blank=True)
    # The optional English version (shown when the visitor chose English; empty means "Indonesian only")
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    summary_en = models.CharField(_("summary (English)"), max_length=300, blank=True)
    body_en = models.TextField(_("text (English)"), blank=True)
    requirements_en = models.TextField(_("requirements (English)"), blank=True)
    procedure_en = models.TextField(_("procedure (English)"), blank=True)
    duration_en = models.CharField(_("time to complete (English)"), max_length=120, blank=True)
    cost_en = models.CharField(_("cost (English)"), max_length=120, blank=True)
    product_en = models.CharField(_("product (English)"), max_length=200, blank=True)
    complaint_channel_en = models.TextField(_("complaints (English)"), blank=True)
    # A published page's changes that wait for a publisher (the snapshot the next publish puts online), or None
    draft = models.JSONField(null=True, blank=True, default=None)
    # Photo (re-encoded by lapor's pipeline) and its small rendition
    photo = models.FileField(_("photo"), upload_to="situs/foto/", blank=True)
    photo_small = models.FileField(upload_to="situs/foto/", blank=True)
    photo_alt = models.CharField(_("photo description"), max_length=200, blank=True)
    # Document
    document = models.FileField(_("file"), upload_to="situs/dokumen/", blank=True)
    document_type = models.CharField(max_length=10, blank=True)  # pdf, docx, xlsx, pptx, doc, xls
    document_size = models.PositiveIntegerField(default=0)
    # Imported from WordPress: the post id, so a second import updates instead of adding
    wp_id = models.PositiveIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    objects = PageQuerySet.as_manager()

    class Meta:
        verbose_name = _("page")
        verbose_name_plural = _("pages")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["site", "slug"], name="situs_page_slug_per_site"),
            models.UniqueConstraint(
                fields=["site", "wp_id"], condition=models.Q(wp_id__isnull=False), name="situs_page_wp_id_per_site"
            ),
        ]
        indexes: ClassVar = [
            # The portal's newest pages of every site: read in this order, stopping after ten, whatever the size.
            models.Index(fields=["status", "-published_at", "-id"], name="situs_page_newest"),
            models.Index(fields=["site", "status", "kind", "-published_at"], name="situs_page_site_public"),
            # A site's news and announcements together, newest first (its home, its news list): read in this
            # order, stopping after a page, whatever the number of pages of the site or of the Pemda.
            models.Index(fields=["site", "status", "-published_at", "-id"], name="situs_page_site_newest"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def path(self) -> str:
        return f"{self.site.path}{self.slug}/"

    @property
    def text(self) -> PageText:
        """The page's words in the visitor's language: English when they chose it and the page has an English
        title, otherwise Indonesian (with `fallback` set, so the page can say so)."""
        return PageText.of(self, translation.get_language() or "id")


# The fields a page has in English too: `<name>_en` beside each.
TRANSLATED_FIELDS = (
    "title", "summary", "body", "requirements", "procedure", "duration", "cost", "product", "complaint_channel",
)  # fmt: skip


@dataclass(frozen=True)
class PageText:
    lang: str  # the language of these words: "id" or "en"
    fallback: bool  # English was asked for and the page has none: the Indonesian text is shown
    in_indonesian: frozenset[str]  # to an English visitor: the fields shown in Indonesian (lang="id" on each)
    title: str
    summary: str
    body: str
    requirements: str
    procedure: str
    duration: str
    cost: str
    product: str
    complaint_channel: str

    @classmethod
    def of(cls, page: Page, language: str) -> PageText:
        wants_english = language.split("-")[0] == "en"
        if wants_english and page.title_en:
            # An empty English summary is left out (an Indonesian lead under an English title reads oddly); any
            # other empty English field shows the Indonesian one (a service's cost matters more than its language).
            words = {
                n: getattr(page, f"{n}_en") or ("" if n == "summary" else getattr(page, n)) for n in TRANSLATED_FIELDS
            }
            left = frozenset(n for n in TRANSLATED_FIELDS if not getattr(page, f"{n}_en") and words[n])
            return cls("en", False, left, **words)
        # Shown to an English visitor, every field is marked Indonesian; to an Indonesian one, none needs to be.
        marked = frozenset(TRANSLATED_FIELDS) if wants_english else frozenset()
        return cls("id", wants_english, marked, **{n: getattr(page, n) for n in TRANSLATED_FIELDS})


class Revision(TimestampedModel):
    """What a page said after one save: the snapshot a diff and a rollback read."""

    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    snapshot = models.JSONField(default=dict)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["page", "number"], name="situs_revision_number"),
        ]


class Official(TimestampedModel):
    """One official (pejabat) on a site's profile: name, position, place in the list and a photo.

    The photo went through the report photos' pipeline (checked by content, re-encoded, metadata stripped); the
    small copy is what the profile page shows."""

    site = models.ForeignKey(Site, verbose_name=_("website"), on_delete=models.CASCADE, related_name="officials")
    name = models.CharField(_("name"), max_length=120)
    position = models.CharField(_("position"), max_length=120, blank=True)
    order = models.PositiveSmallIntegerField(_("place in the list"), default=1)
    photo = models.FileField(_("photo"), upload_to="situs/pejabat/", blank=True)
    photo_small = models.FileField(upload_to="situs/pejabat/", blank=True)
    photo_width = models.PositiveSmallIntegerField(default=0)  # of the small copy, for the page's <img>
    photo_height = models.PositiveSmallIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)

    # A handful per site.
    grows_with_use: ClassVar[bool] = False

    class Meta:
        verbose_name = _("official")
        verbose_name_plural = _("officials")
        ordering = ("order", "id")

    def __str__(self) -> str:
        return self.name
