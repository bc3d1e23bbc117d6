"""Reading export jobs: a job is visible to staff allowed to export its kind (the one who asked,
or anyone with the same view permission), and to nobody else; others get 404, not 403, so ids
reveal nothing."""

from __future__ import annotations

from fenxiao.accounts.models import User
from fenxiao.analytics.exports import errors
from fenxiao.analytics.exports.kinds import KINDS
from fenxiao.analytics.exports.models import ExportJob
from fenxiao.analytics.exports.request import export_allowed


def export_job_get(*, job_id: int, user: User) -> ExportJob:
    job = ExportJob.objects.select_related("requested_by").filter(pk=job_id).first()
    kind = KINDS.get(job.kind) if job else None
    if job is None or kind is None or not export_allowed(user, kind):
        raise errors.job_not_found()
    return job
