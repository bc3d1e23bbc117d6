"""Celery task of the exports: load the job by id, run it (``services.export_job_run``). The job is
claimed by a conditional update (queued → running), so a retried or redelivered message never
writes it twice. Its time limit is the exports' own, the longest of the mall's tasks."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from fenxiao.analytics.exports.jobs import export_job_run
from fenxiao.core.task_policy import retry_policy


@shared_task(
    name="fenxiao.exports.run_job",
    ignore_result=True,
    time_limit=settings.EXPORT_TASK_TIME_LIMIT_SECONDS,
    soft_time_limit=settings.EXPORT_TASK_TIME_LIMIT_SECONDS - 60,
    **retry_policy(),
)
def export_job_run_task(job_id: int) -> None:
    export_job_run(job_id=job_id)
