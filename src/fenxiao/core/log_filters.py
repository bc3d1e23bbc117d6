"""Logging filters wired in ``settings.LOGGING``."""

from __future__ import annotations

import logging


class DropConflictWarnings(logging.Filter):
    """Django logs every 4xx answer as a ``django.request`` warning. A 409 here is a business
    answer (sold out, limit reached, order no longer cancellable), not a fault: a seckill crowd
    turns thousands of them out a second, and logging each would bury real warnings and cost the
    hot refusal path a formatted log line per request. Other 4xx answers are still logged."""

    def filter(self, record: logging.LogRecord) -> bool:
        return getattr(record, "status_code", None) != 409
