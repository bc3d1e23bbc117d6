"""Distributors, how people become one, who referred whom, what each order's chain was when it
was placed, the commission it earns and the withdrawals that pay it out (DESIGN §5).

Money lives in the ledger (``fenxiao.ledger``); the records here say why it moved. A commission
record is unique per (order line, level), which is the claim that makes a replayed ``order_paid``
add nothing."""

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


class DistributorStatus(models.TextChoices):
    ACTIVE = "active", "正常"
    SUSPENDED = "suspended", "已暂停"


class Distributor(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="distributor", verbose_name="用户"
    )
    code = models.CharField("推广码", max_length=16, unique=True)
    status = models.CharField(
        "状态", max_length=16, choices=DistributorStatus.choices, default=DistributorStatus.ACTIVE, db_index=True
    )
    tier = models.ForeignKey(Tier, on_delete=models.PROTECT, related_name="distributors", verbose_name="等级")
    real_name = models.CharField("真实姓名", max_length=32, blank=True, default="")
    phone = models.CharField("手机号", max_length=20, blank=True, default="")
    source = models.CharField("成为方式", max_length=16, default=BecomePolicy.APPLY)
    joined_at = models.DateTimeField("成为分销商时间", auto_now_add=True, db_index=True)
    suspended_at = models.DateTimeField("暂停时间", null=True, blank=True)
    suspend_reason = models.CharField("暂停原因", max_length=200, blank=True, default="")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "分销商"
        verbose_name_plural = "分销商"
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.code}"

    @property
    def is_active(self) -> bool:
        return self.status == DistributorStatus.ACTIVE


class ApplicationStatus(models.TextChoices):
    PENDING = "pending", "待审核"
    APPROVED = "approved", "已通过"
    REJECTED = "rejected", "已驳回"


class DistributorApplication(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="distributor_applications",
        verbose_name="申请人",
    )
    real_name = models.CharField("真实姓名", max_length=32)
    phone = models.CharField("手机号", max_length=20)
    reason = models.CharField("申请理由", max_length=500, blank=True, default="")
    status = models.CharField(
        "状态", max_length=16, choices=ApplicationStatus.choices, default=ApplicationStatus.PENDING, db_index=True
    )
    reject_reason = models.CharField("驳回原因", max_length=200, blank=True, default="")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="审核人",
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    created_at = models.DateTimeField("申请时间", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "分销商申请"
        verbose_name_plural = "分销商申请"
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["user"], condition=Q(status="pending"), name="application_one_pending"),
        ]

    def __str__(self) -> str:
        return f"申请 #{self.pk}"


class ReferralSource(models.TextChoices):
    LINK = "link", "分享链接"
    POSTER = "poster", "海报"
    QRCODE = "qrcode", "小程序码"


class Referral(models.Model):
    """Who referred this user: the binding that future orders snapshot."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="referral", verbose_name="用户"
    )
    distributor = models.ForeignKey(
        Distributor, on_delete=models.PROTECT, related_name="referrals", verbose_name="推荐人"
    )
    source = models.CharField("来源", max_length=16, choices=ReferralSource.choices, default=ReferralSource.LINK)
    bound_at = models.DateTimeField("绑定时间", db_index=True)
    created_at = models.DateTimeField("首次绑定时间", auto_now_add=True)

    class Meta:
        verbose_name = "推荐关系"
        verbose_name_plural = "推荐关系"
        ordering = ["-bound_at"]

    def __str__(self) -> str:
        return f"{self.user_id} ← {self.distributor_id}"


class ReferralTouch(models.Model):
    """The latest share a not-yet-bound user opened, kept when binding waits for the first order."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="referral_touch", verbose_name="用户"
    )
    distributor = models.ForeignKey(Distributor, on_delete=models.CASCADE, related_name="+", verbose_name="分销商")
    source = models.CharField("来源", max_length=16, choices=ReferralSource.choices, default=ReferralSource.LINK)
    touched_at = models.DateTimeField("访问时间")

    class Meta:
        verbose_name = "待绑定访问"
        verbose_name_plural = "待绑定访问"

    def __str__(self) -> str:
        return f"{self.user_id} → {self.distributor_id}"


class ReferralChange(models.Model):
    """History of bindings: first binds and rebinds, for disputes (谁先推荐的)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name="用户")
    distributor = models.ForeignKey(Distributor, on_delete=models.CASCADE, related_name="+", verbose_name="新推荐人")
    previous = models.ForeignKey(
        Distributor, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name="原推荐人"
    )
    source = models.CharField("来源", max_length=16, choices=ReferralSource.choices)
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "绑定记录"
        verbose_name_plural = "绑定记录"
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.previous_id} → {self.distributor_id}"


class OrderReferral(models.Model):
    """The referral chain as it stood when the order was placed; later rebinding never moves the
    money of an existing order (DESIGN §5)."""

    order = models.OneToOneField("orders.Order", on_delete=models.CASCADE, related_name="+", verbose_name="订单")
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # The distributors who earn at levels 1..3, in order; self-purchase is already applied.
    chain = models.JSONField("推荐链", default=list)
    self_purchase = models.BooleanField("自购", default=False)
    # Set in the transaction that wrote the commission records: the claim against a replayed
    # ``order_paid`` and what the repair sweep looks for.
    booked_at = models.DateTimeField("计佣时间", null=True, blank=True, db_index=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "订单推荐链"
        verbose_name_plural = "订单推荐链"

    def __str__(self) -> str:
        return f"订单 {self.order_id} 推荐链"


class CommissionStatus(models.TextChoices):
    PENDING = "pending", "待结算"
    SETTLED = "settled", "已结算"
    CANCELLED = "cancelled", "已取消"


class CommissionRecord(models.Model):
    # Indexes are few on purpose: settlement rewrites 20,000+ rows a second and every index costs
    # each rewrite. distributor and order_line are covered by the composite indexes below.
    distributor = models.ForeignKey(
        Distributor, on_delete=models.PROTECT, related_name="commissions", verbose_name="分销商", db_index=False
    )
    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="+", verbose_name="订单")
    order_line = models.ForeignKey(
        "orders.OrderLine", on_delete=models.PROTECT, related_name="+", verbose_name="订单行", db_index=False
    )
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="买家")
    level = models.PositiveSmallIntegerField("层级")
    base_fen = models.BigIntegerField("计佣金额(分)")
    rate_bps = models.PositiveIntegerField("佣金比例(基点)", null=True, blank=True)
    fixed_unit_fen = models.BigIntegerField("每件固定佣金(分)", null=True, blank=True)
    amount_fen = models.BigIntegerField("佣金(分)")
    refunded_base_fen = models.BigIntegerField("已退款计佣金额(分)", default=0)
    reversed_fen = models.BigIntegerField("结算前冲减(分)", default=0)
    clawback_fen = models.BigIntegerField("结算后追回(分)", default=0)
    status = models.CharField("状态", max_length=16, choices=CommissionStatus.choices, default=CommissionStatus.PENDING)
    settle_after = models.DateTimeField("预计结算时间", null=True, blank=True)
    settled_at = models.DateTimeField("结算时间", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "佣金记录"
        verbose_name_plural = "佣金记录"
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["order_line", "level"], name="commission_one_per_line_level"),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=3), name="commission_level_1_to_3"),
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="commission_amount_positive"),
            models.CheckConstraint(
                condition=Q(reversed_fen__gte=0, clawback_fen__gte=0), name="commission_takebacks_non_negative"
            ),
        ]
        indexes = [
            models.Index(fields=["settle_after"], condition=Q(status="pending"), name="commission_due"),
            models.Index(fields=["distributor", "status"], name="commission_by_distributor"),
        ]

    def __str__(self) -> str:
        return f"佣金 #{self.pk}"

    @property
    def net_fen(self) -> int:
        return self.amount_fen - self.reversed_fen - self.clawback_fen


class WithdrawalMethod(models.TextChoices):
    WECHAT = "wechat", "微信零钱"
    BANK = "bank", "银行卡"


class WithdrawalStatus(models.TextChoices):
    REVIEWING = "reviewing", "待审核"
    APPROVED = "approved", "待打款"
    PAYING = "paying", "打款中"
    PAID = "paid", "已到账"
    FAILED = "failed", "打款失败（已退回）"
    REJECTED = "rejected", "已驳回（已退回）"


class Withdrawal(models.Model):
    distributor = models.ForeignKey(
        Distributor, on_delete=models.PROTECT, related_name="withdrawals", verbose_name="分销商"
    )
    amount_fen = models.BigIntegerField("提现金额(分)")
    fee_fen = models.BigIntegerField("手续费(分)", default=0)
    method = models.CharField("方式", max_length=8, choices=WithdrawalMethod.choices)
    status = models.CharField("状态", max_length=16, choices=WithdrawalStatus.choices, db_index=True)
    # Stable for the life of the withdrawal: an unclear answer is queried, never resubmitted anew.
    out_bill_no = models.CharField("商户转账单号", max_length=32, unique=True)
    transfer_bill_no = models.CharField("微信转账单号", max_length=64, blank=True, default="")
    transfer_state = models.CharField("微信转账状态", max_length=24, blank=True, default="")
    package_info = models.CharField("确认收款参数", max_length=1000, blank=True, default="")
    openid = models.CharField("收款 openid", max_length=64, blank=True, default="")
    bank_name = models.CharField("开户行", max_length=64, blank=True, default="")
    bank_account_name = models.CharField("户名", max_length=32, blank=True, default="")
    bank_account_no = models.CharField("卡号", max_length=32, blank=True, default="")
    paid_reference = models.CharField("打款凭证号", max_length=64, blank=True, default="")
    reject_reason = models.CharField("驳回原因", max_length=200, blank=True, default="")
    fail_reason = models.CharField("失败原因", max_length=200, blank=True, default="")
    # Set when WeChat reports something our records cannot explain (another amount): the payout
    # stops being followed automatically and waits for an operator.
    anomaly = models.CharField("异常说明", max_length=200, blank=True, default="")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="审核人",
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    submitted_at = models.DateTimeField("提交微信时间", null=True, blank=True)
    last_queried_at = models.DateTimeField("最后查询", null=True, blank=True)
    paid_at = models.DateTimeField("到账时间", null=True, blank=True)
    closed_at = models.DateTimeField("退回时间", null=True, blank=True)
    created_at = models.DateTimeField("申请时间", auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "提现"
        verbose_name_plural = "提现"
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="withdrawal_amount_positive"),
            models.CheckConstraint(
                condition=Q(fee_fen__gte=0) & Q(fee_fen__lt=models.F("amount_fen")), name="withdrawal_fee_below_amount"
            ),
        ]
        indexes = [models.Index(fields=["distributor", "created_at"], name="withdrawal_by_day")]

    def __str__(self) -> str:
        return self.out_bill_no

    @property
    def net_fen(self) -> int:
        return self.amount_fen - self.fee_fen


class ShopItem(models.Model):
    """A product a distributor chose to show on their own shop page (DESIGN §5 "my shop"). The
    shop only arranges the platform's catalogue: price, stock and commission stay the platform's."""

    distributor = models.ForeignKey(
        Distributor, on_delete=models.CASCADE, related_name="shop_items", verbose_name="分销商"
    )
    product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="+", verbose_name="商品")
    position = models.PositiveIntegerField("排序", default=0)
    created_at = models.DateTimeField("加入时间", auto_now_add=True)

    class Meta:
        verbose_name = "小店商品"
        verbose_name_plural = "小店商品"
        ordering = ["distributor", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["distributor", "product"], name="shop_item_once_per_product"),
        ]
        indexes = [models.Index(fields=["distributor", "position"], name="shop_item_by_position")]

    def __str__(self) -> str:
        return f"小店商品 #{self.pk}"
