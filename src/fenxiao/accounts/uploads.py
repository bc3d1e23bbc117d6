"""Pictures shoppers attach as evidence (complaints, after-sales), uploaded one at a time and served
by the mall itself.

The shopper's phone or browser hands over a file, never a URL: it is redrawn (``core.pictures``) as
a JPEG of at most ``UPLOAD_BOX`` and stored under a random name in ``uploads/<year>/<month>/``.
Complaints and after-sales then take only URLs of such pictures (``is_served_picture``): a link to
somewhere else could change after the operator looked, track who opened it, or show anything."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.http.request import split_domain_port, validate_host
from django.utils import timezone

from fenxiao.core.errors import DomainError
from fenxiao.core.pictures import PictureTooManyPixels, PictureUnreadable, redraw_jpeg

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# A phone photo is 12–50 megapixels; beyond this the canvas is a decompression bomb, not a photo.
MAX_UPLOAD_PIXELS = 60_000_000
UPLOAD_BOX = (1600, 1600)
FOLDER = "uploads"
NAME = re.compile(rf"^{FOLDER}/\d{{4}}/\d{{2}}/[0-9a-f]{{32}}\.jpg$")


def too_large() -> DomainError:
    return DomainError("UPLOAD_TOO_LARGE", "图片不能超过 5MB", status=413, field="file")


def not_a_picture() -> DomainError:
    return DomainError("UPLOAD_NOT_IMAGE", "请上传 JPG、PNG、WebP 或 GIF 格式的图片", field="file")


def too_many_pixels() -> DomainError:
    return DomainError("UPLOAD_TOO_MANY_PIXELS", "图片尺寸过大，请缩小后再上传", field="file")


def upload_name() -> str:
    return f"{FOLDER}/{timezone.localtime():%Y/%m}/{secrets.token_hex(16)}.jpg"


def picture_upload(*, upload: UploadedFile, public_url: Callable[[str], str]) -> str:
    """Store the uploaded picture, redrawn; the absolute URL (``public_url(name)``) it is served at."""
    if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
        raise too_large()
    data = upload.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise too_large()
    try:
        jpeg = redraw_jpeg(data, box=UPLOAD_BOX, max_pixels=MAX_UPLOAD_PIXELS)
    except PictureTooManyPixels as exc:
        raise too_many_pixels() from exc
    except PictureUnreadable as exc:
        raise not_a_picture() from exc
    return public_url(default_storage.save(upload_name(), ContentFile(jpeg)))


def is_served_picture(url: str) -> bool:
    """Whether ``url`` names a picture uploaded here: an upload's name under the mall's own media
    prefix, on one of the mall's own hosts (``ALLOWED_HOSTS``) unless ``MEDIA_URL`` names its own."""
    parts = urlsplit((url or "").strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        return False
    media = urlsplit(settings.MEDIA_URL)
    if media.netloc:
        if (parts.scheme, parts.netloc.lower()) != (media.scheme, media.netloc.lower()):
            return False
    else:
        host, _port = split_domain_port(parts.netloc)
        if not host or not validate_host(host, settings.ALLOWED_HOSTS):
            return False
    prefix = media.path if media.path.endswith("/") else media.path + "/"
    return parts.path.startswith(prefix) and bool(NAME.match(parts.path[len(prefix) :]))
