"""Images an operator uploads in the admin: stored under a fresh name (never overwriting another
product's picture) and referenced by storage name, like generated and imported images."""

from __future__ import annotations

import uuid

from django import forms
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone

MAX_IMAGE_BYTES = 5 * 1024 * 1024
ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}


def image_upload_field(label: str) -> forms.ImageField:
    return forms.ImageField(label=label, required=False, help_text="JPG/PNG/WebP/GIF，不超过 5MB")


def clean_image_upload(upload: UploadedFile | None) -> UploadedFile | None:
    """Django's ImageField already proved it is an image Pillow can open; check size and format."""
    if upload is None:
        return None
    if upload.size > MAX_IMAGE_BYTES:
        raise forms.ValidationError("图片不能超过 5MB")
    image_format = getattr(getattr(upload, "image", None), "format", None)
    if image_format not in ALLOWED_FORMATS:
        raise forms.ValidationError("只支持 JPG、PNG、WebP 或 GIF 图片")
    return upload


def product_image_store(upload: UploadedFile) -> str:
    image_format = upload.image.format  # set by forms.ImageField validation
    name = f"products/{timezone.now():%Y%m}/{uuid.uuid4().hex}.{ALLOWED_FORMATS[image_format]}"
    upload.seek(0)
    return default_storage.save(name, upload)
