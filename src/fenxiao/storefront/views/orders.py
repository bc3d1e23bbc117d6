"""我的订单 (five tabs), order detail with parcels and tracking, the sandbox payment page, cancel
and confirm receipt. Only the shopper's own orders: another user's id is a 404."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from fenxiao.orders import selectors, services
from fenxiao.orders.api.schemas.orders import order_dict
from fenxiao.orders.models import OrderStatus
from fenxiao.orders.shipping.traces import shipment_traces_for_order
from fenxiao.orders.shipping.tracking import STATUS_LABELS
from fenxiao.payments.sandbox import sandbox_payment_succeed
from fenxiao.storefront.shortcuts import int_param, pager, redirect_back, render_page, safe_next, shopper_page

PAGE_SIZE = 10


@shopper_page
def order_list(request: HttpRequest) -> HttpResponse:
    tab = request.GET.get("tab") or None
    page = selectors.order_list_for_buyer(
        buyer=request.user, tab=tab, page=int_param(request.GET.get("page"), default=1), page_size=PAGE_SIZE
    )
    counts = selectors.order_tab_counts_for_buyer(buyer=request.user)
    tabs = [{"key": "", "label": "全部", "count": 0}] + [
        {"key": key, "label": label, "count": counts.get(key, 0)} for key, label in selectors.TAB_LABELS.items()
    ]
    context = {
        "tab": tab or "",
        "tabs": tabs,
        "orders": [order_dict(o, request) for o in page.items],
        "pager": pager(page),
    }
    return render_page(request, "storefront/orders.html", context, title="我的订单", back=reverse("storefront:me"))


def _parcels(order, request: HttpRequest) -> list[dict]:
    """Each parcel with where it is now, newest tracking event first (as /orders/{id}/shipments)."""
    parcels = []
    for shipment, events in shipment_traces_for_order(order=order):
        parcels.append(
            {
                "carrier_name": shipment.carrier_name,
                "tracking_no": shipment.tracking_no,
                "shipped_at": shipment.created_at,
                "status_label": STATUS_LABELS.get(events[0].status, "已发货") if events else "已发货",
                "delivered_at": shipment.delivered_at,
                "lines": [(sl.order_line.product_title, sl.quantity) for sl in shipment.lines.all()],
                "events": [
                    {
                        "time": e.time,
                        "label": STATUS_LABELS.get(e.status, e.status),
                        "text": e.description,
                        "location": e.location,
                    }
                    for e in events
                ],
            }
        )
    return parcels


@shopper_page
def order_detail(request: HttpRequest, order_id: int) -> HttpResponse:
    order = selectors.order_get_for_buyer(order_id=order_id, buyer=request.user)
    context = {
        "order": order_dict(order, request, events=True),
        "parcels": _parcels(order, request),
        "can_after_sale": order.status in (OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.RECEIVED),
    }
    return render_page(
        request, "storefront/order_detail.html", context, title="订单详情", back=reverse("storefront:orders")
    )


@shopper_page
def order_pay(request: HttpRequest, order_id: int) -> HttpResponse:
    """The payment page. In sandbox mode the button pays the order through the same signed
    notification WeChat Pay would send; live payment happens in the mini-program (JSAPI)."""
    order = selectors.order_get_for_buyer(order_id=order_id, buyer=request.user)
    if request.method == "POST":
        sandbox_payment_succeed(order_id=order.pk)
        messages.success(request, "支付成功")
        return redirect_back(request, reverse("storefront:order_detail", args=[order.id]))
    context = {
        "order": order_dict(order, request),
        "sandbox": settings.WECHAT_MODE == "sandbox",
        "next": safe_next(request, request.GET.get("next"), ""),
    }
    return render_page(
        request, "storefront/order_pay.html", context, title="订单支付", back=reverse("storefront:orders")
    )


@require_POST
@shopper_page
def order_cancel(request: HttpRequest, order_id: int) -> HttpResponse:
    order = selectors.order_get_for_buyer(order_id=order_id, buyer=request.user)
    services.order_cancel(order_id=order.id, by=request.user, reason="买家取消")
    messages.success(request, "订单已取消")
    return HttpResponseRedirect(reverse("storefront:order_detail", args=[order.id]))


@require_POST
@shopper_page
def order_receive(request: HttpRequest, order_id: int) -> HttpResponse:
    order = selectors.order_get_for_buyer(order_id=order_id, buyer=request.user)
    services.order_confirm_receipt(order_id=order.id, by=request.user)
    messages.success(request, "已确认收货")
    return HttpResponseRedirect(reverse("storefront:order_detail", args=[order.id]))
