"""Who referred whom (DESIGN §5 "referral binding"): the current binding, a share waiting for the
first order, the history of bindings, and each order's chain as it stood when it was placed."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.fields.json import KeyTransform

from fenxiao.distribution.models.distributors import Distributor


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
        # "The orders my shares brought" (level 1, ``chain[0]``) is what the distributor's insights
        # read: an index on that element keeps it a lookup rather than a scan of every order.
        indexes = [models.Index(KeyTransform(0, "chain"), name="order_referral_level1")]

    def __str__(self) -> str:
        return f"订单 {self.order_id} 推荐链"
