"""The mall's Prometheus figures, declared once. Services count the business events where they
happen, and money only once its transaction has committed (``count_after_commit``): a payment
rolled back was never a payment.

With ``PROMETHEUS_MULTIPROC_DIR`` set (several gunicorn workers and Celery children on one node),
prometheus_client writes each process's values to files in that folder and ``/metrics`` sums them
(``endpoint.py``); the variable must be in the environment before the process starts. Without it
the values live in this process's default registry."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from prometheus_client import Counter, Histogram

# Requests: one observation each; ``_count`` of the histogram is the number of requests.
HTTP_REQUEST_SECONDS = Histogram(
    "fenxiao_http_request_duration_seconds",
    "HTTP requests by method, route template and status class, and how long they took",
    ["method", "route", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)

ORDERS_PLACED = Counter("fenxiao_orders_placed", "Orders placed (committed)")
PAYMENTS_SUCCEEDED = Counter("fenxiao_payments_succeeded", "Payments an order took (committed)")
REFUNDS_SUCCEEDED = Counter("fenxiao_refunds_succeeded", "Refunds WeChat reported done (committed)")
REFUNDED_FEN = Counter("fenxiao_refunded_fen", "Fen refunded by the refunds that succeeded")
COMMISSION_BOOKED = Counter("fenxiao_commission_booked", "Commission records booked on paid orders")
COMMISSION_BOOKED_FEN = Counter("fenxiao_commission_booked_fen", "Fen of commission booked on paid orders")
SECKILL_ACCEPTED = Counter("fenxiao_seckill_accepted", "Seckill purchases that placed an order (committed)")
SECKILL_REFUSED = Counter("fenxiao_seckill_refused", "Seckill purchases refused, by reason code", ["reason"])
TASK_FAILURES = Counter("fenxiao_task_failures", "Celery tasks that failed, by task name", ["task"])
TASK_RETRIES = Counter("fenxiao_task_retries", "Celery task retries, by task name", ["task"])


def count_after_commit(count: Callable[[], None]) -> None:
    """Run ``count`` once the current transaction commits (at once outside one); never on rollback."""
    transaction.on_commit(count)


def order_placed() -> None:
    count_after_commit(ORDERS_PLACED.inc)


def payment_succeeded() -> None:
    count_after_commit(PAYMENTS_SUCCEEDED.inc)


def refund_succeeded(*, amount_fen: int) -> None:
    def count() -> None:
        REFUNDS_SUCCEEDED.inc()
        REFUNDED_FEN.inc(amount_fen)

    count_after_commit(count)


def commission_booked(*, records: int, amount_fen: int) -> None:
    def count() -> None:
        COMMISSION_BOOKED.inc(records)
        COMMISSION_BOOKED_FEN.inc(amount_fen)

    count_after_commit(count)


def seckill_accepted() -> None:
    count_after_commit(SECKILL_ACCEPTED.inc)


def seckill_refused(*, reason: str) -> None:
    """A refusal changed nothing: counted at once. ``reason`` is an error code (a short, fixed set)."""
    SECKILL_REFUSED.labels(reason=reason).inc()
