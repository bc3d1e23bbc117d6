"""The commission an order earns, one record per (order line, level) (DESIGN §5). Money lives in
the ledger (``fenxiao.ledger``); a record says why it moved, and its uniqueness is the claim that
makes a replayed ``order_paid`` add nothing."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from fenxiao.distribution.models.distributors import Distributor


class CommissionStatus(models.TextChoices):
    PENDING = "pending", "待结算"
    SETTLED = "settled", "已结算"
    CANCELLED = "cancelled", "已取消"


class CommissionRecord(models.Model):
    # Indexes are few on purpose: settlement rewrites 20,000+ rows a second and every index costs
    # each rewrite. distributor and order_line are covered by the composite indexes below.
    distributor = models.ForeignKey(
        Distributor, on_delete=models.PROTECT, related_name="commissions", verbose_name="分销商", db_index=False
    )
    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="+", verbose_name="订单")
    order_line = models.ForeignKey(
        "orders.OrderLine", on_delete=models.PROTECT, related_name="+", verbose_name="订单行", db_index=False
    )
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="买家")
    level = models.PositiveSmallIntegerField("层级")
    base_fen = models.BigIntegerField("计佣金额(分)")
    rate_bps = models.PositiveIntegerField("佣金比例(基点)", null=True, blank=True)
    fixed_unit_fen = models.BigIntegerField("每件固定佣金(分)", null=True, blank=True)
    amount_fen = models.BigIntegerField("佣金(分)")
    refunded_base_fen = models.BigIntegerField("已退款计佣金额(分)", default=0)
    reversed_fen = models.BigIntegerField("结算前冲减(分)", default=0)
    clawback_fen = models.BigIntegerField("结算后追回(分)", default=0)
    status = models.CharField("状态", max_length=16, choices=CommissionStatus.choices, default=CommissionStatus.PENDING)
    settle_after = models.DateTimeField("预计结算时间", null=True, blank=True)
    settled_at = models.DateTimeField("结算时间", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "佣金记录"
        verbose_name_plural = "佣金记录"
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["order_line", "level"], name="commission_one_per_line_level"),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=3), name="commission_level_1_to_3"),
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="commission_amount_positive"),
            models.CheckConstraint(
                condition=Q(reversed_fen__gte=0, clawback_fen__gte=0), name="commission_takebacks_non_negative"
            ),
        ]
        indexes = [
            models.Index(fields=["settle_after"], condition=Q(status="pending"), name="commission_due"),
            models.Index(fields=["distributor", "status"], name="commission_by_distributor"),
        ]

    def __str__(self) -> str:
        return f"佣金 #{self.pk}"

    @property
    def net_fen(self) -> int:
        return self.amount_fen - self.reversed_fen - self.clawback_fen
