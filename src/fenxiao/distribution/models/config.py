"""What the merchant configures (DESIGN §5): the settings singleton with its policies (how one
becomes a distributor, how shares bind, levels, cap, withdrawals), the tiers and their rates, and
the per-product commission overrides."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class BecomePolicy(models.TextChoices):
    EVERYONE = "everyone", "所有人均可成为分销商"
    APPLY = "apply", "申请并经审核"
    SPEND = "spend", "累计消费满额自动成为（也可申请）"


class BindingPolicy(models.TextChoices):
    FIRST_TOUCH = "first_touch", "永久绑定首次推荐人"
    REBIND_AFTER_DAYS = "rebind_after_days", "绑定满 N 天后可换绑"
    LAST_TOUCH = "last_touch", "最后一次推荐人"


class BindOn(models.TextChoices):
    VISIT = "visit", "首次访问即绑定"
    FIRST_ORDER = "first_order", "首次下单时绑定"


def default_activity_commission() -> dict[str, bool]:
    return {"seckill": False, "group_buy": True, "invite": True}


class DistributionSettings(models.Model):
    """One row (pk=1). Changed only through ``settings_update`` so every change is validated
    against the rules of DESIGN §5 and audit-logged."""

    become_policy = models.CharField(
        "成为分销商方式", max_length=16, choices=BecomePolicy.choices, default=BecomePolicy.APPLY
    )
    spend_threshold_fen = models.BigIntegerField("自动成为分销商的累计消费(分)", default=0)
    binding_policy = models.CharField(
        "绑定规则", max_length=24, choices=BindingPolicy.choices, default=BindingPolicy.FIRST_TOUCH
    )
    rebind_after_days = models.PositiveIntegerField("换绑间隔(天)", default=30)
    bind_on = models.CharField("绑定时机", max_length=16, choices=BindOn.choices, default=BindOn.VISIT)
    levels = models.PositiveSmallIntegerField("分销层级", default=2)
    level3_enabled = models.BooleanField("开启三级分销", default=False)
    cap_bps = models.PositiveIntegerField("佣金比例上限(基点)", default=3000)
    self_purchase_commission = models.BooleanField("自购返佣", default=False)
    freeze_days = models.PositiveIntegerField(
        "佣金冻结期(天)", default=7, help_text="确认收货后冻结的天数，通常等于售后期；期满结算为可提现"
    )
    withdraw_min_fen = models.BigIntegerField("最低提现(分)", default=100)
    withdraw_fee_bps = models.PositiveIntegerField("提现手续费(基点)", default=0)
    withdraw_fee_min_fen = models.BigIntegerField("最低手续费(分)", default=0)
    withdraw_daily_limit_fen = models.BigIntegerField("每日提现上限(分)", default=500_000)
    withdraw_auto_approve_max_fen = models.BigIntegerField(
        "免审核提现上限(分)", default=20_000, help_text="不超过此金额的提现自动通过，超过需人工审核"
    )
    identity_required_over_fen = models.BigIntegerField(
        "实名认证门槛(分)",
        default=500_000,
        help_text="累计提现（已到账、处理中与本次）超过此金额前须完成实名认证；0 表示每次提现都需实名",
    )
    activity_commission = models.JSONField("活动订单是否计佣", default=default_activity_commission)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="最后修改人",
    )

    class Meta:
        verbose_name = "分销设置"
        verbose_name_plural = "分销设置"

    def __str__(self) -> str:
        return "分销设置"


class Tier(models.Model):
    """A distributor grade with its own rates. Upgrades count only real sales (own settled sales,
    paying customers, orders), never recruits (禁止传销条例 Art. 7)."""

    name = models.CharField("等级名称", max_length=32, unique=True)
    rank = models.PositiveSmallIntegerField("等级顺序", unique=True, help_text="0 为默认等级，数字越大等级越高")
    level1_bps = models.PositiveIntegerField("一级佣金(基点)", default=0)
    level2_bps = models.PositiveIntegerField("二级佣金(基点)", default=0)
    level3_bps = models.PositiveIntegerField("三级佣金(基点)", default=0)
    min_sales_fen = models.BigIntegerField("升级所需结算销售额(分)", default=0)
    min_customers = models.PositiveIntegerField("升级所需付款客户数", default=0)
    min_orders = models.PositiveIntegerField("升级所需订单数", default=0)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "分销等级"
        verbose_name_plural = "分销等级"
        ordering = ["rank"]

    def __str__(self) -> str:
        return self.name

    @property
    def rates_bps(self) -> tuple[int, int, int]:
        return (self.level1_bps, self.level2_bps, self.level3_bps)


class OverrideMode(models.TextChoices):
    RATE = "rate", "按比例"
    FIXED = "fixed", "每件固定金额"


class ProductCommission(models.Model):
    product = models.OneToOneField(
        "catalog.Product", on_delete=models.CASCADE, related_name="commission_override", verbose_name="商品"
    )
    mode = models.CharField("方式", max_length=8, choices=OverrideMode.choices, default=OverrideMode.RATE)
    level1_bps = models.PositiveIntegerField("一级比例(基点)", default=0)
    level2_bps = models.PositiveIntegerField("二级比例(基点)", default=0)
    level3_bps = models.PositiveIntegerField("三级比例(基点)", default=0)
    level1_fixed_fen = models.BigIntegerField("一级每件(分)", default=0)
    level2_fixed_fen = models.BigIntegerField("二级每件(分)", default=0)
    level3_fixed_fen = models.BigIntegerField("三级每件(分)", default=0)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "商品佣金设置"
        verbose_name_plural = "商品佣金设置"
        constraints = [
            models.CheckConstraint(
                condition=Q(level1_fixed_fen__gte=0, level2_fixed_fen__gte=0, level3_fixed_fen__gte=0),
                name="product_commission_fixed_non_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"商品 {self.product_id} 佣金"
