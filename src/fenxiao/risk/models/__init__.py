"""The risk app's tables, one file per idea: the audit log here; fraud cases, the blacklist and
complaints beside it."""

from fenxiao.risk.models.audit import AuditEntry

__all__ = ["AuditEntry"]
