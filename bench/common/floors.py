"""The two floors every HTTP figure is compared with (issue 22), measured in the bench's own run,
before its main load, under the bench's own server settings (server, workers, worker class,
threads; backlog and keep-alive are ``common.server``'s) and with its own loader settings:

* **bare**: ``floors.noop:bare_app``, a WSGI app that answers "ok": what the HTTP server, the
  loopback and the loader cost, with no Python framework at all;
* **no-op**: ``GET /api/v1/_noop`` (``floors.noop_urls``), a view that does nothing, behind the
  shop's whole stack with the shop's environment (``DJANGO_SETTINGS_MODULE=floors.noop``). Twice:
  with a bearer token, as the mini-program sends it, so the request takes the API's lane
  (``core/api_lane.py``), and without one, through the pages' stack.

Health was the only baseline before, and it makes two network round trips (PostgreSQL, Redis):
against it, a path that is mostly framework cost looked cheap. The floors say how much of the
machine the framework leaves, and how much of what is left an endpoint uses. Each bench prints
its figures as "x% of bare, y% of no-op" (``Floors.ratio_text``) and the stack's own target,
"no-op with bearer >= 60% of bare", as PASS/FAIL; that target never changes a bench's exit status.
On a shared box compare the CPU cost ratios (``Floors.cost_text``) more than the req/s ones."""

from __future__ import annotations

import argparse
import http.client
import os
import shutil
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from common.base import BENCH_DIR, HOST, BenchError, fmt_ms, fmt_opt
from common.cpu import measured
from common.loaders import run_python_loader, run_wrk
from common.server import server_errors, start_server, stop_gunicorn, wait_healthy

BARE_APP = "floors.noop:bare_app"
NOOP_APP = "fenxiao.wsgi:application"
NOOP_SETTINGS = "floors.noop"
NOOP_PATH = "/api/v1/_noop"
TARGET_NOOP_OF_BARE = 0.60
FLOOR_USERNAME = "bench_floors"
# A header only the pages' stack adds (django-csp): tells which lane a no-op request really took.
PAGES_ONLY_HEADER = "Content-Security-Policy"

CASES = {
    "bare": 'bare WSGI app ("ok")',
    "noop_bearer": "no-op view, API lane (bearer)",
    "noop_pages": "no-op view, pages' stack (no token)",
}


def add_floor_options(p: argparse.ArgumentParser, *, duration: int = 10, rounds: int = 1) -> None:
    """``--floor-duration`` and ``--floor-rounds``, read by ``measure_floors``."""
    p.add_argument(
        "--floor-duration",
        type=int,
        default=duration,
        help=f"seconds of load per floor and round: bare app, no-op with and without a bearer (default {duration};"
        " 0 skips the floors)",
    )
    p.add_argument(
        "--floor-rounds", type=int, default=rounds, help=f"rounds per floor; medians are reported (default {rounds})"
    )


def floor_token() -> str:
    """An access token issued the way the benches issue their shoppers' (for a bench user of its own):
    the no-op view checks nothing, but the request must have the real shape, header size included.
    Needs Django set up in this process (``common.database.setup_django``)."""
    from django.db import connections

    from fenxiao.accounts.models import User
    from fenxiao.accounts.tokens import token_pair_issue

    user = User.objects.get_or_create(
        username=FLOOR_USERNAME, defaults={"openid": "bench-floors", "nickname": "压测基准", "password": "!"}
    )[0]
    connections.close_all()
    return token_pair_issue(user_id=user.id, scope="user", version=user.token_version).access


def server_description(args: argparse.Namespace) -> str:
    if getattr(args, "server", "gunicorn") == "granian":
        return f"granian {args.workers} x {args.threads} blocking threads"
    threads = f" x {args.threads} threads" if args.worker_class == "gthread" else ""
    return f"gunicorn {args.workers} x {args.worker_class}{threads}"


@dataclass
class Floors:
    """The floors' medians (the shape of ``common.cpu.measured``'s results), and how a figure
    compares with them. ``bearer`` names the lane of the figure's requests: an API call with a
    token is compared with the no-op through the API's lane, an anonymous GET with the pages' stack."""

    results: dict[str, dict]
    description: str

    @property
    def bare(self) -> dict:
        return self.results["bare"]

    def noop(self, *, bearer: bool) -> dict:
        return self.results["noop_bearer" if bearer else "noop_pages"]

    def pct_bare(self, rps: float) -> float:
        return rps / self.bare["rps"] if self.bare["rps"] else 0.0

    def pct_noop(self, rps: float, *, bearer: bool) -> float:
        floor = self.noop(bearer=bearer)["rps"]
        return rps / floor if floor else 0.0

    def ratio_text(self, rps: float, *, bearer: bool) -> str:
        lane = "API lane" if bearer else "pages' stack"
        return f"{self.pct_bare(rps):.0%} of bare, {self.pct_noop(rps, bearer=bearer):.0%} of no-op ({lane})"

    def cost_text(self, result: dict, *, bearer: bool) -> str | None:
        """The same ratios by CPU cost per request (app + db + loader): the throughput ratios a box
        running nothing else would show; they barely move with other people's jobs."""
        cost = cpu_cost(result)
        if not cost:
            return None
        bare, noop = cpu_cost(self.bare), cpu_cost(self.noop(bearer=bearer))
        return f"{bare / cost:.0%} of bare, {noop / cost:.0%} of no-op by CPU cost ({cost:.2f} CPU-ms/req)"

    def noop_target(self) -> tuple[bool, float]:
        """(met, ratio) of "no-op with bearer >= 60% of bare" (issue 22)."""
        ratio = self.pct_bare(self.noop(bearer=True)["rps"])
        return ratio >= TARGET_NOOP_OF_BARE, ratio

    def failures(self) -> float:
        return sum(r["non_2xx_3xx"] + r["socket_errors"] for r in self.results.values())

    def print_table(self) -> None:
        header = (
            f"{'floor':<37} {'req/s':>8} {'% bare':>7} {'p50 ms':>7} {'p99 ms':>7} {'non-2xx':>8} {'errors':>7} "
            f"{'app CPU ms/req':>15} {'loader CPU ms/req':>18} {'other CPU':>10}"
        )
        print(header)
        print("-" * len(header))
        for key, label in CASES.items():
            r = self.results[key]
            print(
                f"{label:<37} {r['rps']:>8.1f} {self.pct_bare(r['rps']):>7.0%} {fmt_ms(r['p50_us']):>7} "
                f"{fmt_ms(r['p99_us']):>7} {r['non_2xx_3xx']:>8.0f} {r['socket_errors']:>7.0f} "
                f"{fmt_opt(r['app_cpu_ms_per_req']):>15} {fmt_opt(r['loader_cpu_ms_per_req']):>18} "
                f"{fmt_opt(r['other_cpu_cores']):>6} cores"
            )
        if any(len(r["rps_per_round"]) > 1 for r in self.results.values()):
            print(
                "  per round, req/s: "
                + "; ".join(
                    f"{key} " + " / ".join(f"{x:.0f}" for x in self.results[key]["rps_per_round"]) for key in CASES
                )
            )
        print(self.noop_target_line())

    def noop_target_line(self) -> str:
        """PASS/FAIL of "no-op with bearer >= 60% of bare", with the pages' stack beside it."""
        bearer, pages = self.noop(bearer=True), self.noop(bearer=False)
        by_cost = cpu_cost(self.bare) / cpu_cost(bearer) if cpu_cost(bearer) else None
        met, ratio = self.noop_target()
        return (
            f"{'PASS' if met else 'FAIL'}: no-op with bearer at {ratio:.0%} of bare (target >= "
            f"{TARGET_NOOP_OF_BARE:.0%}; by CPU cost {fmt_opt(by_cost, '.0%')}); the pages' stack at "
            f"{self.pct_bare(pages['rps']):.0%} of bare; the lane serves "
            f"{bearer['rps'] / pages['rps']:.2f} x the pages' stack"
            + (f"; {self.failures():.0f} failed/non-2xx floor responses" if self.failures() else "")
        )

    def as_json(self) -> dict:
        met, ratio = self.noop_target()
        return {
            "server": self.description,
            **self.results,
            "noop_bearer_of_bare": ratio,
            "noop_pages_of_bare": self.pct_bare(self.noop(bearer=False)["rps"]),
            "target_noop_of_bare": TARGET_NOOP_OF_BARE,
            "noop_target_met": met,
        }


def cpu_cost(r: dict) -> float:
    """CPU-ms per request of the server, PostgreSQL and the loader."""
    return sum(r.get(k) or 0.0 for k in ("app_cpu_ms_per_req", "db_cpu_ms_per_req", "loader_cpu_ms_per_req"))


def median_result(results: list[dict]) -> dict:
    """The median of every figure over the rounds; counts summed, the rates per round kept."""
    merged: dict = {}
    for key in results[0]:
        values = [r.get(key) for r in results]
        if all(v is None or (isinstance(v, int | float) and not isinstance(v, bool)) for v in values):
            figures = [v for v in values if v is not None]
            merged[key] = statistics.median(figures) if figures else None
    for key in ("requests", "non_2xx_3xx", "socket_errors"):
        merged[key] = sum(r[key] for r in results)
    merged["rps_per_round"] = [r["rps"] for r in results]
    merged["loadavg_per_round"] = [r["loadavg"] for r in results]
    return merged


def _check_lane(port: int, headers: dict[str, str], *, want_pages_stack: bool) -> None:
    """The no-op answers 200 "ok", and through the lane the headers ask for: the pages' stack adds
    ``PAGES_ONLY_HEADER``, the API's lane does not (a floor measured through the wrong stack would
    be a wrong floor)."""
    conn = http.client.HTTPConnection(HOST, port, timeout=10)
    try:
        conn.request("GET", NOOP_PATH, headers=headers)
        resp = conn.getresponse()
        body = resp.read()
    finally:
        conn.close()
    if resp.status != 200 or body != b"ok":
        raise BenchError(f"GET {NOOP_PATH} answered {resp.status}: {body[:300]!r}")
    if (resp.getheader(PAGES_ONLY_HEADER) is not None) != want_pages_stack:
        lane = "the pages' stack" if want_pages_stack else "the API's lane"
        raise BenchError(f"GET {NOOP_PATH} {'without' if want_pages_stack else 'with'} a bearer missed {lane}")


def measure_floors(
    args: argparse.Namespace,
    env: dict[str, str],
    workdir: Path,
    *,
    loader: str,
    wrk: str | None,
    connections: int,
    threads: int,
    timeout: int,
    token: str,
    dbname: str,
    pick_port: Callable[[], int] | None = None,
) -> Floors | None:
    """Start the bench's server (``args``: server, workers, worker class, threads) on the bare app,
    load it for ``args.floor_duration`` s per round after a short warm-up, stop it; then on the
    shop's stack with ``floors.noop``'s URLconf and the bench's ``env``, and load ``NOOP_PATH`` with
    ``token`` and without, interleaved. ``loader`` is "wrk" (``wrk`` its path) or "python", with
    ``connections`` and ``threads`` as the bench's own load. None when ``--floor-duration`` is 0."""
    duration, rounds = args.floor_duration, max(1, args.floor_rounds)
    if duration <= 0:
        return None
    warmup = min(2, getattr(args, "warmup", 2))
    # granian has no --pythonpath: the floors' modules are found through the environment.
    pythonpath = os.pathsep.join(p for p in (str(BENCH_DIR), env.get("PYTHONPATH", "")) if p)
    description = server_description(args)
    print(
        f"floors: {description}, {connections} connections, {threads} loader thread(s), {duration}s per floor "
        f"and round after {warmup}s warm-up, {rounds} round(s)"
    )

    def load(port: int, path: str, headers: dict[str, str] | None, seconds: int) -> Callable[[], dict]:
        if loader == "wrk":
            assert wrk is not None
            path_file = workdir / f"floor_paths_{path.strip('/').replace('/', '_') or 'root'}.txt"
            path_file.write_text(path + "\n")
            return lambda: run_wrk(wrk, port, path_file, seconds, connections, threads, timeout, headers)
        return lambda: run_python_loader(port, [path], seconds, connections, timeout, headers)

    def run_server(
        name: str, app: str, server_env: dict[str, str], cases: dict[str, dict[str, str] | None]
    ) -> dict[str, dict]:
        floor_args = argparse.Namespace(**{**vars(args), "app": app})
        logdir = workdir / f"floor-{name}"
        logdir.mkdir(exist_ok=True)
        server = start_server(floor_args, server_env, logdir, pick_port() if pick_port else None)
        per_round: dict[str, list[dict]] = {case: [] for case in cases}
        try:
            wait_healthy(server)
            path = "/" if name == "bare" else NOOP_PATH
            if name != "bare":
                for headers in cases.values():
                    _check_lane(server.port, headers or {}, want_pages_stack=headers is None)
            if warmup > 0:
                for headers in cases.values():
                    load(server.port, path, headers, warmup)()
            for round_no in range(rounds):
                # Alternate which case goes first, so neither always follows the warm-up or the other.
                order = list(cases.items()) if round_no % 2 == 0 else list(reversed(cases.items()))
                for case, headers in order:
                    time.sleep(1)  # let the previous run's connections drain
                    r = measured(server, dbname, load(server.port, path, headers, duration))
                    if loader != "wrk":
                        r["loader_cpu_ms_per_req"] = None  # the Python loader's threads run in this process
                    per_round[case].append(r)
            if server.proc.poll() is not None:
                raise BenchError(f"the {name} floor's server died during the run:\n{server.log_tail()}")
        finally:
            stop_gunicorn(server)
        for line in server_errors(server.log_path):
            print(f"  error in the {name} floor's server log: {line}")
        return {case: median_result(rs) for case, rs in per_round.items()}

    bare_env = dict(env, PYTHONPATH=pythonpath)
    noop_env = dict(env, PYTHONPATH=pythonpath, DJANGO_SETTINGS_MODULE=NOOP_SETTINGS)
    results = run_server("bare", BARE_APP, bare_env, {"bare": None})
    results |= run_server(
        "noop", NOOP_APP, noop_env, {"noop_bearer": {"Authorization": f"Bearer {token}"}, "noop_pages": None}
    )
    floors = Floors(results=results, description=description)
    floors.print_table()
    print()
    return floors


def bench_floors(
    args: argparse.Namespace,
    env: dict[str, str],
    workdir: Path,
    *,
    wrk: str | None,
    token: str,
    dbname: str,
    loader: str = "wrk",
    pick_port: Callable[[], int] | None = None,
) -> Floors | None:
    """``measure_floors`` with the bench's own load: ``args.connections``, ``args.wrk_threads`` (1
    for a bench without that option) and ``args.timeout``. Called before the bench starts its main
    server, whose ``finally`` removes ``workdir``; so when the floors fail, the workdir is removed
    here before the error goes up, or every failed run would leave its temporary files behind."""
    try:
        return measure_floors(
            args,
            env,
            workdir,
            loader=loader,
            wrk=wrk,
            connections=args.connections,
            threads=getattr(args, "wrk_threads", 1),
            timeout=args.timeout,
            token=token,
            dbname=dbname,
            pick_port=pick_port,
        )
    except BaseException:
        shutil.rmtree(workdir, ignore_errors=True)
        raise
