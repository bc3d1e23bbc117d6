"""Where each piece of background work goes: one table of rules (core.task_routing), checked here
against the subscribers and sweeps the installed apps really register, and the beat schedule
that runs every registered sweep exactly once, in the written order inside its queue's group."""

from __future__ import annotations

import pytest

from fenxiao.celery import app, sweep_schedule
from fenxiao.core.extensions import SWEEP_ORDER, _subscribers, registered_sweeps, subscriber_name
from fenxiao.core.planner_statistics import SWEEP_NAME as PLANNER_STATISTICS
from fenxiao.core.task_routing import (
    EVENT_TASK,
    QUEUES,
    SWEEP_TASK,
    queue_for_subscriber,
    queue_for_sweep,
    queue_for_task,
    route_task,
    sweep_groups,
)


@pytest.mark.parametrize(
    ("subscriber", "queue"),
    [
        ("fenxiao.distribution.handlers:on_order_paid", "payments"),
        ("fenxiao.distribution.handlers:on_case_cleared", "payments"),
        ("fenxiao.payments.services:on_something", "payments"),
        ("fenxiao.orders.aftersales.refunds:on_x", "payments"),
        ("fenxiao.notifications.handlers:on_order_shipped", "notifications"),
        ("fenxiao.analytics.handlers:on_order_paid", "reports"),
        ("fenxiao.analytics.rollups.handlers:on_x", "reports"),
        ("fenxiao.promotions.handlers:on_order_undone", "default"),
        ("fenxiao.promotions.invites.handlers:on_order_event", "default"),
        ("fenxiao.risk.handlers:on_x", "default"),
        # A prefix matches whole module names only.
        ("fenxiao.paymentsx.handlers:on_x", "default"),
        ("tests.core.test_event_tasks:record", "default"),
    ],
)
def test_a_subscriber_goes_to_the_queue_of_its_module(subscriber, queue):
    assert queue_for_subscriber(subscriber) == queue


@pytest.mark.parametrize(
    ("sweep", "queue"),
    [
        ("payments.unconfirmed", "payments"),
        ("payments.refunds_processing", "payments"),
        ("orders.cancel_unpaid", "payments"),
        ("distribution.payouts", "payments"),
        ("distribution.settle_commission", "payments"),
        ("notifications.outbox", "notifications"),
        ("analytics.reconcile", "reports"),
        ("exports.expired_files", "reports"),
        ("accounts.login_throttles", "default"),
        ("promotions.seckill_gates", "default"),
        ("invites.repair", "default"),
    ],
)
def test_a_sweep_goes_to_the_queue_of_its_app(sweep, queue):
    assert queue_for_sweep(sweep) == queue


def test_the_real_subscribers_of_money_notifications_and_rollups_land_on_their_queues():
    names = {subscriber_name(h): event for event, handlers in _subscribers.items() for h in handlers}
    by_queue: dict[str, set[str]] = {}
    for name in names:
        by_queue.setdefault(queue_for_subscriber(name), set()).add(name)

    assert set(by_queue) <= set(QUEUES)
    assert "fenxiao.distribution.handlers:on_order_paid" in by_queue["payments"]
    assert "fenxiao.distribution.handlers:on_order_line_refunded" in by_queue["payments"]
    assert all(n.startswith("fenxiao.notifications.") for n in by_queue["notifications"])
    assert any(n.startswith("fenxiao.notifications.") for n in by_queue["notifications"])
    assert all(n.startswith("fenxiao.analytics.") for n in by_queue["reports"])
    assert any(n.startswith("fenxiao.promotions.") for n in by_queue["default"])


@pytest.mark.parametrize(
    ("name", "args", "kwargs", "queue"),
    [
        (EVENT_TASK, ("order_paid", "fenxiao.distribution.handlers:on_order_paid", {"order_id": 1}), {}, "payments"),
        (EVENT_TASK, (), {"event": "e", "subscriber": "fenxiao.analytics.handlers:f", "payload": {}}, "reports"),
        (SWEEP_TASK, (), {"group": "reports", "names": ["analytics.reconcile"]}, "reports"),
        (SWEEP_TASK, (), {}, "default"),
        ("fenxiao.notifications.send", (7,), {}, "notifications"),
        ("fenxiao.exports.run_job", (7,), {}, "reports"),
        ("fenxiao.something_else", (), {}, "default"),
    ],
)
def test_a_task_message_is_routed_by_its_name_and_arguments(name, args, kwargs, queue):
    assert queue_for_task(name, args, kwargs) == queue
    assert route_task(name, args, kwargs, {}) == {"queue": queue}


def test_celery_sends_a_delayed_task_to_its_queue_through_the_router():
    route = app.amqp.router.route({}, "fenxiao.notifications.send", (1,), {})
    assert route["queue"].name == "notifications"
    route = app.amqp.router.route({}, "fenxiao.exports.run_job", (1,), {})
    assert route["queue"].name == "reports"


def test_the_beat_schedule_runs_every_registered_sweep_exactly_once():
    schedule = sweep_schedule(60.0)
    scheduled = [name for entry in schedule.values() for name in entry["kwargs"]["names"]]

    assert sorted(scheduled) == sorted(set(scheduled))
    assert set(scheduled) == set(registered_sweeps())
    assert set(scheduled) == set(SWEEP_ORDER)


def test_each_beat_entry_keeps_the_written_order_goes_to_its_queue_and_expires():
    schedule = sweep_schedule(45.0)

    assert set(schedule) == {f"sweeps:{q}" for q in QUEUES}
    for key, entry in schedule.items():
        queue = key.removeprefix("sweeps:")
        names = entry["kwargs"]["names"]
        assert entry["task"] == SWEEP_TASK and entry["schedule"] == 45.0
        assert entry["kwargs"]["group"] == queue and entry["options"] == {"queue": queue, "expires": 45.0}
        assert names == [n for n in SWEEP_ORDER if n in names]
        assert {queue_for_sweep(n) for n in names} == {queue}
    # Within the payments group money comes first: a payment is recorded before its order is
    # cancelled as unpaid, and commission is settled before payouts run.
    payments = schedule["sweeps:payments"]["kwargs"]["names"]
    assert payments.index("payments.unconfirmed") < payments.index("orders.cancel_unpaid")
    assert payments.index("distribution.settle_commission") < payments.index("distribution.payouts")


def test_the_configured_app_schedules_the_groups_and_keeps_its_file_under_the_var_dir(settings):
    assert {k.removeprefix("sweeps:") for k in app.conf.beat_schedule} == {
        *sweep_groups(SWEEP_ORDER),
        PLANNER_STATISTICS,
    }
    assert (
        app.conf.beat_schedule[f"sweeps:{PLANNER_STATISTICS}"]["schedule"]
        == settings.PLANNER_STATISTICS_INTERVAL_SECONDS
    )
    assert app.conf.beat_schedule_filename.startswith(str(settings.VAR_DIR))


def test_the_task_policy_is_configured(settings):
    conf = app.conf
    assert conf.task_acks_late and conf.task_reject_on_worker_lost
    assert conf.worker_prefetch_multiplier == 1
    assert conf.task_serializer == "json" and list(conf.accept_content) == ["json"]
    assert conf.broker_transport_options["visibility_timeout"] > conf.task_time_limit
    assert conf.broker_transport_options["visibility_timeout"] > settings.EXPORT_TASK_TIME_LIMIT_SECONDS
    assert conf.broker_transport_options["visibility_timeout"] > settings.TASK_RETRY_BACKOFF_MAX_SECONDS
    assert settings.TASK_RETRY_BACKOFF_MAX_SECONDS < 30 * 60  # RabbitMQ's consumer_timeout
    assert [q.name for q in conf.task_queues] == list(QUEUES)
    from fenxiao.core.event_tasks import deliver_subscriber_task as deliver

    assert deliver.name == EVENT_TASK
    assert deliver.autoretry_for == (Exception,) and deliver.retry_backoff and deliver.retry_jitter


def test_the_planner_statistics_check_also_runs_alone_between_the_rounds():
    schedule = sweep_schedule(60.0, 5.0)

    entry = schedule.pop(f"sweeps:{PLANNER_STATISTICS}")
    queue = queue_for_sweep(PLANNER_STATISTICS)
    assert entry["task"] == SWEEP_TASK and entry["schedule"] == 5.0
    # Its own round lock: were it its queue's, a check running at the minute would skip that round.
    assert entry["kwargs"] == {"group": PLANNER_STATISTICS, "names": [PLANNER_STATISTICS]}
    assert entry["options"] == {"queue": queue, "expires": 5.0}
    assert schedule == sweep_schedule(60.0)  # the rounds are unchanged, and still run it too
    # Off, or no more often than the rounds: only the rounds run it.
    assert sweep_schedule(60.0, 0) == sweep_schedule(60.0, 60.0) == sweep_schedule(60.0)
