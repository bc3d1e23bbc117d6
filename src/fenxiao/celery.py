"""The Celery application for production: ``celery -A fenxiao worker`` and ``celery -A fenxiao
beat``. Configured from Django settings (``CELERY_*``); beat runs the sweep round every
``SWEEP_INTERVAL_SECONDS``. Without ``CELERY_BROKER_URL`` tasks run eagerly in the caller and the
web process runs the sweeps itself (``fenxiao.core.sweeper``)."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fenxiao.settings")

app = Celery("fenxiao")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_finalize.connect
def _schedule_sweeps(sender: Celery, **_: object) -> None:
    from django.conf import settings

    sender.add_periodic_task(
        float(settings.SWEEP_INTERVAL_SECONDS), sender.signature("fenxiao.run_sweeps"), name="sweeps"
    )
