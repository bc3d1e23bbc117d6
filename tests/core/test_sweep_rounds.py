"""The sweep rounds on workers: a round runs only the sweeps its beat entry names, in the written
order; a second round of the same group skips while the first holds the lock; a restarted worker
frees what it held when it was killed; and the web process runs no sweeper once a broker is set."""

from __future__ import annotations

import threading

import pytest

from fenxiao.core import extensions
from fenxiao.core.planner_statistics import SWEEP_NAME as PLANNER_STATISTICS
from fenxiao.core.sweep_lock import release_stale_locks, sweep_round_lock
from fenxiao.core.sweeper import Cadence, start_in_process_sweeper
from fenxiao.core.tasks import run_sweeps_task


@pytest.fixture
def sweeps_ran(monkeypatch):
    ran: list[str] = []

    def sweep(name: str):
        def run(*, now) -> int:
            ran.append(name)
            return 1

        return run

    fake = {name: sweep(name) for name in extensions.SWEEP_ORDER}
    monkeypatch.setattr(extensions, "_sweeps", fake)
    return ran


def test_a_round_runs_only_the_sweeps_of_its_group_in_the_written_order(sweeps_ran):
    counts = run_sweeps_task(group="reports", names=["analytics.reconcile", "exports.expired_files"])
    assert sweeps_ran == ["exports.expired_files", "analytics.reconcile"]
    assert counts == {"exports.expired_files": 1, "analytics.reconcile": 1}


def test_a_round_skips_while_another_round_of_its_group_runs(sweeps_ran):
    with sweep_round_lock("payments", owner="celery@other") as held:
        assert held
        assert run_sweeps_task(group="payments", names=["payments.expired"]) == {}
        assert run_sweeps_task(group="reports", names=["analytics.reconcile"]) == {"analytics.reconcile": 1}
    assert run_sweeps_task(group="payments", names=["payments.expired"]) == {"payments.expired": 1}
    assert sweeps_ran == ["analytics.reconcile", "payments.expired"]


def test_a_restarted_worker_releases_the_round_locks_it_held_when_it_was_killed():
    with sweep_round_lock("payments", owner="celery@node1"), sweep_round_lock("reports", owner="celery@node2"):
        assert release_stale_locks(owner="celery@node1") == ["payments"]
        with sweep_round_lock("payments", owner="celery@node1") as held:
            assert held
        with sweep_round_lock("reports", owner="celery@node1") as held:
            assert not held


def test_the_web_process_runs_no_sweeper_when_a_broker_is_set(settings):
    settings.CELERY_BROKER_URL = "amqp://guest:guest@127.0.0.1:5672//"
    settings.SWEEP_IN_PROCESS = True  # even when asked for
    assert start_in_process_sweeper() is False
    assert "fenxiao-sweeper" not in {thread.name for thread in threading.enumerate()}


def test_between_whole_rounds_the_sweeper_runs_the_planner_statistics_check_alone():
    cadence = Cadence(60, 5, start=1000.0)

    assert cadence.tick == 5
    wakes = [1000.0 + 5 * i for i in range(1, 25)]  # two minutes of wake-ups
    ran = [cadence.due(now) for now in wakes]

    whole = [now - 1000.0 for now, only in zip(wakes, ran, strict=True) if only is None]
    assert whole == [60.0, 120.0]
    assert all(only == (PLANNER_STATISTICS,) for only in ran if only is not None)


def test_without_a_frequent_check_every_wake_up_is_a_whole_round_even_when_late():
    cadence = Cadence(60, None, start=0.0)

    assert cadence.tick == 60
    assert [cadence.due(now) for now in (60.0, 121.0, 250.0, 300.0)] == [None, None, None, None]
