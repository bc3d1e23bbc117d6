"""The sweeps a bench lets run beside the server. The bench servers run with
``SWEEP_IN_PROCESS=false`` because most sweeps would change what is measured (cancelling the
bench's unpaid orders, expiring its seckill gates); the ones that only keep the database in shape
(``core.planner_statistics``) must still run, every ``PLANNER_STATISTICS_INTERVAL_SECONDS`` as Celery
beat or the in-process sweeper runs that one in a live mall, or the bench measures a mall that
nobody runs."""

from __future__ import annotations

import argparse
import os
import threading
from collections.abc import Collection

# What a live mall runs every round that the benches keep running: it changes no shop data.
MAINTENANCE_SWEEPS = ("core.planner_statistics",)


class SweepThread:
    """Runs ``run_sweeps(only=names)`` every ``interval`` seconds in a daemon thread of the bench
    process (its own database connection), from ``start()`` to ``stop()``; counts what they did."""

    def __init__(self, names: Collection[str], interval: float) -> None:
        self.names = tuple(names)
        self.interval = interval
        self.rounds = 0
        self.done: dict[str, int] = dict.fromkeys(self.names, 0)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="bench-sweeps", daemon=True)

    def start(self) -> SweepThread:
        if self.names:
            self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=60)

    def _loop(self) -> None:
        from django.db import connection
        from django.utils import timezone

        from fenxiao.core.extensions import run_sweeps

        while not self._stop.wait(self.interval):
            try:
                for name, n in run_sweeps(now=timezone.now(), only=self.names).items():
                    self.done[name] += n
                self.rounds += 1
            finally:
                connection.close()

    def summary(self) -> str:
        if not self.names:
            return "no sweeps ran beside the server"
        done = ", ".join(f"{name} {n}" for name, n in self.done.items())
        return f"sweeps beside the server every {self.interval:.0f} s: {self.rounds} rounds; {done}"


def add_sweep_options(p: argparse.ArgumentParser) -> None:
    """``--sweeps`` and ``--sweep-interval``, read by ``sweep_thread``."""
    p.add_argument(
        "--sweeps",
        choices=["maintenance", "none"],
        default="maintenance",
        help="maintenance (default): run the sweeps that change no shop data (core.planner_statistics) beside\n"
        "the server every --sweep-interval s, as a live mall does; none: not even those (issue 22's 'before')",
    )
    p.add_argument(
        "--sweep-interval",
        type=float,
        default=float(os.environ.get("PLANNER_STATISTICS_INTERVAL_SECONDS") or 5),
        help="seconds between those rounds (default PLANNER_STATISTICS_INTERVAL_SECONDS or 5, as the mall)",
    )


def sweep_thread(args: argparse.Namespace) -> SweepThread:
    """The sweeps ``--sweeps`` asks for, every ``--sweep-interval`` s; not started yet: a bench
    starts it once its server answers, and stops it before stopping the server."""
    return SweepThread(MAINTENANCE_SWEEPS if args.sweeps == "maintenance" else (), args.sweep_interval)
