"""Officials (pejabat) on a site's profile: added, changed, ordered and removed by the unit's editors through the
services (audited, versioned); their photos go through the report photos' pipeline and are shown small and lazily."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from balai.core.models import AuditEvent
from balai.situs import services
from balai.situs.models import Official
from tests.factories import jpeg_bytes

from .conftest import client_for
from .test_uploads import _gps_exif

pytestmark = pytest.mark.django_db

URL = "/staf/situs/dinkes/pejabat/"


def test_an_editor_adds_officials_with_photos_the_public_profile_shows_them_in_order(
    sites: Any, editor_dinkes: Any
) -> None:
    client = client_for(editor_dinkes)
    photo = SimpleUploadedFile("IMG_0001.jpg", jpeg_bytes(1200, 1500, exif=_gps_exif()), "image/jpeg")
    response = client.post(URL, {"name": "dr. Maria Lumi", "position": "Kepala Dinas", "order": 2, "photo": photo})
    assert response.status_code == 302
    client.post(URL, {"name": "Ir. Johan Kaunang", "position": "Sekretaris", "order": 1})
    maria = Official.objects.get(name="dr. Maria Lumi")
    # The photo: re-encoded, no GPS or camera left, a 160 px copy whose size the page states.
    for name in (maria.photo.name, maria.photo_small.name):
        with default_storage.open(name) as f:
            image = Image.open(io.BytesIO(f.read()))
        assert not image.getexif().get_ifd(0x8825) and 0x010F not in image.getexif()
    assert (maria.photo_width, maria.photo_height) == (128, 160)
    assert AuditEvent.objects.filter(action="situs.official.add").count() == 2

    page = client_for().get("/opd/dinkes/profil/").content.decode()
    assert page.index("Ir. Johan Kaunang") < page.index("dr. Maria Lumi") and "Kepala Dinas" in page
    img = f'src="/opd/dinkes/profil/pejabat-{maria.pk}.jpg"'
    assert img in page and 'width="128" height="160" loading="lazy"' in page
    served = client_for().get(f"/opd/dinkes/profil/pejabat-{maria.pk}.jpg")
    assert served["Content-Type"] == "image/jpeg" and max(Image.open(io.BytesIO(b"".join(served))).size) == 160


def test_a_file_that_is_not_an_image_is_refused_with_what_was_typed_kept(sites: Any, editor_dinkes: Any) -> None:
    fake = SimpleUploadedFile("foto.jpg", b"<html>bukan foto</html>", "image/jpeg")
    response = client_for(editor_dinkes).post(
        URL, {"name": "dr. Maria Lumi", "position": "Kepala Dinas", "order": 1, "photo": fake}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "This file is not a photo (we accept JPEG, PNG or WebP)." in html
    assert 'value="dr. Maria Lumi"' in html and 'value="Kepala Dinas"' in html
    assert not Official.objects.exists() and not AuditEvent.objects.filter(action__startswith="situs.official")


def test_changing_and_removing_an_official_checks_the_version_and_is_audited(sites: Any, editor_dinkes: Any) -> None:
    client = client_for(editor_dinkes)
    client.post(URL, {"name": "Ir. Johan Kaunang", "position": "Sekretaris", "order": 1})
    item = Official.objects.get()
    client.post(f"{URL}{item.pk}/", {"version": item.version, "name": "Ir. Johan Kaunang, MT", "order": 3})
    item.refresh_from_db()
    assert (item.name, item.order, item.version) == ("Ir. Johan Kaunang, MT", 3, 2)
    stale = client.post(f"{URL}{item.pk}/", {"version": 1, "name": "Nama lama", "order": 1})
    assert "Someone else changed this" in stale.content.decode() and 'value="Nama lama"' in stale.content.decode()
    client.post(f"{URL}{item.pk}/hapus/", {"version": item.version})
    assert not Official.objects.exists()
    assert list(
        AuditEvent.objects.filter(action__startswith="situs.official").order_by("id").values_list("action", flat=True)
    ) == ["situs.official.add", "situs.official.change", "situs.official.remove"]
    assert "Ir. Johan" not in client_for().get("/opd/dinkes/profil/").content.decode()


def test_another_units_editor_gets_404(sites: Any, editor_dinkes: Any, editor_pupr: Any) -> None:
    item = services.official_save(
        actor=None, scope=None, site=sites["dinkes"], official=None, version=None, data={"name": "dr. Maria Lumi"}
    )
    other = client_for(editor_pupr)
    assert other.get(URL).status_code == 404
    assert other.get(f"{URL}{item.pk}/").status_code == 404
    assert other.post(f"{URL}{item.pk}/hapus/", {"version": 1}).status_code == 404
    assert other.get(f"{URL}{item.pk}/foto.jpg").status_code == 404
    # Nor through their own site's address.
    assert other.get(f"/staf/situs/dinas-pupr/pejabat/{item.pk}/").status_code == 404
    assert Official.objects.filter(pk=item.pk).exists()
