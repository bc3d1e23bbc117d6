"""The product page's body (``GET /api/v1/products/{id}``): rendered once per catalogue version and
app process, then answered with one statement (issue 22: "product detail ≥ 80 % of health").

The page is every share link's landing page. Rendering it reads three tables and cleans the detail
HTML, then pydantic checks the answer and the renderer writes it: more than twice what health (one
``SELECT 1``, one Redis ``PING``) costs. Most of it changes only when the catalogue does, and every
such change gives the catalogue version row a new value after it commits (``catalog.cache``). So
each process keeps the rendered JSON of its recent pages as templates: byte segments with a slot
for each number that moves without a catalogue change (the sales count, the stock of the page and
of each SKU). A request runs one statement (``inventory.selectors.product_live``) that reads the
version row, whether the product is on the shelf, its active SKUs with their prices and stock, and
its sales; it writes the numbers into the slots of the template kept for that version.

Why the version lives in the database and not in Redis with the list cache's: the statement must
run anyway for the stock, and reading the version there saves the page a cache round trip, which
cost as much as the statement itself. Why per process: a shared cache would cost that round trip
again, and the templates are small (``KEPT_PAGES`` of them at most, each for
``CATALOG_DETAIL_CACHE_SECONDS`` at most).

What must never be seen stale does not depend on the version: a product off the shelf answers the
same 404 as ever, and a template whose SKUs or prices differ from the live rows is rendered again,
so even a lost version bump (the database down right after a commit) leaves only texts and images
(title, detail, gallery, category name, SKU specs) behind, for ``CATALOG_DETAIL_CACHE_SECONDS``.

The JSON is the ``ProductDetailOut`` pydantic would write, compact and UTF-8 unescaped like the
list's (``tests/api/test_product_page_cache.py`` holds the two equal)."""

from __future__ import annotations

import json
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest

from fenxiao.catalog import selectors
from fenxiao.catalog.api.schemas import sku_dict
from fenxiao.catalog.cache import catalog_pages_version
from fenxiao.catalog.errors import product_not_found
from fenxiao.core.media import media_url
from fenxiao.core.rich_text import sanitize_html
from fenxiao.inventory.selectors import ProductLive, product_live


@dataclass(frozen=True)
class Template:
    """A rendered page with its slots: ``segments[0]``, sales, ``segments[1]``, the page's stock,
    ``segments[2]``, then each SKU's stock followed by the next segment. ``skus`` is what the page
    was rendered from, (id, price_fen) by id, to compare with the live rows."""

    skus: tuple[tuple[int, int], ...]
    segments: tuple[bytes, ...]

    @property
    def size(self) -> int:
        return sum(len(segment) for segment in self.segments)

    def fill(self, live: ProductLive) -> bytes:
        """The body with the live numbers; a SKU the live rows do not have (gone meanwhile) has none left."""
        left = dict(zip((sku_id for sku_id, _ in live.skus), live.stock, strict=True))
        numbers = [left.get(sku_id, 0) for sku_id, _ in self.skus]
        parts = [self.segments[0], b"%d" % live.sales_count, self.segments[1], b"%d" % sum(numbers)]
        for segment, number in zip(self.segments[2:-1], numbers, strict=True):
            parts += (segment, b"%d" % number)
        parts.append(self.segments[-1])
        return b"".join(parts)


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _members(value: dict) -> str:
    """A dict's members without the braces, to splice between slots."""
    return _json(value)[1:-1]


def render(product_id: int, request: HttpRequest) -> Template:
    """Read and render the page, leaving the slots open. Off the shelf or missing: 404."""
    product = selectors.product_get_for_shopper(product_id=product_id)
    skus = product.active_skus
    prices = [s.price_fen for s in skus] or [0]
    cheapest = min(skus, key=lambda s: (s.price_fen, s.id)) if skus else None
    images = [product.main_image, *(img.image for img in product.gallery)]
    head = {
        "id": product.id,
        "title": product.title,
        "subtitle": product.subtitle,
        "images": [media_url(name, request) for name in images if name],
        # Cleaned again on the way out (a row from before the rule stays harmless) and with absolute
        # URLs, which the mini-program's rich-text needs: it has no page to resolve "/media/..." against.
        "detail_html": sanitize_html(product.detail_html, base_url=request.build_absolute_uri("/")),
        "category": {"id": product.category_id, "name": product.category.name},
    }
    prices_part = {
        "price_fen": min(prices),
        "max_price_fen": max(prices),
        "market_price_fen": cheapest.market_price_fen if cheapest else 0,
    }
    segments = ["{" + _members(head) + ',"sales_count":', "," + _members(prices_part) + ',"stock":', ""]
    tail = ',"specs":' + _json(selectors.spec_options(skus)) + ',"skus":['
    for i, sku in enumerate(skus):
        shown = sku_dict(sku, request, stock=0)
        before = {k: v for k, v in shown.items() if k in ("id", "code", "specs", "price_fen", "market_price_fen")}
        after = {k: v for k, v in shown.items() if k in ("image", "weight_g")}
        segments[-1] += tail + ("," if i else "") + "{" + _members(before) + ',"stock":'
        segments.append("," + _members(after) + "}")
        tail = ""
    segments[-1] += tail + "]}"
    return Template(skus=tuple((s.id, s.price_fen) for s in skus), segments=tuple(s.encode() for s in segments))


# Per process; the least recently shown page goes first. A page is a few kB (its detail HTML,
# mostly), so the count binds first; the bytes bound the process's memory whatever the pages hold.
KEPT_PAGES = 1000
KEPT_BYTES = 32 * 1024 * 1024
_kept_bytes = 0
_kept: OrderedDict[tuple[int, str, str], tuple[int, float, Template]] = OrderedDict()
_kept_lock = threading.Lock()


def _kept_get(key: tuple[int, str, str], version: int) -> Template | None:
    if settings.CATALOG_DETAIL_CACHE_SECONDS <= 0:
        return None
    with _kept_lock:
        found = _kept.get(key)
        if found is None:
            return None
        kept_version, expires, template = found
        if kept_version != version or expires < time.monotonic():
            return None  # replaced by the caller's render
        _kept.move_to_end(key)
        return template


def _kept_put(key: tuple[int, str, str], version: int, template: Template) -> None:
    global _kept_bytes
    seconds = settings.CATALOG_DETAIL_CACHE_SECONDS
    if seconds <= 0 or template.size > KEPT_BYTES:
        return
    with _kept_lock:
        replaced = _kept.pop(key, None)
        if replaced is not None:
            _kept_bytes -= replaced[2].size
        _kept[key] = (version, time.monotonic() + seconds, template)
        _kept_bytes += template.size
        while len(_kept) > KEPT_PAGES or _kept_bytes > KEPT_BYTES:
            _kept_bytes -= _kept.popitem(last=False)[1][2].size


def product_pages_forget() -> None:
    """Drop every kept page of this process (tests start each with none)."""
    global _kept_bytes
    with _kept_lock:
        _kept.clear()
        _kept_bytes = 0


def product_page(product_id: int, request: HttpRequest) -> bytes:
    live = product_live(product_id)
    if live is None:
        raise product_not_found()
    version = live.version if live.version is not None else catalog_pages_version()
    # Images and the detail's links are absolute URLs, so the scheme and host are part of the page.
    key = (product_id, request.scheme, request.get_host())
    template = _kept_get(key, version)
    if template is None or template.skus != live.skus:  # (SKUs or prices moved: a lost bump)
        # Labelled with the version read before these rows: a change committed meanwhile has a
        # new version, and the next request renders again.
        template = render(product_id, request)
        _kept_put(key, version, template)
    return template.fill(live)
