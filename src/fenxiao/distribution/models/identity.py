"""A distributor's real-name identity (issue 19 §3): encrypted name and ID number, their masks for
every screen, and a keyed hash of the number to refuse one person on two accounts. Written only by
``identity.services``; read in full only through ``identity_reveal`` (permission + audit)."""

from __future__ import annotations

from django.db import models

from fenxiao.distribution.models.distributors import Distributor


class IdType(models.TextChoices):
    RESIDENT_ID = "resident_id", "居民身份证"


class DistributorIdentity(models.Model):
    # CASCADE: the identity is the distributor's own data and goes with the row; a distributor who
    # earned anything is kept by their commission records (PROTECT) anyway.
    distributor = models.OneToOneField(
        Distributor, on_delete=models.CASCADE, related_name="identity", verbose_name="分销商"
    )
    id_type = models.CharField("证件类型", max_length=16, choices=IdType.choices, default=IdType.RESIDENT_ID)
    name_sealed = models.TextField("姓名（密文）")
    number_sealed = models.TextField("证件号（密文）")
    number_hash = models.CharField("证件号摘要", max_length=64, db_index=True)
    name_masked = models.CharField("姓名", max_length=40)
    number_masked = models.CharField("证件号", max_length=32)
    created_at = models.DateTimeField("认证时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "分销商实名信息"
        verbose_name_plural = "分销商实名信息"
        ordering = ["-id"]
        permissions = [("reveal_identity", "可查看分销商实名信息全文")]

    def __str__(self) -> str:
        return f"{self.name_masked} {self.number_masked}"
