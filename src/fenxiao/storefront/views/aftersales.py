"""After-sales: apply for some units of some lines of an order, follow the progress (timeline,
refund), cancel, and send the return waybill. Only the shopper's own orders and after-sales."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from fenxiao.orders import selectors
from fenxiao.orders.aftersales import buyer_steps
from fenxiao.orders.aftersales import selectors as sel
from fenxiao.orders.api.schemas.aftersales import aftersale_detail_dict, aftersale_dict
from fenxiao.orders.api.schemas.orders import order_dict
from fenxiao.orders.models import BUYER_KINDS, AfterSaleKind
from fenxiao.orders.shipping.tracking import CARRIERS
from fenxiao.storefront.shortcuts import int_param, pager, render_page, shopper_page

REASONS = ("不想要了", "商品质量问题", "商品与描述不符", "发错货", "少件/漏发", "物流破损", "其他")


def _requested_lines(request: HttpRequest) -> list[buyer_steps.AfterSaleLineRequest]:
    """Each ticked line with its quantity (``line`` repeated, ``qty_<line id>``)."""
    lines = []
    for raw in request.POST.getlist("line"):
        line_id = int_param(raw)
        if line_id is None:
            continue
        lines.append(
            buyer_steps.AfterSaleLineRequest(
                line_id, int_param(request.POST.get(f"qty_{line_id}"), default=0, minimum=0)
            )
        )
    return lines


@shopper_page
def aftersale_new(request: HttpRequest, order_id: int) -> HttpResponse:
    order = selectors.order_get_for_buyer(order_id=order_id, buyer=request.user)
    if request.method == "POST":
        after_sale = buyer_steps.aftersale_request(
            order_id=order.id,
            buyer=request.user,
            kind=request.POST.get("kind", ""),
            reason=request.POST.get("reason", ""),
            description=request.POST.get("description", ""),
            photos=request.POST.getlist("photos"),
            lines=_requested_lines(request),
        )
        messages.success(request, "售后申请已提交，请等待平台审核")
        return HttpResponseRedirect(reverse("storefront:aftersale_detail", args=[after_sale.id]))
    shaped = order_dict(order, request)
    lines = [{**line, "left": line["quantity"] - line["refunded_quantity"]} for line in shaped["lines"]]
    context = {
        "order": shaped,
        "lines": lines,
        "kinds": [(k, AfterSaleKind(k).label) for k in BUYER_KINDS],
        "reasons": REASONS,
        "max_photos": buyer_steps.MAX_PHOTOS,
    }
    back = reverse("storefront:order_detail", args=[order.id])
    return render_page(request, "storefront/aftersale_form.html", context, title="申请售后", back=back)


@shopper_page
def aftersale_list(request: HttpRequest) -> HttpResponse:
    page = sel.aftersale_list_for_buyer(
        buyer=request.user, status=None, page=int_param(request.GET.get("page"), default=1), page_size=10
    )
    context = {"items": [aftersale_dict(a, request) for a in page.items], "pager": pager(page)}
    return render_page(request, "storefront/aftersales.html", context, title="我的售后", back=reverse("storefront:me"))


@shopper_page
def aftersale_detail(request: HttpRequest, after_sale_id: int) -> HttpResponse:
    after_sale = sel.aftersale_get_for_buyer(after_sale_id=after_sale_id, buyer=request.user)
    context = {"a": aftersale_detail_dict(after_sale, request), "carriers": CARRIERS}
    back = reverse("storefront:aftersales")
    return render_page(request, "storefront/aftersale_detail.html", context, title="售后详情", back=back)


@require_POST
@shopper_page
def aftersale_cancel(request: HttpRequest, after_sale_id: int) -> HttpResponse:
    buyer_steps.aftersale_cancel(after_sale_id=after_sale_id, buyer=request.user)
    messages.success(request, "售后申请已撤销")
    return HttpResponseRedirect(reverse("storefront:aftersale_detail", args=[after_sale_id]))


@require_POST
@shopper_page
def aftersale_return(request: HttpRequest, after_sale_id: int) -> HttpResponse:
    buyer_steps.aftersale_ship_return(
        after_sale_id=after_sale_id,
        buyer=request.user,
        carrier_code=request.POST.get("carrier_code", ""),
        tracking_no=request.POST.get("tracking_no", ""),
    )
    messages.success(request, "退货物流已提交")
    return HttpResponseRedirect(reverse("storefront:aftersale_detail", args=[after_sale_id]))
