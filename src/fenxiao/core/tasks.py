"""Celery tasks of the core: the periodic sweep round that beat schedules."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from fenxiao.core.extensions import run_sweeps


@shared_task(name="fenxiao.run_sweeps", ignore_result=True)
def run_sweeps_task() -> dict[str, int]:
    return run_sweeps(now=timezone.now())
