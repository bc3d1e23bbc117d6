"""HTTP benchmark: gunicorn + PostgreSQL, loaded by wrk from a second process.

    .venv/bin/python bench/http_bench.py [--workers 3] [--duration 20] [--connections 32]

In one run, against one server, it measures:

* ``GET /api/v1/health``   -- the baseline (DB ``SELECT 1`` + Redis ping, no ORM work),
* ``GET /api/v1/products``  -- cycling over sorts (sales/price/new), pages 1-5 and category filters,
* ``GET /api/v1/products/{id}`` -- cycling over real on-shelf product ids,

and prints requests/s, p50/p99 latency, each endpoint's throughput as a percentage of health, and
PASS/FAIL for the target "product list >= 50% of health". Exit status: 0 PASS, 1 FAIL, 2 setup error.

What it does, in order: creates the dedicated database (default ``fenxiao_bench``) if missing,
``fenxiao migrate``, seeds it once (``fenxiao seed_demo --if-empty`` when that command exists,
else a built-in seeder of the same size), starts gunicorn on a free 127.0.0.1 port with
``DB_CONN_MAX_AGE`` so workers keep their connections, waits for health, checks every request path
answers 200, warms up, runs wrk per endpoint, stops gunicorn (SIGTERM, then SIGKILL of its own
process group if it hangs). Only 127.0.0.1 is ever targeted and every load loop is time-bounded.

Besides wrk's figures it samples CPU time from /proc: the gunicorn processes, the PostgreSQL
backends of the bench database, and wrk itself -- on a 2-core machine the loader competes with the
server, so "server CPU ms per request" is the steadier figure to compare endpoints by.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
BENCH_DIR = ROOT / "bench"
LUA_SCRIPT = BENCH_DIR / "paths.lua"
VENV_BIN = Path(sys.executable).parent
HOST = "127.0.0.1"  # the only address this script ever sends requests to
TARGET_RATIO = 0.50
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/fenxiao_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
LOCAL_DB_HOSTS = {"", "127.0.0.1", "localhost", "::1"}
WRK_INSTALL_HINT = (
    "wrk is not installed. Install it with:\n"
    "    apt-get install -y wrk        (Debian/Ubuntu, as root; or: sudo apt-get install -y wrk)\n"
    "    brew install wrk              (macOS)\n"
    "or run with --loader python (a much weaker loader: its figures are not comparable with wrk's)."
)


class BenchError(Exception):
    """A setup problem: printed without a traceback, exit status 2."""


# --------------------------------------------------------------------------------------------
# Command line and environment
# --------------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--workers", type=int, default=3, help="gunicorn worker processes (default 3)")
    p.add_argument(
        "--worker-class",
        choices=["sync", "gthread"],
        default="sync",
        help="gunicorn worker class (default sync: the kernel spreads connections evenly; see bench/README.md)",
    )
    p.add_argument(
        "--app",
        default="fenxiao.wsgi:application",
        help="WSGI app for gunicorn (default fenxiao.wsgi:application); bench/ is on its python path",
    )
    p.add_argument("--threads", type=int, default=4, help="threads per worker with --worker-class gthread (default 4)")
    p.add_argument("--duration", type=int, default=20, help="seconds of load per endpoint (default 20)")
    p.add_argument("--connections", type=int, default=32, help="concurrent connections (default 32)")
    p.add_argument("--wrk-threads", type=int, default=1, help="wrk threads (default 1: leaves CPU to the server)")
    p.add_argument(
        "--warmup", type=int, default=3, help="seconds of warm-up load per endpoint, not measured (default 3)"
    )
    p.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="repeat health, list, detail N times interleaved; report medians (default 3)",
    )
    p.add_argument("--timeout", type=int, default=5, help="per-request timeout in seconds (default 5)")
    p.add_argument("--loader", choices=["auto", "wrk", "python"], default="auto", help="load generator (default auto)")
    p.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL),
        help=f"dedicated PostgreSQL database (env BENCH_DATABASE_URL; default {DEFAULT_DATABASE_URL})",
    )
    p.add_argument(
        "--redis-url",
        default=os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS_URL),
        help=f"REDIS_URL for the server (env BENCH_REDIS_URL; default {DEFAULT_REDIS_URL}); '' for none",
    )
    p.add_argument("--conn-max-age", type=int, default=600, help="DB_CONN_MAX_AGE for the server (default 600)")
    p.add_argument(
        "--seed",
        choices=["auto", "demo", "builtin", "none"],
        default="auto",
        help="how to fill an empty database: auto = seed_demo if the command exists, else builtin",
    )
    p.add_argument("--reset-db", action="store_true", help="drop and recreate the bench database first")
    p.add_argument("--json", type=Path, help="also write the results as JSON to this file")
    p.add_argument("--keep-logs", action="store_true", help="keep the temporary directory with the gunicorn log")
    args = p.parse_args(argv)
    if args.workers < 1 or args.duration < 1 or args.connections < 1 or args.wrk_threads < 1 or args.rounds < 1:
        p.error("--workers, --duration, --connections, --wrk-threads and --rounds must be >= 1")
    if args.wrk_threads > args.connections:
        p.error("--wrk-threads cannot exceed --connections")
    return args


def server_env(args: argparse.Namespace) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="fenxiao.settings",
        DATABASE_URL=args.database_url,
        DB_CONN_MAX_AGE=str(args.conn_max_age),
        DEBUG="false",
        SECRET_KEY="bench-only-secret-key-not-for-production-0123456789",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        WECHAT_MODE="sandbox",
        WECHAT_SANDBOX_ALLOWED="true",  # a bench server is a demo: the sandbox is meant
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
        # seed_demo writes generated images under MEDIA_ROOT: keep them out of the dev mall's var/media.
        MEDIA_ROOT=str(ROOT / "var" / "bench-media"),
    )
    if args.redis_url:
        env["REDIS_URL"] = args.redis_url
    else:
        env.pop("REDIS_URL", None)
    return env


def venv_tool(name: str) -> str:
    candidate = VENV_BIN / name
    if candidate.exists():
        return str(candidate)
    found = shutil.which(name)
    if not found:
        raise BenchError(f"{name} not found next to {sys.executable} nor on PATH (pip install -e '.[dev]')")
    return found


def git_revision() -> str:
    try:
        out = subprocess.run(
            ["git", "-C", str(ROOT), "describe", "--always", "--dirty"], capture_output=True, text=True, timeout=10
        )
        return out.stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


# --------------------------------------------------------------------------------------------
# Database: create, migrate, seed
# --------------------------------------------------------------------------------------------


def ensure_database(url: str, reset: bool) -> str:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql"}:
        raise BenchError(f"--database-url must be a PostgreSQL URL, got {url!r}")
    if (parts.hostname or "") not in LOCAL_DB_HOSTS:
        raise BenchError(f"refusing a non-local database host {parts.hostname!r}: the bench creates/drops databases")
    dbname = parts.path.lstrip("/")
    if not dbname or dbname in {"postgres", "template0", "template1"}:
        raise BenchError(f"--database-url needs a dedicated database name, got {dbname!r}")
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    try:
        with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (dbname,)).fetchone()
            if exists and reset:
                if "bench" not in dbname:
                    raise BenchError(f"--reset-db only drops databases whose name contains 'bench', not {dbname!r}")
                print(f"  dropping database {dbname}")
                conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(dbname)))
                exists = None
            if not exists:
                print(f"  creating database {dbname}")
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(dbname)))
    except psycopg.OperationalError as exc:
        raise BenchError(f"cannot reach PostgreSQL at {admin_url}: {exc}".strip()) from exc
    return dbname


def run_fenxiao(env: dict[str, str], *command: str, timeout: int = 900) -> None:
    cmd = [venv_tool("fenxiao"), *command]
    result = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        raise BenchError(f"{' '.join(cmd)} failed ({result.returncode}):\n{result.stdout}{result.stderr}")


def setup_django(env: dict[str, str]) -> None:
    """Django in this process only for seeding and for listing the ids to request, before any load."""
    os.environ.update(env)
    if "REDIS_URL" not in env:
        os.environ.pop("REDIS_URL", None)
    import django

    django.setup()


def seed_demo_available() -> bool:
    from django.core.management import get_commands

    return "seed_demo" in get_commands()


def seed_builtin(products: int = 700, seed: int = 20240501) -> None:
    """~700 products (90% on shelf) with 3-6 SKUs each (~3,100 SKUs), 8 top x 5 child categories,
    2 gallery images each: the size the demo seeder is specified to produce."""
    from datetime import timedelta

    from django.db import transaction
    from django.utils import timezone

    from fenxiao.catalog.models import Category, Product, ProductImage, Sku, Supplier

    rng = random.Random(seed)
    tops = ["美妆", "个护", "食品", "母婴", "家居", "数码", "服饰", "保健"]
    colours = ["红色", "白色", "黑色", "蓝色", "粉色", "绿色"]
    sizes = ["小号", "中号", "大号", "50ml", "100ml", "200ml", "500g", "1kg"]
    detail = "<p>" + "精选好物，品质保证，七天无理由退换。" * 30 + "</p>"
    now = timezone.now()
    with transaction.atomic():
        suppliers = [Supplier.objects.get_or_create(name=name)[0] for name in ("品牌自营", "华东仓", "华南仓")]
        children: list[Category] = []
        for t, top_name in enumerate(tops):
            top = Category.objects.create(name=f"{top_name}", sort_order=t)
            children += [Category.objects.create(parent=top, name=f"{top_name}{c + 1}", sort_order=c) for c in range(5)]
        batch = [
            Product(
                code=f"BENCH{i:05d}",
                supplier=rng.choice(suppliers),
                category=rng.choice(children),
                title=f"{rng.choice(tops)}精选商品 {i:04d}",
                subtitle="温和不刺激，限时特惠",
                main_image=f"demo/products/BENCH{i:05d}.png",
                detail_html=detail,
                is_on_shelf=rng.random() < 0.9,
                sales_count=rng.randint(0, 20_000),
                sort_order=rng.randint(0, 10),
            )
            for i in range(1, products + 1)
        ]
        created = Product.objects.bulk_create(batch, batch_size=500)
        skus: list[Sku] = []
        images: list[ProductImage] = []
        for product in created:
            base = rng.randint(990, 49_900)
            for s in range(rng.randint(3, 6)):
                price = base + s * rng.choice([0, 500, 1000])
                skus.append(
                    Sku(
                        product=product,
                        code=f"{product.code}-{s + 1}",
                        specs={"颜色": rng.choice(colours), "规格": sizes[s % len(sizes)]},
                        price_fen=price,
                        market_price_fen=price + rng.choice([0, 1000, 3000]),
                        cost_fen=price // 2,
                        weight_g=rng.randint(50, 2000),
                        stock=rng.choice([0, 5, 50, 200, 1000]),
                        is_active=rng.random() < 0.95,
                    )
                )
            images += [
                ProductImage(product=product, image=f"demo/products/{product.code}-{n}.png", sort_order=n)
                for n in range(2)
            ]
        Sku.objects.bulk_create(skus, batch_size=1000)
        ProductImage.objects.bulk_create(images, batch_size=1000)
        # auto_now_add gave every product the same created_at; spread them so sort=new means something.
        for product in created:
            product.created_at = now - timedelta(minutes=rng.randint(0, 60 * 24 * 90))
        Product.objects.bulk_update(created, ["created_at"], batch_size=500)
    print(f"  built-in seed: {len(created)} products, {len(skus)} SKUs, {len(images)} gallery images")


def default_addresses(
    users: list,
    *,
    receiver: Callable[[int], str],
    phone: Callable[[int], str],
    district: str,
    street: Callable[[int], str],
) -> dict[int, int]:
    """Give every bench shopper without one a default address (in one batched insert) and answer
    user id -> address id. ``receiver``, ``phone`` and ``street`` get the shopper's index in ``users``."""
    from fenxiao.accounts.models import Address

    have = set(Address.objects.filter(user__in=users, is_default=True).values_list("user_id", flat=True))
    Address.objects.bulk_create(
        (
            Address(
                user=u,
                receiver=receiver(i),
                phone=phone(i),
                province="浙江省",
                city="杭州市",
                district=district,
                detail=street(i),
                is_default=True,
            )
            for i, u in enumerate(users)
            if u.id not in have
        ),
        batch_size=1000,
    )
    return dict(Address.objects.filter(user__in=users, is_default=True).values_list("user_id", "id"))


def dataset_summary() -> dict[str, int]:
    from fenxiao.catalog.models import Category, Product, Sku

    return {
        "products": Product.objects.count(),
        "on_shelf": Product.objects.filter(is_on_shelf=True).count(),
        "skus": Sku.objects.count(),
        "categories": Category.objects.count(),
    }


def prepare_data(args: argparse.Namespace, env: dict[str, str]) -> dict[str, int]:
    from fenxiao.catalog.models import Product

    if Product.objects.filter(is_on_shelf=True).exists():
        print("  database already seeded")
    elif args.seed == "none":
        raise BenchError("the bench database has no on-shelf products and --seed none was given")
    elif args.seed == "demo" or (args.seed == "auto" and seed_demo_available()):
        if not seed_demo_available():
            raise BenchError("--seed demo: the seed_demo management command does not exist (yet)")
        print("  seeding: fenxiao seed_demo --if-empty")
        run_fenxiao(env, "seed_demo", "--if-empty")
    else:
        print("  seeding with the built-in seeder (seed_demo command not available)")
        seed_builtin()
    # Fresh bulk-loaded tables have no statistics until autovacuum gets to them; plan with real ones.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    summary = dataset_summary()
    if summary["on_shelf"] == 0:
        raise BenchError("seeding produced no on-shelf products")
    return summary


def request_paths(page_size: int = 20) -> dict[str, list[str]]:
    """Paths per endpoint. The list cycles over sorts x the first pages plus category filters (top
    and child); detail over up to 200 on-shelf ids in a fixed shuffled order."""
    from fenxiao.catalog.models import Category, Product

    on_shelf = Product.objects.filter(is_on_shelf=True)
    pages = max(1, min(5, -(-on_shelf.count() // page_size)))
    listing = [
        f"/api/v1/products?sort={sort}&page={page}"
        for sort in ("sales", "price", "new")
        for page in range(1, pages + 1)
    ]
    tops = list(
        Category.objects.filter(parent__isnull=True, is_active=True)
        .order_by("sort_order", "id")
        .values_list("id", flat=True)[:3]
    )
    child_ids = list(on_shelf.values_list("category_id", flat=True).order_by("category_id").distinct()[:3])
    listing += [f"/api/v1/products?category={cid}&sort=sales&page=1" for cid in tops]
    listing += [f"/api/v1/products?category={cid}&sort=price&page=1" for cid in child_ids]
    ids = list(on_shelf.order_by("id").values_list("id", flat=True))
    random.Random(7).shuffle(ids)
    return {
        "health": ["/api/v1/health"],
        "product list": listing,
        "product detail": [f"/api/v1/products/{pid}" for pid in ids[:200]],
    }


# --------------------------------------------------------------------------------------------
# gunicorn
# --------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


@dataclass
class Server:
    proc: subprocess.Popen
    port: int
    log_path: Path
    log_file: object = field(repr=False)

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def start_gunicorn(args: argparse.Namespace, env: dict[str, str], workdir: Path) -> Server:
    port = free_port()
    cmd = [
        venv_tool("gunicorn"),
        args.app,
        "--pythonpath",
        str(BENCH_DIR),
        "--bind",
        f"{HOST}:{port}",
        "--workers",
        str(args.workers),
        "--worker-class",
        args.worker_class,
        "--backlog",
        "2048",
        "--timeout",
        "30",
        "--graceful-timeout",
        "10",
        "--keep-alive",
        "5",
        "--log-level",
        "warning",
        "--error-logfile",
        "-",
    ]
    if args.worker_class == "gthread":
        cmd += ["--threads", str(args.threads)]
    log_path = workdir / "gunicorn.log"
    log_file = log_path.open("w")
    # Own session: a Ctrl-C in the terminal reaches only this script, which then stops gunicorn itself.
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True)
    return Server(proc=proc, port=port, log_path=log_path, log_file=log_file)


def add_server_option(p: argparse.ArgumentParser) -> None:
    """``--server``, read by ``start_server``: the benches that drive a whole app server offer both."""
    p.add_argument(
        "--server",
        choices=["gunicorn", "granian"],
        default="gunicorn",
        help="app server (default gunicorn; granian: .venv/bin/pip install granian, see bench/README.md)",
    )


def start_granian(args: argparse.Namespace, env: dict[str, str], workdir: Path) -> Server:
    """Granian (a Rust HTTP server) serving the same WSGI app: HTTP parsing and keep-alive in Rust,
    ``args.threads`` blocking threads per worker process run Django."""
    tool = shutil.which("granian", path=str(VENV_BIN)) or shutil.which("granian")
    if not tool:
        raise BenchError("granian is not installed: .venv/bin/pip install granian")
    port = free_port()
    cmd = [
        tool,
        "--interface",
        "wsgi",
        "--host",
        HOST,
        "--port",
        str(port),
        "--workers",
        str(args.workers),
        "--blocking-threads",
        str(args.threads),
        # Beyond the backpressure limit granian closes connections, and wrk silently re-sends on
        # a new one: keep it above the number of connections.
        "--backpressure",
        str(args.connections * 2),
        "--no-ws",
        "--log-level",
        "warning",
        args.app,
    ]
    log_path = workdir / "granian.log"
    log_file = log_path.open("w")
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True)
    return Server(proc=proc, port=port, log_path=log_path, log_file=log_file)


def start_server(args: argparse.Namespace, env: dict[str, str], workdir: Path) -> Server:
    """The app server ``args.server`` names (gunicorn when the script has no such option)."""
    if getattr(args, "server", "gunicorn") == "granian":
        return start_granian(args, env, workdir)
    return start_gunicorn(args, env, workdir)


def wait_healthy(server: Server, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    url = f"http://{HOST}:{server.port}/api/v1/health"
    last = ""
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            raise BenchError(f"gunicorn exited with {server.proc.returncode}:\n{server.log_tail()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return
                last = f"HTTP {resp.status}"
        except urllib.error.HTTPError as exc:
            last = f"HTTP {exc.code}: {exc.read()[:200]!r}"
        except (OSError, http.client.HTTPException) as exc:
            last = str(exc)
        time.sleep(0.2)
    raise BenchError(f"/api/v1/health not healthy after {timeout:.0f}s (last: {last}):\n{server.log_tail()}")


def stop_gunicorn(server: Server) -> None:
    proc = server.proc
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)  # graceful: the master stops its workers
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            print("  gunicorn did not stop in 20s; killing its process group", file=sys.stderr)
            os.killpg(proc.pid, signal.SIGKILL)  # the group this script created for it, nothing else
            proc.wait(timeout=10)
    server.log_file.close()


# --------------------------------------------------------------------------------------------
# CPU accounting from /proc (Linux); everything degrades to "n/a" elsewhere
# --------------------------------------------------------------------------------------------

CLK_TCK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _proc_stat(pid: int) -> tuple[int, float] | None:
    """(ppid, utime+stime seconds) of a process, or None when it is gone."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = raw[raw.rfind(")") + 2 :].split()
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / CLK_TCK


def _all_pids() -> list[int]:
    try:
        return [int(name) for name in os.listdir("/proc") if name.isdigit()]
    except OSError:
        return []


def cpu_snapshot(master_pid: int, dbname: str) -> dict[str, dict[int, float]]:
    """CPU seconds per pid: the gunicorn master and its workers, and the PostgreSQL backends
    serving the bench database (their command line names it)."""
    app: dict[int, float] = {}
    db: dict[int, float] = {}
    for pid in _all_pids():
        stat = _proc_stat(pid)
        if stat is None:
            continue
        ppid, cpu = stat
        if pid == master_pid or ppid == master_pid:
            app[pid] = cpu
            continue
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if cmdline.startswith("postgres:") and f" {dbname} " in cmdline:
            db[pid] = cpu
    return {"app": app, "db": db}


def cpu_delta(before: dict[str, dict[int, float]], after: dict[str, dict[int, float]]) -> dict[str, float]:
    return {kind: sum(cpu - before[kind].get(pid, 0.0) for pid, cpu in after[kind].items()) for kind in ("app", "db")}


def worker_shares(before: dict[str, dict[int, float]], after: dict[str, dict[int, float]], master: int) -> list[float]:
    """Each gunicorn worker's share of the workers' CPU during a run, busiest first."""
    used = [cpu - before["app"].get(pid, 0.0) for pid, cpu in after["app"].items() if pid != master]
    total = sum(used)
    return sorted((u / total for u in used), reverse=True) if total > 0 else []


def machine_busy() -> tuple[float, float]:
    """(busy CPU seconds of the whole machine, monotonic time) from /proc/stat; (0, t) elsewhere."""
    now = time.monotonic()
    try:
        first = Path("/proc/stat").read_text().splitlines()[0].split()
    except OSError:
        return 0.0, now
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(x) for x in first[1:9])
    return (user + nice + system + irq + softirq + steal) / CLK_TCK, now


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


# --------------------------------------------------------------------------------------------
# Load generators
# --------------------------------------------------------------------------------------------


def run_wrk(
    wrk: str, port: int, path_file: Path, duration: int, connections: int, threads: int, timeout: int
) -> dict[str, float]:
    cmd = [
        wrk,
        f"-t{threads}",
        f"-c{connections}",
        f"-d{duration}s",
        f"--timeout={timeout}s",
        "--latency",
        "-s",
        str(LUA_SCRIPT),
        f"http://{HOST}:{port}",
        "--",
        str(path_file),
    ]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + timeout + 30)
    for line in result.stdout.splitlines():
        if line.startswith("BENCH_RESULT "):
            return json.loads(line.removeprefix("BENCH_RESULT "))
    raise BenchError(f"could not parse wrk output (exit {result.returncode}):\n{result.stdout}{result.stderr}")


def run_python_loader(port: int, paths: list[str], duration: int, connections: int, timeout: int) -> dict[str, float]:
    """Fallback when wrk is missing: threads with keep-alive http.client connections, bounded by a
    deadline. The GIL makes it far weaker than wrk; use its figures only to compare endpoints."""
    deadline = time.monotonic() + duration
    latencies: list[list[float]] = [[] for _ in range(connections)]
    counts = {"non_2xx_3xx": 0, "errors": 0, "bytes": 0}
    lock = threading.Lock()

    def worker(n: int) -> None:
        conn: http.client.HTTPConnection | None = None
        position = (n * 7) % len(paths)
        mine = latencies[n]
        while time.monotonic() < deadline:
            position = (position + 1) % len(paths)
            try:
                if conn is None:
                    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
                start = time.perf_counter()
                conn.request("GET", paths[position])
                resp = conn.getresponse()
                body = resp.read()
                mine.append(time.perf_counter() - start)
                if resp.status >= 400 or resp.will_close:
                    if resp.status >= 400:
                        with lock:
                            counts["non_2xx_3xx"] += 1
                    if resp.will_close:
                        conn.close()
                        conn = None
                with lock:
                    counts["bytes"] += len(body)
            except (OSError, http.client.HTTPException):
                with lock:
                    counts["errors"] += 1
                if conn is not None:
                    conn.close()
                conn = None
        if conn is not None:
            conn.close()

    started = time.monotonic()
    workers = [threading.Thread(target=worker, args=(n,), daemon=True) for n in range(connections)]
    for t in workers:
        t.start()
    for t in workers:
        t.join(timeout=duration + timeout + 5)
    elapsed = time.monotonic() - started
    merged = sorted(x for per in latencies for x in per)
    if not merged:
        raise BenchError("the Python loader completed no request")

    def pct(p: float) -> float:
        return merged[min(len(merged) - 1, int(p / 100 * len(merged)))] * 1e6

    return {
        "requests": len(merged),
        "duration_us": elapsed * 1e6,
        "bytes": counts["bytes"],
        "mean_us": statistics.fmean(merged) * 1e6,
        "p50_us": pct(50),
        "p90_us": pct(90),
        "p99_us": pct(99),
        "max_us": merged[-1] * 1e6,
        "connect_errors": 0,
        "read_errors": counts["errors"],
        "write_errors": 0,
        "timeouts": 0,
        "non_2xx_3xx": counts["non_2xx_3xx"],
    }


# --------------------------------------------------------------------------------------------
# The run
# --------------------------------------------------------------------------------------------


def preflight(port: int, paths: dict[str, list[str]]) -> dict[str, float]:
    """Every path answers 200 before any load (a 404 storm would be a fast, meaningless benchmark);
    returns the mean response size per endpoint."""
    sizes: dict[str, float] = {}
    conn = http.client.HTTPConnection(HOST, port, timeout=10)
    try:
        for name, plist in paths.items():
            total = 0
            for path in plist:
                conn.request("GET", path)
                resp = conn.getresponse()
                body = resp.read()
                if resp.status != 200:
                    raise BenchError(f"GET {path} answered {resp.status}: {body[:300]!r}")
                total += len(body)
                if resp.will_close:
                    conn.close()
                    conn = http.client.HTTPConnection(HOST, port, timeout=10)
            sizes[name] = total / len(plist)
    finally:
        conn.close()
    return sizes


def measure(
    args: argparse.Namespace,
    loader: str,
    wrk: str | None,
    server: Server,
    dbname: str,
    path_file: Path,
    paths: list[str],
) -> dict[str, float]:
    before_children = children_cpu()
    before = cpu_snapshot(server.proc.pid, dbname)
    busy_before, t_before = machine_busy()
    if loader == "wrk":
        assert wrk is not None
        result = run_wrk(wrk, server.port, path_file, args.duration, args.connections, args.wrk_threads, args.timeout)
    else:
        result = run_python_loader(server.port, paths, args.duration, args.connections, args.timeout)
    busy_after, t_after = machine_busy()
    after = cpu_snapshot(server.proc.pid, dbname)
    used = cpu_delta(before, after)
    loader_cpu = children_cpu() - before_children if loader == "wrk" else 0.0
    requests = max(1.0, result["requests"])
    # Everything else that ran meanwhile (Redis, other users' jobs, this script): a noise gauge.
    other = busy_after - busy_before - used["app"] - used["db"] - loader_cpu
    result["other_cpu_cores"] = max(0.0, other) / (t_after - t_before) if busy_after else None
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    result["app_cpu_ms_per_req"] = used["app"] * 1000 / requests
    result["db_cpu_ms_per_req"] = used["db"] * 1000 / requests
    result["loader_cpu_ms_per_req"] = loader_cpu * 1000 / requests if loader == "wrk" else None
    result["errors"] = result["connect_errors"] + result["read_errors"] + result["write_errors"] + result["timeouts"]
    result["worker_shares"] = worker_shares(before, after, server.proc.pid)
    return result


def warm_up(args: argparse.Namespace, loader: str, wrk: str | None, server: Server, path_file: Path, paths: list[str]):
    if args.warmup <= 0:
        return
    if loader == "wrk":
        assert wrk is not None
        run_wrk(wrk, server.port, path_file, args.warmup, args.connections, args.wrk_threads, args.timeout)
    else:
        run_python_loader(server.port, paths, args.warmup, args.connections, args.timeout)


def median_result(results: list[dict[str, float]]) -> dict[str, float]:
    if len(results) == 1:
        return results[0]
    merged: dict[str, float] = {}
    for key in results[0]:
        values = [r[key] for r in results if r[key] is not None]
        if values and isinstance(values[0], list):
            merged[key] = values  # per round, e.g. the worker CPU split
        else:
            merged[key] = statistics.median(values) if values else None
    merged["rps_per_round"] = [r["rps"] for r in results]
    merged["requests"] = sum(r["requests"] for r in results)
    merged["non_2xx_3xx"] = sum(r["non_2xx_3xx"] for r in results)
    merged["errors"] = sum(r["errors"] for r in results)
    return merged


def fmt_ms(us: float) -> str:
    return f"{us / 1000:.1f}"


def fmt_opt(value: float | None, spec: str = ".2f") -> str:
    return "n/a" if value is None else format(value, spec)


def print_table(results: dict[str, dict[str, float]]) -> None:
    health_rps = results["health"]["rps"]
    header = (
        f"{'endpoint':<15} {'req/s':>8} {'% health':>9} {'p50 ms':>7} {'p99 ms':>7} "
        f"{'non-2xx':>8} {'errors':>7} {'app CPU ms/req':>15} {'db CPU ms/req':>14} {'wrk CPU ms/req':>15} "
        f"{'other CPU':>10}"
    )
    print(header)
    print("-" * len(header))
    for name, r in results.items():
        pct = 100.0 * r["rps"] / health_rps if health_rps else 0.0
        print(
            f"{name:<15} {r['rps']:>8.1f} {pct:>8.0f}% {fmt_ms(r['p50_us']):>7} {fmt_ms(r['p99_us']):>7} "
            f"{r['non_2xx_3xx']:>8.0f} {r['errors']:>7.0f} {fmt_opt(r['app_cpu_ms_per_req']):>15} "
            f"{fmt_opt(r['db_cpu_ms_per_req']):>14} {fmt_opt(r['loader_cpu_ms_per_req']):>15} "
            f"{fmt_opt(r['other_cpu_cores']):>6} cores"
        )


def cpu_cost_ratio(results: dict[str, dict[str, float]]) -> float | None:
    """Health's CPU per request over the list's: the throughput ratio a CPU-bound machine with
    nothing else running would show. Measured throughput moves with whatever else runs on the box;
    CPU per request barely does."""

    def cost(r: dict[str, float]) -> float | None:
        parts = (r["app_cpu_ms_per_req"], r["db_cpu_ms_per_req"], r["loader_cpu_ms_per_req"])
        return None if any(p is None for p in parts) else sum(parts)

    health, listing = cost(results["health"]), cost(results["product list"])
    return health / listing if health and listing else None


def choose_loader(requested: str) -> tuple[str, str | None]:
    wrk = shutil.which("wrk")
    if requested == "python":
        return "python", None
    if wrk:
        return "wrk", wrk
    if requested == "wrk":
        raise BenchError(WRK_INSTALL_HINT)
    print(WRK_INSTALL_HINT, file=sys.stderr)
    print("Falling back to the Python loader.\n", file=sys.stderr)
    return "python", None


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    loader, wrk = choose_loader(args.loader)
    env = server_env(args)
    print(f"Fenxiao HTTP bench  (rev {git_revision()}, {os.cpu_count()} CPUs, loader {loader})")

    print("database:")
    dbname = ensure_database(args.database_url, args.reset_db)
    print("  fenxiao migrate")
    run_fenxiao(env, "migrate", "--noinput", "-v", "0")
    setup_django(env)
    from django.db import connections

    dataset = prepare_data(args, env)
    paths = request_paths()
    connections.close_all()  # this process holds no DB connection while the server is measured
    print(
        f"  {dataset['on_shelf']} on-shelf / {dataset['products']} products, {dataset['skus']} SKUs, "
        f"{dataset['categories']} categories; paths: list {len(paths['product list'])}, "
        f"detail {len(paths['product detail'])}"
    )

    workdir = Path(tempfile.mkdtemp(prefix="fenxiao-bench-"))
    path_files: dict[str, Path] = {}
    for name, plist in paths.items():
        path_files[name] = workdir / f"{name.replace(' ', '_')}.txt"
        path_files[name].write_text("\n".join(plist) + "\n")

    worker_desc = f"{args.workers} x {args.worker_class}" + (
        f" ({args.threads} threads)" if args.worker_class == "gthread" else ""
    )
    print(f"server: gunicorn {worker_desc}, DB_CONN_MAX_AGE={args.conn_max_age}, REDIS_URL={args.redis_url or '-'}")
    server = start_gunicorn(args, env, workdir)
    results: dict[str, dict[str, float]] = {}
    try:
        wait_healthy(server)
        print(f"  listening on http://{HOST}:{server.port}")
        sizes = preflight(server.port, paths)
        print(
            "  preflight: every path answered 200; mean body " + ", ".join(f"{k} {v:.0f} B" for k, v in sizes.items())
        )
        print(
            f"load: {loader}, {args.connections} connections, {args.wrk_threads} wrk thread(s), {args.duration}s per "
            f"endpoint after {args.warmup}s warm-up, {args.rounds} round(s)\n"
        )
        for name in paths:
            warm_up(args, loader, wrk, server, path_files[name], paths[name])
        per_round: dict[str, list[dict[str, float]]] = {name: [] for name in paths}
        for round_no in range(1, args.rounds + 1):
            for name in paths:  # health first: the baseline of this very run
                if args.rounds > 1 or args.warmup:
                    time.sleep(1)  # let the previous run's connections drain
                r = measure(args, loader, wrk, server, dbname, path_files[name], paths[name])
                per_round[name].append(r)
                label = f"round {round_no}: " if args.rounds > 1 else ""
                print(
                    f"  {label}{name:<15} {r['rps']:8.1f} req/s  p50 {fmt_ms(r['p50_us'])} ms  "
                    f"p99 {fmt_ms(r['p99_us'])} ms  ({r['requests']:.0f} requests; worker CPU split "
                    + "/".join(f"{share:.0%}" for share in r["worker_shares"])
                    + ")"
                )
                shares = r["worker_shares"]
                if len(shares) > 1 and shares[0] > 1.5 / len(shares):
                    print(
                        "    ^ unbalanced: one worker did most of the work (keep-alive connections stay on the "
                        "worker that accepted them); this run understates the server"
                    )
            if server.proc.poll() is not None:
                raise BenchError(f"gunicorn died during the run:\n{server.log_tail()}")
        results = {name: median_result(rs) for name, rs in per_round.items()}
    finally:
        stop_gunicorn(server)
        if args.keep_logs:
            print(f"\nlogs kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)

    print()
    if args.rounds > 1:
        print(f"medians over {args.rounds} rounds:")
    print_table(results)
    ratio = results["product list"]["rps"] / results["health"]["rps"]
    failures = sum(r["non_2xx_3xx"] + r["errors"] for r in results.values())
    verdict = "PASS" if ratio >= TARGET_RATIO and failures == 0 else "FAIL"
    print(
        f"\n{verdict}: product list at {ratio:.0%} of health throughput (target >= {TARGET_RATIO:.0%})"
        + (f"; {failures:.0f} failed/non-2xx responses" if failures else "")
    )
    cost_ratio = cpu_cost_ratio(results)
    if cost_ratio is not None:
        # The verdict is the measured throughput; this is its contention-resistant cross-check.
        print(
            f"cross-check: by CPU cost per request (app + db + loader) the list is at {cost_ratio:.0%} of health; "
            f"other processes used {results['product list']['other_cpu_cores'] or 0:.2f} cores during the list run"
        )
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "revision": git_revision(),
                    "cpus": os.cpu_count(),
                    "loader": loader,
                    "config": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
                    "dataset": dataset,
                    "results": results,
                    "ratio_list_vs_health": ratio,
                    "cpu_cost_ratio_list_vs_health": cost_ratio,
                    "verdict": verdict,
                },
                indent=2,
                ensure_ascii=False,
            )
        )
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)
