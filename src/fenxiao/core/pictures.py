"""Redraw an uploaded picture as a plain JPEG, safely. Shared by avatars and shoppers' evidence
pictures (complaints, after-sales): what the mall serves is only pixels it drew itself (no EXIF, so
no GPS position or camera serial; nothing a browser could sniff as HTML), whatever the phone sent.

Only the decoders of ``FORMATS`` are tried, and the canvas a file claims is checked before it is
decoded: a small file can announce a vast canvas (a PNG of one colour compresses ~1000:1)."""

from __future__ import annotations

import io
import warnings

from PIL import Image, ImageOps, UnidentifiedImageError

FORMATS = ("JPEG", "PNG", "WEBP", "GIF")


class PictureUnreadable(ValueError):
    """Not a picture in one of ``FORMATS`` (or truncated, corrupt, hostile)."""


class PictureTooManyPixels(PictureUnreadable):
    """A picture whose canvas is larger than the caller allows."""


# What Pillow raises for a truncated, corrupt or hostile file.
UNREADABLE = (
    UnidentifiedImageError,
    OSError,
    ValueError,
    SyntaxError,
    EOFError,
    Image.DecompressionBombError,
    Image.DecompressionBombWarning,
)


def redraw_jpeg(data: bytes, *, box: tuple[int, int], max_pixels: int, quality: int = 85) -> bytes:
    """``data`` as a JPEG of at most ``box``, upright, on white. Raises ``PictureTooManyPixels``
    when the canvas is over ``max_pixels``, ``PictureUnreadable`` when it is not a picture."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=FORMATS)
            if image.width * image.height > max_pixels:
                raise PictureTooManyPixels(f"{image.width}x{image.height}")
            image.draft("RGB", box)  # JPEG decodes at a fraction of its size
            image.load()  # an animated GIF or WebP: its first frame
            image = ImageOps.exif_transpose(image)
    except PictureUnreadable:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise PictureTooManyPixels(str(exc)) from exc
    except UNREADABLE as exc:
        raise PictureUnreadable(str(exc)) from exc
    image.thumbnail(box, Image.Resampling.LANCZOS)
    out = io.BytesIO()
    _on_white(image).save(out, "JPEG", quality=quality, optimize=True)
    return out.getvalue()


def _on_white(image: Image.Image) -> Image.Image:
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, "white")
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")
