"""Celery task of the exports: load the job by id, run it (``services.export_job_run``). The job is
claimed by a conditional update (queued → running), so a retried message never writes it twice;
a message the broker redelivered because its worker died takes over the job that worker left
running. Its time limit is the exports' own, the longest of the mall's tasks."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from fenxiao.analytics.exports.jobs import export_job_run
from fenxiao.core.task_policy import retry_policy


@shared_task(
    bind=True,
    name="fenxiao.exports.run_job",
    ignore_result=True,
    time_limit=settings.EXPORT_TASK_TIME_LIMIT_SECONDS,
    soft_time_limit=settings.EXPORT_TASK_TIME_LIMIT_SECONDS - 60,
    **retry_policy(),
)
def export_job_run_task(self, job_id: int) -> None:
    delivery = self.request.delivery_info or {}
    export_job_run(job_id=job_id, redelivered=bool(delivery.get("redelivered")))
