"""The "运营退款" page of a completed order: the operator picks how many units of each line go back
(all that is left by default: the whole order), gives a reason, and the same service as the API
refunds it through WeChat Pay. Every refund is on the audit log; a refusal (not completed, a refund
in flight, more than is left) is shown on the page, never a 500."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse

from fenxiao.core.errors import DomainError
from fenxiao.core.money import fen_to_yuan
from fenxiao.orders.aftersales.operator_refunds import (
    NOTE_MAX,
    OPERATOR_REFUNDABLE,
    REASON_MAX,
    OperatorRefundLine,
    order_operator_refund,
)
from fenxiao.orders.api.operator_refunds import REFUND_PERMISSION, audit_refund
from fenxiao.orders.models import Order, OrderLine


class OperatorRefundForm(forms.Form):
    reason = forms.CharField(label="退款原因", max_length=REASON_MAX, help_text="买家可见，如：投诉处理、纠纷协商")
    note = forms.CharField(label="备注", max_length=NOTE_MAX, required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, order: Order, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_lines = list(order.lines.order_by("id"))
        for line in self.order_lines:
            left = line.quantity - line.refunded_quantity
            self.fields[f"line_{line.id}"] = forms.IntegerField(
                label=line.product_title,
                min_value=0,
                max_value=left,
                initial=left,
                required=False,
                widget=forms.NumberInput(attrs={"style": "width:6em"}) if left else forms.HiddenInput(),
            )

    @property
    def rows(self) -> list[tuple[OrderLine, int, forms.BoundField]]:
        return [(ln, ln.quantity - ln.refunded_quantity, self[f"line_{ln.id}"]) for ln in self.order_lines]

    def clean(self):
        data = super().clean()
        picked = [(ln, data.get(f"line_{ln.id}") or 0) for ln in self.order_lines]
        self.lines = [OperatorRefundLine(ln.id, q) for ln, q in picked if q]
        if not self.lines and not self.errors:
            raise forms.ValidationError("请至少退款一件商品")
        # Every unit left on every line: the whole order (the service names it so on the trail).
        self.whole = all(q == ln.quantity - ln.refunded_quantity for ln, q in picked)
        return data


def operator_refund_view(model_admin, request: HttpRequest, object_id: str) -> HttpResponse:
    order = model_admin.get_object(request, object_id)
    if order is None:
        raise Http404("订单不存在")
    if not request.user.has_perm(REFUND_PERMISSION):
        raise PermissionDenied
    form = OperatorRefundForm(request.POST or None, order=order)
    if request.method == "POST" and form.is_valid():
        try:
            after_sale = order_operator_refund(
                order_id=order.pk,
                by=request.user,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
                lines=None if form.whole else form.lines,
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            audit_refund(
                actor_id=request.user.pk, after_sale=after_sale, reason=form.cleaned_data["reason"], whole=form.whole
            )
            model_admin.log_change(request, order, f"运营退款 {after_sale.after_sale_no}")
            messages.success(
                request,
                f"已发起运营退款 {fen_to_yuan(after_sale.refund_fen)} 元（{after_sale.after_sale_no}，"
                f"{after_sale.get_status_display()}）",
            )
            return HttpResponseRedirect(reverse("admin:orders_order_change", args=[order.pk]))
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": f"运营退款：{order.order_no}",
        "order": order,
        "form": form,
        "refundable": order.status in OPERATOR_REFUNDABLE,
    }
    return render(request, "admin/orders/order/operator_refund.html", context)
