"""Withdrawals: a distributor's request for their available balance and how it is paid out
(DESIGN §5 "withdrawals")."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from fenxiao.distribution.models.distributors import Distributor


class WithdrawalMethod(models.TextChoices):
    WECHAT = "wechat", "微信零钱"
    BANK = "bank", "银行卡"


class WithdrawalStatus(models.TextChoices):
    REVIEWING = "reviewing", "待审核"
    APPROVED = "approved", "待打款"
    PAYING = "paying", "打款中"
    PAID = "paid", "已到账"
    FAILED = "failed", "打款失败（已退回）"
    REJECTED = "rejected", "已驳回（已退回）"


class Withdrawal(models.Model):
    distributor = models.ForeignKey(
        Distributor, on_delete=models.PROTECT, related_name="withdrawals", verbose_name="分销商"
    )
    amount_fen = models.BigIntegerField("提现金额(分)")
    fee_fen = models.BigIntegerField("手续费(分)", default=0)
    method = models.CharField("方式", max_length=8, choices=WithdrawalMethod.choices)
    status = models.CharField("状态", max_length=16, choices=WithdrawalStatus.choices, db_index=True)
    # Stable for the life of the withdrawal: an unclear answer is queried, never resubmitted anew.
    out_bill_no = models.CharField("商户转账单号", max_length=32, unique=True)
    transfer_bill_no = models.CharField("微信转账单号", max_length=64, blank=True, default="")
    transfer_state = models.CharField("微信转账状态", max_length=24, blank=True, default="")
    package_info = models.CharField("确认收款参数", max_length=1000, blank=True, default="")
    openid = models.CharField("收款 openid", max_length=64, blank=True, default="")
    bank_name = models.CharField("开户行", max_length=64, blank=True, default="")
    bank_account_name = models.CharField("户名", max_length=32, blank=True, default="")
    bank_account_no = models.CharField("卡号", max_length=32, blank=True, default="")
    paid_reference = models.CharField("打款凭证号", max_length=64, blank=True, default="")
    reject_reason = models.CharField("驳回原因", max_length=200, blank=True, default="")
    fail_reason = models.CharField("失败原因", max_length=200, blank=True, default="")
    # Set when WeChat reports something our records cannot explain (another amount): the payout
    # stops being followed automatically and waits for an operator.
    anomaly = models.CharField("异常说明", max_length=200, blank=True, default="")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="审核人",
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    submitted_at = models.DateTimeField("提交微信时间", null=True, blank=True)
    last_queried_at = models.DateTimeField("最后查询", null=True, blank=True)
    paid_at = models.DateTimeField("到账时间", null=True, blank=True)
    closed_at = models.DateTimeField("退回时间", null=True, blank=True)
    created_at = models.DateTimeField("申请时间", auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "提现"
        verbose_name_plural = "提现"
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="withdrawal_amount_positive"),
            models.CheckConstraint(
                condition=Q(fee_fen__gte=0) & Q(fee_fen__lt=models.F("amount_fen")), name="withdrawal_fee_below_amount"
            ),
        ]
        indexes = [models.Index(fields=["distributor", "created_at"], name="withdrawal_by_day")]

    def __str__(self) -> str:
        return self.out_bill_no

    @property
    def net_fen(self) -> int:
        return self.amount_fen - self.fee_fen
