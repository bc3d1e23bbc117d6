"""The compliance report's place in the admin and its permission (issue 19 §4)."""

from __future__ import annotations

from fenxiao.distribution.models.config import DistributionSettings

# Who may read the compliance report (its admin page and its API).
COMPLIANCE_PERMISSION = "distribution.view_compliance_report"


class ComplianceReportPage(DistributionSettings):
    """No data of its own: the admin lists models, so the 合规报告 page hangs on this proxy to get
    its place in the admin's navigation and home (``distribution/admin/compliance.py``). Who may
    open it is the ``view_compliance_report`` permission, its only one."""

    class Meta:
        proxy = True
        verbose_name = "合规报告"
        verbose_name_plural = verbose_name
        default_permissions = ()
        permissions = [("view_compliance_report", "查看合规报告")]
