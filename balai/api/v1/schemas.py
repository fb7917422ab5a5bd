"""What goes in and out of the JSON API, as pydantic models; the OpenAPI document is generated from them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from django.core.validators import ProhibitNullCharactersValidator
from ninja import Schema
from pydantic import AfterValidator, BeforeValidator, Field, WithJsonSchema

KECAMATAN_CODE = r"^\d{2}\.\d{2}\.\d{2}$"
KELURAHAN_CODE = r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$"

ReportKindValue = Literal["pengaduan", "aspirasi", "informasi"]
PublicStatusValue = Literal[
    "diterima", "diverifikasi", "didisposisikan", "diproses", "selesai", "ditunda", "bukan_wewenang"
]
StatusValue = Literal[
    "diterima", "diverifikasi", "didisposisikan", "diproses", "selesai", "ditunda", "bukan_wewenang", "diarsipkan"
]
QuestionTypeValue = Literal["string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"]


def _blank_is_none(value: Any) -> Any:
    """A form field sent empty means 'not given', as on the web form."""
    return None if isinstance(value, str) and value.strip() == "" else value


def _no_null_characters(value: str | None) -> str | None:
    """As Django's form fields: a NUL cannot be stored (PostgreSQL refuses it) and is never meant."""
    if value is not None and "\x00" in value:
        raise ValueError(str(ProhibitNullCharactersValidator.message))
    return value


Blankable = BeforeValidator(_blank_is_none)
# Every text that reaches the database or a query.
Text = Annotated[str, AfterValidator(_no_null_characters)]
OptionalText = Annotated[str | None, Blankable, AfterValidator(_no_null_characters)]


# --- errors ----------------------------------------------------------------------------------------------------


class ErrorDetail(Schema):
    code: str = Field(description="Machine-readable, stable: e.g. validation_error, rate_limited.")
    message: str = Field(description="For people, in the language chosen by Accept-Language (id or en).")
    fields: dict[str, list[str]] | None = Field(
        None, description="For validation errors: the messages for each field, by field name."
    )


class ErrorOut(Schema):
    error: ErrorDetail


# --- categories and wilayah -----------------------------------------------------------------------------------


class QuestionValueOut(Schema):
    key: str
    name: str


class QuestionOut(Schema):
    code: str = Field(description="Send the answer under this code in `answers`.")
    label: str
    description: str
    datatype: QuestionTypeValue
    required: bool
    order: int
    values: list[QuestionValueOut] = Field(description="The choices, for singlevaluelist and multivaluelist.")


class CategoryOut(Schema):
    slug: str = Field(description="Send this as `category` when submitting a report.")
    name: str
    description: str
    questions: list[QuestionOut]


class KecamatanOut(Schema):
    code: str = Field(description="Kemendagri code, e.g. 71.72.01.")
    name: str
    display_name: str


class KelurahanOut(Schema):
    code: str = Field(description="Kemendagri code, e.g. 71.72.01.1001; send it as `kelurahan`.")
    name: str
    display_name: str
    kind: Literal["kelurahan", "desa"]
    kecamatan: str = Field(description="The kecamatan's Kemendagri code.")


# --- reports ---------------------------------------------------------------------------------------------------


class ChoiceOut(Schema):
    value: str
    label: str = Field(description="In the request's language.")


class CategoryRef(Schema):
    slug: str
    name: str


class PlaceRef(Schema):
    code: str
    name: str


class ReportSummaryOut(Schema):
    code: str = Field(description="The tracking code.")
    title: str
    kind: ChoiceOut
    status: ChoiceOut
    category: CategoryRef
    kecamatan: PlaceRef | None = Field(description="null while the kelurahan is to be set.")
    kelurahan: PlaceRef | None = Field(
        description="null when the report came with a point in no known kelurahan boundary: the coordinator sets "
        "it when verifying."
    )
    photo_count: int = Field(description="The photos the public sees: none hidden by a coordinator.")
    created_at: datetime
    updated_at: datetime
    url: str = Field(description="The report's page on the website.")


class ReportPageOut(Schema):
    count: int = Field(description="How many reports match, on all pages.")
    page: int
    page_size: int
    num_pages: int
    results: list[ReportSummaryOut]


class EventOut(Schema):
    at: datetime
    kind: ChoiceOut
    status: ChoiceOut | None = Field(description="The new status, for status changes.")
    code: str | None = Field(
        default=None, description="What Balai itself wrote, for programs (`dispatched`, `rated`…); null for words only."
    )
    note: str = Field(description="The event's sentence in the request's language, then the person's own words.")


class AnswerOut(Schema):
    code: str = Field(description="The question's code, as sent in `answers`.")
    question: str
    answer: str = Field(description="The answer in words: choice names, a date and time in the Pemda's zone.")


class PhotoOut(Schema):
    url: str
    width: int
    height: int


class ReportOut(ReportSummaryOut):
    description: str
    address: str
    latitude: float | None
    longitude: float | None
    is_confidential: bool = Field(
        description="Rahasia: hidden from the public list and pages; visible only to the holder of the code."
    )
    is_published: bool = Field(
        description="Public yet: false until a coordinator verifies it (when the Pemda publishes after "
        "verification); until then only the holder of the code sees it, without photos."
    )
    handled_by: str | None = Field(description="The OPD handling it, once dispatched.")
    verify_due_at: datetime | None = Field(description="Verification deadline, while it waits for verification.")
    due_at: datetime | None = Field(description="Follow-up deadline, once dispatched.")
    finished_at: datetime | None
    clarification_question: str | None = Field(description="While `ditunda`: what the officers ask the reporter.")
    referral: str | None = Field(description="For `bukan_wewenang`: where to go instead.")
    merged_into: str | None = Field(description="For duplicates: the code of the report followed instead.")
    rating: int | None
    answers: list[AnswerOut] = Field(
        description="Answers to the category's questions that the Pemda publishes (officers see all of them)."
    )
    photos: list[PhotoOut] = Field(
        description="The photos the public may see: empty for rahasia and unpublished reports (their photos are for "
        "the officers), without those a coordinator hid."
    )
    timeline: list[EventOut]


class ReportCreatedOut(ReportOut):
    reporter_token: str = Field(
        description="Private: proves the reporter in X-Reporter-Token (clarification, rating). Keep it on the device; "
        "it is shown only in this answer."
    )
    reporter_url: str = Field(description="The reporter's private page on the website (same token).")


# --- input -----------------------------------------------------------------------------------------------------


class ReportIn(Schema):
    """A new report; the same rules as the web form."""

    kind: ReportKindValue = Field("pengaduan", description="pengaduan (complaint), aspirasi, informasi.")
    category: Text = Field(
        max_length=80, description="A category's slug from GET /categories.", examples=["jalan-rusak"]
    )
    title: Text = Field(min_length=8, max_length=150, examples=["Jalan berlubang di depan SD Negeri 3"])
    description: Text = Field(
        min_length=20,
        max_length=4000,
        description="Plain text; what, where, since when.",
        examples=["Lubang besar di tengah jalan sejak seminggu lalu, berbahaya untuk pengendara motor."],
    )
    kelurahan: OptionalText = Field(
        None,
        pattern=KELURAHAN_CODE,
        description="A kelurahan/desa code of this Pemda (GET /wilayah/kelurahan). Without it, latitude and "
        "longitude are the location: the kelurahan comes from the Pemda's kelurahan boundaries, or the "
        "coordinator sets it when verifying.",
        examples=["71.72.06.1003"],
    )
    address: Text = Field("", max_length=255, description="Street, number or a landmark.")
    # A form field is a number or absent: never "null" (WithJsonSchema says so in the document).
    latitude: Annotated[
        float | None, Blankable, WithJsonSchema({"type": "number", "minimum": -90, "maximum": 90, "examples": [1.4412]})
    ] = Field(None, ge=-90, le=90, description="WGS84; with longitude, inside the Pemda's area.")
    longitude: Annotated[
        float | None,
        Blankable,
        WithJsonSchema({"type": "number", "minimum": -180, "maximum": 180, "examples": [125.1617]}),
    ] = Field(None, ge=-180, le=180, description="WGS84; with latitude.")
    reporter_name: Text = Field(
        "", max_length=100, description="Required unless is_anonymous.", examples=["Rina Wuisan"]
    )
    reporter_email: Text = Field(
        "", max_length=254, description="Email or phone required (unless anonymous where the Pemda allows it)."
    )
    reporter_phone: Text = Field(
        "", max_length=20, description="Indonesian or international number.", examples=["0811 0000 2222"]
    )
    is_anonymous: bool = Field(False, description="Hide the reporter's identity from the public and from the OPD.")
    is_confidential: bool = Field(False, description="Rahasia: hide the whole report from the public.")
    consent: bool = Field(
        False, description="Must be true: consent to the processing of the personal data.", examples=[True]
    )
    answers: Annotated[OptionalText, WithJsonSchema({"type": "string", "maxLength": 20000})] = Field(
        None,
        max_length=20000,
        description='The category\'s questions as a JSON object by question code, e.g. {"ukuran": "besar", '
        '"jenis": ["a", "b"]} (a list for multivaluelist).',
    )


class ReportListQuery(Schema):
    status: Annotated[PublicStatusValue | None, Blankable] = None
    category: OptionalText = Field(None, max_length=80, description="A category's slug.")
    kecamatan: OptionalText = Field(None, pattern=KECAMATAN_CODE)
    q: OptionalText = Field(None, max_length=100, description="Words in the title or text, or a code.")
    page: int = Field(1, ge=1, le=100000)
    page_size: int = Field(20, ge=1, le=100)


class KelurahanQuery(Schema):
    kecamatan: OptionalText = Field(None, pattern=KECAMATAN_CODE)
    q: OptionalText = Field(None, max_length=100, description="Part of the name.")


class ClarificationIn(Schema):
    answer: Text = Field(min_length=1, max_length=4000)


class RatingIn(Schema):
    rating: int = Field(ge=1, le=5)
    comment: Text = Field("", max_length=1000)
