"""The risk app's tables, one file per idea: the audit log here; fraud cases, the blacklist and
complaints beside it."""

from fenxiao.risk.models.audit import AuditEntry
from fenxiao.risk.models.blacklist import BlacklistEntry, BlacklistKind
from fenxiao.risk.models.cases import CaseKind, CaseStatus, RiskCase, RiskCaseOrder
from fenxiao.risk.models.complaints import Complaint, ComplaintReply
from fenxiao.risk.models.settings import RiskSettings
from fenxiao.risk.models.traces import ClientTrace, TraceKind

__all__ = [
    "AuditEntry",
    "BlacklistEntry",
    "BlacklistKind",
    "CaseKind",
    "CaseStatus",
    "ClientTrace",
    "Complaint",
    "ComplaintReply",
    "RiskCase",
    "RiskCaseOrder",
    "RiskSettings",
    "TraceKind",
]
