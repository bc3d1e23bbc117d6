"""Rich text that operators write and shoppers read (a product's 详情): an allow-list of what a
detail page needs — paragraphs, headings, lists, tables, pictures, links and basic formatting —
and nothing that can run. It is cleaned when it comes in (admin form, spreadsheet import) and
again whenever it goes out (H5 page, API), so a row written before the rule, or by a path that
forgot it, still reaches a browser or the mini-program's ``rich-text`` harmless.

Picture sources are ``http(s)`` addresses or this site's own media files; ``data:`` pictures are
refused: uploads go to media storage, and a data URL would swell the row and is one more parser
to trust. Links are ``http(s)`` or a path on this site."""

from __future__ import annotations

import re
from functools import lru_cache

import nh3
from django.conf import settings

TAGS = frozenset(
    {
        *("p", "br", "hr", "div", "span", "section", "blockquote", "pre", "code"),
        *("h1", "h2", "h3", "h4", "h5", "h6"),
        *("strong", "b", "em", "i", "u", "s", "del", "ins", "sub", "sup", "small", "mark"),
        *("ul", "ol", "li", "dl", "dt", "dd"),
        *("table", "caption", "colgroup", "col", "thead", "tbody", "tfoot", "tr", "th", "td"),
        *("figure", "figcaption", "img", "a"),
    }
)
# No id, name or class: an id could shadow the page's own elements (``sku-data``), a class could
# dress text up as the page's buttons or bottom bar.
CELL = {"colspan", "rowspan", "align", "valign", "width", "height"}
ATTRIBUTES = {
    "*": {"style", "title"},
    "img": {"src", "alt", "width", "height"},
    "a": {"href"},
    "table": {"border", "cellpadding", "cellspacing", "width", "align"},
    "td": CELL,
    "th": CELL | {"scope"},
    "col": {"span", "width"},
    "colgroup": {"span", "width"},
    "ol": {"start", "type"},
    "p": {"align"},
    "div": {"align"},
}
# Looks only: no position or z-index (text laid over the page's own buttons), nothing that takes a
# url() (background-image and friends would fetch from anywhere).
STYLE_PROPERTIES = frozenset(
    {
        *("color", "background-color", "opacity"),
        *("font", "font-size", "font-weight", "font-style", "font-family", "text-decoration", "text-indent"),
        *("text-align", "vertical-align", "line-height", "letter-spacing", "white-space", "word-break"),
        *("width", "max-width", "min-width", "height", "max-height", "min-height", "display"),
        *("margin", "margin-top", "margin-right", "margin-bottom", "margin-left"),
        *("padding", "padding-top", "padding-right", "padding-bottom", "padding-left"),
        *("border", "border-top", "border-right", "border-bottom", "border-left"),
        *("border-color", "border-style", "border-width", "border-radius", "border-collapse", "border-spacing"),
    }
)
LINK_REL = "noopener noreferrer nofollow"

_HTTP = re.compile(r"^https?://[^/\\\s]", re.IGNORECASE)
# A path on this site: one "/" then not another "/" or "\" (browsers read "//host" and "/\host" as
# another site), no whitespace, and no dot segment, plain or escaped, that could climb out of a prefix.
_SITE_PATH = re.compile(r"^/(?![/\\])[^\s\\]*$")
_DOT_SEGMENT = re.compile(r"(^|/)(\.|%2e){1,2}(/|$|\?|#)", re.IGNORECASE)


def _site_path(url: str) -> bool:
    return bool(_SITE_PATH.match(url)) and not _DOT_SEGMENT.search(url)


def _allowed_url(tag: str, url: str) -> str | None:
    """The URL to keep for ``<img src>`` or ``<a href>``, or None to drop it. nh3 has already
    refused every scheme but http(s); what reaches here is absolute http(s) or relative."""
    url = url.strip()
    if url.startswith("//") and _HTTP.match("https:" + url):
        return "https:" + url  # scheme-relative, common in copied shop pages; the mini-program needs a scheme
    if _HTTP.match(url):
        return url
    if tag == "img":
        media = settings.MEDIA_URL or ""
        return url if media.startswith("/") and url.startswith(media) and _site_path(url) else None
    return url if tag == "a" and _site_path(url) else None


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    if attribute in ("src", "href"):
        return _allowed_url(tag, value)
    return value


def _cleaner(**options) -> nh3.Cleaner:
    return nh3.Cleaner(
        tags=set(TAGS),
        clean_content_tags={"script", "style"},
        attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
        attribute_filter=_filter_attribute,
        url_schemes={"http", "https"},
        link_rel=LINK_REL,
        filter_style_properties=set(STYLE_PROPERTIES),
        **options,
    )


_CLEANER = _cleaner()


@lru_cache(maxsize=16)
def _absolute_cleaner(base_url: str) -> nh3.Cleaner:
    return _cleaner(url_relative=("rewrite_with_base", base_url))


def sanitize_html(html: str, *, base_url: str | None = None) -> str:
    """``html`` with everything outside the allow-list removed (tags unwrapped to their text;
    scripts and style sheets dropped with their content). With ``base_url`` the site paths that
    survive become absolute, for clients such as the mini-program that have no page to resolve
    them against."""
    if not html:
        return ""
    return _clean(html, base_url or "", settings.MEDIA_URL or "")


@lru_cache(maxsize=512)
def _clean(html: str, base_url: str, media_url: str) -> str:
    # Remembered per process: the product page serves the same few details over and over, and
    # cleaning a long one costs more than the rest of the page's view. The output depends only
    # on these three, so an edited detail is simply a new key.
    # Twice: one pass can leave attributes in an order the next pass changes (an ``<a>`` whose
    # href was refused gets its ``rel`` first, then last), and what is stored must come back
    # unchanged when it is cleaned again on the way out. The second pass over clean HTML is cheap.
    cleaner = _absolute_cleaner(base_url) if base_url else _CLEANER
    return cleaner.clean(cleaner.clean(html))
