"""The operator's work in the console: distributors (figures per row, suspend and resume), the
application queue (通过 / 驳回) and the withdrawal queue (审核通过 / 驳回 / 标记已打款). Records
change only through the ``enrolment`` and ``withdrawals`` services, one call per record, so every
decision obeys the same rules as the API and is in the audit log; refusals are shown, never a 500.
Phones and card numbers are masked in lists; a withdrawal's page shows the whole card number to
the operator who pays it."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.utils.html import format_html, format_html_join

from fenxiao.core.admin_columns import NAME_EM, clipped, name_column, stamp, time_column
from fenxiao.core.admin_mixins import ServiceOnlyAdmin
from fenxiao.core.masking import mask_account_no, mask_name, mask_phone
from fenxiao.core.money import yuan
from fenxiao.distribution import ledger_accounts
from fenxiao.distribution.admin.forms import BankPaidForm, ConfirmForm, reason_form
from fenxiao.distribution.admin.views import (
    DefaultStatusFilter,
    Step,
    StepAdmin,
    admin_link,
    changelist_link,
)
from fenxiao.distribution.models import (
    ApplicationStatus,
    BecomePolicy,
    Distributor,
    DistributorApplication,
    DistributorStatus,
    Withdrawal,
    WithdrawalMethod,
    WithdrawalStatus,
)
from fenxiao.distribution.network import enrolment
from fenxiao.distribution.network.figures import distributor_figures
from fenxiao.distribution.withdrawals import review
from fenxiao.ledger.selectors import account_balances


def _suspend(distributor: Distributor, actor_id: int, data: dict) -> Distributor:
    return enrolment.distributor_suspend(distributor_id=distributor.pk, actor_id=actor_id, reason=data["reason"])


def _resume(distributor: Distributor, actor_id: int, data: dict) -> Distributor:
    return enrolment.distributor_resume(distributor_id=distributor.pk, actor_id=actor_id)


@admin.register(Distributor)
class DistributorAdmin(StepAdmin, ServiceOnlyAdmin):
    list_display = ("code", "masked_phone", "name", "tier", "status", "team_size", "settled_sales",
                    "commission_earned", "complaints", "joined", "operations")  # fmt: skip
    list_filter = ("status", "tier")
    list_select_related = ("user", "tier")
    search_fields = ("code", "phone", "user__phone", "user__nickname", "real_name")
    date_hierarchy = "joined_at"
    list_per_page = 50
    actions = ("suspend_selected", "resume_selected")
    fieldsets = (
        ("分销商", {"fields": (("code", "status"), "user_link", "tier", "source_label", "joined_at")}),
        ("身份", {"fields": ("real_name", "phone")}),
        ("业绩", {"fields": (("team_size", "settled_sales", "commission_earned", "complaints"), "related_links")}),
        ("佣金余额(元)", {"fields": ("balances",)}),
        ("暂停", {"fields": ("suspended_at", "suspend_reason")}),
        ("操作", {"fields": ("operations",)}),
    )
    steps = (
        Step("suspend", "暂停", "暂停后新支付的订单不再为其计佣，已产生的佣金照常结算。",
             reason_form("暂停原因", "记入审计日志"), lambda d: d.status == DistributorStatus.ACTIVE, _suspend),
        Step("resume", "恢复", "恢复后新支付的订单重新为其计佣。", ConfirmForm,
             lambda d: d.status == DistributorStatus.SUSPENDED, _resume),
    )  # fmt: skip
    step_columns = (
        ("推广码", lambda d: d.code),
        ("姓名", lambda d: mask_name(d.real_name) if d.real_name else d.user.display_name),
        ("手机号", lambda d: mask_phone(d.phone or d.user.phone)),
        ("等级", lambda d: d.tier.name),
        ("状态", lambda d: d.get_status_display()),
    )

    def get_queryset(self, request):
        return distributor_figures(super().get_queryset(request).select_related("user", "tier"))

    def get_readonly_fields(self, request, obj=None):
        return flatten_fieldsets(self.fieldsets)

    @admin.action(description="暂停所选分销商", permissions=["change"])
    def suspend_selected(self, request, queryset):
        return self.bulk_step(request, queryset, "suspend", "suspend_selected")

    @admin.action(description="恢复所选分销商", permissions=["change"])
    def resume_selected(self, request, queryset):
        return self.bulk_step(request, queryset, "resume", "resume_selected")

    @admin.display(description="手机号", ordering="phone")
    def masked_phone(self, d: Distributor) -> str:
        return mask_phone(d.phone or d.user.phone) or "-"

    @admin.display(description="姓名")
    def name(self, d: Distributor) -> str:
        """A real name shows masked in lists (issue 19 §3); the record's page has it whole."""
        return clipped(mask_name(d.real_name) if d.real_name else d.user.display_name, width_em=NAME_EM)

    joined = time_column("joined_at", "加入时间")

    @admin.display(description="一级团队(人)", ordering="team_size")
    def team_size(self, d: Distributor) -> int:
        return d.team_size

    @admin.display(description="已结算销售(元)", ordering="settled_sales_fen")
    def settled_sales(self, d: Distributor) -> str:
        return yuan(d.settled_sales_fen)

    @admin.display(description="累计佣金(元)", ordering="commission_fen")
    def commission_earned(self, d: Distributor) -> str:
        return yuan(d.commission_fen)

    @admin.display(description="投诉", ordering="complaint_count")
    def complaints(self, d: Distributor) -> str:
        if not d.complaint_count:
            return "0"
        return changelist_link("risk_complaint", f"distributor_user={d.user_id}&state=all", str(d.complaint_count))

    @admin.display(description="用户")
    def user_link(self, d: Distributor) -> str:
        return admin_link("admin:accounts_user_change", [d.user_id], d.user.display_name)

    @admin.display(description="成为方式")
    def source_label(self, d: Distributor) -> str:
        return BecomePolicy(d.source).label if d.source in BecomePolicy.values else d.source

    @admin.display(description="查看")
    def related_links(self, d: Distributor) -> str:
        query = f"distributor__id__exact={d.pk}"
        return format_html(
            "{} {} {}",
            changelist_link("distribution_commissionrecord", query, "佣金记录"),
            changelist_link("distribution_withdrawal", f"{query}&status=all", "提现记录"),
            changelist_link("distribution_referral", query, "团队成员"),
        )

    @admin.display(description="余额")
    def balances(self, d: Distributor) -> str:
        codes = {
            ledger_accounts.pending(d.pk): ledger_accounts.BUCKET_NAMES["pending"],
            ledger_accounts.available(d.pk): ledger_accounts.BUCKET_NAMES["available"],
            ledger_accounts.withdrawing(d.pk): ledger_accounts.BUCKET_NAMES["withdrawing"],
        }
        found = account_balances(codes)
        rows = ((label, yuan(found[code])) for code, label in codes.items())
        return format_html(
            "{}<p>{}</p>",
            format_html_join("", "<div>{}：{} 元</div>", rows),
            changelist_link("ledger_account", f"q=distributor:{d.pk}:", "查看台账"),
        )

    @admin.display(description="操作")
    def operations(self, d: Distributor) -> str:
        return self.step_links(d)


class ApplicationStatusFilter(DefaultStatusFilter):
    default = ApplicationStatus.PENDING
    statuses = list(ApplicationStatus.choices)


def _approve_application(application: DistributorApplication, actor_id: int, data: dict) -> DistributorApplication:
    enrolment.application_approve(application_id=application.pk, actor_id=actor_id)
    application.refresh_from_db()
    return application


def _reject_application(application: DistributorApplication, actor_id: int, data: dict) -> DistributorApplication:
    return enrolment.application_reject(application_id=application.pk, actor_id=actor_id, reason=data["reason"])


@admin.register(DistributorApplication)
class DistributorApplicationAdmin(StepAdmin, ServiceOnlyAdmin):
    list_display = ("id", "applicant", "masked_real_name", "masked_phone", "short_reason", "status", "created",
                    "review", "operations")  # fmt: skip
    list_filter = (ApplicationStatusFilter,)
    list_select_related = ("user", "reviewed_by")
    search_fields = ("real_name", "phone", "user__nickname", "user__username", "user__phone")
    date_hierarchy = "created_at"
    list_per_page = 50
    actions = ("approve_selected", "reject_selected")
    fieldsets = (
        ("申请", {"fields": (("status", "created_at"), "applicant", ("real_name", "phone"), "reason")}),
        ("审核", {"fields": ("reviewed_by", "reviewed_at", "reject_reason", "operations")}),
    )
    steps = (
        Step("approve", "通过", "通过后申请人立即成为分销商，获得推广码。", ConfirmForm,
             lambda a: a.status == ApplicationStatus.PENDING, _approve_application),
        Step("reject", "驳回", "驳回后申请人可重新申请。", reason_form("驳回原因", "申请人会看到该原因"),
             lambda a: a.status == ApplicationStatus.PENDING, _reject_application),
    )  # fmt: skip
    step_columns = (
        ("申请", lambda a: f"#{a.pk}"),
        ("申请人", lambda a: a.user.display_name),
        ("真实姓名", lambda a: mask_name(a.real_name)),
        ("手机号", lambda a: mask_phone(a.phone)),
        ("申请理由", lambda a: a.reason),
        ("状态", lambda a: a.get_status_display()),
    )

    def get_readonly_fields(self, request, obj=None):
        return flatten_fieldsets(self.fieldsets)

    @admin.action(description="通过所选申请", permissions=["change"])
    def approve_selected(self, request, queryset):
        return self.bulk_step(request, queryset.select_related("user"), "approve", "approve_selected")

    @admin.action(description="驳回所选申请", permissions=["change"])
    def reject_selected(self, request, queryset):
        return self.bulk_step(request, queryset.select_related("user"), "reject", "reject_selected")

    applicant = name_column("user.display_name", "申请人", ordering="user__nickname")

    @admin.display(description="真实姓名", ordering="real_name")
    def masked_real_name(self, a: DistributorApplication) -> str:
        return mask_name(a.real_name) or "-"

    @admin.display(description="手机号", ordering="phone")
    def masked_phone(self, a: DistributorApplication) -> str:
        return mask_phone(a.phone)

    @admin.display(description="申请理由")
    def short_reason(self, a: DistributorApplication) -> str:
        return clipped(a.reason, width_em=10)

    created = time_column("created_at", "申请时间")

    @admin.display(description="审核", ordering="reviewed_at")
    def review(self, a: DistributorApplication) -> str:
        """Who decided, and when, in one column (the list fits a 1366 px window)."""
        if a.reviewed_at is None:
            return "-"
        who = clipped(a.reviewed_by.display_name if a.reviewed_by else "系统", width_em=NAME_EM)
        return format_html('{}<span class="fx-sub">{}</span>', who, stamp(a.reviewed_at))

    @admin.display(description="操作")
    def operations(self, a: DistributorApplication) -> str:
        return self.step_links(a)


class WithdrawalStatusFilter(DefaultStatusFilter):
    default = WithdrawalStatus.REVIEWING
    statuses = list(WithdrawalStatus.choices)


def _approve_withdrawal(w: Withdrawal, actor_id: int, data: dict) -> Withdrawal:
    return review.withdrawal_approve(withdrawal_id=w.pk, actor_id=actor_id)


def _reject_withdrawal(w: Withdrawal, actor_id: int, data: dict) -> Withdrawal:
    return review.withdrawal_reject(withdrawal_id=w.pk, actor_id=actor_id, reason=data["reason"])


def _mark_paid(w: Withdrawal, actor_id: int, data: dict) -> Withdrawal:
    return review.withdrawal_mark_bank_paid(withdrawal_id=w.pk, actor_id=actor_id, reference=data["reference"])


def _bank_awaiting_payment(w: Withdrawal) -> bool:
    return w.status == WithdrawalStatus.APPROVED and w.method == WithdrawalMethod.BANK


@admin.register(Withdrawal)
class WithdrawalAdmin(StepAdmin, ServiceOnlyAdmin):
    # The fee sits under the amount and the card under the method: the list fits a 1366 px
    # window (tests/browser/test_admin_lists.py).
    list_display = ("out_bill_no", "distributor_name", "amount_and_fee", "net", "method_and_account", "status",
                    "created", "operations")  # fmt: skip
    list_filter = (WithdrawalStatusFilter, "method")
    list_select_related = ("distributor__user",)
    search_fields = ("out_bill_no", "distributor__code", "bank_account_name", "paid_reference")
    date_hierarchy = "created_at"
    list_per_page = 50
    actions = ("approve_selected", "reject_selected")
    fieldsets = (
        ("提现", {"fields": (("out_bill_no", "status"), ("distributor_link", "method"), ("amount", "fee", "net"),
                            "created_at")}),
        ("银行卡", {"fields": ("bank_name", "bank_account_name", "bank_account_no", "paid_reference")}),
        ("微信转账", {"fields": ("transfer_bill_no", "transfer_state", "submitted_at", "last_queried_at",
                                 "anomaly")}),
        ("审核与结果", {"fields": (("reviewed_by", "reviewed_at"), "reject_reason", "fail_reason",
                                   ("paid_at", "closed_at"), "operations")}),
    )  # fmt: skip
    steps = (
        Step("approve", "审核通过", "微信提现通过后自动发起商家转账；银行卡提现通过后请线下转账，再标记已打款。",
             ConfirmForm, lambda w: w.status == WithdrawalStatus.REVIEWING, _approve_withdrawal),
        Step("reject", "驳回", "驳回后提现金额退回分销商的可提现余额。",
             reason_form("驳回原因", "分销商会看到该原因"),
             lambda w: w.status == WithdrawalStatus.REVIEWING or _bank_awaiting_payment(w), _reject_withdrawal),
        Step("mark-paid", "标记已打款", "确认已通过银行转账把实到金额付给分销商。", BankPaidForm,
             _bank_awaiting_payment, _mark_paid),
    )  # fmt: skip
    step_columns = (
        ("转账单号", lambda w: w.out_bill_no),
        ("分销商", lambda w: w.distributor.code),
        ("提现金额(元)", lambda w: yuan(w.amount_fen)),
        ("实到(元)", lambda w: yuan(w.net_fen)),
        ("方式", lambda w: w.get_method_display()),
        ("收款账户", lambda w: f"{w.bank_name} {w.bank_account_name} {w.bank_account_no}".strip() or "-"),
        ("状态", lambda w: w.get_status_display()),
    )

    def get_readonly_fields(self, request, obj=None):
        return flatten_fieldsets(self.fieldsets)

    @admin.action(description="审核通过所选提现", permissions=["change"])
    def approve_selected(self, request, queryset):
        return self.bulk_step(request, queryset, "approve", "approve_selected")

    @admin.action(description="驳回所选提现", permissions=["change"])
    def reject_selected(self, request, queryset):
        return self.bulk_step(request, queryset, "reject", "reject_selected")

    @admin.display(description="分销商")
    def distributor_link(self, w: Withdrawal) -> str:
        return admin_link("admin:distribution_distributor_change", [w.distributor_id], w.distributor.code)

    @admin.display(description="提现金额(元)", ordering="amount_fen")
    def amount(self, w: Withdrawal) -> str:
        return yuan(w.amount_fen)

    @admin.display(description="手续费(元)")
    def fee(self, w: Withdrawal) -> str:
        return yuan(w.fee_fen)

    @admin.display(description="实到(元)")
    def net(self, w: Withdrawal) -> str:
        return yuan(w.net_fen)

    @admin.display(description="分销商", ordering="distributor__code")
    def distributor_name(self, w: Withdrawal) -> str:
        d = w.distributor
        name = clipped(mask_name(d.real_name) if d.real_name else d.user.display_name, width_em=NAME_EM)
        return format_html('{}<span class="fx-sub">{}</span>', name, d.code)

    @admin.display(description="提现金额(元)", ordering="amount_fen")
    def amount_and_fee(self, w: Withdrawal) -> str:
        if not w.fee_fen:
            return yuan(w.amount_fen)
        return format_html('{}<span class="fx-sub">手续费 {}</span>', yuan(w.amount_fen), yuan(w.fee_fen))

    @admin.display(description="方式", ordering="method")
    def method_and_account(self, w: Withdrawal) -> str:
        if not w.bank_account_no:
            return w.get_method_display()
        return format_html(
            '{}<span class="fx-sub">{}</span>', w.get_method_display(), mask_account_no(w.bank_account_no)
        )

    created = time_column("created_at", "申请时间")

    @admin.display(description="操作")
    def operations(self, w: Withdrawal) -> str:
        return self.step_links(w)
