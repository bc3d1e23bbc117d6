"""A shopper's own avatar photo: checked to be a picture, redrawn and stored under a name nobody
can guess.

WeChat's ``chooseAvatar`` button hands the mini-program a file on the phone, never a URL, so the
picture is uploaded and the mall serves it. The upload is decoded and drawn again as a JPEG of at
most ``AVATAR_BOX``: what we serve is only pixels (no EXIF, so no GPS position or camera serial;
nothing a browser could sniff as HTML), whatever the phone sent.

The stored name carries a MAC of its owner's id, so replacing an avatar deletes the old file only
when it is really this user's: ``PATCH /auth/me`` takes any http(s) URL, including someone else's
avatar, and that must not let anyone delete it."""

from __future__ import annotations

import re
import uuid
from urllib.parse import urlsplit

from django.utils.crypto import constant_time_compare, salted_hmac

from fenxiao.core.errors import DomainError
from fenxiao.core.pictures import PictureUnreadable, redraw_jpeg

MAX_AVATAR_BYTES = 2 * 1024 * 1024
# A small file can still claim a vast canvas (a PNG of one colour compresses ~1000:1) and decoding
# it would take gigabytes. chooseAvatar hands over a cropped square far below this; a JPEG this
# big decodes at a fraction of its size (``draft``), a PNG in at most 64 MB.
MAX_AVATAR_PIXELS = 16_000_000
AVATAR_BOX = (512, 512)
FOLDER = "avatars"
NAME = re.compile(rf"/{FOLDER}/(?P<nonce>[0-9a-f]{{32}})(?P<mac>[0-9a-f]{{16}})\.jpg$")


def too_large() -> DomainError:
    return DomainError("AVATAR_TOO_LARGE", "头像图片不能超过 2MB", status=413, field="file")


def invalid() -> DomainError:
    return DomainError("AVATAR_INVALID", "请上传 JPG、PNG、WebP 或 GIF 格式的图片", field="file")


def _mac(user_id: int, nonce: str) -> str:
    return salted_hmac("fenxiao.accounts.avatar", f"{user_id}:{nonce}").hexdigest()[:16]


def avatar_name(*, user_id: int) -> str:
    nonce = uuid.uuid4().hex
    return f"{FOLDER}/{nonce}{_mac(user_id, nonce)}.jpg"


def owned_avatar_name(url: str, *, user_id: int) -> str | None:
    """The storage name behind ``url`` when it is an avatar this user uploaded, else ``None``."""
    match = NAME.search(urlsplit(url).path) if url else None
    if not match or not constant_time_compare(match["mac"], _mac(user_id, match["nonce"])):
        return None
    return f"{FOLDER}/{match['nonce']}{match['mac']}.jpg"


def avatar_redraw(data: bytes) -> bytes:
    """``data`` as a JPEG of at most ``AVATAR_BOX``, upright, on white; ``invalid()`` if it is not a
    picture in one of ``core.pictures.FORMATS`` (which decodes and redraws it)."""
    try:
        return redraw_jpeg(data, box=AVATAR_BOX, max_pixels=MAX_AVATAR_PIXELS)
    except PictureUnreadable as exc:
        raise invalid() from exc
