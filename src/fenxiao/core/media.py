"""Image fields hold either a storage name (uploaded or generated) or an absolute URL (imported
from a supplier's CDN); clients always get an absolute URL."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.http import HttpRequest


def media_url(name: str, request: HttpRequest | None = None) -> str:
    if not name:
        return ""
    if name.startswith(("http://", "https://")):
        return name
    url = default_storage.url(name)
    return request.build_absolute_uri(url) if request is not None else url
