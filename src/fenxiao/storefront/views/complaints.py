"""投诉与建议: a shopper complains about a distributor (by the code they were shared) or one of their
orders, follows the operator's replies and reads the outcome. Only the shopper's own complaints;
the same services and shapes as the JSON API."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from fenxiao.distribution.network.lookup import distributor_codes_for_users, distributor_user_id_for_code
from fenxiao.orders import selectors as order_selectors
from fenxiao.risk.api.complaint_schemas import complaint_detail_dict, complaint_dict
from fenxiao.risk.complaints import selectors as sel
from fenxiao.risk.complaints import services
from fenxiao.risk.complaints.errors import ComplaintError
from fenxiao.risk.models.complaints import ComplaintCategory
from fenxiao.storefront.shortcuts import int_param, pager, render_page, shopper_page


@shopper_page
def complaint_new(request: HttpRequest) -> HttpResponse:
    order_id = int_param(request.POST.get("order_id") or request.GET.get("order"))
    order = order_selectors.order_get_for_buyer(order_id=order_id, buyer=request.user) if order_id else None
    if request.method == "POST":
        code = request.POST.get("distributor_code", "").strip()
        distributor_user_id = distributor_user_id_for_code(code) if code else None
        if code and distributor_user_id is None:
            raise ComplaintError(
                "COMPLAINT_DISTRIBUTOR_NOT_FOUND", "推广码无效，找不到该分销商", field="distributor_code"
            )
        complaint = services.complaint_create(
            complainant=request.user,
            category=request.POST.get("category", ""),
            content=request.POST.get("content", ""),
            distributor_user_id=distributor_user_id,
            order_id=order.id if order else None,
            photos=request.POST.getlist("photos"),
        )
        messages.success(request, "投诉已提交，平台将在处理时限内回复")
        return HttpResponseRedirect(reverse("storefront:complaint_detail", args=[complaint.pk]))
    context = {
        "categories": ComplaintCategory.choices,
        "order": order,
        "code": request.GET.get("code", "")[:16],
        "max_photos": services.MAX_PHOTOS,
    }
    back = reverse("storefront:order_detail", args=[order.id]) if order else reverse("storefront:complaints")
    return render_page(request, "storefront/complaint_form.html", context, title="我要投诉", back=back)


@shopper_page
def complaint_list(request: HttpRequest) -> HttpResponse:
    page = sel.complaint_list_for_user(
        user=request.user, page=int_param(request.GET.get("page"), default=1), page_size=10
    )
    codes = distributor_codes_for_users(c.distributor_user_id for c in page.items)
    context = {"items": [complaint_dict(c, codes) for c in page.items], "pager": pager(page)}
    return render_page(
        request, "storefront/complaints.html", context, title="投诉与建议", back=reverse("storefront:me")
    )


@shopper_page
def complaint_detail(request: HttpRequest, complaint_id: int) -> HttpResponse:
    complaint = sel.complaint_get_for_user(complaint_id=complaint_id, user=request.user)
    context = {"c": complaint_detail_dict(complaint, distributor_codes_for_users([complaint.distributor_user_id]))}
    back = reverse("storefront:complaints")
    return render_page(request, "storefront/complaint_detail.html", context, title="投诉详情", back=back)
