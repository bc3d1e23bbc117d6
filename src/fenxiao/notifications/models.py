"""The message centre, the operator's subscription-message settings, the user's consents and the
outbox of WeChat sends (issue 20 §1-2).

``Notification`` is unique per (user, key): the key names the event (``shipment:12``), so an event
delivered twice writes one message, consumes one consent and queues one send. An ``OutboxMessage``
is unique per (notification, template id): one WeChat send per event, user and template."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from fenxiao.notifications.catalogue import KIND_CHOICES


class NotificationTemplate(models.Model):
    kind = models.CharField("消息类型", max_length=32, choices=KIND_CHOICES, unique=True)
    enabled = models.BooleanField("发送订阅消息", default=True, help_text="关闭后只进消息中心，不发微信订阅消息")
    template_id = models.CharField(
        "模板 ID", max_length=64, blank=True, default="", help_text="小程序后台「订阅消息」里选用的模板 ID"
    )
    fields = models.JSONField(
        "字段映射",
        default=dict,
        blank=True,
        help_text='模板关键词 → 内容，内容里用 {变量}，如 {"character_string1": "{order_no}", "thing2": "{product}"}',
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "订阅消息模板"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.get_kind_display()


class SubscriptionQuota(models.Model):
    """How many messages of a template the user still allows: each one-time acceptance in
    ``wx.requestSubscribeMessage`` adds one, each message sent takes one."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name="用户")
    template_id = models.CharField("模板 ID", max_length=64)
    remaining = models.PositiveIntegerField("剩余可发次数", default=0)
    accepted_total = models.PositiveIntegerField("累计同意次数", default=0)
    refused_total = models.PositiveIntegerField("累计拒绝次数", default=0)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "订阅授权"
        constraints = [models.UniqueConstraint(fields=["user", "template_id"], name="subscription_quota_unique")]

    def __str__(self) -> str:
        return f"{self.template_id} × {self.remaining}"


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name="用户"
    )
    kind = models.CharField("类型", max_length=32, choices=KIND_CHOICES)
    key = models.CharField("事件标识", max_length=96)
    title = models.CharField("标题", max_length=40)
    body = models.CharField("内容", max_length=500)
    target_type = models.CharField("关联对象", max_length=16, blank=True, default="")
    target_id = models.BigIntegerField("关联对象 ID", null=True, blank=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "站内消息"
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="notification_user_key_unique")]
        indexes = [
            models.Index(fields=["user", "-id"], name="notification_user_recent"),
            models.Index(fields=["user"], condition=Q(read_at__isnull=True), name="notification_user_unread"),
        ]

    def __str__(self) -> str:
        return self.title


class OutboxStatus(models.TextChoices):
    PENDING = "pending", "待发送"
    SENDING = "sending", "发送中"
    RETRYING = "retrying", "等待重试"
    SENT = "sent", "已发送"
    RECORDED = "recorded", "沙箱已记录"
    FAILED = "failed", "发送失败"
    SKIPPED = "skipped", "未发送"


class OutboxMessage(models.Model):
    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="outbox", verbose_name="站内消息"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name="用户")
    kind = models.CharField("类型", max_length=32, choices=KIND_CHOICES)
    template_id = models.CharField("模板 ID", max_length=64, blank=True, default="")
    touser = models.CharField("接收者 openid", max_length=64, blank=True, default="")
    page = models.CharField("跳转页面", max_length=200, blank=True, default="")
    data = models.JSONField("模板数据", default=dict, blank=True)
    status = models.CharField("状态", max_length=16, choices=OutboxStatus.choices, db_index=True)
    reason = models.CharField("原因", max_length=200, blank=True, default="")
    errcode = models.IntegerField("微信错误码", null=True, blank=True)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    next_attempt_at = models.DateTimeField("下次尝试", null=True, blank=True)
    claimed_at = models.DateTimeField("开始发送", null=True, blank=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "订阅消息发件箱"
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["notification", "template_id"], name="outbox_notification_template_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.user_id}"
