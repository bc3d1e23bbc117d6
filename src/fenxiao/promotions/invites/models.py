"""Invite campaigns, each user's invite code, the invitations new users accepted and the coupons
they earned.

One invitation per invitee (a unique column) and one reward per invitation and role (a unique
pair, and a unique coupon) let the database refuse a second acceptance or a second reward even
if two deliveries of the same event raced past every check."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class CampaignStatus(models.TextChoices):
    ACTIVE = "active", "已启用"
    PAUSED = "paused", "已暂停"


class InviteCampaign(models.Model):
    """What an invited new user's first paid order earns, and for whom.

    Both rewards are coupons from existing templates, issued once the order is past the
    after-sales window. The rules a new user accepted under (templates, order window, minimum)
    are locked once anyone has accepted, so a promise is never changed under them."""

    name = models.CharField("活动名称", max_length=64)
    starts_at = models.DateTimeField("开始时间")
    ends_at = models.DateTimeField("结束时间")
    status = models.CharField("状态", max_length=16, choices=CampaignStatus.choices, default=CampaignStatus.ACTIVE)
    inviter_template = models.ForeignKey(
        "promotions.CouponTemplate", on_delete=models.PROTECT, related_name="+", verbose_name="邀请人奖励券"
    )
    invitee_template = models.ForeignKey(
        "promotions.CouponTemplate", on_delete=models.PROTECT, related_name="+", verbose_name="新用户奖励券"
    )
    # Null: no cap. Past the cap the inviter's reward is skipped; the new user still gets theirs.
    max_rewards_per_inviter = models.PositiveIntegerField("每位邀请人最多奖励人数", null=True, blank=True)
    accept_within_hours = models.PositiveIntegerField(
        "注册后接受邀请时限(小时)", default=72, help_text="新用户须在注册后此时限内、首次付款前接受邀请"
    )
    order_within_days = models.PositiveIntegerField(
        "首单时限(天)", default=30, help_text="接受邀请后须在此天数内完成首单付款"
    )
    # What the first order must still be worth (goods actually paid, after refunds, no shipping).
    min_order_fen = models.BigIntegerField("首单最低实付(分)", default=0)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "邀请活动"
        verbose_name_plural = verbose_name
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="invite_campaign_window_sane",
                violation_error_message="结束时间必须晚于开始时间",
            ),
            models.CheckConstraint(
                condition=Q(min_order_fen__gte=0),
                name="invite_campaign_min_order_sane",
                violation_error_message="首单最低实付不能为负数",
            ),
            models.CheckConstraint(
                condition=Q(accept_within_hours__gte=1) & Q(order_within_days__gte=1),
                name="invite_campaign_windows_positive",
                violation_error_message="时限至少为 1",
            ),
            models.CheckConstraint(
                condition=Q(max_rewards_per_inviter__isnull=True) | Q(max_rewards_per_inviter__gte=1),
                name="invite_campaign_cap_positive",
                violation_error_message="每位邀请人最多奖励人数至少为 1，不限请留空",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class InviteCode(models.Model):
    """A user's own code, the same in every campaign, so a link shared once keeps working."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invite_code", verbose_name="用户"
    )
    code = models.CharField("邀请码", max_length=16, unique=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "邀请码"
        verbose_name_plural = verbose_name
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.code


class InviteStatus(models.TextChoices):
    ACCEPTED = "accepted", "待首单"
    ORDERED = "ordered", "已下首单，待发奖"
    REWARDED = "rewarded", "已发奖"
    REVOKED = "revoked", "奖励已取消"
    EXPIRED = "expired", "首单超时"


class RevokeReason(models.TextChoices):
    REFUNDED = "refunded", "首单已全额退款"
    BELOW_MINIMUM = "below_minimum", "首单实付未达活动门槛"
    PAID_BEFORE_ACCEPT = "paid_before", "接受邀请前已有付款订单"


# Invites whose reward is still undecided: the events and the sweep act on these only.
OPEN_STATUSES = (InviteStatus.ACCEPTED, InviteStatus.ORDERED)
ORDERED_STATUSES = (InviteStatus.ORDERED, InviteStatus.REWARDED, InviteStatus.REVOKED)


class Invite(models.Model):
    """A new user accepted ``inviter``'s code during ``campaign``. Moves ``accepted → ordered →
    rewarded | revoked``, or ``accepted → expired`` when no first order came in time."""

    campaign = models.ForeignKey(InviteCampaign, on_delete=models.PROTECT, related_name="invites", verbose_name="活动")
    inviter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="invites_sent", verbose_name="邀请人"
    )
    invitee = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="invite_accepted", verbose_name="新用户"
    )
    code = models.CharField("邀请码", max_length=16)
    status = models.CharField(
        "状态", max_length=16, choices=InviteStatus.choices, default=InviteStatus.ACCEPTED, db_index=True
    )
    accepted_at = models.DateTimeField("接受时间")
    order_deadline = models.DateTimeField("首单截止", db_index=True)
    first_order = models.OneToOneField(
        "orders.Order", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="首单"
    )
    ordered_at = models.DateTimeField("首单付款时间", null=True, blank=True)
    rewarded_at = models.DateTimeField("发奖时间", null=True, blank=True)
    revoked_at = models.DateTimeField("取消时间", null=True, blank=True)
    revoke_reason = models.CharField("取消原因", max_length=16, choices=RevokeReason.choices, blank=True, default="")
    expired_at = models.DateTimeField("超时时间", null=True, blank=True)
    # The inviter had already earned the campaign's maximum: only the new user was rewarded.
    inviter_capped = models.BooleanField("邀请人已达奖励上限", default=False)

    class Meta:
        verbose_name = "邀请记录"
        verbose_name_plural = verbose_name
        ordering = ["-accepted_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(inviter=F("invitee")), name="invite_not_self"),
            models.CheckConstraint(
                condition=~Q(status__in=ORDERED_STATUSES) | Q(first_order__isnull=False),
                name="invite_ordered_has_order",
            ),
            models.CheckConstraint(
                condition=~Q(status="revoked") | ~Q(revoke_reason=""), name="invite_revoked_has_reason"
            ),
        ]
        indexes = [
            models.Index(fields=["campaign", "status"], name="invite_campaign_status"),
            models.Index(fields=["inviter", "campaign"], name="invite_inviter_campaign"),
        ]

    def __str__(self) -> str:
        return f"{self.code} → {self.invitee_id}"


class RewardRole(models.TextChoices):
    INVITER = "inviter", "邀请人"
    INVITEE = "invitee", "新用户"


class InviteReward(models.Model):
    """A coupon an invitation earned. Unique per invitation and role: a replayed or racing
    ``order_completed`` cannot issue a second one (its transaction rolls back, coupon and all)."""

    invite = models.ForeignKey(Invite, on_delete=models.PROTECT, related_name="rewards", verbose_name="邀请记录")
    role = models.CharField("获奖方", max_length=16, choices=RewardRole.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="用户")
    user_coupon = models.OneToOneField(
        "promotions.UserCoupon", on_delete=models.PROTECT, related_name="+", verbose_name="优惠券"
    )
    issued_at = models.DateTimeField("发放时间")

    class Meta:
        verbose_name = "邀请奖励"
        verbose_name_plural = verbose_name
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["invite", "role"], name="invite_reward_once_per_role")]

    def __str__(self) -> str:
        return f"{self.invite_id}:{self.role}"
