"""Posters and mini-program codes are drawn once and then served from storage.

A file's name is the SHA-256 of everything it shows (distributor code, product id, the product's
``updated_at``, price, layout version), so a change in any of them is a new file and nothing is ever
invalidated by hand; the same parts find the stored file without rendering or calling WeChat."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from fenxiao.core.media import media_url
from fenxiao.distribution.centre.poster import LAYOUT_VERSION
from fenxiao.integrations.wechat.miniprogram import gateway


def cache_key(key_parts: Sequence[str | int]) -> str:
    """JSON keeps parts apart (``["a|b"]`` and ``["a", "b"]`` differ) and tells ``1`` from ``"1"``."""
    for part in key_parts:
        if isinstance(part, bool) or not isinstance(part, str | int):
            raise TypeError(f"key parts are str or int (format dates and prices first), got {part!r}")
    encoded = json.dumps(list(key_parts), ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(encoded.encode()).hexdigest()


def stored_png_url(*, name: str, render: Callable[[], bytes]) -> str:
    """The URL of ``name``, rendering and saving it first if storage does not have it yet."""
    if not default_storage.exists(name):
        content = render()
        saved = default_storage.save(name, ContentFile(content))
        if saved != name:
            # Another worker stored the same key meanwhile: keep one file, theirs is identical.
            default_storage.delete(saved)
    return media_url(name)


def poster_url(*, key_parts: Sequence[str | int], render: Callable[[], bytes]) -> str:
    return stored_png_url(name=f"posters/{cache_key(['poster', LAYOUT_VERSION, *key_parts])}.png", render=render)


def wxacode_url(*, scene: str, page: str) -> str:
    """The mini-program code for ``page?scene=...``; the mode and appid are in the key, so a sandbox
    code is never served once the mall goes live, nor one app's code for another app."""
    key = cache_key(["wxacode", settings.WECHAT_MODE, settings.WECHAT_APPID, page, scene])
    return stored_png_url(name=f"wxacodes/{key}.png", render=lambda: gateway.wxacode_unlimited(scene=scene, page=page))
