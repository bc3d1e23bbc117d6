"""Distributors and the applications that make people one (DESIGN §5 "becoming a distributor")."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from fenxiao.distribution.models.config import BecomePolicy, Tier


class DistributorStatus(models.TextChoices):
    ACTIVE = "active", "正常"
    SUSPENDED = "suspended", "已暂停"


class Distributor(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="distributor", verbose_name="用户"
    )
    code = models.CharField("推广码", max_length=16, unique=True)
    status = models.CharField(
        "状态", max_length=16, choices=DistributorStatus.choices, default=DistributorStatus.ACTIVE, db_index=True
    )
    tier = models.ForeignKey(Tier, on_delete=models.PROTECT, related_name="distributors", verbose_name="等级")
    real_name = models.CharField("真实姓名", max_length=32, blank=True, default="")
    phone = models.CharField("手机号", max_length=20, blank=True, default="")
    source = models.CharField("成为方式", max_length=16, default=BecomePolicy.APPLY)
    joined_at = models.DateTimeField("成为分销商时间", auto_now_add=True, db_index=True)
    suspended_at = models.DateTimeField("暂停时间", null=True, blank=True)
    suspend_reason = models.CharField("暂停原因", max_length=200, blank=True, default="")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "分销商"
        verbose_name_plural = "分销商"
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.code}"

    @property
    def is_active(self) -> bool:
        return self.status == DistributorStatus.ACTIVE


class ApplicationStatus(models.TextChoices):
    PENDING = "pending", "待审核"
    APPROVED = "approved", "已通过"
    REJECTED = "rejected", "已驳回"


class DistributorApplication(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="distributor_applications",
        verbose_name="申请人",
    )
    real_name = models.CharField("真实姓名", max_length=32)
    phone = models.CharField("手机号", max_length=20)
    reason = models.CharField("申请理由", max_length=500, blank=True, default="")
    status = models.CharField(
        "状态", max_length=16, choices=ApplicationStatus.choices, default=ApplicationStatus.PENDING, db_index=True
    )
    reject_reason = models.CharField("驳回原因", max_length=200, blank=True, default="")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="审核人",
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    created_at = models.DateTimeField("申请时间", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "分销商申请"
        verbose_name_plural = "分销商申请"
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["user"], condition=Q(status="pending"), name="application_one_pending"),
        ]

    def __str__(self) -> str:
        return f"申请 #{self.pk}"
