"""What anybody on the internet sees: home, the public list, a report's page, tracking, photos and the language."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone, translation
from django.utils.translation import gettext

from balai.core.models import Wilayah, WilayahLevel
from balai.lapor import services
from balai.lapor.models import ArchiveReason, Category, Report, ReportPhoto
from tests.factories import kelurahan, make_report
from tests.lapor.backoffice import steps

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("publish_on_arrival")]

CARD_LINK = re.compile(r'href="/laporan/(BTG-[A-Z0-9]{4}-[A-Z0-9]{4})/"')


def listed_codes(response: Any) -> list[str]:
    """The tracking codes of the report cards on a page, in order."""
    return listed_codes_in(response.content.decode())


def listed_codes_in(content: str) -> list[str]:
    """On the home page and the list, the only links to a report's page are its card's."""
    return list(dict.fromkeys(CARD_LINK.findall(content)))


def reported_by(content: str) -> str:
    """What the report page says under "Reported by" (in English)."""
    found = re.search(r"<dt>Reported by</dt>\s*<dd>([^<]*)</dd>", content)
    assert found, "the report page names its reporter"
    return found.group(1).strip()


def page_links(response: Any) -> dict[str, str]:
    """The pager's links by their rel (prev, next), unescaped."""
    found = re.findall(r'<a href="([^"]*)" rel="(prev|next)">', response.content.decode())
    return {rel: html.unescape(href) for href, rel in found}


@pytest.fixture
def english(client: Client) -> Client:
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def frozen_clock(time_machine: Any) -> None:
    # Rate limits count in fixed windows; keep the test from straddling the edge of one.
    time_machine.move_to(timezone.now(), tick=False)


# Rahasia reports


@pytest.fixture
def rahasia(city: Any) -> Report:
    return make_report(title="Dugaan pungli pengurusan surat di kantor kelurahan", is_confidential=True, photos=1)


@pytest.fixture
def public_report(city: Any) -> Report:
    return make_report(title="Lampu jalan mati di Jl. Garuda", photos=1)


def test_a_rahasia_report_is_not_on_the_home_page_nor_in_its_counts(rahasia, public_report, english):
    content = english.get("/").content.decode()

    assert listed_codes_in(content) == [public_report.code]
    assert rahasia.title not in content
    assert rahasia.code not in content
    assert re.search(r"<dt>Public reports</dt>\s*<dd>1</dd>", content), "the total counts the public report only"


def test_a_rahasia_report_is_not_in_the_public_list(rahasia, public_report, client):
    response = client.get("/laporan/")

    assert listed_codes(response) == [public_report.code]
    assert rahasia.title not in response.content.decode()


@pytest.mark.parametrize("search_by", ["title", "code", "description"])
def test_a_rahasia_report_cannot_be_found_by_searching_the_public_list(rahasia, client, search_by):
    response = client.get("/laporan/", {"q": getattr(rahasia, search_by)[:60]})

    # The words searched for are echoed in the search box; the report itself must not be listed.
    content = response.content.decode()
    assert listed_codes(response) == []
    assert f'<span class="card-title">{rahasia.title}' not in content
    assert f"/laporan/{rahasia.code}/" not in content


def test_a_public_report_can_be_found_by_its_code_in_the_public_list(public_report, client):
    make_report(title="Sampah menumpuk di Pasar Winenet")

    response = client.get("/laporan/", {"q": public_report.code})

    assert listed_codes(response) == [public_report.code]


def test_the_public_page_of_a_rahasia_report_does_not_exist(rahasia, client):
    response = client.get(f"/laporan/{rahasia.code}/")

    assert response.status_code == 404
    assert rahasia.title not in response.content.decode()


def test_the_holder_of_the_code_can_follow_a_rahasia_report_on_its_tracking_page(rahasia, english):
    response = english.get(f"/lacak/{rahasia.code}/")

    assert response.status_code == 200
    content = response.content.decode()
    assert re.search(rf"<h1>\s*{re.escape(rahasia.title)}\s*</h1>", content)
    assert re.search(r'class="status status-diterima">\s*Received\s*<', content)
    assert "Confidential: visible only with the tracking code" in content
    assert '<meta name="robots" content="noindex">' in content


def test_the_photos_of_a_rahasia_report_are_not_shown_on_its_tracking_page(rahasia, client):
    photo = ReportPhoto.objects.get(report=rahasia)

    content = client.get(f"/lacak/{rahasia.code}/").content.decode()

    assert rahasia.title in content
    assert str(photo.public_id) not in content


# The reporter's identity


def test_an_anonymous_report_shows_anonymous_and_never_the_reporters_name(city, english):
    report = make_report(is_anonymous=True, reporter_name="Yohanes Sumampouw")

    for url in (f"/laporan/{report.code}/", f"/lacak/{report.code}/"):
        content = english.get(url).content.decode()
        assert reported_by(content) == "Anonymous"
        assert "Yohanes" not in content
        assert "Sumampouw" not in content


def test_anonymous_is_written_in_indonesian_by_default(city, client):
    report = make_report(is_anonymous=True, reporter_name="Yohanes Sumampouw")

    content = client.get(f"/laporan/{report.code}/").content.decode()

    with translation.override("id"):
        assert re.search(rf"<dd>\s*{re.escape(gettext('Anonymous'))}\s*</dd>", content)
    assert "Yohanes" not in content


def test_a_named_report_shows_only_the_first_name_and_an_initial(city, english):
    report = make_report(reporter_name="Maria Grace Pangemanan")

    for url in (f"/laporan/{report.code}/", f"/lacak/{report.code}/"):
        content = english.get(url).content.decode()
        assert reported_by(content) == "Maria P."
        assert "Pangemanan" not in content
        assert "Grace" not in content


def test_the_reporters_phone_and_email_never_appear_on_public_pages(city, client):
    named = make_report(reporter_email="pelapor.rahasia@contoh.id", reporter_phone="+6281299887766")
    anonymous = make_report(
        reporter_email="anonim.sekali@contoh.id", reporter_phone="+6285211223344", is_anonymous=True
    )
    urls = ["/", "/laporan/"]
    for report in (named, anonymous):
        urls += [f"/laporan/{report.code}/", f"/lacak/{report.code}/"]

    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        content = response.content.decode()
        for secret in ("pelapor.rahasia", "anonim.sekali", "contoh.id", "81299887766", "85211223344", "99887766"):
            assert secret not in content, f"{secret} appears on {url}"
    assert set(listed_codes(client.get("/laporan/"))) == {named.code, anonymous.code}


@pytest.mark.parametrize("q", ["pelapor.rahasia@contoh.id", "081299887766", "+6281299887766", "Yohanes"])
def test_the_public_list_cannot_be_searched_by_the_reporters_identity(city, client, q):
    make_report(
        reporter_name="Yohanes Sumampouw", reporter_email="pelapor.rahasia@contoh.id", reporter_phone="+6281299887766"
    )

    assert listed_codes(client.get("/laporan/", {"q": q})) == []


# Tracking


def test_the_tracking_form_accepts_a_code_in_lower_case_with_spaces_and_without_prefix(city, client):
    report = make_report()
    body = report.code.removeprefix("BTG-").replace("-", " ").lower()

    response = client.get("/lacak/", {"kode": f"  {body} "})

    assert response.status_code == 302
    assert response["Location"] == f"/lacak/{report.code}/"
    assert report.title in client.get(response["Location"]).content.decode()


def test_the_tracking_form_accepts_a_code_with_its_prefix_in_lower_case(city, client):
    report = make_report()

    response = client.get("/lacak/", {"kode": report.code.lower().replace("-", " ")})

    assert response["Location"] == f"/lacak/{report.code}/"


def test_an_unknown_code_gives_a_404_page_with_a_helpful_message(city, english):
    response = english.get("/lacak/BTG-2345-6789/")

    assert response.status_code == 404
    content = response.content.decode()
    assert "No report has the code BTG-2345-6789. Check it letter by letter: it has no 0, O, 1 or I." in content
    assert 'name="kode"' in content, "the page offers the form to try again"


def test_a_malformed_code_is_explained(city, english):
    response = english.get("/lacak/", {"kode": "halo"})

    assert response.status_code == 400
    content = response.content.decode()
    assert "A tracking code looks like BTG-7K3Q-9XFA." in content
    assert 'id="id_kode_error"' in content
    assert 'value="halo"' in content


def test_the_tracking_page_is_rate_limited(city, english, settings, frozen_clock):
    settings.RATELIMIT_TRACK = "3/m"
    report = make_report()
    for _lookup in range(3):
        assert report.title in english.get(f"/lacak/{report.code}/").content.decode()

    response = english.get(f"/lacak/{report.code}/")

    assert response.status_code == 429
    content = response.content.decode()
    assert "Too many look-ups from your connection. Please wait a minute and try again." in content
    assert report.title not in content


def test_guessing_unknown_codes_also_counts_towards_the_tracking_limit(city, client, settings, frozen_clock):
    settings.RATELIMIT_TRACK = "3/m"
    report = make_report()
    for guess in ("BTG-2222-2222", "BTG-3333-3333", "BTG-4444-4444"):
        assert client.get(f"/lacak/{guess}/").status_code == 404

    response = client.get(f"/lacak/{report.code}/")

    assert response.status_code == 429
    assert report.title not in response.content.decode()


# The public list: filters and pages


@pytest.fixture
def varied(city: Any, coordinator: Any) -> dict[str, Report]:
    """Reports that differ in one attribute each from the plain one."""
    plain = make_report(title="Jalan berlubang di Jl. Sam Ratulangi")
    verified = make_report(title="Aspal mengelupas dekat Terminal Tangkoko")
    steps.verified(verified, coordinator)
    archived = make_report(title="Jalan berlubang yang sudah diarsipkan")
    services.report_archive(report=archived, actor=coordinator, version=None, reason=ArchiveReason.TOO_GENERAL)
    rubbish = make_report(title="Sampah belum diangkut tiga hari", category=Category.objects.get(slug="sampah"))
    elsewhere = make_report(title="Jembatan kecil retak di Lembeh", kelurahan=kelurahan("Pasir Panjang"))
    described = make_report(title="Tiang miring", description="Tiang listrik miring ke arah rumah warga, berbahaya.")
    return {
        "plain": plain,
        "verified": verified,
        "archived": archived,
        "rubbish": rubbish,
        "elsewhere": elsewhere,
        "described": described,
    }


def test_the_public_list_shows_every_public_report_but_no_archived_one(varied, client):
    codes = listed_codes(client.get("/laporan/"))

    assert sorted(codes) == sorted(r.code for key, r in varied.items() if key != "archived")


def test_the_status_filter_returns_exactly_the_reports_in_that_status(varied, client):
    assert listed_codes(client.get("/laporan/", {"status": "diverifikasi"})) == [varied["verified"].code]


def test_the_archived_status_cannot_be_chosen_on_the_public_list(varied, client):
    response = client.get("/laporan/", {"status": "diarsipkan"})

    assert varied["archived"].code not in listed_codes(response)
    assert 'value="diarsipkan"' not in response.content.decode()


def test_the_category_filter_returns_exactly_the_reports_of_that_category(varied, client):
    assert listed_codes(client.get("/laporan/", {"category": "sampah"})) == [varied["rubbish"].code]


def test_the_kecamatan_filter_returns_exactly_the_reports_in_that_kecamatan(varied, client):
    lembeh_selatan = kelurahan("Pasir Panjang").parent_id

    assert listed_codes(client.get("/laporan/", {"kecamatan": lembeh_selatan})) == [varied["elsewhere"].code]


def test_the_text_search_matches_titles_and_descriptions(varied, client):
    assert listed_codes(client.get("/laporan/", {"q": "berlubang"})) == [varied["plain"].code]
    assert listed_codes(client.get("/laporan/", {"q": "rumah warga"})) == [varied["described"].code]


def test_filters_combine(varied, client):
    response = client.get("/laporan/", {"status": "diterima", "category": "jalan-rusak", "q": "retak"})

    assert listed_codes(response) == [varied["elsewhere"].code]


def test_the_list_shows_twenty_reports_a_page_and_keeps_the_filters_in_the_page_links(city, client):
    rubbish = Category.objects.get(slug="sampah")
    matching = [make_report(category=rubbish) for _ in range(23)]
    make_report(title="Jalan berlubang di Jl. Garuda")

    first = client.get("/laporan/", {"category": "sampah"})

    assert len(listed_codes(first)) == 20
    assert "prev" not in page_links(first)
    next_link = page_links(first)["next"]
    assert next_link == "?category=sampah&halaman=2"

    second = client.get("/laporan/" + next_link)

    assert len(listed_codes(second)) == 3
    assert page_links(second) == {"prev": "?category=sampah&halaman=1"}
    assert sorted(listed_codes(first) + listed_codes(second)) == sorted(r.code for r in matching)


@pytest.mark.parametrize("url", ["/laporan/", "/"])
def test_a_public_page_uses_as_many_queries_for_30_reports_as_for_3(city, client, django_assert_max_num_queries, url):
    categories = list(Category.objects.all())
    places = list(Wilayah.objects.filter(level=WilayahLevel.DESA_KELURAHAN, code__startswith="71.72."))

    def add(count: int) -> None:
        for n in range(count):
            make_report(category=categories[n % len(categories)], kelurahan=places[n % len(places)], photos=n % 2)

    client.get(url)  # fills this process's copies of the categories and places (balai.lapor.cache)
    add(3)
    with django_assert_max_num_queries(30) as few:
        three = client.get(url)
    add(27)
    with django_assert_max_num_queries(30) as many:
        thirty = client.get(url)

    assert len(listed_codes(three)) == 3
    assert len(listed_codes(thirty)) == (20 if url == "/laporan/" else 5)
    assert len(few) == len(many)


# Photos


def test_a_photo_of_a_public_report_is_served_as_jpeg(public_report, client):
    photo = ReportPhoto.objects.get(report=public_report)
    assert f"/foto/{photo.public_id}/" in client.get(f"/laporan/{public_report.code}/").content.decode()

    response = client.get(f"/foto/{photo.public_id}/")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content).startswith(b"\xff\xd8\xff")


def test_a_photo_of_a_rahasia_report_is_hidden_from_the_public_and_other_opds_but_served_to_the_coordinator(
    rahasia, client, operator_dinkes, coordinator
):
    url = f"/foto/{ReportPhoto.objects.get(report=rahasia).public_id}/"

    assert client.get(url).status_code == 404
    client.force_login(operator_dinkes)
    assert client.get(url).status_code == 404
    client.force_login(coordinator)
    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "private, max-age=86400"
    assert b"".join(response.streaming_content).startswith(b"\xff\xd8\xff")


def test_the_map_link_of_a_report_uses_a_decimal_point_in_indonesian_too(city, client):
    report = make_report(latitude="1.445000", longitude="125.190000")

    content = client.get(f"/laporan/{report.code}/").content.decode()

    assert "mlat=1.445000&amp;mlon=125.190000#map=17/1.445000/125.190000" in content


# Language


def test_the_language_switch_turns_the_site_to_english(city, client):
    response = client.post("/bahasa/", {"language": "en", "next": "/"})

    assert response["Location"] == "/"
    home = client.get("/")
    assert '<html lang="en">' in home.content.decode()
    assert home["Content-Language"] == "en"
    assert "Make a report" in home.content.decode()


def test_the_site_is_in_indonesian_by_default_whatever_the_browser_asks(city, client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    content = response.content.decode()
    assert '<html lang="id">' in content
    assert response["Content-Language"] == "id"
    with translation.override("id"):
        assert gettext("Make a report") in content


# HEAD


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/lapor/",
        "/lacak/",
        "/laporan/",
        "/privasi/",
        "/laporan/{code}/",
        "/lacak/{code}/",
    ],
)
def test_a_head_request_on_a_public_page_answers_like_get_without_a_body(public_report, client, url):
    url = url.format(code=public_report.code)

    head = client.head(url)
    get = client.get(url)

    assert (head.status_code, get.status_code) == (200, 200)
    assert head["Content-Type"] == get["Content-Type"] == "text/html; charset=utf-8"
    assert head.content == b""
