"""The photo pipeline: check by content, re-encode as JPEG, resize, drop every bit of metadata (GPS included).

Decoding is the expensive part (a 250 KB PNG can unpack to 240 MB), so its work is bounded: the header's size
is checked before any pixel is decoded, with a lower limit for formats that must be decoded at full size; a
JPEG is decoded at a reduced scale (libjpeg's draft mode) when it is larger than needed; the image is shrunk
before any conversion copies it; and only PHOTO_DECODE_CONCURRENCY photos are decoded at once per process
(others wait up to PHOTO_DECODE_WAIT_SECONDS, then are asked to send again). docs/security.md has the figures.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import io
import threading
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "MPO"}
# A phone camera's largest common mode is 48 or 50 megapixels (8160 × 6120); a baseline JPEG that size is
# decoded at a quarter of its size, in a few MB.
MAX_PIXELS = 50_000_000
# PNG, WebP, GIF and progressive JPEG are decoded whole (a progressive JPEG keeps every coefficient of the
# picture in memory; Pillow's WebP decoder uses about 15 bytes a pixel): 8 megapixels is more than any phone
# screenshot, and a phone camera saves its photos as baseline JPEG.
MAX_PIXELS_FULL_DECODE = 8_000_000
DRAFT_FORMATS = {"JPEG", "MPO"}
JPEG_QUALITY = 82
ORIENTATION = 0x0112
# EXIF orientation → the transposition that puts the pixels upright (as PIL.ImageOps.exif_transpose).
TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


class PhotoError(ValueError):
    """A photo that cannot be accepted; the message is for the person who sent it."""


@dataclass(frozen=True)
class ProcessedPhoto:
    content: bytes
    width: int
    height: int


class _DecodeSlots:
    """At most `settings.PHOTO_DECODE_CONCURRENCY` decodes at once in this process (re-made if it changes)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._size = 0
        self._semaphore = threading.BoundedSemaphore(1)

    def semaphore(self) -> threading.BoundedSemaphore:
        size = max(1, int(settings.PHOTO_DECODE_CONCURRENCY))
        with self._lock:
            if size != self._size:
                self._size, self._semaphore = size, threading.BoundedSemaphore(size)
            return self._semaphore


decode_slots = _DecodeSlots()


def _libc_malloc_trim() -> Callable[[int], int] | None:
    try:
        trim: Callable[[int], int] | None = getattr(ctypes.CDLL(ctypes.util.find_library("c")), "malloc_trim", None)
    except OSError:  # pragma: no cover - no C library to load
        return None
    return trim  # glibc only


_malloc_trim = _libc_malloc_trim()


def _give_memory_back() -> None:
    """Return the decode's freed memory to the system. glibc keeps freed memory in per-thread arenas: a server
    whose 8 threads had each decoded a photo held several hundred MB it no longer used."""
    if _malloc_trim is not None:
        _malloc_trim(0)


def _human_mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",")


def _megapixels(pixels: int) -> str:
    return f"{pixels / 1_000_000:.0f}"


def process_photo(stream: IO[bytes], *, size: int, max_bytes: int, max_side: int) -> ProcessedPhoto:
    """Return the photo as a clean JPEG no larger than max_side, or raise PhotoError saying why not."""
    if size > max_bytes:
        raise PhotoError(
            _("The file is too large (%(size)s MB); a photo may be at most %(max)s MB.")
            % {"size": _human_mb(size), "max": _human_mb(max_bytes)}
        )
    if size == 0:
        raise PhotoError(_("The file is empty."))
    semaphore = decode_slots.semaphore()
    if not semaphore.acquire(timeout=settings.PHOTO_DECODE_WAIT_SECONDS):
        raise PhotoError(_("The server is busy with many photos right now; please send the form again in a minute."))
    try:
        return _process(stream, max_side=max_side)
    finally:
        _give_memory_back()
        semaphore.release()


def _process(stream: IO[bytes], *, max_side: int) -> ProcessedPhoto:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image: Image.Image = Image.open(stream)  # reads the header only
            if image.format not in ACCEPTED_FORMATS:
                raise PhotoError(_("This is not a photo in a format we accept (JPEG, PNG or WebP)."))
            _check_pixels(image)
            if image.format in DRAFT_FORMATS:
                # libjpeg decodes at 1/2, 1/4 or 1/8 scale, still at least max_side: far less memory and time.
                scale = min(1.0, max_side / max(image.size))
                image.draft(None, (max(1, int(image.width * scale)), max(1, int(image.height * scale))))
            orientation = image.getexif().get(ORIENTATION)
            image.load()
    except PhotoError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise PhotoError(_("The picture has too many pixels to be a photo.")) from exc
    except UnidentifiedImageError as exc:
        raise PhotoError(_("This file is not a photo (we accept JPEG, PNG or WebP).")) from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise PhotoError(_("The photo is damaged or incomplete; please take or choose it again.")) from exc

    # Shrink first, so that no conversion below copies the full-size picture.
    if image.mode == "P":
        image = image.convert("RGBA")
    elif image.mode not in ("RGB", "RGBA", "L", "LA"):
        image = image.convert("RGB")
    factor = max(image.size) // max_side
    if factor >= 2:
        # A box average down to at least max_side; without it, resizing an RGBA picture would first copy it
        # whole to premultiply its alpha. LANCZOS then gives the final size its sharpness.
        image = image.reduce(factor)
    image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    if image.mode in ("RGBA", "LA"):
        rgba = image.convert("RGBA")
        image = Image.new("RGB", rgba.size, (255, 255, 255))
        image.paste(rgba, mask=rgba.getchannel("A"))
    elif image.mode != "RGB":
        image = image.convert("RGB")
    if orientation in TRANSPOSE:
        image = image.transpose(TRANSPOSE[orientation])
    # Pillow writes a JPEG comment (COM) found in info unless told otherwise; it can name a person or a place.
    image.info = {}
    out = io.BytesIO()
    # No exif= and no icc_profile=: nothing of the original's metadata is written.
    image.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return ProcessedPhoto(content=out.getvalue(), width=image.width, height=image.height)


def _check_pixels(image: Image.Image) -> None:
    """Refuse by the header's size, before decoding: a lower limit where the whole picture must be decoded."""
    pixels = image.width * image.height
    full_decode = image.format not in DRAFT_FORMATS or bool(image.info.get("progressive"))
    limit = MAX_PIXELS_FULL_DECODE if full_decode else MAX_PIXELS
    if pixels <= limit:
        return
    if full_decode:
        raise PhotoError(
            _(
                "The picture has too many pixels (%(megapixels)s megapixels); a PNG, WebP, GIF or progressive "
                "JPEG may have at most %(max)s megapixels. Send the photo as your phone camera saved it (JPEG)."
            )
            % {"megapixels": _megapixels(pixels), "max": _megapixels(MAX_PIXELS_FULL_DECODE)}
        )
    raise PhotoError(
        _(
            "The picture has too many pixels (%(megapixels)s megapixels); a photo may have at most %(max)s "
            "megapixels, as a phone camera makes."
        )
        % {"megapixels": _megapixels(pixels), "max": _megapixels(MAX_PIXELS)}
    )
