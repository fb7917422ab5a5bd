"""`balai pemda setup` on a fresh install leaves a city that can take a report: default categories mapped to the
standard OPD, the province's time zone, and a first superuser who holds the coordinator's role."""

from __future__ import annotations

import io
import uuid
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client

from balai.core.models import AuditEvent, Membership, Pemda, Role, Unit
from balai.core.registry import registry
from balai.lapor.models import Category, Report
from tests.factories import kelurahan

pytestmark = pytest.mark.django_db

BITUNG_BOUNDS = "--bounds=1.36,1.62,124.98,125.36"
BOUNDARIES = Path(__file__).resolve().parent.parent / "fixtures" / "bitung-kelurahan.geojson"


def setup(*args: str) -> str:
    out = io.StringIO()
    call_command("pemda", "setup", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def bitung_imported() -> None:
    call_command("wilayah", "import", "--only", "71.72", stdout=io.StringIO())


@pytest.fixture
def superuser_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DJANGO_SUPERUSER_USERNAME", "admin")
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "admin@bitungkota.go.id")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "kata-sandi-yang-panjang-sekali")


def create_superuser() -> None:
    call_command("createsuperuser", "--noinput", stdout=io.StringIO())


def roles_of(username: str) -> set[tuple[str, str, str]]:
    return set(
        Membership.objects.filter(user__username=username, is_active=True).values_list("module", "role", "unit__slug")
    )


# The system administrator's role and every module's Pemda-wide role (lapor's coordinator, the PPID utama, …)
# except those that check the others' work (the atasan PPID, who answers objections against the PPID utama).
FIRST_ROLES = {("", Role.ADMIN_SISTEM, "diskominfo")} | {
    (module.label, role.code, "diskominfo")
    for module, role in registry.roles()
    if role.pemda_wide and role.given_to_installer
}


def test_setup_creates_categories_each_sent_to_a_standard_opd(bitung_imported):
    output = setup("71.72", "--prefix", "BTG", BITUNG_BOUNDS)

    categories = {c.slug: c for c in Category.objects.select_related("default_unit")}
    assert categories["jalan-rusak"].name == "Jalan dan jembatan"
    assert categories["jalan-rusak"].default_unit.slug == "dinas-pupr"
    assert categories["sampah"].default_unit.slug == "dlh"
    assert categories["layanan-kesehatan"].default_unit.slug == "dinkes"
    assert categories["pendidikan"].default_unit.slug == "disdik"
    assert categories["ketertiban"].default_unit.slug == "satpol-pp"
    assert categories["adminduk"].default_unit.slug == "disdukcapil"
    assert categories["lainnya"].default_unit.slug == "diskominfo"
    assert all(c.is_active and c.default_unit.kind == "opd" for c in categories.values())
    assert f"Report categories: {len(categories)} added" in output
    assert AuditEvent.objects.filter(action="category.create").count() == len(categories)


def test_setup_twice_adds_no_category_and_keeps_the_pemdas_edits(bitung_imported):
    setup("71.72", "--prefix", "BTG", BITUNG_BOUNDS)
    count = Category.objects.count()
    Category.objects.filter(slug="lampu-jalan").update(name="Penerangan jalan umum", is_active=False)

    output = setup("71.72", "--prefix", "BTG", BITUNG_BOUNDS)

    assert Category.objects.count() == count
    renamed = Category.objects.get(slug="lampu-jalan")
    assert (renamed.name, renamed.is_active) == ("Penerangan jalan umum", False)
    assert f"none added ({count} exist)" in output


def test_no_categories_skips_them(bitung_imported):
    setup("71.72", "--prefix", "BTG", BITUNG_BOUNDS, "--no-categories")

    assert Pemda.objects.exists() and Unit.objects.filter(slug="dinas-pupr").exists()
    assert not Category.objects.exists()


@pytest.mark.parametrize(
    ("code", "prefix", "bounds", "zone", "zone_name"),
    [
        ("71.72", "BTG", BITUNG_BOUNDS, "Asia/Makassar", "WITA"),  # Sulawesi Utara
        ("32.73", "BDG", "--bounds=-7.0,-6.8,107.5,107.8", "Asia/Jakarta", "WIB"),  # Jawa Barat
        ("91.71", "JPR", "--bounds=-2.7,-2.4,140.5,140.8", "Asia/Jayapura", "WIT"),  # Papua
    ],
)
def test_the_time_zone_is_the_provinces(code, prefix, bounds, zone, zone_name):
    call_command("wilayah", "import", "--only", code, stdout=io.StringIO())

    output = setup(code, "--prefix", prefix, bounds)

    assert Pemda.objects.get().time_zone == zone
    assert f"Time zone: {zone} ({zone_name}), the zone of the province" in output


def test_a_time_zone_given_overrides_the_provinces(bitung_imported):
    output = setup("71.72", "--prefix", "BTG", BITUNG_BOUNDS, "--time-zone", "Asia/Jakarta")

    assert Pemda.objects.get().time_zone == "Asia/Jakarta"
    assert "Time zone: Asia/Jakarta (WIB), as given by --time-zone." in output


def test_without_bounds_and_outlines_the_error_says_to_pass_them(bitung_imported):
    with pytest.raises(CommandError, match=r"--bounds is needed: no kelurahan outlines of 71\.72 are imported"):
        setup("71.72", "--prefix", "BTG")
    assert not Pemda.objects.exists()


def test_without_bounds_the_imported_outlines_give_them(bitung_imported):
    call_command("wilayah", "boundaries", str(BOUNDARIES), stdout=io.StringIO())

    output = setup("71.72", "--prefix", "BTG")

    pemda = Pemda.objects.get()
    assert "around the imported kelurahan outlines" in output
    # Girian Bawah (the fixture's outlines) lies inside; the box is not the whole world.
    assert pemda.min_latitude < pemda.max_latitude and pemda.min_longitude < pemda.max_longitude
    assert 1.3 < float(pemda.min_latitude) < float(pemda.max_latitude) < 1.7
    assert 124.9 < float(pemda.min_longitude) < float(pemda.max_longitude) < 125.4


def test_a_superuser_made_before_setup_gets_the_roles_at_setup(bitung_imported, superuser_env):
    create_superuser()
    assert roles_of("admin") == set()

    output = setup("71.72", "--prefix", "BTG", BITUNG_BOUNDS)

    assert roles_of("admin") == FIRST_ROLES
    assert "admin (superuser) now holds:" in output
    grants = AuditEvent.objects.filter(action="membership.grant")
    assert ("lapor", Role.KOORDINATOR, "diskominfo") in FIRST_ROLES
    assert grants.count() == len(FIRST_ROLES) and all(event.actor_id is None for event in grants)


def test_a_superuser_made_after_setup_gets_the_roles_at_once(bitung_imported, superuser_env):
    setup("71.72", "--prefix", "BTG", BITUNG_BOUNDS)

    create_superuser()

    assert roles_of("admin") == FIRST_ROLES
    # Separation of duties: the installer is PPID utama, never also the atasan who judges the PPID's decisions.
    assert ("ppid", "utama", "diskominfo") in FIRST_ROLES
    assert not Membership.objects.filter(user__username="admin", module="ppid", role="atasan").exists()


def test_a_superuser_whose_roles_were_ended_gets_none_back(bitung_imported, superuser_env):
    setup("71.72", "--prefix", "BTG", BITUNG_BOUNDS)
    create_superuser()
    Membership.objects.filter(user__username="admin").update(is_active=False)

    setup("71.72", "--prefix", "BTG", BITUNG_BOUNDS)
    admin = get_user_model().objects.get(username="admin")
    admin.first_name = "Admin"
    admin.save()

    assert roles_of("admin") == set()


@pytest.mark.parametrize("superuser_first", [True, False])
def test_a_fresh_install_takes_a_report_that_the_superuser_sees_in_the_inbox(
    bitung_imported, superuser_env, superuser_first
):
    if superuser_first:
        create_superuser()
    setup("71.72", "--prefix", "BTG", BITUNG_BOUNDS)
    if not superuser_first:
        create_superuser()
    citizen = Client()
    citizen.get("/lapor/")

    sent = citizen.post(
        "/lapor/",
        {
            "kind": "pengaduan",
            "category": str(Category.objects.get(slug="sampah").pk),
            "title": "Sampah menumpuk di pasar",
            "description": "Sampah di depan pasar belum diangkut seminggu, baunya sampai ke rumah warga.",
            "kelurahan": kelurahan().code,
            "address": "Jl. Sam Ratulangi, depan pasar",
            "reporter_name": "Yohanes Sumampouw",
            "reporter_email": "yohanes@example.id",
            "consent": "on",
            "form_token": str(uuid.uuid4()),
        },
    )

    assert sent.status_code == 302, sent.content.decode()[:3000]
    report = Report.objects.get()
    assert report.code.startswith("BTG")
    staff = Client()
    staff.cookies["django_language"] = "en"
    staff.force_login(get_user_model().objects.get(username="admin"))
    home = staff.get("/staf/").content.decode()
    assert "You have no role" not in home
    inbox = staff.get("/staf/laporan/")
    assert inbox.status_code == 200
    assert report.code in inbox.content.decode()
