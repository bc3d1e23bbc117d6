"""Coupon templates (what the merchant offers) and user coupons (what a shopper holds).

Counters on the template move only with conditional ``UPDATE``s and the database refuses a
template that issued more than it has or a user holding two coupons under one claim number."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class CouponKind(models.TextChoices):
    FIXED = "fixed", "满减券"
    PERCENT = "percent", "折扣券"
    NO_THRESHOLD = "no_threshold", "无门槛券"


class CouponScope(models.TextChoices):
    ALL = "all", "全场通用"
    CATEGORIES = "categories", "指定分类"
    PRODUCTS = "products", "指定商品"


class TemplateStatus(models.TextChoices):
    ACTIVE = "active", "发放中"
    PAUSED = "paused", "已暂停"


class CouponTemplate(models.Model):
    name = models.CharField("名称", max_length=64)
    kind = models.CharField("类型", max_length=16, choices=CouponKind.choices)
    amount_fen = models.BigIntegerField("减免金额(分)", default=0)
    # The share taken off, in basis points: 2000 is 20% off (八折).
    percent_bps = models.PositiveIntegerField("折扣比例(基点)", default=0)
    cap_fen = models.BigIntegerField("最高减免(分)", null=True, blank=True)
    threshold_fen = models.BigIntegerField("使用门槛(分)", default=0)
    scope = models.CharField("适用范围", max_length=16, choices=CouponScope.choices, default=CouponScope.ALL)
    categories = models.ManyToManyField("catalog.Category", blank=True, verbose_name="适用分类")
    products = models.ManyToManyField("catalog.Product", blank=True, verbose_name="适用商品")
    valid_from = models.DateTimeField("生效时间", null=True, blank=True)
    valid_until = models.DateTimeField("失效时间", null=True, blank=True)
    valid_days_after_claim = models.PositiveIntegerField("领取后有效天数", null=True, blank=True)
    total_quantity = models.PositiveIntegerField("发行总量")
    per_user_limit = models.PositiveIntegerField("每人限领", default=1)
    claimed_count = models.PositiveIntegerField("已领取", default=0)
    used_count = models.PositiveIntegerField("已使用", default=0)
    stackable = models.BooleanField("可与其他优惠同享", default=False)
    # Off for coupons the mall hands out itself (invite rewards, compensation): not listed in the
    # coupon centre and not claimable, but issuable by ``claims.coupon_issue``.
    public = models.BooleanField("在领券中心展示", default=True)
    status = models.CharField("状态", max_length=16, choices=TemplateStatus.choices, default=TemplateStatus.ACTIVE)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "优惠券模板"
        verbose_name_plural = verbose_name
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=Q(claimed_count__lte=F("total_quantity")), name="coupon_no_over_issue"),
            models.CheckConstraint(condition=Q(used_count__lte=F("claimed_count")), name="coupon_used_within_claimed"),
            models.CheckConstraint(
                condition=Q(amount_fen__gte=0) & Q(threshold_fen__gte=0) & Q(percent_bps__lte=10_000),
                name="coupon_amounts_sane",
            ),
            models.CheckConstraint(condition=Q(per_user_limit__gte=1), name="coupon_per_user_limit_positive"),
            # Exactly one way of saying how long a claimed coupon lasts.
            models.CheckConstraint(
                condition=(Q(valid_until__isnull=False) & Q(valid_days_after_claim__isnull=True))
                | (Q(valid_until__isnull=True) & Q(valid_days_after_claim__isnull=False)),
                name="coupon_one_validity_rule",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class UserCouponStatus(models.TextChoices):
    UNUSED = "unused", "未使用"
    USED = "used", "已使用"
    EXPIRED = "expired", "已过期"


class UserCoupon(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="coupons", verbose_name="用户"
    )
    template = models.ForeignKey(
        CouponTemplate, on_delete=models.PROTECT, related_name="user_coupons", verbose_name="模板"
    )
    # The n-th coupon of this template the user claimed: unique, so two racing claims can never
    # both take the same place under the per-user limit.
    claim_no = models.PositiveIntegerField("领取序号")
    status = models.CharField(
        "状态", max_length=16, choices=UserCouponStatus.choices, default=UserCouponStatus.UNUSED, db_index=True
    )
    claimed_at = models.DateTimeField("领取时间")
    starts_at = models.DateTimeField("可用时间")
    expires_at = models.DateTimeField("过期时间", db_index=True)
    used_order = models.ForeignKey(
        "orders.Order",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="使用订单",
    )
    used_at = models.DateTimeField("使用时间", null=True, blank=True)

    class Meta:
        verbose_name = "用户优惠券"
        verbose_name_plural = verbose_name
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["template", "user", "claim_no"], name="user_coupon_claim_once"),
            models.CheckConstraint(condition=Q(claim_no__gte=1), name="user_coupon_claim_no_positive"),
            models.CheckConstraint(
                condition=(Q(status="used") & Q(used_order__isnull=False))
                | (~Q(status="used") & Q(used_order__isnull=True)),
                name="user_coupon_used_has_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.template.name} #{self.pk}"


class SeckillStatus(models.TextChoices):
    ACTIVE = "active", "已启用"
    PAUSED = "paused", "已暂停"


class SeckillActivity(models.Model):
    """One SKU sold at a seckill price in a time slot, from its own quota (``stock``) on top of
    the SKU's regular stock. ``sold`` moves only with conditional ``UPDATE``s; the database
    refuses selling more than the quota."""

    name = models.CharField("名称", max_length=64)
    sku = models.ForeignKey("catalog.Sku", on_delete=models.PROTECT, related_name="+", verbose_name="SKU")
    seckill_price_fen = models.BigIntegerField("秒杀价(分)")
    stock = models.PositiveIntegerField("秒杀库存")
    sold = models.PositiveIntegerField("已售", default=0)
    per_user_limit = models.PositiveIntegerField("每人限购", default=1)
    starts_at = models.DateTimeField("开始时间")
    ends_at = models.DateTimeField("结束时间")
    payment_minutes = models.PositiveIntegerField("支付时限(分钟)", default=15)
    # Read by distribution through the order's "seckill" adjustment (data.commission_allowed).
    commission_allowed = models.BooleanField("参与分销佣金", default=False)
    status = models.CharField("状态", max_length=16, choices=SeckillStatus.choices, default=SeckillStatus.ACTIVE)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "秒杀活动"
        verbose_name_plural = verbose_name
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=Q(sold__lte=F("stock")), name="seckill_no_oversell"),
            models.CheckConstraint(condition=Q(seckill_price_fen__gte=0), name="seckill_price_sane"),
            models.CheckConstraint(condition=Q(per_user_limit__gte=1), name="seckill_per_user_limit_positive"),
            models.CheckConstraint(condition=Q(payment_minutes__gte=1), name="seckill_payment_minutes_positive"),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="seckill_window_sane"),
        ]

    def __str__(self) -> str:
        return self.name


class SeckillPurchaseStatus(models.TextChoices):
    RESERVED = "reserved", "已占位"
    PLACED = "placed", "已下单"
    RETURNED = "returned", "已退回"


class SeckillPurchase(models.Model):
    """One unit a shopper won, written already placed with its order by the seckill pricing
    provider (the endpoint's grant, ``seckill.pricing.seckill_grant``, carries the token), and
    returned once when the unpaid order is cancelled. ``reserved`` is what rows written before the
    grant existed passed through inside their transaction; no row stays in it."""

    activity = models.ForeignKey(
        SeckillActivity, on_delete=models.PROTECT, related_name="purchases", verbose_name="秒杀活动"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="用户")
    order = models.OneToOneField(
        "orders.Order",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="seckill_purchase",
        verbose_name="订单",
    )
    token = models.CharField("凭证", max_length=64, unique=True)
    status = models.CharField(
        "状态", max_length=16, choices=SeckillPurchaseStatus.choices, default=SeckillPurchaseStatus.RESERVED
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    returned_at = models.DateTimeField("退回时间", null=True, blank=True)

    class Meta:
        verbose_name = "秒杀购买"
        verbose_name_plural = verbose_name
        ordering = ["-id"]
        indexes = [models.Index(fields=["activity", "user", "status"], name="seckill_purchase_user_idx")]

    def __str__(self) -> str:
        return f"{self.activity.name} #{self.pk}"


class GroupBuyStatus(models.TextChoices):
    ACTIVE = "active", "已启用"
    PAUSED = "paused", "已暂停"


class GroupBuyActivity(models.Model):
    """拼团: one SKU at a group price for groups of ``group_size`` people who must all pay within
    ``time_limit_minutes`` of the leader paying. The leader may pay less (``leader_price_fen``).
    ``groups_opened`` only grows with a conditional ``UPDATE`` so ``max_groups`` holds."""

    name = models.CharField("名称", max_length=64)
    sku = models.ForeignKey("catalog.Sku", on_delete=models.PROTECT, related_name="+", verbose_name="SKU")
    group_size = models.PositiveIntegerField("成团人数")
    group_price_fen = models.BigIntegerField("拼团价(分)")
    leader_price_fen = models.BigIntegerField("团长价(分)", null=True, blank=True, help_text="留空表示团长与团员同价")
    time_limit_minutes = models.PositiveIntegerField("成团时限(分钟)", default=24 * 60)
    payment_minutes = models.PositiveIntegerField("支付时限(分钟)", default=15)
    max_quantity = models.PositiveIntegerField("每单限购件数", default=1)
    max_groups = models.PositiveIntegerField("最多开团数", null=True, blank=True, help_text="留空表示不限")
    groups_opened = models.PositiveIntegerField("已开团数", default=0)
    starts_at = models.DateTimeField("开始时间")
    ends_at = models.DateTimeField("结束时间", help_text="结束后不能再开团；已开的团在各自时限内仍可参团")
    # Read by distribution through the order's "group_buy" adjustment (data.commission_allowed).
    commission_allowed = models.BooleanField("参与分销佣金", default=True)
    status = models.CharField("状态", max_length=16, choices=GroupBuyStatus.choices, default=GroupBuyStatus.ACTIVE)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "拼团活动"
        verbose_name_plural = verbose_name
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=Q(group_size__gte=2) & Q(group_size__lte=100), name="group_size_sane"),
            models.CheckConstraint(condition=Q(group_price_fen__gte=0), name="group_price_sane"),
            models.CheckConstraint(
                condition=Q(leader_price_fen__isnull=True)
                | (Q(leader_price_fen__gte=0) & Q(leader_price_fen__lte=F("group_price_fen"))),
                name="group_leader_price_sane",
            ),
            models.CheckConstraint(condition=Q(time_limit_minutes__gte=1), name="group_time_limit_positive"),
            models.CheckConstraint(condition=Q(payment_minutes__gte=1), name="group_payment_minutes_positive"),
            models.CheckConstraint(condition=Q(max_quantity__gte=1), name="group_max_quantity_positive"),
            models.CheckConstraint(
                condition=Q(max_groups__isnull=True) | Q(groups_opened__lte=F("max_groups")),
                name="group_max_groups_respected",
            ),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="group_window_sane"),
        ]

    def __str__(self) -> str:
        return self.name


class GroupStatus(models.TextChoices):
    OPENING = "opening", "待团长付款"
    FORMING = "forming", "拼团中"
    SUCCEEDED = "succeeded", "拼团成功"
    FAILED = "failed", "拼团失败"
    ABANDONED = "abandoned", "未开团"


class GroupBuyGroup(models.Model):
    """One group (团). ``seats_taken`` counts members holding a seat (paid, or placed and within
    their payment window); it moves only with conditional ``UPDATE``s and the database refuses
    more seats than the size, so concurrent joins can never overfill a group."""

    activity = models.ForeignKey(GroupBuyActivity, on_delete=models.PROTECT, related_name="groups", verbose_name="活动")
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="团长"
    )
    size = models.PositiveIntegerField("成团人数")
    seats_taken = models.PositiveIntegerField("已占名额", default=0)
    paid_count = models.PositiveIntegerField("已付款人数", default=0)
    status = models.CharField("状态", max_length=16, choices=GroupStatus.choices, default=GroupStatus.OPENING)
    expires_at = models.DateTimeField("成团截止", null=True, blank=True, db_index=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    opened_at = models.DateTimeField("开团时间", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)

    class Meta:
        verbose_name = "拼团"
        verbose_name_plural = "拼团记录"
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=Q(seats_taken__lte=F("size")), name="group_never_overfilled"),
            models.CheckConstraint(condition=Q(paid_count__lte=F("seats_taken")), name="group_paid_within_seats"),
        ]
        indexes = [models.Index(fields=["status", "expires_at"], name="group_status_expiry_idx")]

    def __str__(self) -> str:
        return f"{self.activity.name} 团#{self.pk}"


class GroupMemberStatus(models.TextChoices):
    RESERVED = "reserved", "待付款"
    PAID = "paid", "已付款"
    RELEASED = "released", "已取消"
    REFUNDING = "refunding", "退款中"
    REFUNDED = "refunded", "已退款"


class GroupBuyMember(models.Model):
    """A seat in a group, with the order that pays for it. The leader's seat is the first one.
    A shopper holds at most one live seat per group (a released seat does not count)."""

    group = models.ForeignKey(GroupBuyGroup, on_delete=models.PROTECT, related_name="members", verbose_name="拼团")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="用户")
    is_leader = models.BooleanField("团长", default=False)
    order = models.OneToOneField(
        "orders.Order",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="group_buy_member",
        verbose_name="订单",
    )
    token = models.CharField("凭证", max_length=64, unique=True)
    status = models.CharField(
        "状态", max_length=16, choices=GroupMemberStatus.choices, default=GroupMemberStatus.RESERVED
    )
    joined_at = models.DateTimeField("参团时间", auto_now_add=True)
    paid_at = models.DateTimeField("付款时间", null=True, blank=True)
    released_at = models.DateTimeField("取消时间", null=True, blank=True)
    refunded_at = models.DateTimeField("退款时间", null=True, blank=True)

    class Meta:
        verbose_name = "拼团成员"
        verbose_name_plural = verbose_name
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "user"],
                condition=~Q(status="released"),
                name="group_one_live_seat_per_user",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group} {self.user}"
