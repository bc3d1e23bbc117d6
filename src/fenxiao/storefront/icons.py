"""Lucide icons (npm ``lucide-static``) inlined into the H5 pages.

The SVG files are copied at install time (Makefile ``ICONS``) to the git-ignored
``storefront/vendor/icons/`` static folder. They are inlined rather than linked with ``<img>``:
an inline SVG draws with ``currentColor``, so a CSS colour (red when active, grey otherwise)
reaches the strokes, and it costs no request. Inline SVG markup is not a script or a ``<style>``
element, so the Content-Security-Policy has nothing to say about it.

Each file is read once per process (through the static finders, then the static storage once
``collectstatic`` has run) and kept. A name that is not installed raises ``IconMissing``: a page
asking for an icon nobody copied is a mistake to see in the tests, not a blank to ship."""

from __future__ import annotations

import re
from functools import cache

from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.utils.safestring import SafeString, mark_safe

FOLDER = "storefront/vendor/icons"
NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_SVG_OPEN = re.compile(r"<svg\b[^>]*>", re.S)


class IconMissing(LookupError):
    """The icon is not among the installed SVG files: add it to ``ICONS`` in the Makefile and
    run ``make install``."""


def _read(name: str) -> str:
    path = f"{FOLDER}/{name}.svg"
    found = finders.find(path)
    if found:
        with open(found, encoding="utf-8") as f:
            return f.read()
    if staticfiles_storage.exists(path):
        with staticfiles_storage.open(path) as f:
            return f.read().decode("utf-8")
    raise IconMissing(f"图标 {name} 未安装：在 Makefile 的 ICONS 中加入它并运行 make install")


@cache
def icon_svg(name: str) -> SafeString:
    """The icon ``name`` as inline SVG markup: class ``icon icon-<name>``, hidden from screen
    readers (the label next to it says what it means), strokes in ``currentColor``."""
    if not NAME.fullmatch(name):
        raise IconMissing(f"图标名称无效：{name!r}")
    text = _COMMENT.sub("", _read(name)).strip()
    opening = _SVG_OPEN.match(text)
    if opening is None or 'stroke="currentColor"' not in opening.group(0):
        raise IconMissing(f"图标 {name} 不是 Lucide 的 SVG 文件")
    body = text[opening.end() :]
    attrs = (
        f'class="icon icon-{name}" xmlns="http://www.w3.org/2000/svg" width="24" height="24" viewBox="0 0 24 24" '
        'fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" '
        'aria-hidden="true" focusable="false"'
    )
    body = re.sub(r">\s+<", "><", body)
    return mark_safe(f"<svg {attrs}>{body}")  # our own installed file, not user input
