"""Where the time of a measured block went: SQL per kind of statement and COMMIT, timed through a
Django execute wrapper, and the percentile both measurements report."""

from __future__ import annotations

import re
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


class QueryTimer:
    """A Django execute wrapper: time and count per kind of statement (numbers and placeholder
    lists folded, so ``id IN (%s, %s, ...)`` of any length is one kind)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self.commit_seconds = 0.0
        self.commit_calls = 0

    @contextmanager
    def commits(self, connection) -> Iterator[None]:
        """Time COMMITs too (Django issues them outside the execute wrappers): instrumentation
        only, COMMIT is where the WAL is flushed and the ledger's deferred triggers run."""
        real_commit = connection._commit

        def timed_commit():
            start = time.perf_counter()
            try:
                return real_commit()
            finally:
                self.commit_seconds += time.perf_counter() - start
                self.commit_calls += 1

        connection._commit = timed_commit
        try:
            yield
        finally:
            del connection._commit

    @staticmethod
    def kind(sql: str) -> str:
        text = re.sub(r"\s+", " ", sql).strip()
        text = re.sub(r"%s(, %s)+", "%s…", text)
        text = re.sub(r'"s\d+_x\d+"', '"sN"', text)  # savepoint names
        text = re.sub(r"\b\d+\b", "N", text)
        return text[:150]

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            key = self.kind(sql)
            self.seconds[key] += time.perf_counter() - start
            self.calls[key] += 1

    @property
    def total_calls(self) -> int:
        return sum(self.calls.values())

    @property
    def total_seconds(self) -> float:
        return sum(self.seconds.values())

    def top(self, n: int = 12) -> list[tuple[str, int, float]]:
        return sorted(((k, self.calls[k], s) for k, s in self.seconds.items()), key=lambda r: -r[2])[:n]
