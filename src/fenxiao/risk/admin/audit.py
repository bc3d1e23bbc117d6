"""The audit log, read-only: what operators changed, and every read of sensitive data."""

from __future__ import annotations

from django.contrib import admin

from fenxiao.core.admin_mixins import ReadOnlyAdmin
from fenxiao.risk.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "actor", "action", "target_type", "target_id", "summary"]
    list_filter = ["action", "target_type"]
    search_fields = ["target_id", "summary", "actor__username"]
    date_hierarchy = "created_at"
