"""拼团 (group-buy) activities, the groups opened under them and each group's members (seats)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q


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
