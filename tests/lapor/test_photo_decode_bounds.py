"""Decoding a photo is bounded: refused by the header's size (lower where the whole picture must be decoded), a
big JPEG decoded at a reduced scale, and only a few decodes at once per process."""

from __future__ import annotations

import io
import struct
import threading
from typing import Any

import pytest
from django.utils import translation
from PIL import Image, JpegImagePlugin

from balai.lapor.images import PhotoError, decode_slots, process_photo

from .test_photo_pipeline import _encode, _png_claiming

MB = 1024 * 1024


@pytest.fixture(autouse=True)
def _english() -> Any:
    with translation.override("en"):
        yield


def _process(data: bytes, *, max_side: int = 1600) -> Any:
    return process_photo(io.BytesIO(data), size=len(data), max_bytes=10 * MB, max_side=max_side)


def _jpeg_claiming(width: int, height: int, **params: Any) -> bytes:
    """A real small JPEG whose frame header (SOF) claims another size."""
    data = bytearray(_encode(Image.new("RGB", (16, 16), (90, 90, 90)), "JPEG", **params))
    marker = next(data.index(sof) for sof in (b"\xff\xc0", b"\xff\xc2") if sof in data)
    data[marker + 5 : marker + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def test_a_png_of_more_than_eight_megapixels_is_refused_with_the_limit_before_it_is_decoded():
    with pytest.raises(PhotoError) as caught:
        _process(_png_claiming(4_000, 3_000))

    assert str(caught.value) == (
        "The picture has too many pixels (12 megapixels); a PNG, WebP, GIF or progressive JPEG may have at most "
        "8 megapixels. Send the photo as your phone camera saved it (JPEG)."
    )


def test_a_progressive_jpeg_counts_as_decoded_whole():
    with pytest.raises(PhotoError, match="at most 8 megapixels"):
        _process(_jpeg_claiming(4_000, 3_000, progressive=True))


def test_a_jpeg_of_more_than_fifty_megapixels_is_refused_with_the_limit_a_phone_camera_makes():
    with pytest.raises(PhotoError) as caught:
        _process(_jpeg_claiming(9_000, 6_000))

    assert str(caught.value) == (
        "The picture has too many pixels (54 megapixels); a photo may have at most 50 megapixels, as a phone "
        "camera makes."
    )


def test_a_big_jpeg_is_decoded_at_a_reduced_scale(monkeypatch):
    decoded: list[tuple[int, int]] = []
    load = JpegImagePlugin.JpegImageFile.load

    def spy(self: Any) -> Any:
        decoded.append(self.size)
        return load(self)

    monkeypatch.setattr(JpegImagePlugin.JpegImageFile, "load", spy)
    photo = _encode(Image.new("RGB", (4_000, 3_000), (30, 140, 60)), "JPEG")

    result = _process(photo, max_side=500)

    assert decoded[0] == (500, 375)  # libjpeg's 1/8 scale: 64 times fewer pixels than the file holds
    assert (result.width, result.height) == (500, 375)


def test_a_decode_waits_for_a_free_slot_and_is_asked_to_send_again_if_none_comes(settings):
    settings.PHOTO_DECODE_CONCURRENCY = 1
    settings.PHOTO_DECODE_WAIT_SECONDS = 0
    photo = _encode(Image.new("RGB", (64, 48), (200, 80, 40)), "JPEG")
    slot = decode_slots.semaphore()
    assert slot.acquire(timeout=5)
    try:
        with pytest.raises(PhotoError) as caught:
            _process(photo)
    finally:
        slot.release()

    assert str(caught.value) == (
        "The server is busy with many photos right now; please send the form again in a minute."
    )
    assert _process(photo).width == 64  # the slot is free again


def test_no_more_decodes_run_at_once_than_the_process_allows(settings, monkeypatch):
    settings.PHOTO_DECODE_CONCURRENCY = 2
    settings.PHOTO_DECODE_WAIT_SECONDS = 30
    running, most = [0], [0]
    lock = threading.Lock()
    load = JpegImagePlugin.JpegImageFile.load

    def counting(self: Any) -> Any:
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        try:
            threading.Event().wait(0.05)
            return load(self)
        finally:
            with lock:
                running[0] -= 1

    monkeypatch.setattr(JpegImagePlugin.JpegImageFile, "load", counting)
    photo = _encode(Image.new("RGB", (64, 48), (200, 80, 40)), "JPEG")
    threads = [threading.Thread(target=_process, args=(photo,)) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert most[0] == 2
