"""Every staff URL of the module against every role: a lurah sees only their kelurahan, a camat only their
kecamatan, a KIM member only their KIM; another unit's objects answer 404, as elsewhere in the back office."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from balai.core.access import staff_scope
from balai.desa import rules
from balai.desa.models import KimPost
from balai.desa.services import KimInput, UploadedFile, kim_save, post_create, submission_save, values_clean

from .conftest import FULL, Cast

pytestmark = pytest.mark.django_db
LOGIN = "login"
ROLES = [
    "anonymous",
    "outsider",
    "operator_pupr",
    "lurah_a",
    "lurah_c",
    "camat_1",
    "office",
    "moderator",
    "member_a",
    "member_c",
]
PDF = b"%PDF-1.4\n%%EOF\n"

# url key -> the roles that get 200; every other signed-in staff member gets 404, a non-staff account 403.
ALLOWED: dict[str, set[str]] = {
    "home": {"lurah_a", "lurah_c", "camat_1", "office"},
    "form_a": {"lurah_a"},
    "submission_a": {"lurah_a", "camat_1", "office"},
    "attachment_a": {"lurah_a", "camat_1", "office"},
    "submission_c": {"lurah_c", "office"},
    "matrix": {"lurah_a", "lurah_c", "camat_1", "office"},
    "matrix_csv": {"lurah_a", "lurah_c", "camat_1", "office"},
    "readiness": {"lurah_a", "lurah_c", "camat_1", "office"},
    "figures": {"lurah_a", "lurah_c", "camat_1", "office"},
    "figures_xlsx": {"lurah_a", "lurah_c", "camat_1", "office"},
    "template": {"operator_pupr", "lurah_a", "lurah_c", "camat_1", "office", "moderator", "member_a", "member_c"},
    "mail": {"office"},
    "kim_home": {"moderator", "member_a", "member_c"},
    "kim_registry": {"moderator"},
    "kim_edit": {"moderator"},
    "sk_scan": {"moderator"},
    "kim_overview": {"moderator"},
    "kim_overview_csv": {"moderator"},
    "post_new_a": {"member_a"},
    "relay_a": {"member_a"},
    "post_a": {"member_a", "moderator"},
}


def _urls(cast: Cast) -> dict[str, str]:
    def send(user: Any, unit: Any, files: list[UploadedFile]) -> Any:
        values, _errors = values_clean(cast.report_type, FULL)
        return submission_save(
            actor=user, actors=rules.submission_actors(staff_scope(user), unit), unit=unit,
            report_type=cast.report_type, period_key="2026-03", values=values, files=files, send=True,
            now=dt.datetime(2026, 4, 2, tzinfo=dt.UTC),
        )  # fmt: skip

    sub_a = send(cast.lurah_a, cast.kel_a, [UploadedFile("scan.pdf", PDF, "lampiran")])
    sub_c = send(cast.lurah_c, cast.kel_c, [])
    kim_save(actor=None, data=KimInput(unit=cast.kel_a, name=cast.kim_a.name), kim=cast.kim_a, sk_scan=PDF)
    post = post_create(
        actor=cast.member_a,
        actors={rules.Actor.SENDER},
        kim=cast.kim_a,
        kind="berita",
        title="Kerja bakti",
        body="Teks.",
    )
    rt = cast.report_type.slug
    return {
        "home": reverse("desa:home"),
        "form_a": reverse("desa:form", args=[rt, cast.kel_a.slug, "2026-04"]),
        "submission_a": reverse("desa:submission", args=[sub_a.public_id]),
        "attachment_a": reverse("desa:attachment", args=[sub_a.public_id, sub_a.attachments.get().pk]),
        "submission_c": reverse("desa:submission", args=[sub_c.public_id]),
        "matrix": reverse("desa:matrix"),
        "matrix_csv": reverse("desa:matrix") + "?format=csv",
        "readiness": reverse("desa:readiness"),
        "figures": reverse("desa:figures") + "?periode=2026-03",
        "figures_xlsx": reverse("desa:figures") + "?periode=2026-03&format=xlsx",
        "template": reverse("desa:template", args=[rt]),
        "mail": reverse("desa:mail"),
        "kim_home": reverse("desa:kim_home"),
        "kim_registry": reverse("desa:kim_registry"),
        "kim_edit": reverse("desa:kim_edit", args=[cast.kim_a.slug]),
        "sk_scan": reverse("desa:sk_scan", args=[cast.kim_a.slug]),
        "kim_overview": reverse("desa:kim_overview"),
        "kim_overview_csv": reverse("desa:kim_overview") + "?format=csv",
        "post_new_a": reverse("desa:post_new", args=[cast.kim_a.slug]),
        "relay_a": reverse("desa:relay", args=[cast.kim_a.slug]),
        "post_a": reverse("desa:post", args=[post.public_id]),
    }


def _user(cast: Cast, role: str, request: Any) -> Any:
    if role == "operator_pupr":
        return request.getfixturevalue("operator_pupr")
    return {
        "outsider": cast.outsider, "lurah_a": cast.lurah_a, "lurah_c": cast.lurah_c, "camat_1": cast.camat_1,
        "office": cast.office, "moderator": cast.moderator, "member_a": cast.member_a, "member_c": cast.member_c,
    }[role]  # fmt: skip


def test_every_staff_url_answers_each_role_as_the_table_says(cast: Cast, request: Any) -> None:
    # One cast and one set of rows for the whole matrix (the cast is the costly part); every role is asked every
    # URL and all differences are shown at once.
    urls = _urls(cast)
    seen: dict[str, dict[str, Any]] = {}
    expected: dict[str, dict[str, Any]] = {}
    for role in ROLES:
        client = Client()
        if role != "anonymous":
            client.force_login(_user(cast, role, request))
        seen[role] = {}
        for key, url in urls.items():
            response = client.get(url)
            if response.status_code == 302 and "/staf/masuk/" in response.url:
                seen[role][key] = LOGIN
            else:
                seen[role][key] = response.status_code
        expected[role] = {
            key: LOGIN if role == "anonymous" else 403 if role == "outsider" else 200 if role in allowed else 404
            for key, allowed in ALLOWED.items()
        }
    assert seen == expected


def test_the_matrix_shows_a_camat_only_their_kecamatan_and_a_lurah_only_their_kelurahan(cast: Cast) -> None:
    def rows(user: Any) -> set[str]:
        client = Client()
        client.force_login(user)
        body = client.get(reverse("desa:matrix") + "?format=csv").content.decode("utf-8-sig")
        return {line.split(",")[0] for line in body.splitlines()[1:]}

    from balai.core.models import Unit

    kecamatan_1 = set(Unit.objects.filter(parent=cast.kec_1).values_list("name", flat=True))
    assert rows(cast.camat_1) == kecamatan_1
    assert rows(cast.lurah_a) == {cast.kel_a.name}
    assert len(rows(cast.office)) > len(kecamatan_1) + 10


def test_a_kim_member_cannot_act_on_another_kims_post(cast: Cast) -> None:
    post = post_create(
        actor=cast.member_c, actors={rules.Actor.SENDER}, kim=cast.kim_c, kind="berita", title="Berita C", body="Teks."
    )
    client = Client()
    client.force_login(cast.member_a)
    response = client.post(reverse("desa:post", args=[post.public_id]), {"action": "approve"})
    assert response.status_code == 404
    assert KimPost.objects.get(pk=post.pk).status == "diajukan"
