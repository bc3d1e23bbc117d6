"""Template helpers of the H5 storefront:

- ``{{ fen|yuan }}``: integer fen as yuan text, never through a float;
- ``{{ bps|zhe }}``: a percent coupon's discount as 折 (1000 bps off -> 9折);
- ``{{ state|activity_state }}``: a seckill or group-buy window state in Chinese;
- ``{{ html|rich_text }}``: operator HTML (a product's 详情) through the allow-list, ready to show;
- ``{% cart_count as n %}``: the bottom bar's cart badge;
- ``{% unread_count as n %}``: the unread messages, the badge on 我的;
- ``{% icon "wallet" %}``: a Lucide icon inlined as SVG (``storefront/icons.py``);
- ``{% query_with request key=value %}``: this page's URL with some query parameters replaced
  (tabs, sorts, filters, pages; "" removes one)."""

from __future__ import annotations

from django import template
from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe

from fenxiao.core.money import fen_to_yuan
from fenxiao.core.rich_text import sanitize_html
from fenxiao.notifications.selectors import notification_unread_count
from fenxiao.storefront import selectors
from fenxiao.storefront.icons import icon_svg

register = template.Library()

ACTIVITY_STATES = {
    "on_sale": "抢购中",
    "full": "已满团",
    "upcoming": "即将开始",
    "ended": "已结束",
    "sold_out": "已抢光",
    "paused": "已暂停",
}


@register.filter
def yuan(fen: int | None) -> str:
    return fen_to_yuan(int(fen or 0))


@register.filter
def zhe(percent_bps: int | None) -> str:
    """A percent coupon's ``percent_bps`` (what it takes off) as shoppers say it, the way
    ``coupon_rules.label_for`` writes it: 1000 bps off -> "9折", 1500 -> "8.5折"."""
    whole, rest = divmod(10_000 - int(percent_bps or 0), 1000)
    return f"{whole}.{rest:03d}".rstrip("0").rstrip(".") + "折"


@register.filter
def rich_text(html: str | None) -> SafeString:
    """The only way operator HTML reaches a page: cleaned here, not trusted because the admin
    or the import cleaned it, since rows written before that rule (or by a path that forgot it) exist."""
    return mark_safe(sanitize_html(html or ""))  # the allow-list is what makes this safe


@register.filter
def activity_state(state: str) -> str:
    return ACTIVITY_STATES.get(state, state)


@register.simple_tag(takes_context=True)
def cart_count(context) -> int:
    request: HttpRequest | None = context.get("request")
    if request is None or not request.user.is_authenticated:
        return 0
    return selectors.cart_count(user_id=request.user.pk)


@register.simple_tag(takes_context=True)
def unread_count(context) -> int:
    request: HttpRequest | None = context.get("request")
    if request is None or not request.user.is_authenticated:
        return 0
    return notification_unread_count(user_id=request.user.pk)


@register.simple_tag
def icon(name: str) -> SafeString:
    return icon_svg(name)


@register.simple_tag
def query_with(request: HttpRequest, **changes) -> str:
    params = request.GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    if "page" not in changes:
        params.pop("page", None)  # a new filter or sort starts again at its first page
    encoded = params.urlencode()
    return f"{request.path}?{encoded}" if encoded else request.path
