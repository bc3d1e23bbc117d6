"""限时秒杀: the running and upcoming activities, and the one-tap buy (one unit, default or chosen
address) that places an unpaid order through ``seckill_buy`` and goes on to payment."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from fenxiao.promotions.seckill.purchases import seckill_buy
from fenxiao.storefront import selectors
from fenxiao.storefront.shortcuts import int_param, public_page, render_page, shopper_page


@public_page
def seckill_list(request: HttpRequest) -> HttpResponse:
    context = {"activities": selectors.seckill_list(now=timezone.now())}
    return render_page(request, "storefront/seckill.html", context, title="限时秒杀", back=reverse("storefront:home"))


@require_POST
@shopper_page
def seckill_buy_view(request: HttpRequest, activity_id: int) -> HttpResponse:
    address_id = int_param(request.POST.get("address_id")) or selectors.default_address_id(user_id=request.user.pk)
    order = seckill_buy(user=request.user, activity_id=activity_id, address_id=address_id)
    return HttpResponseRedirect(reverse("storefront:order_pay", args=[order.id]))
