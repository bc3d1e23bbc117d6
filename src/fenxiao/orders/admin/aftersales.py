"""Operator console for after-sales (registered from ``orders/admin/__init__.py``).

An after-sale is read-only here: it changes only through the steps (审核通过, 驳回, 确认收货并退款,
重试退款), on the after-sale's page or as list actions, and each step calls the same service as
the API, so the console obeys the same rules, shows the same refusals and leaves an admin log
entry plus the after-sale's own trail on the order. Money is shown in yuan."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import NoReverseMatch, path, reverse
from django.utils.html import format_html, format_html_join

from fenxiao.core.admin_columns import name_column, time_column
from fenxiao.core.admin_mixins import ReadOnlyInline, ServiceOnlyAdmin
from fenxiao.core.money import fen_to_yuan
from fenxiao.orders.admin.aftersale_steps import STEPS, RejectForm, render_step_page, run_bulk, step_view
from fenxiao.orders.aftersales import selectors as sel
from fenxiao.orders.models import AfterSale, AfterSaleLine

PHOTO = '<a href="{}" target="_blank" rel="noopener"><img src="{}" alt="" style="height:80px;border-radius:4px"></a>'


class AfterSaleLineInline(ReadOnlyInline):
    model = AfterSaleLine
    fields = ("product", "unit_price", "quantity", "refund")
    readonly_fields = fields
    verbose_name = "售后商品"
    verbose_name_plural = "售后商品"

    @admin.display(description="商品")
    def product(self, line: AfterSaleLine) -> str:
        ol = line.order_line
        return f"{ol.product_title} {ol.sku_specs}".strip()

    @admin.display(description="单价(元)")
    def unit_price(self, line: AfterSaleLine) -> str:
        return fen_to_yuan(line.order_line.unit_price_fen)

    @admin.display(description="退款(元)")
    def refund(self, line: AfterSaleLine) -> str:
        return "-" if line.refund_fen is None else fen_to_yuan(line.refund_fen)


@admin.register(AfterSale)
class AfterSaleAdmin(ServiceOnlyAdmin):
    # The after-sale's number links to its page and carries its order's below: two 24-digit
    # numbers side by side would not fit a 1366 px window (tests/browser/test_admin_lists.py).
    list_display = ("numbers", "buyer_name", "kind", "status", "refund", "created", "handled_by", "operations")
    list_display_links = None
    list_filter = ("status", "kind", "created_at")
    list_select_related = ("order", "buyer", "handled_by")
    search_fields = ("after_sale_no", "order__order_no", "buyer__nickname", "buyer__phone", "buyer__username")
    date_hierarchy = "created_at"
    list_per_page = 50
    inlines = (AfterSaleLineInline,)
    actions = ("approve_selected", "reject_selected", "receive_return_selected", "retry_refund_selected")
    fieldsets = (
        ("售后单", {"fields": (("after_sale_no", "status"), ("order_link", "buyer_name"), "kind", "operations")}),
        ("买家申请", {"fields": ("reason", "description", "photo_thumbnails", "created_at")}),
        ("退款(元)", {"fields": (("refund", "goods_refund", "shipping_refund"), "refund_state", "refunded_at")}),
        ("退货", {"fields": (("return_carrier_name", "return_tracking_no"), "restocked")}),
        ("处理", {"fields": ("handled_by", "reject_reason", "timeline")}),
    )  # fmt: skip
    readonly_fields = ("after_sale_no", "status", "order_link", "buyer_name", "kind", "operations", "reason",
                       "description", "photo_thumbnails", "created_at", "refund", "goods_refund", "shipping_refund",
                       "refund_state", "refunded_at", "return_carrier_name", "return_tracking_no", "restocked",
                       "handled_by", "reject_reason", "timeline")  # fmt: skip

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("lines__order_line")

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/step/<str:step_name>/",
                wrap(lambda request, object_id, step_name: step_view(self, request, object_id, step_name)),
                name="orders_aftersale_step",
            ),
            *super().get_urls(),
        ]

    # -- columns and fields ------------------------------------------------------------------------

    @admin.display(description="售后单号 / 订单号", ordering="after_sale_no")
    def numbers(self, obj: AfterSale):
        own = reverse("admin:orders_aftersale_change", args=[obj.pk])
        return format_html(
            '<a href="{}">{}</a><span class="fx-sub">{}</span>', own, obj.after_sale_no, self.order_link(obj)
        )

    created = time_column("created_at", "申请时间")

    @admin.display(description="订单", ordering="order__order_no")
    def order_link(self, obj: AfterSale):
        try:
            url = reverse("admin:orders_order_change", args=[obj.order_id])
        except NoReverseMatch:
            return obj.order.order_no
        return format_html('<a href="{}">{}</a>', url, obj.order.order_no)

    buyer_name = name_column("buyer.display_name", "买家", ordering="buyer__nickname")

    @admin.display(description="退款金额", ordering="refund_fen")
    def refund(self, obj: AfterSale) -> str:
        return fen_to_yuan(obj.refund_fen)

    @admin.display(description="其中商品")
    def goods_refund(self, obj: AfterSale) -> str:
        return fen_to_yuan(sel.aftersale_goods_fen(obj))

    @admin.display(description="其中运费")
    def shipping_refund(self, obj: AfterSale) -> str:
        return fen_to_yuan(sel.aftersale_shipping_fen(obj))

    @admin.display(description="微信退款")
    def refund_state(self, obj: AfterSale) -> str:
        refund = sel.aftersale_latest_refund(after_sale=obj)
        if refund is None:
            return "-"
        text = f"{refund.get_status_display()}（{refund.out_refund_no}）"
        return f"{text} {refund.error}" if refund.error else text

    @admin.display(description="凭证图片")
    def photo_thumbnails(self, obj: AfterSale):
        if not obj.photos:
            return "-"
        return format_html_join(
            " ",
            PHOTO,
            ((url, url) for url in obj.photos),
        )

    @admin.display(description="处理记录")
    def timeline(self, obj: AfterSale):
        events = sel.aftersale_timeline(after_sale=obj)
        if not events:
            return "-"
        return format_html(
            "<ol>{}</ol>",
            format_html_join(
                "",
                "<li>{} {} {}{}</li>",
                (
                    (
                        f"{e.created_at:%Y-%m-%d %H:%M}",
                        sel.TIMELINE_LABELS.get(e.type, e.type),
                        e.note,
                        f"（{e.actor.get_username()}）" if e.actor else "",
                    )
                    for e in events
                ),
            ),
        )

    @admin.display(description="操作")
    def operations(self, obj: AfterSale):
        links = [
            (reverse("admin:orders_aftersale_step", args=[obj.pk, step.name]), step.label)
            for step in STEPS.values()
            if obj.status in step.allowed
        ]
        if not links:
            return "-"
        return format_html_join(" ", '<a class="button" href="{}">{}</a>', links)

    # -- list actions --------------------------------------------------------------------------------

    def _selected(self, queryset: QuerySet[AfterSale]) -> list[AfterSale]:
        return list(queryset.select_related("order").order_by("id"))

    @admin.action(description="审核通过所选售后单", permissions=["change"])
    def approve_selected(self, request: HttpRequest, queryset: QuerySet[AfterSale]) -> None:
        run_bulk(self, request, self._selected(queryset), STEPS["approve"], {})

    @admin.action(description="驳回所选售后单", permissions=["change"])
    def reject_selected(self, request: HttpRequest, queryset: QuerySet[AfterSale]):
        """Asks for the reason first (an intermediate page), then rejects each one."""
        step, after_sales = STEPS["reject"], self._selected(queryset)
        form = RejectForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            run_bulk(self, request, after_sales, step, form.cleaned_data)
            return None
        return render_step_page(
            self, request, step=step, form=form, after_sales=after_sales, action="reject_selected",
            back_url=reverse("admin:orders_aftersale_changelist"),
        )  # fmt: skip

    @admin.action(description="确认收到退货并退款（退回库存）", permissions=["change"])
    def receive_return_selected(self, request: HttpRequest, queryset: QuerySet[AfterSale]) -> None:
        run_bulk(self, request, self._selected(queryset), STEPS["receive-return"], {"restock": True})

    @admin.action(description="重试退款", permissions=["change"])
    def retry_refund_selected(self, request: HttpRequest, queryset: QuerySet[AfterSale]) -> None:
        run_bulk(self, request, self._selected(queryset), STEPS["retry-refund"], {})
