"""The platform's own details heading the quarterly tax report (国务院令第810号, issue 19 §5):
one row (pk=1), edited by operators through ``tax.platform`` so that every change is validated
and audit-logged."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class TaxPlatform(models.Model):
    domain = models.CharField("平台域名或小程序名称", max_length=200, blank=True, default="")
    business_type = models.CharField("业务类型", max_length=100, blank=True, default="社交分销电商")
    operator_name = models.CharField("经营者名称", max_length=200, blank=True, default="")
    uscc = models.CharField("统一社会信用代码", max_length=18, blank=True, default="")
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="最后修改人",
    )

    class Meta:
        verbose_name = "涉税报送平台信息"
        verbose_name_plural = "涉税报送平台信息"
        permissions = [("export_tax_report", "可导出季度涉税报送")]

    def __str__(self) -> str:
        return "涉税报送平台信息"
