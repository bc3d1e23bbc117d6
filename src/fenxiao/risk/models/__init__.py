"""The risk app's tables, one file per idea: the audit log here; fraud cases, the blacklist and
complaints beside it."""

from fenxiao.risk.models.audit import AuditEntry
from fenxiao.risk.models.complaints import Complaint, ComplaintReply  # noqa: F401  (registers the models)

__all__ = ["AuditEntry"]
