"""The admin pages of one after-sale step (approve, reject, receive the return, retry the refund):
a confirmation page with the step's form, then the same service the API calls. A refusal from the
service (the status moved meanwhile, payments refused) is shown on the page, never a 500.

The page template lives here as a string, next to the only code that renders it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template import engines
from django.urls import reverse

from fenxiao.core.errors import DomainError
from fenxiao.core.money import fen_to_yuan
from fenxiao.orders.aftersales import review
from fenxiao.orders.models import AfterSale, AfterSaleStatus

STEP_PAGE = """{% extends "admin/base_site.html" %}
{% load admin_urls %}
{% block breadcrumbs %}
<div class="breadcrumbs">
  <a href="{% url 'admin:index' %}">首页</a>
  &rsaquo; <a href="{% url 'admin:app_list' app_label=opts.app_label %}">{{ opts.app_config.verbose_name }}</a>
  &rsaquo; <a href="{% url opts|admin_urlname:'changelist' %}">{{ opts.verbose_name_plural }}</a>
  {% if obj %}&rsaquo; <a href="{% url opts|admin_urlname:'change' obj.pk %}">{{ obj.after_sale_no }}</a>{% endif %}
  &rsaquo; {{ step_label }}
</div>
{% endblock %}
{% block content %}
<div id="content-main">
  {% if form.non_field_errors %}<p class="errornote">{{ form.non_field_errors|join:" " }}</p>{% endif %}
  <table>
    <thead><tr><th>售后单号</th><th>订单号</th><th>类型</th><th>状态</th><th>退款金额(元)</th><th>原因</th></tr></thead>
    <tbody>
    {% for row in rows %}
      <tr><td>{{ row.no }}</td><td>{{ row.order_no }}</td><td>{{ row.kind }}</td><td>{{ row.status }}</td>
          <td>{{ row.refund }}</td><td>{{ row.reason }}</td></tr>
    {% endfor %}
    </tbody>
  </table>
  <p>{{ prompt }}</p>
  <form method="post">
    {% csrf_token %}
    {% for id in selected %}<input type="hidden" name="_selected_action" value="{{ id }}">{% endfor %}
    {% if action %}
    <input type="hidden" name="action" value="{{ action }}">
    <input type="hidden" name="apply" value="1">
    {% endif %}
    {% if form.fields %}
    <fieldset class="module aligned">
      {% for field in form %}
      <div class="form-row">
        {{ field.errors }}
        <label{% if field.field.required %} class="required"{% endif %}
               for="{{ field.id_for_label }}">{{ field.label }}：</label>
        {{ field }}
        {% if field.help_text %}<div class="help">{{ field.help_text }}</div>{% endif %}
      </div>
      {% endfor %}
    </fieldset>
    {% endif %}
    <div class="submit-row">
      <input type="submit" class="default" value="{{ step_label }}">
      <a href="{{ back_url }}" class="button cancel-link">返回</a>
    </div>
  </form>
</div>
{% endblock %}
"""


@cache
def _step_template():
    return engines["django"].from_string(STEP_PAGE)


class ConfirmForm(forms.Form):
    """A step that needs nothing but the operator's confirmation."""


class RejectForm(forms.Form):
    reason = forms.CharField(
        label="驳回原因", max_length=200, widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="买家会看到该原因",
    )  # fmt: skip


class ReceiveReturnForm(forms.Form):
    restock = forms.BooleanField(
        label="退回库存", required=False, initial=True, help_text="商品完好、可再次销售时勾选；退回的数量记入库存流水"
    )


@dataclass(frozen=True)
class Step:
    name: str  # URL segment and log word
    label: str  # button and page title
    prompt: str
    form: type[forms.Form]
    allowed: tuple[str, ...]  # statuses in which the button shows
    run: Callable[..., AfterSale]

    def call(self, after_sale_id: int, user, data: dict[str, Any]) -> AfterSale:
        return self.run(after_sale_id=after_sale_id, by=user, **data)


STEPS: dict[str, Step] = {
    step.name: step
    for step in (
        Step(
            "approve", "审核通过", "仅退款将立即原路退款；退货退款将通知买家寄回商品。", ConfirmForm,
            (AfterSaleStatus.REQUESTED,), review.aftersale_approve,
        ),
        Step(
            "reject", "驳回", "驳回后买家可重新申请。", RejectForm,
            (AfterSaleStatus.REQUESTED, AfterSaleStatus.RETURN_SHIPPED), review.aftersale_reject,
        ),
        Step(
            "receive-return", "确认收货并退款", "确认已收到买家寄回的商品，随后原路退款。", ReceiveReturnForm,
            (AfterSaleStatus.RETURN_SHIPPED,), review.aftersale_receive_return,
        ),
        Step(
            "retry-refund", "重试退款", "使用同一退款单号重新发起退款，不会重复退款。", ConfirmForm,
            (AfterSaleStatus.REFUND_FAILED,), review.aftersale_refund_retry,
        ),
    )
}  # fmt: skip


def _row(after_sale: AfterSale) -> dict[str, str]:
    return {
        "no": after_sale.after_sale_no,
        "order_no": after_sale.order.order_no,
        "kind": after_sale.get_kind_display(),
        "status": after_sale.get_status_display(),
        "refund": fen_to_yuan(after_sale.refund_fen),
        "reason": after_sale.reason,
    }


def render_step_page(
    model_admin: admin.ModelAdmin, request: HttpRequest, *, step: Step, form: forms.Form, after_sales: list[AfterSale],
    obj: AfterSale | None = None, action: str = "", back_url: str,
) -> HttpResponse:  # fmt: skip
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": f"{step.label}：{obj.after_sale_no}" if obj else f"{step.label}所选售后单",
        "step_label": step.label,
        "prompt": step.prompt,
        "form": form,
        "obj": obj,
        "rows": [_row(a) for a in after_sales],
        "selected": [a.pk for a in after_sales] if action else [],
        "action": action,
        "back_url": back_url,
    }
    return HttpResponse(_step_template().render(context, request))


def step_view(model_admin: admin.ModelAdmin, request: HttpRequest, object_id: str, step_name: str) -> HttpResponse:
    """GET: the confirmation page. POST: run the step, log it, go back to the after-sale."""
    step = STEPS.get(step_name)
    after_sale = model_admin.get_object(request, object_id)
    if step is None or after_sale is None:
        raise Http404("售后单不存在")
    if not model_admin.has_change_permission(request, after_sale):
        raise PermissionDenied
    change_url = reverse("admin:orders_aftersale_change", args=[after_sale.pk])
    form = step.form(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            done = step.call(after_sale.pk, request.user, form.cleaned_data)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            model_admin.log_change(request, done, f"{step.label}（{done.get_status_display()}）")
            level = messages.WARNING if done.status == AfterSaleStatus.REFUND_FAILED else messages.SUCCESS
            messages.add_message(
                request, level, f"售后单 {done.after_sale_no}：{step.label}，当前状态：{done.get_status_display()}"
            )
            return HttpResponseRedirect(change_url)
    return render_step_page(
        model_admin, request, step=step, form=form, after_sales=[after_sale], obj=after_sale, back_url=change_url
    )


def run_bulk(model_admin: admin.ModelAdmin, request: HttpRequest, after_sales: list[AfterSale], step: Step,
             data: dict[str, Any]) -> None:  # fmt: skip
    """Each after-sale is its own transaction; one refusal does not stop the others, and every
    refusal is reported with its after-sale number."""
    done, refused = [], []
    for after_sale in after_sales:
        try:
            result = step.call(after_sale.pk, request.user, data)
        except DomainError as exc:
            refused.append(f"{after_sale.after_sale_no}（{exc.message}）")
            continue
        model_admin.log_change(request, result, f"{step.label}（{result.get_status_display()}）")
        done.append(f"{result.after_sale_no}（{result.get_status_display()}）")
    if done:
        model_admin.message_user(request, f"{step.label}：{'、'.join(done)}", messages.SUCCESS)
    if refused:
        model_admin.message_user(request, f"未能{step.label}：{'、'.join(refused)}", messages.ERROR)
