"""Factories that build reports through the same service the web form uses."""

from __future__ import annotations

import io
from typing import Any

import factory
from faker import Faker
from PIL import Image

from balai.core.models import Wilayah, WilayahLevel
from balai.lapor.images import ProcessedPhoto, process_photo
from balai.lapor.models import Category, Report
from balai.lapor.services import ReportInput, report_submit

fake = Faker("id_ID")


def kelurahan(name: str = "Girian Bawah") -> Wilayah:
    return Wilayah.objects.get(level=WilayahLevel.DESA_KELURAHAN, code__startswith="71.72.", name=name)


def jpeg_bytes(
    width: int = 800, height: int = 600, color: tuple[int, int, int] = (200, 80, 40), exif: Any = None
) -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", (width, height), color)
    if exif is not None:
        image.save(out, format="JPEG", exif=exif)
    else:
        image.save(out, format="JPEG")
    return out.getvalue()


def processed_photo(**kwargs: Any) -> ProcessedPhoto:
    data = jpeg_bytes(**kwargs)
    return process_photo(io.BytesIO(data), size=len(data), max_bytes=10 * 1024 * 1024, max_side=1600)


class ReportInputFactory(factory.Factory):
    class Meta:
        model = ReportInput

    category = factory.LazyFunction(lambda: Category.objects.get(slug="jalan-rusak"))
    title = factory.LazyFunction(lambda: f"Jalan berlubang di {fake.street_name()}")
    description = factory.LazyFunction(lambda: fake.paragraph(nb_sentences=3) + " Mohon segera diperbaiki.")
    kelurahan = factory.LazyFunction(kelurahan)
    reporter_name = factory.LazyFunction(fake.name)
    reporter_email = factory.LazyFunction(lambda: fake.free_email())
    reporter_phone = "+6281234567890"
    consent = True


def make_report(*, photos: int = 0, **overrides: Any) -> Report:
    """A report submitted through `report_submit`, as a citizen would on the web."""
    data = ReportInputFactory.build(**overrides)
    return report_submit(data=data, photos=[processed_photo() for _ in range(photos)])
