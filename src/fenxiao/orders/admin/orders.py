"""Operator console for orders (shipping templates: ``shipping_templates.py``).

Orders are read-only here: they change only through the services (ship, cancel), which the
"发货" page and the list actions call, so the console obeys the same rules as the API and every
change leaves an ``OrderEvent`` plus an admin log entry. Shipping fees are typed in yuan and
stored in fen; provinces are typed as a list separated by commas or 顿号."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.html import format_html

from fenxiao.core.admin_columns import name_column, time_column
from fenxiao.core.admin_mixins import ReadOnlyInline, ServiceOnlyAdmin
from fenxiao.core.errors import DomainError
from fenxiao.core.money import yuan
from fenxiao.orders.admin.bulk_shipping import bulk_ship_view, bulk_template_view
from fenxiao.orders.admin.operator_refund import operator_refund_view
from fenxiao.orders.models import Order, OrderEvent, OrderLine, OrderStatus, Shipment, event_label
from fenxiao.orders.services import order_cancel
from fenxiao.orders.shipping.shipments import order_ship, shippable_quantities
from fenxiao.orders.shipping.tracking import CARRIERS, STATUS_LABELS
from fenxiao.orders.shipping.wechat_upload import shipment_upload_retry
from fenxiao.orders.transitions import status_label

# Province-level names as WeChat's address picker writes them (the shipping rule matches the
# order's province exactly), and the short forms operators type.


def yuan_column(field: str, label: str):
    """A read-only column showing a ``*_fen`` field in yuan."""

    @admin.display(description=label, ordering=field)
    def column(model_admin, obj) -> str:
        return yuan(getattr(obj, field))

    return column


class OrderLineInline(ReadOnlyInline):
    model = OrderLine
    fields = (
        "product_title",
        "sku_specs",
        "sku_code",
        "unit_price",
        "quantity",
        "paid",
        "shipped_quantity",
        "refunded_quantity",
    )
    readonly_fields = ("unit_price", "paid")

    @admin.display(description="单价(元)")
    def unit_price(self, line: OrderLine) -> str:
        return yuan(line.unit_price_fen)

    @admin.display(description="实付(元)")
    def paid(self, line: OrderLine) -> str:
        return yuan(line.paid_fen)


class ShipmentInline(ReadOnlyInline):
    model = Shipment
    fields = (
        "carrier_name",
        "tracking_no",
        "items",
        "shipped_by",
        "created_at",
        "parcel_state",
        "delivered_at",
        "wechat_upload",
        "wechat_upload_error",
    )
    readonly_fields = ("items", "created_at", "parcel_state", "delivered_at")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("shipped_by").prefetch_related("lines__order_line")

    @admin.display(description="商品")
    def items(self, shipment: Shipment) -> str:
        return "、".join(f"{sl.order_line.product_title}×{sl.quantity}" for sl in shipment.lines.all())

    @admin.display(description="物流")
    def parcel_state(self, shipment: Shipment) -> str:
        """The stored trace's newest event, as the shopper sees it (refreshed by the sweep)."""
        newest = (shipment.trace or [{}])[0]
        label = STATUS_LABELS.get(shipment.trace_status, "暂无轨迹")
        return f"{label}：{newest['description']}" if newest.get("description") else label


class OrderEventInline(ReadOnlyInline):
    model = OrderEvent
    fields = ("created_at", "event", "from_label", "to_label", "actor", "note")
    readonly_fields = ("created_at", "event", "from_label", "to_label")

    @admin.display(description="事件")
    def event(self, obj: OrderEvent) -> str:
        return event_label(obj.type)

    @admin.display(description="原状态")
    def from_label(self, obj: OrderEvent) -> str:
        return status_label(obj.from_status) if obj.from_status else "-"

    @admin.display(description="新状态")
    def to_label(self, obj: OrderEvent) -> str:
        return status_label(obj.to_status) if obj.to_status else "-"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


class BuyerFilter(admin.SimpleListFilter):
    """A text box, not a list: a shop has far too many buyers to list. Takes an id, a username or
    part of a nickname."""

    title = "买家"
    parameter_name = "buyer"
    template = "admin/orders/order/input_filter.html"

    def lookups(self, request, model_admin):
        return [(self.value(), self.value())] if self.value() else []

    def has_output(self) -> bool:
        return True

    def choices(self, changelist):
        yield {
            "value": self.value() or "",
            "hidden": [(k, v) for k, v in changelist.params.items() if k != self.parameter_name],
            "clear_url": changelist.get_query_string(remove=[self.parameter_name]),
        }

    def queryset(self, request, queryset):
        value = (self.value() or "").strip()
        if not value:
            return queryset
        if value.isdigit():
            return queryset.filter(buyer_id=int(value))
        return queryset.filter(Q(buyer__username=value) | Q(buyer__nickname__icontains=value))


class ShipForm(forms.Form):
    carrier_code = forms.ChoiceField(label="快递公司", choices=[("", "请选择"), *((c.code, c.name) for c in CARRIERS)])
    tracking_no = forms.CharField(label="运单号", max_length=64)

    def __init__(self, *args, order: Order, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_lines = list(order.lines.order_by("id"))
        self.available = shippable_quantities(order, self.order_lines)
        for line in self.order_lines:
            left = self.available[line.id]
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
        return [(line, self.available[line.id], self[f"line_{line.id}"]) for line in self.order_lines]

    def clean(self):
        data = super().clean()
        self.lines = [(line.id, data[f"line_{line.id}"]) for line in self.order_lines if data.get(f"line_{line.id}")]
        if not self.lines and not self.errors:
            raise forms.ValidationError("请至少发货一件商品")
        return data


@admin.register(Order)
class OrderAdmin(ServiceOnlyAdmin):
    change_form_template = "admin/orders/order/change_form.html"
    change_list_template = "admin/orders/order/change_list.html"
    list_display = ("order_no", "buyer_name", "status", "payable", "consignee", "created", "ship_link")
    list_filter = ("status", "fulfilment_hold", BuyerFilter)
    list_select_related = ("buyer",)
    date_hierarchy = "created_at"
    search_fields = ("order_no", "receiver", "receiver_phone", "buyer__username", "buyer__nickname")
    list_per_page = 50
    inlines = (OrderLineInline, ShipmentInline, OrderEventInline)
    actions = ("cancel_unpaid", "retry_wechat_upload")
    fieldsets = (
        (
            "订单",
            {
                "fields": (
                    ("order_no", "status", "fulfilment_hold"),
                    "buyer",
                    ("created_at", "paid_at", "shipped_at"),
                    ("received_at", "completed_at"),
                    ("cancelled_at", "closed_at"),
                )
            },
        ),
        ("金额(元)", {"fields": (("goods", "shipping", "discount"), ("payable", "paid", "refunded"))}),
        ("收货信息", {"fields": (("receiver", "receiver_phone"), "full_address", "remark")}),
    )

    def get_readonly_fields(self, request, obj=None):
        return flatten_fieldsets(self.fieldsets)  # every field: orders change through the services only

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("bulk-ship/", wrap(self.bulk_ship_view), name="orders_order_bulk_ship"),
            path(
                "bulk-ship/template.<str:kind>",
                wrap(self.bulk_template_view),
                name="orders_order_bulk_ship_template",
            ),
            path("<path:object_id>/ship/", wrap(self.ship_view), name="orders_order_ship"),
            path(
                "<path:object_id>/operator-refund/",
                wrap(self.operator_refund_view),
                name="orders_order_operator_refund",
            ),
            *super().get_urls(),
        ]

    buyer_name = name_column("buyer.display_name", "买家", ordering="buyer__nickname")

    @admin.display(description="收货人", ordering="receiver")
    def consignee(self, order: Order) -> str:
        return format_html('{}<span class="fx-sub">{}</span>', order.receiver, order.receiver_phone)

    created = time_column("created_at", "下单时间")
    payable = yuan_column("payable_fen", "应付(元)")
    goods = yuan_column("goods_fen", "商品金额")
    shipping = yuan_column("shipping_fen", "运费")
    discount = yuan_column("discount_fen", "优惠")
    paid = yuan_column("paid_fen", "实付")
    refunded = yuan_column("refunded_fen", "已退款")

    @admin.display(description="收货地址")
    def full_address(self, order: Order) -> str:
        return f"{order.province}{order.city}{order.district}{order.address_detail}"

    @admin.display(description="操作")
    def ship_link(self, order: Order) -> str:
        if order.status != OrderStatus.PAID:
            return "-"
        if order.fulfilment_hold:
            return order.get_fulfilment_hold_display()
        return format_html('<a href="{}">发货</a>', reverse("admin:orders_order_ship", args=[order.pk]))

    def ship_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """One parcel per submit: carrier, tracking number and how many of each line it holds."""
        order = self.get_object(request, object_id)
        if order is None:
            raise Http404("订单不存在")
        if not self.has_change_permission(request, order):
            raise PermissionDenied
        form = ShipForm(request.POST or None, order=order)
        if request.method == "POST" and form.is_valid():
            try:
                shipment = order_ship(
                    order_id=order.pk,
                    by=request.user,
                    carrier_code=form.cleaned_data["carrier_code"],
                    tracking_no=form.cleaned_data["tracking_no"],
                    lines=form.lines,
                )
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                self.log_change(request, order, f"发货：{shipment}")
                messages.success(request, f"已发货：{shipment}")
                return HttpResponseRedirect(reverse("admin:orders_order_change", args=[order.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"发货：{order.order_no}",
            "order": order,
            "form": form,
            "shipments": order.shipments.order_by("id"),
        }
        return render(request, "admin/orders/order/ship.html", context)

    def bulk_ship_view(self, request: HttpRequest) -> HttpResponse:
        """批量发货: upload, preview, apply (``bulk_shipping.py``)."""
        return bulk_ship_view(self, request)

    def bulk_template_view(self, request: HttpRequest, kind: str) -> HttpResponse:
        if kind not in ("csv", "xlsx"):
            raise Http404("模板不存在")
        return bulk_template_view(self, request, kind)

    def operator_refund_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """A completed order's money back, whole or per line and quantity (``operator_refund``)."""
        return operator_refund_view(self, request, object_id)

    @admin.action(description="取消所选未付款订单", permissions=["change"])
    def cancel_unpaid(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        done, skipped = 0, []
        for order in queryset.order_by("id"):
            if order.status != OrderStatus.PENDING_PAYMENT:
                skipped.append(order.order_no)
                continue
            try:
                order_cancel(order_id=order.pk, by=request.user, reason="运营取消")
            except DomainError as exc:
                skipped.append(f"{order.order_no}（{exc.message}）")
                continue
            self.log_change(request, order, "取消订单")
            done += 1
        if done:
            self.message_user(request, f"已取消 {done} 个订单", messages.SUCCESS)
        if skipped:
            listed = "、".join(skipped)
            self.message_user(request, f"以下订单未取消（非待付款，或微信支付未能关单）：{listed}", messages.WARNING)

    @admin.action(description="重新上传微信发货信息", permissions=["change"])
    def retry_wechat_upload(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        waiting = Shipment.objects.filter(
            order__in=queryset, wechat_upload__in=(Shipment.UploadState.PENDING, Shipment.UploadState.FAILED)
        ).order_by("order_id", "id")
        tried: dict[int, Shipment] = {}
        for shipment in waiting:
            if shipment.order_id not in tried:  # one upload sends the whole order's parcels
                tried[shipment.order_id] = shipment_upload_retry(shipment_id=shipment.pk)
        states = [s.get_wechat_upload_display() for s in tried.values()]
        if not tried:
            self.message_user(request, "所选订单没有待上传或上传失败的发货信息", messages.INFO)
        else:
            self.message_user(request, f"已处理 {len(tried)} 个订单：{'、'.join(states)}", messages.INFO)


# ---- shipping templates ---------------------------------------------------------------------
