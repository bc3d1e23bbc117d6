"""The book in the console: read only. Money moves through the services, and a mistake is
corrected by a reversal, never by editing a row."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet, Subquery
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from fenxiao.core.admin_mixins import ReadOnlyAdmin, ReadOnlyInline
from fenxiao.core.money import fen_to_yuan
from fenxiao.ledger.models import Account, LedgerTransaction, Leg
from fenxiao.ledger.selectors import account_balance_derived

INLINE_LEGS = 200
RECENT_LEGS = 20


def _legs_url(**lookup: int) -> str:
    query = "&".join(f"{key}={value}" for key, value in lookup.items())
    return f"{reverse('admin:ledger_leg_changelist')}?{query}"


@admin.register(Account)
class AccountAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "balance", "created_at"]
    search_fields = ["code", "name"]
    fields = ["code", "name", "balance", "derived_balance", "created_at", "recent_legs"]
    readonly_fields = fields

    @admin.display(description="余额(元，缓存)", ordering="balance_fen")
    def balance(self, account: Account) -> str:
        return fen_to_yuan(account.balance_fen)

    @admin.display(description="余额(元，按分录合计)")
    def derived_balance(self, account: Account) -> str:
        derived = account_balance_derived(account.code)
        if derived == account.balance_fen:
            return fen_to_yuan(derived)
        return format_html('<strong style="color:#ba2121">{}（与缓存余额不一致）</strong>', fen_to_yuan(derived))

    @admin.display(description=f"最近 {RECENT_LEGS} 条分录")
    def recent_legs(self, account: Account) -> str:
        legs = account.legs.select_related("transaction").order_by("-id")[:RECENT_LEGS]
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    leg.transaction.created_at.strftime("%Y-%m-%d %H:%M"),
                    leg.transaction.reference,
                    leg.transaction.kind,
                    fen_to_yuan(leg.amount_fen),
                )
                for leg in legs
            ),
        )
        return format_html(
            "<table><tr><th>时间</th><th>凭证号</th><th>类型</th><th>金额(元)</th></tr>{}</table>"
            '<p><a href="{}">查看全部分录</a></p>',
            rows,
            _legs_url(account__id__exact=account.pk),
        )


class LegInline(ReadOnlyInline):
    model = Leg
    fields = ["account", "amount"]
    readonly_fields = fields
    verbose_name_plural = f"分录（最多显示 {INLINE_LEGS} 条）"

    @admin.display(description="金额(元)")
    def amount(self, leg: Leg) -> str:
        return fen_to_yuan(leg.amount_fen)


@admin.register(LedgerTransaction)
class LedgerTransactionAdmin(ReadOnlyAdmin):
    list_display = ["reference", "kind", "memo", "reversal_of", "created_at"]
    list_filter = ["kind"]
    search_fields = ["reference", "=legs__account__code"]
    list_select_related = ["reversal_of"]
    date_hierarchy = "created_at"
    fields = ["reference", "kind", "memo", "created_at", "reversal_of", "reversed_by_link", "legs_summary"]
    readonly_fields = fields
    inlines = [LegInline]

    def get_formset_kwargs(self, request: HttpRequest, obj, inline, prefix: str) -> dict:
        """A settlement can hold tens of thousands of legs: the page shows the first ones and
        links to the rest."""
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, LegInline) and obj is not None:
            first = Leg.objects.filter(transaction=obj).order_by("id").values("id")[:INLINE_LEGS]
            kwargs["queryset"] = Leg.objects.filter(id__in=Subquery(first)).select_related("account").order_by("id")
        return kwargs

    @admin.display(description="被冲正")
    def reversed_by_link(self, tx: LedgerTransaction) -> str:
        reversal = LedgerTransaction.objects.filter(reversal_of=tx).first()
        if reversal is None:
            return "-"
        url = reverse("admin:ledger_ledgertransaction_change", args=[reversal.pk])
        return format_html('<a href="{}">{}</a>', url, reversal.reference)

    @admin.display(description="分录")
    def legs_summary(self, tx: LedgerTransaction) -> str:
        count = tx.legs.count()
        return format_html('共 {} 条 <a href="{}">查看全部分录</a>', count, _legs_url(transaction__id__exact=tx.pk))


@admin.register(Leg)
class LegAdmin(ReadOnlyAdmin):
    list_display = ["id", "transaction", "account", "amount", "created_at"]
    search_fields = ["=transaction__reference", "=account__code"]
    list_select_related = ["transaction", "account"]
    fields = ["transaction", "account", "amount", "created_at"]
    readonly_fields = fields
    show_full_result_count = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Leg]:
        return super().get_queryset(request).order_by("-id")

    @admin.display(description="金额(元)", ordering="amount_fen")
    def amount(self, leg: Leg) -> str:
        return fen_to_yuan(leg.amount_fen)

    @admin.display(description="记账时间")
    def created_at(self, leg: Leg):
        return leg.transaction.created_at
