"""The bridge between the orchestrator and pytest — a plugin giving the checks the live cluster as
the ``cluster`` fixture and keeping each check's outcome — and the summary table printed at the end."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from scripts.cluster.topology import Cluster

_live: list[Cluster] = []  # the cluster the orchestrator brought up, for the fixture below


@pytest.fixture(scope="session")
def cluster() -> Cluster:
    """The live cluster (this module is a pytest plugin of the orchestrator's run)."""
    assert _live, "tests/cluster runs under the orchestrator: make cluster-test"
    return _live[-1]


@dataclass
class ClusterPlugin:
    """Keeps each check's outcome and time for the summary table."""

    outcomes: dict[str, tuple[str, float]] = field(default_factory=dict)

    def serve(self, live: Cluster) -> None:
        _live.append(live)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        name = report.nodeid.split("::")[-1]
        if report.when == "call" or report.outcome != "passed":
            previous = self.outcomes.get(name, ("passed", 0.0))
            outcome = report.outcome if previous[0] == "passed" else previous[0]
            self.outcomes[name] = (outcome, previous[1] + report.duration)


def print_summary(plugin: ClusterPlugin, cluster: Cluster | None, *, elapsed: float, code: int) -> None:
    notes = cluster.notes if cluster is not None else {}
    width = max([len(n) for n in plugin.outcomes] + [24])
    print("\n== cluster test summary", flush=True)
    print(f"{'check':<{width}}  {'result':<7}  {'time':>6}  figures")
    print(f"{'-' * width}  {'-' * 7}  {'-' * 6}  {'-' * 40}")
    for name, (outcome, seconds) in plugin.outcomes.items():
        key = name.removeprefix("test_")
        lines = next((v for k, v in notes.items() if key.startswith(k)), [])
        first, *rest = lines or [""]
        print(f"{name:<{width}}  {outcome.upper():<7}  {seconds:>5.1f}s  {first}")
        for line in rest:
            print(f"{'':<{width}}  {'':<7}  {'':>6}  {line}")
    verdict = "PASS" if code == 0 else f"FAIL (exit {code})"
    print(f"\n{verdict} in {elapsed:.0f}s", flush=True)
