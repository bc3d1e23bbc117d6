"""分销中心 — who came through me and how I stand: team (level 1 / 2), customers, orders through me,
rankings, tier progress, and the share page (link, mini-program code, product poster).

Other people appear only as the selectors give them: masked names and phones, masked order
numbers. Rankings and tiers count real sales only; recruiting earns neither (禁止传销条例 Art. 7)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from fenxiao.core.errors import Forbidden
from fenxiao.distribution.centre import earnings, selectors, standing
from fenxiao.distribution.centre.sharing import share_assets
from fenxiao.distribution.centre.shop import shop_item_list
from fenxiao.distribution.config.rules import bps_percent
from fenxiao.distribution.models import CommissionStatus, DistributorStatus
from fenxiao.storefront.shortcuts import int_param, pager, render_page
from fenxiao.storefront.views.centre import back_to_centre, distributor_page

ORDER_TABS = (("", "全部"), *((s.value, s.label) for s in CommissionStatus))
PERIODS = (("week", "本周"), ("month", "本月"))
RANKING_BY = (("commission", "佣金"), ("sales", "销售额"))


@distributor_page
def centre_team(request: HttpRequest) -> HttpResponse:
    distributor = selectors.distributor_get_for_user(user=request.user)
    levels = selectors.enabled_levels()
    level = 2 if request.GET.get("level") == "2" and levels >= 2 else 1
    page = selectors.team_member_list(
        distributor=distributor, level=level, page=int_param(request.GET.get("page"), default=1)
    )
    context = {
        "counts": selectors.team_counts(distributor=distributor),
        "level": level,
        "levels": levels,
        "members": page.items,
        "pager": pager(page),
    }
    return render_page(request, "storefront/centre/team.html", context, title="我的团队", back=back_to_centre())


@distributor_page
def centre_customers(request: HttpRequest) -> HttpResponse:
    distributor = selectors.distributor_get_for_user(user=request.user)
    page = selectors.customer_list(distributor=distributor, page=int_param(request.GET.get("page"), default=1))
    context = {"customers": page.items, "pager": pager(page)}
    return render_page(request, "storefront/centre/customers.html", context, title="我的客户", back=back_to_centre())


@distributor_page
def centre_orders(request: HttpRequest) -> HttpResponse:
    distributor = selectors.distributor_get_for_user(user=request.user)
    status = request.GET.get("status", "")
    status = status if status in CommissionStatus.values else ""
    page = earnings.referred_order_list(
        distributor=distributor, status=status or None, page=int_param(request.GET.get("page"), default=1)
    )
    context = {"orders": page.items, "pager": pager(page), "status": status, "tabs": ORDER_TABS}
    return render_page(request, "storefront/centre/orders.html", context, title="推广订单", back=back_to_centre())


@distributor_page
def centre_rankings(request: HttpRequest) -> HttpResponse:
    distributor = selectors.distributor_get_for_user(user=request.user)
    period = request.GET.get("period", "week")
    period = period if period in dict(PERIODS) else "week"
    by = request.GET.get("by", "commission")
    by = by if by in dict(RANKING_BY) else "commission"
    context = {
        "ranking": standing.ranking_list(distributor=distributor, period=period, by=by),
        "periods": PERIODS,
        "by_options": RANKING_BY,
    }
    return render_page(request, "storefront/centre/rankings.html", context, title="排行榜", back=back_to_centre())


@distributor_page
def centre_tier(request: HttpRequest) -> HttpResponse:
    distributor = selectors.distributor_get_for_user(user=request.user)
    overview = standing.tier_overview(distributor=distributor)
    rows = [
        {
            "tier": t,
            "rates": [bps_percent(r) for r in selectors.effective_rates(t, overview.levels)[: overview.levels]],
            "current": t.id == overview.current.id,
        }
        for t in overview.tiers
    ]
    context = {"tier": overview, "rows": rows}
    return render_page(request, "storefront/centre/tier.html", context, title="我的等级", back=back_to_centre())


@distributor_page
def centre_share(request: HttpRequest) -> HttpResponse:
    """My share link and mini-program code; with ``?product=ID`` also that product's poster."""
    distributor = selectors.distributor_get_for_user(user=request.user)
    if distributor.status != DistributorStatus.ACTIVE:
        raise Forbidden("DIST_SUSPENDED", "您的分销资格已暂停，暂不能推广")
    product_id = int_param(request.GET.get("product"))
    assets = share_assets(distributor=distributor, product_id=product_id)
    code = distributor.code
    context = {
        "code": code,
        "assets": assets,
        "product_id": product_id,
        "home_link": request.build_absolute_uri(f"{reverse('storefront:home')}?ref={code}"),
        "shop_link": request.build_absolute_uri(f"{reverse('storefront:shop', args=[code])}?ref={code}"),
        "product_link": (
            request.build_absolute_uri(f"{reverse('storefront:product', args=[product_id])}?ref={code}")
            if product_id
            else ""
        ),
        "shop_items": [i for i in shop_item_list(distributor=distributor) if i.on_shelf],
    }
    return render_page(request, "storefront/centre/share.html", context, title="推广海报", back=back_to_centre())
