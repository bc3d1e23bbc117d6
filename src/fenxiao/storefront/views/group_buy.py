"""拼团: the activities, an activity's page (open a group or join a forming one), a group's page
(members, seats left, countdown; what a share link opens, readable by visitors with members
masked) and my groups. Opening and joining place an unpaid order and go on to payment."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from fenxiao.accounts import selectors as accounts
from fenxiao.promotions.group_buy import selectors as group_buy_selectors
from fenxiao.promotions.group_buy.groups import group_join, group_open
from fenxiao.storefront import selectors
from fenxiao.storefront.shortcuts import int_param, public_page, render_page, shopper_page


def _pay_then_group(placed) -> HttpResponseRedirect:
    group_url = reverse("storefront:group_buy_group", args=[placed.group.pk])
    pay_url = reverse("storefront:order_pay", args=[placed.order.pk])
    return HttpResponseRedirect(f"{pay_url}?{urlencode({'next': group_url})}")


def _address_id(request: HttpRequest) -> int | None:
    return int_param(request.POST.get("address_id")) or selectors.default_address_id(user_id=request.user.pk)


def _addresses(request: HttpRequest) -> list:
    return list(accounts.address_list(user=request.user)) if request.user.is_authenticated else []


@public_page
def activity_list(request: HttpRequest) -> HttpResponse:
    context = {"activities": selectors.group_buy_list(now=timezone.now())}
    return render_page(
        request, "storefront/group_buy_list.html", context, title="拼团", back=reverse("storefront:home")
    )


@public_page
def activity_detail(request: HttpRequest, activity_id: int) -> HttpResponse:
    now = timezone.now()
    viewer = request.user.pk
    context = {
        "a": selectors.group_buy_activity_get(activity_id=activity_id, now=now),
        "groups": group_buy_selectors.joinable_group_list(activity_id=activity_id, now=now, viewer_id=viewer),
        "addresses": _addresses(request),
    }
    return render_page(
        request, "storefront/group_buy_activity.html", context, title="拼团", back=reverse("storefront:group_buy")
    )


@public_page
def group_detail(request: HttpRequest, group_id: int) -> HttpResponse:
    group = group_buy_selectors.group_get(group_id=group_id, viewer_id=request.user.pk)
    link = request.build_absolute_uri(reverse("storefront:group_buy_group", args=[group.id]))
    # A distributor's own code rides along, so friends who open the link are bound to them.
    distributor = selectors.active_distributor(user_id=request.user.pk)
    context = {
        "group": group,
        "a": selectors.group_buy_activity_get(activity_id=group.activity_id, now=timezone.now()),
        "empty_seats": range(max(group.seats_left, 0)),
        "addresses": _addresses(request),
        "link": f"{link}?ref={distributor.code}" if distributor else link,
    }
    return render_page(
        request, "storefront/group_buy_group.html", context, title="拼团详情", back=reverse("storefront:group_buy")
    )


@require_POST
@shopper_page
def group_open_view(request: HttpRequest, activity_id: int) -> HttpResponse:
    placed = group_open(
        user=request.user,
        activity_id=activity_id,
        quantity=int_param(request.POST.get("quantity"), default=1),
        address_id=_address_id(request),
    )
    return _pay_then_group(placed)


@require_POST
@shopper_page
def group_join_view(request: HttpRequest, group_id: int) -> HttpResponse:
    placed = group_join(
        user=request.user,
        group_id=group_id,
        quantity=int_param(request.POST.get("quantity"), default=1),
        address_id=_address_id(request),
    )
    return _pay_then_group(placed)


@shopper_page
def my_groups(request: HttpRequest) -> HttpResponse:
    context = {"rows": group_buy_selectors.my_group_list(user=request.user)}
    return render_page(
        request, "storefront/group_buy_mine.html", context, title="我的拼团", back=reverse("storefront:me")
    )
