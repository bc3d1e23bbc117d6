"""A double-entry book: accounts, transactions and the legs that move money between accounts.

The ledger knows account codes and amounts, never people (DESIGN §6): ``distributor:42:pending`` is
an opaque string here. Every transaction's legs sum to zero; transactions and legs are append-only
(a mistake is corrected by a reversal), enforced by ``save``/``delete`` and the queryset here and,
on PostgreSQL, by triggers (migration 0002). ``Account.balance_fen`` is a cache of the sum of the
account's legs, moved only by ``services.ledger_post`` and verified by ``checks.ledger_check``."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from fenxiao.ledger.errors import append_only


class Account(models.Model):
    code = models.CharField("账户编码", max_length=100, unique=True)
    name = models.CharField("名称", max_length=100, blank=True, default="")
    balance_fen = models.BigIntegerField("余额(分)", default=0)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "账户"
        verbose_name_plural = "账户"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）" if self.name else self.code


class AppendOnlyQuerySet(models.QuerySet):
    """Bulk ``update``/``delete`` would bypass the model's guard; refuse them too."""

    def update(self, **kwargs):
        raise append_only()

    def delete(self):
        raise append_only()


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise append_only()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise append_only()


class LedgerTransaction(AppendOnlyModel):
    kind = models.CharField("类型", max_length=40, db_index=True)
    # The idempotency key: the same business event always posts under the same reference.
    reference = models.CharField("凭证号", max_length=120, unique=True)
    memo = models.CharField("摘要", max_length=200, blank=True, default="")
    reversal_of = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversed_by",
        verbose_name="冲正的记账",
    )
    created_at = models.DateTimeField("记账时间", auto_now_add=True)

    class Meta:
        verbose_name = "记账"
        verbose_name_plural = "记账"
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.reference


class Leg(AppendOnlyModel):
    transaction = models.ForeignKey(
        LedgerTransaction, on_delete=models.PROTECT, related_name="legs", verbose_name="记账", db_index=False
    )
    account = models.ForeignKey(
        Account, on_delete=models.PROTECT, related_name="legs", verbose_name="账户", db_index=False
    )
    # Signed: positive increases the account's balance, negative decreases it.
    amount_fen = models.BigIntegerField("金额(分)")

    class Meta:
        verbose_name = "分录"
        verbose_name_plural = "分录"
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=~Q(amount_fen=0), name="ledger_leg_amount_non_zero")]
        # (fk, id) rather than the plain FK indexes: they also answer "newest legs of an account"
        # and "the last leg of a transaction" (the balance trigger's shortcut) from the index.
        indexes = [
            models.Index(fields=["account", "id"], name="ledger_leg_account_id"),
            models.Index(fields=["transaction", "id"], name="ledger_leg_transaction_id"),
        ]

    def __str__(self) -> str:
        return f"{self.account_id}: {self.amount_fen}"
