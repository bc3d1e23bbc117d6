"""Risk cases (issue 19 §1): a fraud signal with its evidence, and the orders whose commission it
holds until an operator clears or confirms it. ``RiskCaseOrder.held`` is the flag settlement and
withdrawals read: true while the case is open, so one indexed lookup tells whether an order's
commission may move."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class CaseKind(models.TextChoices):
    SELF_DEALING = "self_dealing", "自买自卖"
    ACCOUNT_RING = "account_ring", "账号团伙"
    REFUND_ABUSE = "refund_abuse", "异常退款"
    BURST = "burst", "新客首单激增"
    INVITE_ABUSE = "invite_abuse", "邀请作弊"
    MANUAL = "manual", "人工立案"


class CaseStatus(models.TextChoices):
    OPEN = "open", "待审核"
    CLEARED = "cleared", "已排除"
    CONFIRMED = "confirmed", "已确认"


class RiskCase(models.Model):
    kind = models.CharField("类型", max_length=16, choices=CaseKind.choices, db_index=True)
    status = models.CharField("状态", max_length=16, choices=CaseStatus.choices, default=CaseStatus.OPEN, db_index=True)
    subject_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="涉事用户"
    )
    summary = models.CharField("摘要", max_length=300, blank=True, default="")
    evidence = models.JSONField("证据", default=dict, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="立案人",
        help_text="空表示系统自动发现",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="处理人",
    )
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)
    decision_note = models.CharField("处理说明", max_length=300, blank=True, default="")
    reversed_fen = models.BigIntegerField("冲回佣金(分)", default=0)
    created_at = models.DateTimeField("立案时间", auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "风险案件"
        verbose_name_plural = "风险案件"
        ordering = ["-id"]
        permissions = [("decide_riskcase", "可处理风险案件")]
        constraints = [
            # One open case per kind and subject: a signal seen again adds its orders to it.
            models.UniqueConstraint(
                fields=["kind", "subject_user"], condition=Q(status="open"), name="risk_case_one_open_per_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"风险案件 #{self.pk}"


class RiskCaseOrder(models.Model):
    case = models.ForeignKey(RiskCase, on_delete=models.CASCADE, related_name="orders", verbose_name="案件")
    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="+", verbose_name="订单")
    held = models.BooleanField("佣金冻结中", default=True)

    class Meta:
        verbose_name = "案件订单"
        verbose_name_plural = "案件订单"
        constraints = [models.UniqueConstraint(fields=["case", "order"], name="risk_case_order_once")]
        indexes = [models.Index(fields=["order"], condition=Q(held=True), name="risk_held_order")]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.order_id}"
