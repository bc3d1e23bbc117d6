"""Complaints (issue 19 §2, DESIGN §7): a shopper complains about a distributor or an order; an
operator answers within a due time, replies (the shopper reads them) and resolves or rejects it.

The distributor is referenced by their user: risk sits below distribution and never imports it (the
API face turns a distributor's code into the user). The order is a foreign key: risk sits above
orders."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class ComplaintCategory(models.TextChoices):
    MISLEADING = "misleading", "虚假宣传"
    HARASSMENT = "harassment", "骚扰推销"
    RECRUITING = "recruiting", "拉人头/收取入门费"
    PRODUCT = "product", "商品质量"
    SERVICE = "service", "服务态度"
    REFUND = "refund", "退款纠纷"
    PRIVACY = "privacy", "泄露个人信息"
    OTHER = "other", "其他"


class ComplaintStatus(models.TextChoices):
    OPEN = "open", "待处理"
    REPLIED = "replied", "处理中"
    RESOLVED = "resolved", "已解决"
    REJECTED = "rejected", "已驳回"


# Complaints the operator still owes an answer on; past ``due_at`` they are overdue.
OPEN_COMPLAINT = (ComplaintStatus.OPEN, ComplaintStatus.REPLIED)


class Complaint(models.Model):
    complaint_no = models.CharField("投诉单号", max_length=32, unique=True)
    complainant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="complaints", verbose_name="投诉人"
    )
    # The distributor complained about, as their user (null for a complaint about an order only).
    distributor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints_received",
        verbose_name="被投诉分销商",
    )
    order = models.ForeignKey(
        "orders.Order",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name="订单",
    )
    category = models.CharField("类型", max_length=16, choices=ComplaintCategory.choices)
    content = models.CharField("投诉内容", max_length=1000)
    photos = models.JSONField("图片", default=list, blank=True)
    status = models.CharField(
        "状态", max_length=16, choices=ComplaintStatus.choices, default=ComplaintStatus.OPEN, db_index=True
    )
    due_at = models.DateTimeField("处理时限", db_index=True)
    resolution = models.CharField("处理结果", max_length=500, blank=True, default="")
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="处理人",
    )
    closed_at = models.DateTimeField("完结时间", null=True, blank=True)
    created_at = models.DateTimeField("投诉时间", auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "投诉"
        verbose_name_plural = "投诉"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(distributor_user__isnull=False) | Q(order__isnull=False), name="complaint_has_target"
            )
        ]
        indexes = [models.Index(fields=["distributor_user", "status"], name="complaint_distributor_status")]

    def __str__(self) -> str:
        return self.complaint_no


class ComplaintReply(models.Model):
    """An operator's answer on a complaint: the shopper reads every one on the complaint's page."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="replies", verbose_name="投诉")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="回复人"
    )
    content = models.CharField("回复内容", max_length=1000)
    created_at = models.DateTimeField("回复时间", auto_now_add=True)

    class Meta:
        verbose_name = "投诉回复"
        verbose_name_plural = "投诉回复"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.complaint_id}:{self.pk}"
