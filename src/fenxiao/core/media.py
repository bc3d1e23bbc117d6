"""Image fields hold either a storage name (uploaded or generated) or an absolute URL (imported
from a supplier's CDN); clients always get an absolute URL.

A list page turns twenty names into URLs, and through the storage and ``build_absolute_uri`` each
took longer than reading the product row (bench/README.md, "Cold product lists"). The file-system
storage's URL depends on its ``base_url`` and the name alone, so it is remembered; other storages
(object storage may sign URLs that expire) are asked every time."""

from __future__ import annotations

from functools import lru_cache

from django.core.files.storage import DEFAULT_STORAGE_ALIAS, FileSystemStorage, storages
from django.http import HttpRequest


@lru_cache(maxsize=8192)
def _filesystem_url(storage: FileSystemStorage, base_url: str, name: str) -> str:
    return storage.url(name)


def _storage_url(name: str) -> str:
    # The object behind ``default_storage`` (what its lazy proxy would reach on every attribute):
    # the same one until a settings change, when Django replaces it.
    storage = storages[DEFAULT_STORAGE_ALIAS]
    if isinstance(storage, FileSystemStorage):
        return _filesystem_url(storage, storage.base_url, name)
    return storage.url(name)


def media_url(name: str, request: HttpRequest | None = None) -> str:
    if not name:
        return ""
    if name.startswith(("http://", "https://")):
        return name
    url = _storage_url(name)
    if request is None:
        return url
    if url.startswith("/") and not url.startswith("//") and "/./" not in url and "/../" not in url:
        # What build_absolute_uri answers for such a path (an ASCII one: the storage quoted it),
        # without parsing it and checking the host again for every image of the page.
        origin = getattr(request, "_media_origin", None)
        if origin is None:
            origin = request._media_origin = request.build_absolute_uri("/")[:-1]
        return origin + url
    return request.build_absolute_uri(url)
