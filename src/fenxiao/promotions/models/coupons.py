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
