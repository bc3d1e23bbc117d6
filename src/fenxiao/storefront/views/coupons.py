"""领券中心 and 我的优惠券 (unused / used / expired), claiming in place with htmx."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from fenxiao.promotions.api.coupon_schemas import template_brief, user_coupon_dict
from fenxiao.promotions.coupons import claims, selectors
from fenxiao.promotions.coupons.rules import label_for
from fenxiao.storefront.shortcuts import is_htmx, redirect_back, render_page, required_int, shopper_page

MINE_TABS = (("unused", "未使用"), ("used", "已使用"), ("expired", "已过期"))


def _centre(request: HttpRequest) -> list[dict]:
    return [
        {
            **template_brief(item["template"], item["label"]),
            "held": item["held"],
            "per_user_limit": item["template"].per_user_limit,
            "remaining": item["remaining"],
            "can_claim": item["can_claim"],
        }
        for item in selectors.coupon_centre_list(user=request.user, now=timezone.now())
    ]


@shopper_page
def coupon_centre(request: HttpRequest) -> HttpResponse:
    tab = request.GET.get("tab", "centre")
    context: dict = {"tab": tab, "mine_tabs": MINE_TABS}
    if tab in dict(MINE_TABS):
        found = selectors.user_coupon_list(user=request.user, status=tab, now=timezone.now()).prefetch_related(
            "template__categories", "template__products"
        )
        context["mine"] = [
            user_coupon_dict(uc, label_for(selectors.coupon_spec(uc.template)), status=tab) for uc in found
        ]
    else:
        context["tab"] = "centre"
        context["centre"] = _centre(request)
    return render_page(request, "storefront/coupons.html", context, title="领券中心", back=reverse("storefront:me"))


@require_POST
@shopper_page
def coupon_claim(request: HttpRequest) -> HttpResponse:
    template_id = required_int(request.POST.get("template_id"), field="template_id", label="优惠券")
    claims.coupon_claim(user=request.user, template_id=template_id)
    if is_htmx(request):
        item = next((c for c in _centre(request) if c["id"] == template_id), None)
        response = render(request, "storefront/partials/coupon_item.html", {"c": item, "claimed": True})
        return response
    messages.success(request, "领取成功")
    return redirect_back(request, reverse("storefront:coupons"))
