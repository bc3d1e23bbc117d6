"""The fraud thresholds an operator tunes (issue 19 §1): one row, like ``DistributionSettings``.
Defaults are what a small mall can live with; every change is audit-logged by
``risk.cases.settings.risk_settings_update``."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class RiskSettings(models.Model):
    ring_min_accounts = models.PositiveIntegerField(
        "同地址/设备账号数阈值",
        default=3,
        help_text="同一地址或设备上不少于该数量的账号经同一分销商下单即判定为账号团伙",
    )
    ring_window_days = models.PositiveIntegerField("团伙统计天数", default=7)
    refund_min_orders = models.PositiveIntegerField("退款率最少订单数", default=10)
    refund_max_bps = models.PositiveIntegerField("退款率上限(基点)", default=5000, help_text="5000 = 50%")
    refund_window_days = models.PositiveIntegerField("退款率统计天数", default=30)
    burst_max_first_orders = models.PositiveIntegerField(
        "每小时新客首单上限", default=30, help_text="一小时内绑定同一分销商的新账号首单超过该数即判定为刷单"
    )
    invite_max_per_cluster = models.PositiveIntegerField(
        "同设备/地址受邀人数阈值",
        default=3,
        help_text="同一邀请人的受邀人中，不少于该数量共用一个设备或地址即判定为邀请作弊",
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "风控阈值"
        verbose_name_plural = "风控阈值"

    def __str__(self) -> str:
        return "风控阈值"
