"""Every staff URL against every role; and what must never leak: anonymous reporters, rahasia reports, other OPDs' work."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from balai.core.models import AuditEvent
from balai.lapor import services
from balai.lapor.models import Category, Report, ReportEvent, ReportPhoto
from balai.lapor.services import report_submit
from tests.factories import ReportInputFactory, make_report

from .steps import (
    client_for,
    dispatched,
    finished,
    fresh,
    in_progress,
    in_state,
    pdf_bytes,
    photo_upload,
    post_action,
    run_worker,
    text,
    unit,
    upload,
    verified,
)

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "citizen", "operator_dinkes", "head_pupr", "operator_pupr", "coordinator", "sysadmin", "pimpinan"]
LOGIN = "login"  # redirected to the staff sign-in page


@pytest.fixture
def citizen(city: Any) -> Any:
    """An account with no role in any unit (a citizen who signed up, or staff not yet appointed)."""
    return get_user_model().objects.create_user("warga.biasa", "warga.biasa@example.id", "x")


@pytest.fixture
def as_role(request: Any, city: Any) -> Callable[[str], Any]:
    def client(role: str) -> Any:
        return client_for(None if role == "anonymous" else request.getfixturevalue(role))

    return client


def _trace(report: Report) -> tuple[str, int, int, int]:
    current = fresh(report)
    return (
        current.status,
        current.version,
        ReportEvent.objects.filter(report=report).count(),
        AuditEvent.objects.filter(object_id=report.code).count(),
    )


def _outcome(response: Any) -> Any:
    if response.status_code == 302 and response.url.startswith("/staf/masuk/"):
        return LOGIN
    return response.status_code


# --- reading --------------------------------------------------------------------------------------

READ_EXPECTED: dict[str, dict[str, Any]] = {
    # url: role -> status (200 where the report is also listed or shown)
    "inbox": {"anonymous": LOGIN, "citizen": 403, "operator_dinkes": 200, "head_pupr": 200, "operator_pupr": 200,
              "coordinator": 200, "sysadmin": 200, "pimpinan": 200},
    "report": {"anonymous": LOGIN, "citizen": 403, "operator_dinkes": 404, "head_pupr": 200, "operator_pupr": 200,
               "coordinator": 200, "sysadmin": 200, "pimpinan": 200},
    "photo": {"anonymous": LOGIN, "citizen": 403, "operator_dinkes": 404, "head_pupr": 200, "operator_pupr": 200,
              "coordinator": 200, "sysadmin": 200, "pimpinan": 200},
    "attachment": {"anonymous": LOGIN, "citizen": 403, "operator_dinkes": 404, "head_pupr": 200,
                   "operator_pupr": 200, "coordinator": 200, "sysadmin": 200, "pimpinan": 200},
    # "My work" only needs a sign-in: without a role it says so and shows nothing.
    "my_work": {"anonymous": LOGIN, "citizen": 200, "operator_dinkes": 200, "head_pupr": 200, "operator_pupr": 200,
                "coordinator": 200, "sysadmin": 200, "pimpinan": 200},
}  # fmt: skip
SEES_PUPR_REPORT = {"head_pupr", "operator_pupr", "coordinator", "sysadmin", "pimpinan"}


@pytest.fixture
def pupr_report(city: Any, coordinator: Any, operator_pupr: Any) -> Report:
    """A report Dinas PUPR is working on, with the reporter's photo and an internal document of the work."""
    report = in_progress(make_report(photos=1, title="Jembatan kecil retak di Jl. Sagerat"), coordinator, operator_pupr)
    services.report_attach(
        report=report, actor=operator_pupr, version=None, upload=upload("ba.pdf", pdf_bytes()), is_public=False
    )
    return report


def _read_url(name: str, report: Report) -> str:
    return {
        "inbox": "/staf/laporan/",
        "report": f"/staf/laporan/{report.code}/",
        "photo": f"/staf/laporan/foto/{ReportPhoto.objects.get(report=report).public_id}/",
        "attachment": f"/staf/laporan/lampiran/{report.attachments.get().public_id}/",
        "my_work": "/staf/",
    }[name]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url", list(READ_EXPECTED))
def test_who_may_read_what(pupr_report, as_role, citizen, role, url):
    response = as_role(role).get(_read_url(url, pupr_report))

    assert _outcome(response) == READ_EXPECTED[url][role]
    if response.status_code == 200 and url in ("inbox", "my_work", "report"):
        listed = pupr_report.code in text(response)
        assert listed == (role in SEES_PUPR_REPORT)
    if response.status_code == 200 and url in ("photo", "attachment"):
        assert response["Cache-Control"] == "private, no-store"
        assert b"".join(response.streaming_content).startswith((b"\xff\xd8", b"%PDF-"))


def test_my_work_tells_someone_without_a_role_to_ask_for_one(pupr_report, citizen):
    page = text(client_for(citizen).get("/staf/"))

    assert "You have no role in any unit yet." in page
    assert pupr_report.code not in page


# --- acting ---------------------------------------------------------------------------------------

COORDINATOR_JOB = {"anonymous": LOGIN, "citizen": 403, "operator_dinkes": 404, "head_pupr": 404, "operator_pupr": 404,
                   "coordinator": 302, "sysadmin": 302, "pimpinan": 409}  # fmt: skip
OPERATOR_JOB = {"anonymous": LOGIN, "citizen": 403, "operator_dinkes": 404, "head_pupr": 409, "operator_pupr": 302,
                "coordinator": 409, "sysadmin": 409, "pimpinan": 409}  # fmt: skip
NOTE = {**OPERATOR_JOB, "coordinator": 302, "sysadmin": 302}


def _fields(action: str, report: Report) -> dict[str, Any]:
    return {
        "verify": {"kind": "pengaduan", "category": report.category_id, "weight": "normatif",
                   "public_title": "Jalan berlubang", "lead_unit": unit("dinas-pupr").pk},
        "dispatch": {"lead_unit": unit("dinas-pupr").pk},
        "clarify": {"question": "Di RT berapa?"},
        "merge": {"target": make_report().code},
        "not_authority": {"referral": "BPJN Sulawesi Utara"},
        "archive": {"reason": "terlalu_umum"},
        "accept": {"note": ""},
        "respond": {"text": "Dijadwalkan minggu depan."},
        "finish": {"answer": "Sudah ditambal."},
        "return": {"reason": "Jalan provinsi."},
        "attach": {"file": photo_upload(), "is_public": "on"},
        "note": {"text": "Catatan."},
    }[action]  # fmt: skip


ACTIONS = [
    ("verify", "diterima", COORDINATOR_JOB),
    ("dispatch", "diverifikasi", COORDINATOR_JOB),
    ("clarify", "diterima", COORDINATOR_JOB),
    ("merge", "diterima", COORDINATOR_JOB),
    ("not_authority", "diterima", COORDINATOR_JOB),
    ("archive", "diterima", COORDINATOR_JOB),
    ("accept", "didisposisikan", OPERATOR_JOB),
    ("respond", "diproses", OPERATOR_JOB),
    ("finish", "diproses", OPERATOR_JOB),
    ("return", "diproses", OPERATOR_JOB),
    ("attach", "diproses", OPERATOR_JOB),
    ("note", "diproses", NOTE),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("action", "state", "expected"), ACTIONS, ids=[a[0] for a in ACTIONS])
def test_who_may_do_what(city, coordinator, operator_pupr, as_role, citizen, role, action, state, expected):
    report = in_state(state, coordinator, operator_pupr)
    before = _trace(report)

    response = post_action(as_role(role), report, action, _fields(action, report))

    assert _outcome(response) == expected[role]
    if expected[role] == 302:
        assert response.url == f"/staf/laporan/{report.code}/#main"
        assert _trace(report)[1] > before[1], "the action was applied"
    else:
        assert _trace(report) == before, "nothing changed"
    if expected[role] == 409:
        assert "This action is not possible for this report now" in text(response)


BULK = {"anonymous": LOGIN, "citizen": 403, "operator_dinkes": 403, "head_pupr": 403, "operator_pupr": 403,
        "coordinator": 302, "sysadmin": 302, "pimpinan": 403}  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
def test_who_may_use_bulk_actions(city, as_role, citizen, role):
    report = make_report()
    before = _trace(report)

    response = as_role(role).post("/staf/laporan/massal/", {"codes": [report.code], "action": "archive_spam"})

    assert _outcome(response) == BULK[role]
    assert (_trace(report) == before) == (BULK[role] != 302)


@pytest.mark.parametrize("role", ["operator_pupr", "head_pupr", "coordinator"])
def test_staff_urls_refuse_the_wrong_method(pupr_report, as_role, role):
    client = as_role(role)

    assert client.get(f"/staf/laporan/{pupr_report.code}/finish/").status_code == 405
    assert client.get("/staf/laporan/massal/").status_code == 405
    assert client.post(f"/staf/laporan/{pupr_report.code}/").status_code == 405


# --- an anonim reporter is hidden from the OPD --------------------------------------------------

NAME, PHONE, EMAIL = "Yohana Sinaga-Walangitan", "+6281299887766", "yohana.walangitan@example.id"


def _anonymous_report(**kwargs: Any) -> Report:
    return make_report(
        is_anonymous=True, reporter_name=NAME, reporter_phone=PHONE, reporter_email=EMAIL,
        title="Jalan berlubang di depan SD Negeri 3", **kwargs,
    )  # fmt: skip


def _identity_in(content: str) -> list[str]:
    return [value for value in (NAME, "Yohana", PHONE, "81299887766", EMAIL, "walangitan@") if value in content]


def test_an_anonymous_reporter_never_appears_on_a_page_the_opd_can_open(city, coordinator, operator_pupr, head_pupr):
    report = _anonymous_report(photos=1)
    assert _identity_in(text(client_for(coordinator).get(f"/staf/laporan/{report.code}/"))) != [], (
        "the coordinator (the verifier) does see who it is"
    )
    report = dispatched(report, coordinator)
    pages: list[str] = []

    def look() -> None:
        for person in (operator_pupr, head_pupr):
            client = client_for(person)
            for url in ("/staf/", "/staf/laporan/", "/staf/laporan/?status=all", f"/staf/laporan/?q={report.code}",
                        f"/staf/laporan/{report.code}/"):  # fmt: skip
                response = client.get(url)
                assert response.status_code == 200
                pages.append(text(response))

    look()
    operator = client_for(operator_pupr)
    for action, fields in (
        ("accept", {"note": ""}),
        ("respond", {"text": "Kami jadwalkan."}),
        ("note", {"text": "Internal."}),
        ("finish", {"answer": "Sudah ditambal."}),
    ):
        assert post_action(operator, report, action, fields).status_code == 302
        look()
    client_for().post(f"/lacak/{report.code}/{report.reporter_token}/", {"action": "rate", "rate-rating": "5"})
    look()

    assert len(pages) == 60
    assert [_identity_in(page) for page in pages] == [[]] * len(pages)


def test_an_anonymous_report_sent_by_a_signed_in_person_does_not_name_their_account_to_the_opd(
    city, coordinator, operator_pupr, citizen
):
    data = ReportInputFactory.build(is_anonymous=True, reporter_name="", reporter_email="", reporter_phone="")
    report = report_submit(data=data, actor=citizen)
    dispatched(report, coordinator)

    page = text(client_for(operator_pupr).get(f"/staf/laporan/{report.code}/"))

    assert "warga.biasa" not in page


@pytest.mark.django_db(transaction=True)
def test_the_dispatch_email_to_the_opd_does_not_name_an_anonymous_reporter(city, coordinator):
    report = _anonymous_report()
    run_worker()
    mail.outbox.clear()

    dispatched(report, coordinator)
    run_worker()

    to_opd = [m for m in mail.outbox if m.to == ["operator.pupr@demo.balai.local"]]
    assert len(to_opd) == 1
    assert report.code in to_opd[0].subject + to_opd[0].body
    assert _identity_in(to_opd[0].subject + to_opd[0].body) == []


# --- a rahasia report is never public -----------------------------------------------------------


def _public_pages(report: Report) -> list[Any]:
    anybody = client_for()
    photo = ReportPhoto.objects.filter(report=report).first()
    responses = [
        anybody.get("/"),
        anybody.get("/laporan/"),
        anybody.get("/laporan/?status=selesai"),
        anybody.get(f"/laporan/?q={report.code}"),
        anybody.get(f"/laporan/?category={report.category.slug}"),
        anybody.get(f"/laporan/{report.code}/"),
    ]
    if photo is not None:
        responses.append(anybody.get(f"/foto/{photo.public_id}/"))
    responses += [anybody.get(f"/lampiran/{a.public_id}/") for a in report.attachments.all()]
    return responses


def _assert_not_public(report: Report) -> None:
    responses = _public_pages(report)
    detail_and_files = responses[5:]
    assert [r.status_code for r in detail_and_files] == [404] * len(detail_and_files)
    for response in responses[:5]:
        assert response.status_code == 200
        content = text(response)
        assert f"/laporan/{report.code}/" not in content
        assert "Dugaan pungli" not in content


def test_a_rahasia_report_stays_off_the_public_pages_through_its_whole_life(city, coordinator, operator_pupr):
    report = make_report(
        is_confidential=True, photos=1, title="Dugaan pungli pengurusan izin di kantor kelurahan",
        category=Category.objects.get(slug="jalan-rusak"),
    )  # fmt: skip
    visible = verified(make_report(title="Jalan berlubang yang boleh dilihat umum"), coordinator)
    _assert_not_public(report)
    assert visible.code in text(client_for().get("/laporan/")), "the public list does show public reports"

    report = verified(report, coordinator, public_title="Dugaan pungli di kelurahan")
    _assert_not_public(report)
    report = services.report_dispatch(report=report, actor=coordinator, version=None, lead_unit=unit("dinas-pupr"))
    _assert_not_public(report)
    report = services.report_accept(report=report, actor=operator_pupr, version=None)
    services.report_add_note(report=report, actor=operator_pupr, version=None, text="Ditangani.", public=True)
    services.report_attach(
        report=report, actor=operator_pupr, version=None, upload=photo_upload("bukti.jpg"), is_public=True
    )
    _assert_not_public(report)
    report = services.report_finish(report=report, actor=operator_pupr, version=None, answer="Sudah ditindak.")
    services.report_rate(report=report, rating=5)
    _assert_not_public(report)
    # The reporter still follows it with the tracking code.
    assert client_for().get(f"/lacak/{report.code}/").status_code == 200


# --- an OPD's inbox holds its own reports only ------------------------------------------------


def finished_for(report: Report, coordinator: Any, operator: Any, lead: str) -> Report:
    report = in_progress(report, coordinator, operator, lead=lead)
    return services.report_finish(report=report, actor=operator, version=None, answer="Selesai.")


def test_an_inbox_never_lists_another_opds_reports(city, coordinator, operator_pupr, operator_dinkes):
    health = Category.objects.get(slug="layanan-kesehatan")
    theirs = [
        dispatched(make_report(category=health, title="Antrean Puskesmas lama"), coordinator, lead="dinkes"),
        in_progress(make_report(category=health), coordinator, operator_dinkes, lead="dinkes"),
        finished_for(make_report(category=health), coordinator, operator_dinkes, "dinkes"),
        make_report(),  # not dispatched yet
        verified(make_report(), coordinator),
    ]
    ours = [dispatched(make_report(), coordinator), finished(make_report(), coordinator, operator_pupr)]
    client = client_for(operator_pupr)

    for query in ("", "?status=all", "?status=didisposisikan", "?status=diterima", "?status=selesai",
                  "?category=layanan-kesehatan", "?unit=dinkes", "?q=Puskesmas", f"?q={theirs[0].code}",
                  "?due=overdue", "?halaman=2"):  # fmt: skip
        content = text(client.get(f"/staf/laporan/{query}"))
        for report in theirs:
            assert f"/staf/laporan/{report.code}/" not in content, query
    everything = text(client.get("/staf/laporan/?status=all"))
    assert all(f"/staf/laporan/{report.code}/" in everything for report in ours)
