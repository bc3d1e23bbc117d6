"""Celery task of the exports: load the job by id, run it (``services.export_job_run``)."""

from __future__ import annotations

from celery import shared_task

from fenxiao.analytics.exports.jobs import export_job_run


@shared_task(name="fenxiao.exports.run_job", ignore_result=True)
def export_job_run_task(job_id: int) -> None:
    export_job_run(job_id=job_id)
