"""Running a task in real threads that start together, for the PostgreSQL concurrency tests."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from django.db import connection

T = TypeVar("T")


def run_together(task: Callable[[int], T], n: int = 10) -> list[T | BaseException]:
    """Start ``n`` threads at one barrier and return what each returned or raised. Each thread
    closes its own database connection."""
    barrier = threading.Barrier(n)
    results: list[T | BaseException] = [None] * n  # type: ignore[list-item]

    def worker(i: int) -> None:
        try:
            barrier.wait(timeout=20)
            results[i] = task(i)
        except BaseException as exc:
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a thread hung"
    return results


def run_together_ok(task: Callable[[int], T], n: int = 10) -> list[T]:
    """``run_together`` for tasks that must not raise: any exception fails the test."""
    results = run_together(task, n)
    errors = [r for r in results if isinstance(r, BaseException)]
    assert not errors, errors
    return results  # type: ignore[return-value]
