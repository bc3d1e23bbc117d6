"""Read-only records in the console: commission records (net of refunds, with their settle
dates) and who referred whom: the current binding, its history and each order's chain as it
stood when the order was placed."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import F
from django.urls import reverse
from django.utils.html import format_html

from fenxiao.core.admin_columns import NAME_EM, clipped, stamp
from fenxiao.core.admin_mixins import ReadOnlyAdmin
from fenxiao.core.money import yuan
from fenxiao.distribution.admin.views import admin_link
from fenxiao.distribution.config.rules import bps_percent
from fenxiao.distribution.models import (
    CommissionRecord,
    CommissionStatus,
    Distributor,
    OrderReferral,
    Referral,
    ReferralChange,
)


@admin.register(CommissionRecord)
class CommissionRecordAdmin(ReadOnlyAdmin):
    # Who earned it by name; the net under the commission when a refund cut it; one 结算 column
    # (when it settled, or when it is due to); the record's own time is the date filter's: the
    # list fits a 1366 px window (tests/browser/test_admin_lists.py).
    list_display = ("id", "distributor_name", "order_no", "level", "base", "rate", "amount_and_net", "status",
                    "settlement")  # fmt: skip
    list_filter = ("status", "level")
    list_select_related = ("distributor__user", "order")
    search_fields = ("order__order_no", "distributor__code", "distributor__real_name", "distributor__user__nickname")
    date_hierarchy = "created_at"
    list_per_page = 50
    fields = ("distributor", "order_no", "order_line", "buyer", "level", "base", "rate", "amount", "refunded_base",
              "reversed", "clawback", "net", "status", "settle_after", "settled_at", "created_at")  # fmt: skip
    readonly_fields = fields

    def get_queryset(self, request):
        net = F("amount_fen") - F("reversed_fen") - F("clawback_fen")
        return super().get_queryset(request).annotate(net_amount=net)

    @admin.display(description="分销商", ordering="distributor__real_name")
    def distributor_name(self, r: CommissionRecord) -> str:
        d = r.distributor
        link = reverse("admin:distribution_distributor_change", args=[d.pk])
        name = clipped(d.real_name or d.user.display_name, width_em=NAME_EM, link=link)
        return format_html('{}<span class="fx-sub">{}</span>', name, d.code)

    @admin.display(description="订单号", ordering="order__order_no")
    def order_no(self, r: CommissionRecord) -> str:
        return admin_link("admin:orders_order_change", [r.order_id], r.order.order_no)

    @admin.display(description="结算", ordering="settle_after")
    def settlement(self, r: CommissionRecord) -> str:
        if r.settled_at is not None:
            return stamp(r.settled_at)
        if r.settle_after is not None and r.status == CommissionStatus.PENDING:
            return format_html('<span class="fx-sub">预计</span>{}', stamp(r.settle_after))
        return "-"

    @admin.display(description="计佣金额(元)", ordering="base_fen")
    def base(self, r: CommissionRecord) -> str:
        return yuan(r.base_fen)

    @admin.display(description="比例")
    def rate(self, r: CommissionRecord) -> str:
        if r.fixed_unit_fen is not None:
            return f"每件 {yuan(r.fixed_unit_fen)} 元"
        return bps_percent(r.rate_bps) if r.rate_bps is not None else "-"

    @admin.display(description="佣金(元)", ordering="amount_fen")
    def amount(self, r: CommissionRecord) -> str:
        return yuan(r.amount_fen)

    @admin.display(description="已退款计佣金额(元)")
    def refunded_base(self, r: CommissionRecord) -> str:
        return yuan(r.refunded_base_fen)

    @admin.display(description="结算前冲减(元)")
    def reversed(self, r: CommissionRecord) -> str:
        return yuan(r.reversed_fen)

    @admin.display(description="结算后追回(元)")
    def clawback(self, r: CommissionRecord) -> str:
        return yuan(r.clawback_fen)

    @admin.display(description="净佣金(元)", ordering="net_amount")
    def net(self, r: CommissionRecord) -> str:
        return yuan(r.net_fen)

    @admin.display(description="佣金(元)", ordering="net_amount")
    def amount_and_net(self, r: CommissionRecord) -> str:
        if r.net_fen == r.amount_fen:
            return yuan(r.amount_fen)
        return format_html('{}<span class="fx-sub">净 {}</span>', yuan(r.amount_fen), yuan(r.net_fen))


USER_SEARCH = ("user__username", "user__nickname", "user__phone")


@admin.register(Referral)
class ReferralAdmin(ReadOnlyAdmin):
    list_display = ("user_name", "distributor", "source", "bound_at", "created_at")
    list_filter = ("source",)
    list_select_related = ("user", "distributor")
    search_fields = (*USER_SEARCH, "distributor__code")
    date_hierarchy = "bound_at"

    @admin.display(description="用户", ordering="user__nickname")
    def user_name(self, r: Referral) -> str:
        return r.user.display_name


@admin.register(ReferralChange)
class ReferralChangeAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "user_name", "previous", "distributor", "source")
    list_filter = ("source",)
    list_select_related = ("user", "distributor", "previous")
    search_fields = (*USER_SEARCH, "distributor__code", "previous__code")
    date_hierarchy = "created_at"

    @admin.display(description="用户", ordering="user__nickname")
    def user_name(self, r: ReferralChange) -> str:
        return r.user.display_name


def _chain_text(chain: list[int], codes: dict[int, str]) -> str:
    return " → ".join(f"{level}级 {codes.get(d, d)}" for level, d in enumerate(chain, start=1)) or "无推荐人"


@admin.register(OrderReferral)
class OrderReferralAdmin(ReadOnlyAdmin):
    list_display = ("order_no", "buyer_name", "chain_shown", "self_purchase", "booked_at", "created_at")
    list_filter = ("self_purchase",)
    list_select_related = ("order", "buyer")
    search_fields = ("order__order_no", "buyer__username", "buyer__nickname", "buyer__phone")
    date_hierarchy = "created_at"
    fields = ("order_no", "buyer_name", "chain_shown", "self_purchase", "booked_at", "created_at")
    readonly_fields = fields

    def get_changelist_instance(self, request):
        """The chain holds distributor ids: one query for the codes of the whole page."""
        changelist = super().get_changelist_instance(request)
        rows = list(changelist.result_list)
        codes = dict(Distributor.objects.filter(pk__in={d for r in rows for d in r.chain}).values_list("id", "code"))
        for row in rows:
            row.chain_codes = codes
        return changelist

    @admin.display(description="订单号", ordering="order__order_no")
    def order_no(self, r: OrderReferral) -> str:
        return admin_link("admin:orders_order_change", [r.order_id], r.order.order_no)

    @admin.display(description="买家", ordering="buyer__nickname")
    def buyer_name(self, r: OrderReferral) -> str:
        return r.buyer.display_name

    @admin.display(description="推荐链")
    def chain_shown(self, r: OrderReferral) -> str:
        codes = getattr(r, "chain_codes", None)
        if codes is None:
            codes = dict(Distributor.objects.filter(pk__in=r.chain).values_list("id", "code"))
        return _chain_text(r.chain, codes)
