"""Where a message leads: the H5 page (by URL name) and the mini-program page of what it is about.
Both clients read the same message; each opens its own page."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse

# target type -> (H5 URL name, takes the id, mini-program page without the leading slash)
_TARGETS: dict[str, tuple[str, bool, str]] = {
    "order": ("storefront:order_detail", True, "pages/order/detail?id={id}"),
    "group": ("storefront:group_buy_group", True, "pages/group-buy/group?id={id}"),
    "earnings": ("storefront:centre_earnings", False, "pages/distributor/earnings/index"),
    "withdrawal": ("storefront:centre_withdrawal", True, "pages/distributor/withdrawal/list"),
    "centre": ("storefront:centre", False, "pages/distributor/centre/index"),
    "complaint": ("storefront:complaint_detail", True, "pages/complaint/detail?id={id}"),
}


def miniprogram_page(target_type: str, target_id: int | None) -> str:
    """The page a subscription message opens (WeChat wants it without a leading slash)."""
    target = _TARGETS.get(target_type)
    if target is None:
        return "pages/me/index"
    return target[2].format(id=target_id or 0)


def h5_url(target_type: str, target_id: int | None) -> str:
    target = _TARGETS.get(target_type)
    if target is None:
        return ""
    name, with_id, _ = target
    try:
        return reverse(name, args=[target_id]) if with_id else reverse(name)
    except NoReverseMatch:
        return ""
