"""The merchant's configuration in the console (DESIGN §5, §7): the settings singleton, tiers and
product commission, which save through ``distribution.config`` so the console refuses what the
API refuses, in the same words, and every accepted change is in the audit log. Money is shown and
typed in yuan, rates in percent."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html

from fenxiao.core.money import yuan
from fenxiao.distribution.admin.forms import LEVEL3_WARNING, ProductCommissionForm, SettingsForm, TierForm
from fenxiao.distribution.admin.views import ServiceFormAdmin
from fenxiao.distribution.config.rules import bps_percent
from fenxiao.distribution.config.settings import (
    distribution_settings,
    product_commission_clear,
    product_commission_set,
    settings_check,
    settings_update,
    tier_delete,
    tier_save,
)
from fenxiao.distribution.errors import SettingsInvalid
from fenxiao.distribution.models import DistributionSettings, ProductCommission, Tier


@admin.register(DistributionSettings)
class DistributionSettingsAdmin(ServiceFormAdmin):
    """One row: the list opens the row, nothing is added or deleted."""

    form = SettingsForm
    readonly_fields = ("updated_at", "updated_by")
    fieldsets = (
        ("成为分销商", {"fields": ("become_policy", "spend_threshold_yuan")}),
        ("客户绑定", {"fields": ("binding_policy", "rebind_after_days", "bind_on")}),
        (
            "分销层级与佣金",
            {
                "fields": ("levels", "level3_enabled", "cap_percent", "self_purchase_commission", "freeze_days"),
                "description": format_html('<p id="level3-warning" style="color:#ba2121"><strong>{}</strong></p>',
                                           LEVEL3_WARNING),
            },
        ),
        ("活动订单", {"fields": ("activity_seckill", "activity_group_buy", "activity_invite")}),
        (
            "提现",
            {
                "fields": (
                    "withdraw_min_yuan",
                    "withdraw_fee_percent",
                    "withdraw_fee_min_yuan",
                    "withdraw_daily_limit_yuan",
                    "withdraw_auto_approve_max_yuan",
                    "identity_required_over_yuan",
                )
            },
        ),
        ("最后修改", {"fields": ("updated_at", "updated_by", "loaded_at")}),
    )  # fmt: skip

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def changelist_view(self, request, extra_context=None):
        row = distribution_settings()
        return HttpResponseRedirect(reverse("admin:distribution_distributionsettings_change", args=[row.pk]))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        try:
            current = settings_check(changes={})
        except SettingsInvalid as exc:  # saved before a rule existed: show what to fix
            current = exc.violations
        return super().change_view(request, object_id, form_url, {"current_warnings": current, **(extra_context or {})})

    def service_save(self, request, form: SettingsForm, obj):
        changes = form.changes()
        if not changes:
            return obj, []
        return settings_update(actor_id=request.user.pk, changes=changes, expected_updated_at=form.loaded_updated_at())


@admin.register(Tier)
class TierAdmin(ServiceFormAdmin):
    form = TierForm
    list_display = ("name", "rank", "rates", "min_sales", "min_customers", "min_orders", "distributor_count")
    list_display_links = ("name",)
    fieldsets = (
        (None, {"fields": ("name", "rank")}),
        ("佣金比例", {"fields": (("level1_percent", "level2_percent", "level3_percent"),),
                      "description": "间接佣金须低于上一级；各级合计不超过分销设置中的上限；未开启的层级填 0"}),
        ("升级条件（只计本人客户的真实销售，不计发展下线）",
         {"fields": ("min_sales_yuan", "min_customers", "min_orders")}),
    )  # fmt: skip

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(distributor_count=Count("distributors"))

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # one at a time, each checked below
        return actions

    def has_delete_permission(self, request: HttpRequest, obj: Tier | None = None) -> bool:
        """A tier that distributors hold cannot go, nor the last tier (new distributors need one)."""
        if obj is not None and (obj.distributors.exists() or not Tier.objects.exclude(pk=obj.pk).exists()):
            return False
        return super().has_delete_permission(request, obj)

    def delete_model(self, request, obj: Tier) -> None:
        tier_delete(actor_id=request.user.pk, tier_id=obj.pk)

    def service_save(self, request, form: TierForm, obj: Tier | None):
        return tier_save(actor_id=request.user.pk, tier_id=obj.pk if obj else None, values=form.service_values())

    @admin.display(description="一级 / 二级 / 三级")
    def rates(self, tier: Tier) -> str:
        return " / ".join(bps_percent(r) for r in tier.rates_bps)

    @admin.display(description="升级销售额(元)", ordering="min_sales_fen")
    def min_sales(self, tier: Tier) -> str:
        return yuan(tier.min_sales_fen)

    @admin.display(description="分销商数", ordering="distributor_count")
    def distributor_count(self, tier: Tier) -> int:
        return tier.distributor_count


@admin.register(ProductCommission)
class ProductCommissionAdmin(ServiceFormAdmin):
    form = ProductCommissionForm
    # A product id with Django's lookup popup (the product list, searchable by title and code).
    raw_id_fields = ("product",)
    list_display = ("product", "mode", "levels_shown", "updated_at")
    list_filter = ("mode",)
    list_select_related = ("product",)
    search_fields = ("product__title", "product__code")
    fieldsets = (
        (None, {"fields": ("product", "mode")}),
        ("按比例", {"fields": (("level1_percent", "level2_percent", "level3_percent"),)}),
        ("每件固定金额", {"fields": (("level1_fixed_yuan", "level2_fixed_yuan", "level3_fixed_yuan"),)}),
    )

    def get_readonly_fields(self, request, obj=None):
        return ("product",) if obj is not None else ()

    def service_save(self, request, form: ProductCommissionForm, obj):
        saved = product_commission_set(
            actor_id=request.user.pk, product_id=form.product_id(), values=form.service_values()
        )
        return saved, []

    def delete_model(self, request, obj: ProductCommission) -> None:
        product_commission_clear(actor_id=request.user.pk, product_id=obj.product_id)

    def delete_queryset(self, request, queryset: QuerySet[ProductCommission]) -> None:
        for product_id in queryset.order_by("product_id").values_list("product_id", flat=True):
            product_commission_clear(actor_id=request.user.pk, product_id=product_id)

    @admin.display(description="一级 / 二级 / 三级")
    def levels_shown(self, o: ProductCommission) -> str:
        if o.mode == "fixed":
            return " / ".join(f"{yuan(f)}元" for f in (o.level1_fixed_fen, o.level2_fixed_fen, o.level3_fixed_fen))
        return " / ".join(bps_percent(r) for r in (o.level1_bps, o.level2_bps, o.level3_bps))
