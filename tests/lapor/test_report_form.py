"""The public report form at /lapor/, driven through the test client as a citizen's browser would."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.test.html import Element, parse_html
from django.utils import timezone, translation
from django.utils.translation import gettext

from balai.core.models import Pemda
from balai.core.services import wilayah_import
from balai.lapor.models import Category, PendingPhoto, Report, ReportPhoto, SubmissionCount
from tests.factories import jpeg_bytes, kelurahan

pytestmark = pytest.mark.django_db

FORM_URL = "/lapor/"
INSIDE_BITUNG = ("1.445000", "125.190000")
JAKARTA = ("-6.200000", "106.816666")


class Page:
    """The parts of a rendered form a person sees: field values, ticked boxes, the errors beside each field."""

    def __init__(self, response: Any) -> None:
        self.root = parse_html(response.content.decode())

    def elements(self, tag: str | None = None, within: Element | None = None, **attrs: str) -> list[Element]:
        found = []

        def walk(node: Any) -> None:
            if not isinstance(node, Element):
                return
            own = dict(node.attributes)
            if (tag is None or node.name == tag) and all(own.get(k) == v for k, v in attrs.items()):
                found.append(node)
            for child in node.children:
                walk(child)

        walk(within if within is not None else self.root)
        return found

    def by_id(self, ident: str) -> Element:
        matches = self.elements(id=ident)
        assert len(matches) == 1, f"expected one element #{ident}, found {len(matches)}"
        return matches[0]

    def has_id(self, ident: str) -> bool:
        return bool(self.elements(id=ident))

    @staticmethod
    def text(node: Any) -> str:
        if isinstance(node, str):
            return node
        return " ".join(Page.text(child) for child in node.children).strip()

    def field_errors(self, name: str) -> list[str]:
        """The messages shown inside the field's own block (not only in the summary at the top)."""
        block = self.by_id(f"field-{name}")
        lists = [ul for ul in self.elements("ul", within=block) if "errorlist" in dict(ul.attributes).get("class", "")]
        return [self.text(li) for ul in lists for li in self.elements("li", within=ul)]

    def value(self, name: str) -> str | None:
        for node in self.elements("input", name=name):
            return dict(node.attributes).get("value")
        for node in self.elements("textarea", name=name):
            return self.text(node)
        raise AssertionError(f"no field named {name}")

    def selected(self, name: str) -> list[str]:
        (select,) = self.elements("select", name=name)
        return [
            dict(o.attributes)["value"]
            for o in self.elements("option", within=select)
            if "selected" in dict(o.attributes)
        ]

    def checked(self, name: str) -> list[str]:
        return [
            dict(node.attributes).get("value", "on")
            for node in self.elements("input", name=name)
            if "checked" in dict(node.attributes)
        ]

    def summary(self) -> str:
        return self.text(self.by_id("error-summary"))


def report_data(**overrides: Any) -> dict[str, Any]:
    """A complete, valid submission; an override of None leaves that field out, as an unticked box is."""
    data: dict[str, Any] = {
        "kind": "pengaduan",
        "category": str(Category.objects.get(slug="jalan-rusak").pk),
        "title": "Jalan berlubang di depan SD Negeri 3",
        "description": "Lubang besar di tengah jalan sejak dua minggu, motor sering jatuh di sana.",
        "kelurahan": kelurahan().code,
        "address": "Jl. Sam Ratulangi, depan SD Negeri 3",
        "reporter_name": "Yohanes Sumampouw",
        "reporter_email": "Yohanes.Sumampouw@Example.ID",
        "reporter_phone": "0812-3456-7890",
        "consent": "on",
        "form_token": str(uuid.uuid4()),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def jpeg_upload(name: str = "jalan.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, jpeg_bytes(), content_type="image/jpeg")


@pytest.fixture
def english(client: Client) -> Client:
    client.cookies["django_language"] = "en"
    return client


def sent_code(response: Any) -> str:
    assert response.status_code == 302, response.content.decode()[:2000]
    prefix = "/lapor/terkirim/"
    assert response["Location"].startswith(prefix)
    return response["Location"].removeprefix(prefix).strip("/")


# A valid submission


def test_a_valid_submission_redirects_to_the_confirmation_page_that_shows_the_tracking_code(city, client):
    page = Page(client.get(FORM_URL))
    token = page.value("form_token")
    assert token and uuid.UUID(token)

    response = client.post(FORM_URL, report_data(form_token=token))

    code = sent_code(response)
    report = Report.objects.get()
    assert report.code == code
    confirmation = client.get(response["Location"])
    assert Page(confirmation).text(Page(confirmation).by_id("tracking-code")) == code
    assert report.reporter_phone == "+6281234567890"
    assert report.reporter_email == "yohanes.sumampouw@example.id"
    assert report.title == "Jalan berlubang di depan SD Negeri 3"
    assert report.kelurahan == kelurahan()
    assert report.consent_at is not None
    assert report.submission_token == uuid.UUID(token)


def test_consent_is_required(city, english):
    response = english.post(FORM_URL, report_data(consent=None))

    assert response.status_code == 200
    assert Page(response).field_errors("consent") == [
        "We can only handle your report with your consent to process its data."
    ]
    assert not Report.objects.exists()


def test_a_link_may_preset_the_category_and_a_bad_one_is_ignored(city, client, django_capture_on_commit_callbacks):
    """`/lapor/?kategori=<slug>`: the link an OPD website's service page gives (situs)."""
    banjir = Category.objects.get(slug="banjir")
    assert Page(client.get(FORM_URL, {"kategori": "banjir"})).selected("category") == [str(banjir.pk)]
    assert Page(client.get(FORM_URL)).selected("category") == [""]  # the blank form is not changed by it
    for bad in ("tidak-ada", "", "banjir'--", "x" * 500, str(banjir.pk)):
        response = client.get(FORM_URL, {"kategori": bad})
        assert response.status_code == 200 and Page(response).selected("category") == [""], bad
    banjir.is_active = False
    with django_capture_on_commit_callbacks(execute=True):  # the process's copy of the list is dropped on commit
        banjir.save(update_fields=["is_active"])  # a retired category is no longer offered, even by a link
    assert Page(client.get(FORM_URL, {"kategori": "banjir"})).selected("category") == [""]


# Errors: shown beside their field, nothing typed is lost, nothing stored


def test_a_missing_title_is_reported_beside_the_title_field(city, english):
    response = english.post(FORM_URL, report_data(title=""))

    page = Page(response)
    assert page.field_errors("title") == ["Write a short title for your report."]
    assert page.field_errors("description") == []
    assert "Write a short title for your report." in page.summary()
    assert not Report.objects.exists()


def test_with_errors_every_typed_value_is_still_filled_in_and_nothing_is_stored(city, english):
    sampah = Category.objects.get(slug="sampah")
    data = report_data(
        title="Sampah",
        description="Bau sekali",
        category=str(sampah.pk),
        kelurahan=kelurahan("Girian Atas").code,
        kind="aspirasi",
        address="Dekat Pasar Winenet",
        latitude=INSIDE_BITUNG[0],
        longitude=INSIDE_BITUNG[1],
        reporter_name="Maria Pangemanan",
        reporter_email="maria@example.id",
        reporter_phone="081299887766",
        is_anonymous="on",
        is_confidential="on",
    )

    response = english.post(FORM_URL, data)

    assert response.status_code == 200
    page = Page(response)
    assert page.field_errors("title") == ["Ensure this value has at least 8 characters (it has 6)."]
    assert page.field_errors("description") == ["Ensure this value has at least 20 characters (it has 10)."]
    assert page.field_errors("category") == page.field_errors("kelurahan") == []
    assert page.value("title") == "Sampah"
    assert page.value("description") == "Bau sekali"
    assert page.selected("category") == [str(sampah.pk)]
    assert page.selected("kelurahan") == [kelurahan("Girian Atas").code]
    assert page.checked("kind") == ["aspirasi"]
    assert page.value("address") == "Dekat Pasar Winenet"
    assert (page.value("latitude"), page.value("longitude")) == INSIDE_BITUNG
    assert page.value("reporter_name") == "Maria Pangemanan"
    assert page.value("reporter_email") == "maria@example.id"
    assert page.value("reporter_phone") == "081299887766"
    assert page.checked("is_anonymous") == page.checked("is_confidential") == page.checked("consent") == ["on"]
    assert page.value("form_token") == data["form_token"]
    assert not Report.objects.exists()


def test_an_invalid_phone_number_is_explained_beside_the_phone_field(city, english):
    response = english.post(FORM_URL, report_data(reporter_phone="12345"))

    assert Page(response).field_errors("reporter_phone") == [
        "This phone number is not valid; write it like 0812 3456 7890."
    ]
    assert not Report.objects.exists()


# Photos


def test_a_valid_photo_sent_with_another_error_is_kept_and_attached_when_the_form_is_corrected(
    publish_on_arrival, english
):
    token = str(uuid.uuid4())
    first = english.post(FORM_URL, report_data(form_token=token, title="", photos=[jpeg_upload("lubang.jpg")]))

    assert first.status_code == 200
    pending = PendingPhoto.objects.get()
    assert str(pending.form_token) == token
    page = Page(first)
    assert page.checked("keep_photos") == [str(pending.public_id)]
    assert "lubang.jpg" in page.text(page.by_id("field-keep_photos"))
    assert not Report.objects.exists()

    second = english.post(FORM_URL, report_data(form_token=token, keep_photos=[str(pending.public_id)]))

    report = Report.objects.get(code=sent_code(second))
    assert ReportPhoto.objects.filter(report=report).count() == 1
    assert report.photo_count == 1
    assert not PendingPhoto.objects.exists()
    photo = ReportPhoto.objects.get()
    assert default_storage.exists(photo.file.name)
    served = english.get(f"/foto/{photo.public_id}/")
    assert served["Content-Type"] == "image/jpeg"
    assert b"".join(served.streaming_content).startswith(b"\xff\xd8")


def test_a_pending_photo_unticked_before_sending_is_not_attached_and_its_file_is_removed(city, english):
    token = str(uuid.uuid4())
    english.post(FORM_URL, report_data(form_token=token, title="", photos=[jpeg_upload()]))
    pending = PendingPhoto.objects.get()
    file_name = pending.file.name
    assert default_storage.exists(file_name)

    response = english.post(FORM_URL, report_data(form_token=token))

    report = Report.objects.get(code=sent_code(response))
    assert report.photo_count == 0
    assert not ReportPhoto.objects.exists()
    assert not PendingPhoto.objects.exists()
    assert not default_storage.exists(file_name)


def test_a_file_that_is_not_a_photo_is_refused_with_a_message_naming_it(city, english):
    fake = SimpleUploadedFile("foto.jpg", b"ini bukan foto, hanya teks biasa", content_type="image/jpeg")

    response = english.post(FORM_URL, report_data(photos=[jpeg_upload("bagus.jpg"), fake]))

    assert response.status_code == 200
    assert Page(response).field_errors("photos") == [
        "Photo 2 (foto.jpg): This file is not a photo (we accept JPEG, PNG or WebP)."
    ]
    assert not Report.objects.exists()
    assert not ReportPhoto.objects.exists()


def test_the_bad_photo_message_is_in_indonesian_by_default(city, client):
    fake = SimpleUploadedFile("foto.jpg", b"ini bukan foto", content_type="image/jpeg")

    response = client.post(FORM_URL, report_data(photos=[fake]))

    with translation.override("id"):
        reason = gettext("This file is not a photo (we accept JPEG, PNG or WebP).")
        expected = gettext("Photo %(n)d (%(name)s): %(reason)s") % {"n": 1, "name": "foto.jpg", "reason": reason}
    assert response["Content-Language"] == "id"
    assert Page(response).field_errors("photos") == [expected]
    assert not Report.objects.exists()
    assert not PendingPhoto.objects.exists()


def test_more_than_five_photos_are_refused(city, english):
    photos = [jpeg_upload(f"foto-{n}.jpg") for n in range(6)]

    response = english.post(FORM_URL, report_data(photos=photos))

    assert Page(response).field_errors("photos") == ["You can attach at most 5 photos; you chose 6."]
    assert not Report.objects.exists()
    assert not PendingPhoto.objects.exists()


def test_kept_photos_count_towards_the_limit_of_five(city, english):
    token = str(uuid.uuid4())
    english.post(FORM_URL, report_data(form_token=token, title="", photos=[jpeg_upload(f"a{n}.jpg") for n in range(3)]))
    kept = [str(p.public_id) for p in PendingPhoto.objects.all()]
    assert len(kept) == 3

    response = english.post(
        FORM_URL,
        report_data(form_token=token, keep_photos=kept, photos=[jpeg_upload(f"b{n}.jpg") for n in range(3)]),
    )

    assert Page(response).field_errors("photos") == ["You can attach at most 5 photos; you chose 6."]
    assert not Report.objects.exists()


# Double submission and spam


def test_posting_the_same_form_twice_creates_one_report_and_both_answers_lead_to_it(city, client):
    data = report_data()

    first = client.post(FORM_URL, data)
    second = client.post(FORM_URL, data)

    assert sent_code(first) == sent_code(second)
    assert Report.objects.count() == 1
    assert Report.objects.get().code == sent_code(first)


def test_a_filled_honeypot_is_refused_and_nothing_is_stored(city, english):
    response = english.post(FORM_URL, report_data(website="http://spam.example"))

    assert response.status_code == 200
    assert "Your report could not be accepted. Please try again." in Page(response).summary()
    assert not Report.objects.exists()


# Who the reporter is and how to reach them


def test_a_named_report_needs_a_name(city, english):
    response = english.post(FORM_URL, report_data(reporter_name=""))

    assert Page(response).field_errors("reporter_name") == ["Write your name, or choose to be anonymous."]
    assert not Report.objects.exists()


def test_a_named_report_needs_an_email_or_a_phone(city, english):
    response = english.post(FORM_URL, report_data(reporter_email="", reporter_phone=""))

    assert Page(response).field_errors("reporter_email") == [
        "Give an email or a phone number so we can tell you about progress."
    ]
    assert not Report.objects.exists()


def test_a_phone_alone_is_enough_contact(city, client):
    response = client.post(FORM_URL, report_data(reporter_email=""))

    report = Report.objects.get(code=sent_code(response))
    assert (report.reporter_email, report.reporter_phone) == ("", "+6281234567890")


def test_an_anonymous_report_without_contact_is_accepted_where_the_pemda_allows_it(city, client):
    assert city.allow_anonymous_without_contact is True

    response = client.post(
        FORM_URL, report_data(is_anonymous="on", reporter_name="", reporter_email="", reporter_phone="")
    )

    report = Report.objects.get(code=sent_code(response))
    assert report.is_anonymous
    assert (report.reporter_name, report.reporter_email, report.reporter_phone) == ("", "", "")


def test_an_anonymous_report_without_contact_is_refused_where_the_pemda_requires_contact(city, english):
    Pemda.objects.filter(pk=city.pk).update(allow_anonymous_without_contact=False)

    response = english.post(
        FORM_URL, report_data(is_anonymous="on", reporter_name="", reporter_email="", reporter_phone="")
    )

    assert Page(response).field_errors("reporter_email") == [
        "Even anonymous reports need an email or a phone number here; it is never shown."
    ]
    assert not Report.objects.exists()


# The place


def test_a_map_point_outside_the_pemda_is_refused(city, english):
    response = english.post(FORM_URL, report_data(latitude=JAKARTA[0], longitude=JAKARTA[1]))

    assert Page(response).field_errors("address") == [
        "The point on the map is outside Kota Bitung; please mark it again."
    ]
    assert not Report.objects.exists()


def test_a_map_point_inside_the_pemda_is_stored(city, client):
    response = client.post(FORM_URL, report_data(latitude=INSIDE_BITUNG[0], longitude=INSIDE_BITUNG[1]))

    report = Report.objects.get(code=sent_code(response))
    assert (str(report.latitude), str(report.longitude)) == INSIDE_BITUNG


@pytest.mark.parametrize("given", ["latitude", "longitude"])
def test_only_one_coordinate_is_refused(city, english, given):
    response = english.post(FORM_URL, report_data(**{given: INSIDE_BITUNG[0 if given == "latitude" else 1]}))

    assert Page(response).field_errors("address") == ["The map point was incomplete; please mark it again."]
    assert not Report.objects.exists()


def test_the_map_bounds_on_the_form_use_a_decimal_point_in_indonesian_too(city, client):
    # form.js splits data-bounds on commas: a localised "1,36" would give it eight numbers instead of four.
    page = Page(client.get(FORM_URL))

    box = dict(page.by_id("map-box").attributes)
    assert [float(n) for n in box["data-bounds"].split(",")] == [1.36, 124.98, 1.62, 125.36]
    assert [float(n) for n in box["data-center"].split(",")] == [1.49, 125.17]


def test_a_kelurahan_of_another_city_is_refused(city, english):
    wilayah_import(only="71.71")

    response = english.post(FORM_URL, report_data(kelurahan="71.71.01.1001"))

    assert response.status_code == 200
    errors = Page(response).field_errors("kelurahan")
    assert len(errors) == 1
    assert "71.71.01.1001" in errors[0] or "Kota Bitung" in errors[0]
    assert not Report.objects.exists()


# Rate limit and CSRF


@pytest.fixture
def frozen_clock(time_machine: Any) -> None:
    # The rate limit counts in fixed windows; keep the test from straddling the edge of one.
    time_machine.move_to(timezone.now(), tick=False)


def test_the_third_report_within_the_hour_is_refused_with_a_clear_message_and_nothing_typed_is_lost(
    city, english, settings, frozen_clock
):
    settings.RATELIMIT_REPORTS = "2/h"
    sent_code(english.post(FORM_URL, report_data()))
    sent_code(english.post(FORM_URL, report_data()))

    response = english.post(FORM_URL, report_data(title="Lampu jalan mati di Jl. Garuda"))

    assert response.status_code == 429
    page = Page(response)
    assert "You have sent many reports in a short time. Please wait an hour and send it again" in page.summary()
    assert page.value("title") == "Lampu jalan mati di Jl. Garuda"
    assert page.value("reporter_email") == "Yohanes.Sumampouw@Example.ID"
    assert Report.objects.count() == 2
    assert not Report.objects.filter(title="Lampu jalan mati di Jl. Garuda").exists()


def test_invalid_attempts_do_not_count_against_the_rate_limit(city, english, settings, frozen_clock):
    settings.RATELIMIT_REPORTS = "2/h"
    for _attempt in range(3):
        assert english.post(FORM_URL, report_data(title="")).status_code == 200

    codes = {sent_code(english.post(FORM_URL, report_data())) for _ in range(2)}

    assert len(codes) == 2
    assert Report.objects.count() == 2


def test_a_retry_of_the_last_report_allowed_leads_to_it_instead_of_the_rate_limit(city, client, settings, frozen_clock):
    settings.RATELIMIT_REPORTS = "1/h"
    data = report_data()

    first = client.post(FORM_URL, data)
    retry = client.post(FORM_URL, data)

    assert retry.status_code == 302
    assert sent_code(retry) == sent_code(first)
    assert Report.objects.count() == 1


def test_a_post_without_the_csrf_token_is_refused(city):
    browser = Client(enforce_csrf_checks=True)

    response = browser.post(FORM_URL, report_data())

    assert response.status_code == 403
    assert not Report.objects.exists()
    # The same browser with the token from the page gets through: the refusal above was the CSRF check.
    browser.get(FORM_URL)
    accepted = browser.post(FORM_URL, report_data(csrfmiddlewaretoken=browser.cookies["csrftoken"].value))
    assert Report.objects.get().code == sent_code(accepted)


# The confirmation page belongs to the browser that sent the report


def test_only_the_sending_browser_sees_the_confirmation_and_sending_writes_no_session(city, client):
    from django.contrib.sessions.models import Session

    response = client.post(FORM_URL, report_data())
    code = sent_code(response)

    cookie = response.cookies["balai_terkirim"]
    assert cookie["httponly"]
    assert cookie["path"] == "/lapor/terkirim/"  # sent with no other request
    assert cookie["samesite"] == "Lax"
    assert not Session.objects.exists()  # a citizen needs no server-side session
    assert client.get(response["Location"]).status_code == 200

    other = Client()
    assert other.get(response["Location"])["Location"] == f"/lacak/{code}/"


def test_a_confirmation_cookie_that_was_tampered_with_shows_nothing(city, client):
    response = client.post(FORM_URL, report_data())
    code = sent_code(response)
    other = Client()
    other.cookies["balai_terkirim"] = client.cookies["balai_terkirim"].value.replace(code, "BTG-AAAA-AAAA")
    other.cookies["balai_terkirim"]["path"] = "/lapor/terkirim/"
    assert other.get(response["Location"]).status_code == 302
    other.cookies["balai_terkirim"] = code  # unsigned
    other.cookies["balai_terkirim"]["path"] = "/lapor/terkirim/"
    assert other.get(response["Location"]).status_code == 302


def test_the_browser_keeps_its_last_ten_confirmations(city, client, settings):
    settings.RATELIMIT_REPORTS = "100/h"
    codes = [sent_code(client.post(FORM_URL, report_data())) for _ in range(11)]

    assert client.get(f"/lapor/terkirim/{codes[0]}/").status_code == 302
    for code in codes[1:]:
        assert client.get(f"/lapor/terkirim/{code}/").status_code == 200


def test_the_rate_limit_count_is_the_first_write_of_the_reports_transaction(city, client, settings, frozen_clock):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.RATELIMIT_REPORTS = "5/h"
    with CaptureQueriesContext(connection) as queries:
        sent_code(client.post(FORM_URL, report_data()))

    statements = [q["sql"].split()[0].upper() for q in queries.captured_queries]
    writes = [i for i, word in enumerate(statements) if word in {"INSERT", "UPDATE", "DELETE"}]
    count_writes = [i for i in writes if "lapor_submissioncount" in queries.captured_queries[i]["sql"]]
    report_insert = next(i for i in writes if '"lapor_report"' in queries.captured_queries[i]["sql"])
    assert count_writes, "the count was written"
    # Counted first, then written, with no commit in between: a report that is not written gives its count back.
    assert all(i < report_insert for i in count_writes)
    assert "COMMIT" not in statements[min(count_writes) : report_insert]
    assert SubmissionCount.objects.get().count == 1


def test_the_blank_form_is_rendered_once_but_follows_category_changes_and_the_language(city, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    category = Category.objects.filter(is_active=True).first()
    first = Page(client.get(FORM_URL))
    with CaptureQueriesContext(connection) as queries:
        second = Page(client.get(FORM_URL))
    # Only the check that no other process changed what the copies hold (balai.core.changes).
    assert [q["sql"].split(" FROM ")[1].split()[0] for q in queries.captured_queries] == ['"core_sharedversion"']
    assert category.name in second.text(second.by_id("id_category"))
    assert first.value("form_token") != second.value("form_token")  # the one-time token is per visitor

    category.name = "Jembatan dan trotoar"
    category.save()
    renamed = Page(client.get(FORM_URL))
    assert "Jembatan dan trotoar" in renamed.text(renamed.by_id("id_category"))

    client.cookies["django_language"] = "en"
    english = client.get(FORM_URL).content.decode()
    assert "What is the problem?" in english
    client.cookies["django_language"] = "id"
    assert "What is the problem?" not in client.get(FORM_URL).content.decode()
