"""The photo pipeline: check by content, re-encode as JPEG, resize, drop every bit of metadata (GPS included)."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import IO

from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "MPO"}
# A phone photo has at most about 50 megapixels; more is a decompression bomb, not a photo.
MAX_PIXELS = 60_000_000
JPEG_QUALITY = 82


class PhotoError(ValueError):
    """A photo that cannot be accepted; the message is for the person who sent it."""


@dataclass(frozen=True)
class ProcessedPhoto:
    content: bytes
    width: int
    height: int


def _human_mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",")


def process_photo(stream: IO[bytes], *, size: int, max_bytes: int, max_side: int) -> ProcessedPhoto:
    """Return the photo as a clean JPEG no larger than max_side, or raise PhotoError saying why not."""
    if size > max_bytes:
        raise PhotoError(
            _("The file is too large (%(size)s MB); a photo may be at most %(max)s MB.")
            % {"size": _human_mb(size), "max": _human_mb(max_bytes)}
        )
    if size == 0:
        raise PhotoError(_("The file is empty."))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image: Image.Image = Image.open(stream)
            if image.format not in ACCEPTED_FORMATS:
                raise PhotoError(_("This is not a photo in a format we accept (JPEG, PNG or WebP)."))
            if image.width * image.height > MAX_PIXELS:
                raise PhotoError(_("The picture has too many pixels to be a photo."))
            image.load()
    except PhotoError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise PhotoError(_("The picture has too many pixels to be a photo.")) from exc
    except UnidentifiedImageError as exc:
        raise PhotoError(_("This file is not a photo (we accept JPEG, PNG or WebP).")) from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise PhotoError(_("The photo is damaged or incomplete; please take or choose it again.")) from exc

    image = ImageOps.exif_transpose(image) or image
    if image.mode in ("RGBA", "LA", "P"):
        image = image.convert("RGBA")
        background = Image.new("RGB", image.size, (255, 255, 255))
        background.paste(image, mask=image.getchannel("A"))
        image = background
    elif image.mode != "RGB":
        image = image.convert("RGB")
    image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    # Pillow writes a JPEG comment (COM) found in info unless told otherwise; it can name a person or a place.
    image.info = {}
    out = io.BytesIO()
    # No exif= and no icc_profile=: nothing of the original's metadata is written.
    image.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return ProcessedPhoto(content=out.getvalue(), width=image.width, height=image.height)
