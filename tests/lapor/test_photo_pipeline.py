"""The photo pipeline: whatever a citizen uploads comes out as a clean, small JPEG, or is refused with a reason."""

from __future__ import annotations

import io
import os
import struct
import zlib

import pytest
from django.utils import translation
from PIL import Image

from balai.lapor.images import PhotoError, ProcessedPhoto, process_photo
from tests.factories import jpeg_bytes

MB = 1024 * 1024
GPS_IFD = 0x8825
ORIENTATION = 0x0112


@pytest.fixture(autouse=True)
def _english() -> object:
    # The key words below are the English msgids; the Indonesian catalogue is checked elsewhere.
    with translation.override("en"):
        yield


def _process(data: bytes, *, max_bytes: int = 10 * MB, max_side: int = 1600) -> ProcessedPhoto:
    return process_photo(io.BytesIO(data), size=len(data), max_bytes=max_bytes, max_side=max_side)


def _encode(image: Image.Image, fmt: str, **params: object) -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt, **params)
    return out.getvalue()


def _open(photo: ProcessedPhoto) -> Image.Image:
    image = Image.open(io.BytesIO(photo.content))
    image.load()
    return image


def _png_claiming(width: int, height: int) -> bytes:
    """A real 1x1 PNG whose IHDR chunk claims another size (with a correct CRC, so it parses)."""
    png = _encode(Image.new("RGB", (1, 1), (10, 20, 30)), "PNG")
    # Signature (8), IHDR length (4), b"IHDR" (4), then 13 bytes of data (width and height first) and a CRC.
    data = struct.pack(">II", width, height) + png[24:29]
    crc = struct.pack(">I", zlib.crc32(b"IHDR" + data))
    return png[:16] + data + crc + png[33:]


def _gps_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "Samsung"  # Make
    exif[0x0110] = "Galaxy A14"  # Model
    gps = exif.get_ifd(GPS_IFD)
    gps[1] = "N"
    gps[2] = (1.0, 26.0, 24.36)
    gps[3] = "E"
    gps[4] = (125.0, 10.0, 55.9)
    return exif


def _two_colour_jpeg(orientation: int) -> bytes:
    """200x100: the left half red, the right half blue, with an EXIF orientation tag."""
    image = Image.new("RGB", (200, 100), (255, 0, 0))
    image.paste((0, 0, 255), (100, 0, 200, 100))
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    return _encode(image, "JPEG", exif=exif, quality=95)


def _close(pixel: tuple[int, ...], colour: tuple[int, int, int], tolerance: int = 40) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, colour, strict=True))


def test_a_photo_with_gps_comes_out_with_no_exif_and_no_location():
    original = jpeg_bytes(exif=_gps_exif())
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_IFD), "the fixture really carries GPS"

    photo = _process(original)

    cleaned = _open(photo)
    assert len(cleaned.getexif()) == 0
    assert not cleaned.getexif().get_ifd(GPS_IFD)
    assert "exif" not in cleaned.info
    assert b"Exif\x00\x00" not in photo.content
    assert b"\xff\xe1" not in photo.content  # no APP1 segment (EXIF or XMP) at all
    assert b"Samsung" not in photo.content


def test_a_jpeg_comment_naming_a_person_and_a_place_is_not_kept():
    original = _encode(
        Image.new("RGB", (300, 200), (90, 140, 60)), "JPEG", comment=b"Rumah Pak Budi, 1.4401N 125.1822E"
    )

    photo = _process(original)

    assert "comment" not in _open(photo).info
    assert b"Budi" not in photo.content


def test_an_embedded_colour_profile_is_not_kept():
    profile = b"\x00" * 128 + b"acsp-balai-test-profile"
    original = _encode(Image.new("RGB", (300, 200), (90, 140, 60)), "JPEG", icc_profile=profile)
    assert Image.open(io.BytesIO(original)).info.get("icc_profile") == profile

    photo = _process(original)

    assert "icc_profile" not in _open(photo).info
    assert b"balai-test-profile" not in photo.content


@pytest.mark.parametrize(
    ("fmt", "mode"),
    [("JPEG", "RGB"), ("PNG", "RGB"), ("PNG", "L"), ("WEBP", "RGB"), ("GIF", "P"), ("JPEG", "CMYK"), ("PNG", "I;16")],
)
def test_every_accepted_format_comes_out_as_an_rgb_jpeg(fmt, mode):
    original = _encode(Image.new("RGB", (320, 240), (30, 120, 200)).convert(mode), fmt)

    photo = _process(original)

    cleaned = _open(photo)
    assert cleaned.format == "JPEG"
    assert cleaned.mode == "RGB"
    assert (photo.width, photo.height) == cleaned.size == (320, 240)
    assert photo.content.startswith(b"\xff\xd8")


@pytest.mark.parametrize(
    ("size", "expected"),
    [((4000, 3000), (1600, 1200)), ((1000, 5000), (320, 1600)), ((1600, 900), (1600, 900))],
)
def test_a_large_photo_is_resized_so_its_longest_side_is_max_side(size, expected):
    photo = _process(jpeg_bytes(*size))

    assert (photo.width, photo.height) == _open(photo).size == expected


def test_a_small_photo_is_not_enlarged():
    photo = _process(jpeg_bytes(640, 480), max_side=1600)

    assert _open(photo).size == (640, 480)


def test_the_exif_orientation_is_applied_to_the_pixels():
    # Orientation 6: the camera was turned; viewers rotate 90° clockwise, so the left (red) half goes on top.
    photo = _process(_two_colour_jpeg(orientation=6))

    cleaned = _open(photo).convert("RGB")
    assert cleaned.size == (100, 200) == (photo.width, photo.height)
    assert _close(cleaned.getpixel((50, 20)), (255, 0, 0))
    assert _close(cleaned.getpixel((50, 180)), (0, 0, 255))


def test_a_photo_without_orientation_is_not_turned():
    photo = _process(_two_colour_jpeg(orientation=1))

    cleaned = _open(photo).convert("RGB")
    assert cleaned.size == (200, 100)
    assert _close(cleaned.getpixel((20, 50)), (255, 0, 0))
    assert _close(cleaned.getpixel((180, 50)), (0, 0, 255))


def test_a_transparent_png_becomes_an_rgb_jpeg_on_white():
    image = Image.new("RGBA", (200, 100), (0, 0, 0, 0))
    image.paste((0, 160, 0, 255), (100, 0, 200, 100))

    photo = _process(_encode(image, "PNG"))

    cleaned = _open(photo)
    assert (cleaned.format, cleaned.mode) == ("JPEG", "RGB")
    assert _close(cleaned.getpixel((20, 50)), (255, 255, 255), tolerance=8)
    assert _close(cleaned.getpixel((180, 50)), (0, 160, 0))


def test_a_text_file_named_like_a_photo_is_refused():
    with pytest.raises(PhotoError, match="not a photo"):
        _process(b"hello")


def test_a_picture_in_a_format_we_do_not_accept_is_refused_with_the_formats_we_do():
    bmp = _encode(Image.new("RGB", (50, 50)), "BMP")

    with pytest.raises(PhotoError) as caught:
        _process(bmp)

    assert "JPEG" in str(caught.value)
    assert "PNG" in str(caught.value)


@pytest.mark.parametrize(
    ("width", "height"),
    [
        (100_000, 100_000),  # far past Pillow's own decompression-bomb limit
        (10_000, 7_000),  # 70 megapixels: under Pillow's limit, over ours
    ],
)
def test_a_file_claiming_a_huge_picture_is_refused_before_it_is_decoded(width, height):
    bomb = _png_claiming(width, height)

    with pytest.raises(PhotoError, match="too many pixels"):
        _process(bomb)


def test_a_patched_header_is_still_a_valid_png():
    patched = Image.open(io.BytesIO(_png_claiming(4_000, 3_000)))

    assert (patched.format, patched.size) == ("PNG", (4_000, 3_000))


def test_a_real_but_highly_compressible_huge_picture_is_refused():
    bomb = _encode(Image.new("1", (8_000, 8_000)), "PNG")  # 64 megapixels in a few kilobytes
    assert len(bomb) < 100_000

    with pytest.raises(PhotoError, match="too many pixels"):
        _process(bomb)


def test_a_file_larger_than_the_limit_is_refused_with_its_size():
    data = jpeg_bytes() + b"\x00" * (12 * MB + MB // 2)

    with pytest.raises(PhotoError) as caught:
        _process(data[: int(12.5 * MB)], max_bytes=10 * MB)

    message = str(caught.value)
    assert "too large" in message
    assert "12,5" in message
    assert "10,0" in message


def test_a_file_exactly_at_the_limit_is_accepted():
    data = jpeg_bytes()

    photo = _process(data, max_bytes=len(data))

    assert _open(photo).format == "JPEG"


def test_a_truncated_jpeg_is_refused_as_damaged():
    noise = Image.frombytes("RGB", (400, 300), os.urandom(400 * 300 * 3))
    whole = _encode(noise, "JPEG", quality=90)

    with pytest.raises(PhotoError, match="damaged or incomplete"):
        _process(whole[: len(whole) // 2])


def test_an_empty_file_is_refused():
    with pytest.raises(PhotoError, match="empty"):
        _process(b"")
