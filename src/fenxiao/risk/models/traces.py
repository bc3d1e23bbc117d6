"""Where an order or a binding came from (issue 19 §1): the client's device id (``X-Device-Id``)
and IP, kept beside the object rather than on it so ``orders`` stays untouched, and erased after
180 days by the ``risk.client_traces`` sweep."""

from __future__ import annotations

from django.db import models


class TraceKind(models.TextChoices):
    ORDER = "order", "下单"
    BINDING = "binding", "绑定推荐人"
    INVITE = "invite", "接受邀请"


class ClientTrace(models.Model):
    kind = models.CharField("类型", max_length=16, choices=TraceKind.choices)
    object_id = models.BigIntegerField("对象编号")
    user_id = models.BigIntegerField("用户编号", db_index=True)
    device_id = models.CharField("设备号", max_length=64, blank=True, default="", db_index=True)
    ip = models.CharField("IP", max_length=45, blank=True, default="")
    created_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "访问痕迹"
        verbose_name_plural = "访问痕迹"
        ordering = ["-id"]
        indexes = [models.Index(fields=["kind", "object_id"], name="trace_object")]

    def __str__(self) -> str:
        return f"{self.kind}#{self.object_id}"
