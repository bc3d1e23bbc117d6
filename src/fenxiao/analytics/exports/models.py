"""A background export: what was asked (kind, format, filters), how far it got, and where its file
is. The file lives under ``settings.EXPORT_DIR`` (``var/exports``), a folder no URL serves: it is
only ever streamed by the download endpoint to staff allowed to see the kind."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ExportStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "导出中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"
    EXPIRED = "expired", "已过期（文件已清理）"


class ExportJob(models.Model):
    kind = models.CharField("导出内容", max_length=32)
    format = models.CharField("格式", max_length=8)
    # The validated filters as the API or the admin list gave them (dates as ISO text), so the
    # job rebuilds exactly the queryset that was counted.
    filters = models.JSONField("筛选条件", default=dict, blank=True)
    status = models.CharField(
        "状态", max_length=16, choices=ExportStatus.choices, default=ExportStatus.QUEUED, db_index=True
    )
    rows_total = models.PositiveIntegerField("总行数", default=0)
    rows_done = models.PositiveIntegerField("已导出行数", default=0)
    file_name = models.CharField("文件名", max_length=200, blank=True, default="")
    error = models.CharField("错误", max_length=300, blank=True, default="")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="申请人",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "导出任务"
        verbose_name_plural = "导出任务"
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"导出 #{self.pk}"

    @property
    def progress_percent(self) -> int:
        if self.status == ExportStatus.DONE:
            return 100
        return self.rows_done * 100 // self.rows_total if self.rows_total else 0
