"""The blacklist (issue 19 §1): a phone, WeChat id, shipping address or device that may not become a
distributor, be bound, receive invite rewards or withdraw. Values are stored normalised
(``risk.blacklist.rules.normalise``) so a lookup is one equality."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class BlacklistKind(models.TextChoices):
    PHONE = "phone", "手机号"
    UNIONID = "unionid", "UnionID"
    OPENID = "openid", "OpenID"
    ADDRESS = "address", "收货地址"
    DEVICE = "device", "设备"


class BlacklistEntry(models.Model):
    kind = models.CharField("类型", max_length=16, choices=BlacklistKind.choices)
    value = models.CharField("值", max_length=300)
    reason = models.CharField("原因", max_length=200, blank=True, default="")
    case = models.ForeignKey(
        "risk.RiskCase", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="来源案件"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="添加人",
    )
    created_at = models.DateTimeField("添加时间", auto_now_add=True)

    class Meta:
        verbose_name = "黑名单"
        verbose_name_plural = "黑名单"
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["kind", "value"], name="blacklist_once")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.value}"
