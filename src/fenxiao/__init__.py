"""Fenxiao 分销商城: a WeChat mini-program distribution mall."""

# Loaded with Django so ``@shared_task`` binds to the project's Celery app (eager without a broker).
from fenxiao.celery import app as celery_app

__all__ = ["celery_app"]
