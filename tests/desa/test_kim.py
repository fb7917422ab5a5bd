"""KIM: posts through the photo pipeline, Diskominfo's moderation (reasons mailed), trusted KIM publishing at
once, relaying a citizen's problem to the reporting module, the registry's SK scan checked by content."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from balai.core.models import AuditEvent
from balai.desa import rules
from balai.desa.models import KimPost, KimRelay, PostStatus
from balai.desa.selectors import kim_is_active
from balai.desa.services import DesaError, KimInput, kim_relay, kim_save, post_create, post_moderate

from .conftest import Cast

pytestmark = pytest.mark.django_db
SENDER, OFFICE = {rules.Actor.SENDER}, {rules.Actor.OFFICE}


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (2400, 1200), (30, 120, 200))
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (1.0, 26.0, 0.0)}  # GPS info
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def test_a_post_waits_for_moderation_and_its_photo_is_cleaned(cast: Cast) -> None:
    post = post_create(
        actor=cast.member_a, actors=SENDER, kim=cast.kim_a, kind="berita", title="Kerja bakti", body="Teks.",
        photo=jpeg_with_gps(),
    )  # fmt: skip
    assert post.status == PostStatus.SUBMITTED and post.published_at is None
    with default_storage.open(post.photo.name, "rb") as stored:
        image = Image.open(stored)
        assert max(image.size) <= 1600 and not image.getexif().get(0x8825)
    cast.kim_a.refresh_from_db()
    assert kim_is_active(cast.kim_a, timezone.now())


def test_a_file_that_is_not_a_photo_is_refused_and_nothing_is_written(cast: Cast) -> None:
    with pytest.raises(DesaError):
        post_create(
            actor=cast.member_a, actors=SENDER, kim=cast.kim_a, kind="berita", title="T", body="B", photo=b"GIF89a"
        )
    assert not KimPost.objects.exists()


def test_the_moderator_returns_with_a_reason_the_member_corrects_and_it_is_approved(cast: Cast) -> None:
    post = post_create(actor=cast.member_a, actors=SENDER, kim=cast.kim_a, kind="berita", title="Judul", body="Teks.")
    with pytest.raises(DesaError):
        post_moderate(actor=cast.moderator, actors=OFFICE, post=post, action="return", reason="")
    returned = post_moderate(
        actor=cast.moderator, actors=OFFICE, post=post, action="return", reason="Tambahkan tanggal."
    )
    assert returned.status == PostStatus.RETURNED
    assert mail.outbox[-1].to == ["kim_a@example.org"] and "Tambahkan tanggal." in mail.outbox[-1].body
    again = post_create(
        actor=cast.member_a, actors=SENDER, kim=cast.kim_a, kind="agenda", title="Judul", body="Teks, 1 Mei.",
        post=returned, version=returned.version,
    )  # fmt: skip
    assert again.status == PostStatus.SUBMITTED
    approved = post_moderate(actor=cast.moderator, actors=OFFICE, post=again, action="approve")
    assert approved.status == PostStatus.PUBLISHED and approved.published_at is not None
    assert AuditEvent.objects.filter(action="desa.post.approve", object_id=str(post.public_id)).exists()
    # A member cannot moderate, and a refused post stays off the public page.
    with pytest.raises(DesaError):
        post_moderate(actor=cast.member_a, actors=SENDER, post=approved, action="refuse", reason="x")
    post_moderate(actor=cast.moderator, actors=OFFICE, post=approved, action="refuse", reason="Bukan informasi publik.")
    assert Client().get(reverse("desa:post_public", args=[post.public_id])).status_code == 404


def test_a_trusted_kim_publishes_at_once(cast: Cast) -> None:
    kim_save(actor=None, data=KimInput(unit=cast.kel_a, name=cast.kim_a.name, trusted=True), kim=cast.kim_a)
    cast.kim_a.refresh_from_db()
    post = post_create(
        actor=cast.member_a, actors=SENDER, kim=cast.kim_a, kind="pengumuman", title="Posyandu", body="Kamis."
    )
    assert post.status == PostStatus.PUBLISHED
    page = Client().get(reverse("desa:kim_detail", args=[cast.kim_a.slug])).content.decode()
    assert "Posyandu" in page


def test_a_kim_relays_a_citizens_problem_as_a_report(cast: Cast) -> None:
    from balai.lapor.selectors import categories_active

    category = categories_active().first()
    assert category is not None
    relay = kim_relay(
        actor=cast.member_a, actors=SENDER, kim=cast.kim_a, category_id=category.pk, title="Lampu jalan mati",
        description="Sudah seminggu di lingkungan 3.", citizen_name="Ibu Rina", citizen_phone="081234",
    )  # fmt: skip
    assert KimRelay.objects.get().lapor_code == relay.lapor_code
    assert relay.lapor_code.startswith("BTG-")
    # The citizen's name never reaches the public tracking page.
    page = Client().get(reverse("lapor:track_detail", args=[relay.lapor_code])).content.decode()
    assert "Ibu Rina" not in page and "081234" not in page
    with pytest.raises(DesaError):
        kim_relay(
            actor=cast.member_c, actors=set(), kim=cast.kim_a, category_id=category.pk, title="x", description="y"
        )


def test_the_sk_scan_must_be_a_pdf_by_its_content(cast: Cast) -> None:
    with pytest.raises(DesaError):
        kim_save(actor=None, data=KimInput(unit=cast.kel_a, name="X"), kim=cast.kim_a, sk_scan=b"\x89PNG\r\n\x1a\nxx")
    saved = kim_save(actor=None, data=KimInput(unit=cast.kel_a, name="X"), kim=cast.kim_a, sk_scan=b"%PDF-1.4\n%%EOF")
    assert saved.sk_scan.name.endswith(".pdf")


def test_a_kim_without_posts_or_relays_for_three_months_is_quiet(cast: Cast) -> None:
    now = timezone.now()
    cast.kim_a.last_activity_at = now - dt.timedelta(days=93)
    assert not kim_is_active(cast.kim_a, now)
    cast.kim_a.last_activity_at = now - dt.timedelta(days=80)
    assert kim_is_active(cast.kim_a, now)


def test_the_post_form_keeps_what_was_typed_when_the_photo_is_refused(cast: Cast) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = Client()
    client.force_login(cast.member_a)
    response = client.post(
        reverse("desa:post_new", args=[cast.kim_a.slug]),
        {"kind": "berita", "title": "Judul panjang yang diketik", "body": "Isi berita yang diketik.",
         "photo": SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg")},
    )  # fmt: skip
    assert response.status_code == 200
    page = response.content.decode()
    assert "Judul panjang yang diketik" in page and "Isi berita yang diketik." in page
    assert 'class="errorlist"' in page
    assert not KimPost.objects.exists()
