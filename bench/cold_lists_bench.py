"""Cold product lists: ``GET /api/v1/products`` pages the list cache has not seen, against health.

    PYTHONPATH=$PWD/src .venv/bin/python bench/cold_lists_bench.py [--products 20000] [--duration 20]

A shopper's search, filter or price range is mostly a page nobody asked for in the last 30 seconds,
so the list cache (``catalog.cache``) does not help it. In one run, against one gunicorn, this
measures:

* ``health``       -- ``GET /api/v1/health``, the baseline of issue 22's target,
* ``cached list``  -- the home screen's sorts and category tabs, served from the list cache,
* ``cold price``   -- a price range never asked before on every request (``min_price_fen`` and
                      ``max_price_fen`` walk a sequence with no repeat),
* ``cold search``  -- keywords from the catalogue's own words (one and two Chinese characters,
                      brands, Latin words, some that match nothing) x sort x page, no repeat,
* ``cold sort``    -- every sort x every category x the first 40 pages, no repeat,

and prints req/s, p50/p99, app and PostgreSQL CPU-ms per request and each as a ratio to health,
with PASS/FAIL for "every cold list >= 50% of health". Each cold path file holds more distinct pages
than a run can request (the bench says so if not), and the catalogue version is bumped before every
cold measurement, so nothing requested earlier in the run is served from the cache.

The catalogue is seeded once into its own database (``--products``, default 20,000; 2-4 SKUs each
priced close together, Chinese titles from a brand, a quality and a product word). The server, the
loader, the CPU accounting and the paths file per endpoint are http_bench.py's (``bench/common``).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

from common.base import HOST, BenchError, fmt_ms, fmt_opt, git_revision, run_main
from common.data import request_paths
from common.database import ensure_database, run_fenxiao, setup_django
from common.dbstats import describe
from common.loaders import choose_loader, preflight
from common.options import add_http_options, check_http_options
from common.server import server_env, start_gunicorn, stop_gunicorn, wait_healthy
from http_bench import measure, warm_up

TARGET_RATIO = 0.50
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/fenxiao_bench_cold"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
COLD = ("cold price", "cold search", "cold sort")

TOPS = ["美妆", "个护", "食品", "母婴", "家居", "数码", "服饰", "保健"]
BRANDS = ["山野", "原味坊", "小熊", "花西子", "良品", "百草园", "农夫", "自然堂", "薇诺娜", "雪域", "蒙牛", "伊利"]
BRANDS += ["欧莱雅", "OLAY", "Apple", "Xiaomi", "HUAWEI", "兰蔻", "珀莱雅", "南极人", "洁柔", "维达", "苏泊尔", "美的"]
QUALITIES = ["有机", "进口", "新鲜", "低糖", "无添加", "温和", "保湿", "便携", "家用", "加厚", "纯棉", "轻薄"]
QUALITIES += ["儿童", "孕妇", "经典", "限量", "高端", "天然", "手工", "即食"]
GOODS = ["红枣", "核桃", "坚果", "牛奶", "酸奶", "面膜", "口红", "洗面奶", "精华液", "防晒霜", "洗发水", "沐浴露"]
GOODS += ["牙膏", "纸巾", "毛巾", "T恤", "卫衣", "袜子", "拖鞋", "保温杯", "电饭煲", "耳机", "充电宝", "数据线"]
GOODS += ["奶粉", "尿不湿", "湿巾", "枸杞", "茶叶", "咖啡", "蜂蜜", "大米", "橄榄油", "维生素", "钙片", "蛋白粉"]
GOODS += ["香水", "护手霜", "眼霜", "乳液"]
SIZES = ["500g", "1kg", "50ml", "100ml", "礼盒装", "家庭装", "6瓶装", "3件套", "mini", "Pro"]
SLOGANS = ["温和不刺激，限时特惠", "产地直发，新鲜到家", "七天无理由退换", "买二送一，囤货首选", "官方正品，假一赔十"]
SLOGANS += ["明星同款，人气爆款", "品质保证，放心选购", "会员专享价", "包邮到家", "新品上市"]
NO_MATCH = ["火星土豆", "量子", "zzz", "独角兽", "飞船"]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--products", type=int, default=20_000, help="products to seed into an empty database")
    add_http_options(p, database_url=DEFAULT_DATABASE_URL, redis_url=DEFAULT_REDIS_URL, redis_optional=False)
    args = p.parse_args(argv)
    check_http_options(p, args)
    # What http_bench's server and loader helpers read.
    args.worker_class, args.threads, args.app = "sync", 1, "fenxiao.wsgi:application"
    if not args.redis_url:
        p.error("the list cache needs Redis shared by the workers: give --redis-url")
    return args


def seed_catalogue(products: int, seed: int = 20261207) -> None:
    """``products`` products (90% on shelf) in 8 top x 5 child categories, 2-4 SKUs each priced
    within a few yuan of each other, a stock row per SKU; list prices filled as the import does."""
    from datetime import timedelta

    from django.db import transaction
    from django.utils import timezone

    from fenxiao.catalog.models import Category, Product, Sku, Supplier
    from fenxiao.catalog.prices import product_prices_refresh
    from fenxiao.inventory.models import Stock

    rng = random.Random(seed)
    now = timezone.now()
    with transaction.atomic():
        supplier = Supplier.objects.get_or_create(name="品牌自营")[0]
        children: list[Category] = []
        for t, top_name in enumerate(TOPS):
            top = Category.objects.create(name=top_name, sort_order=t)
            children += [Category.objects.create(parent=top, name=f"{top_name}{c + 1}", sort_order=c) for c in range(5)]
        batch = [
            Product(
                code=f"COLD{i:06d}",
                supplier=supplier,
                category=rng.choice(children),
                title=f"{rng.choice(BRANDS)}{rng.choice(QUALITIES)}{rng.choice(GOODS)} {rng.choice(SIZES)}",
                subtitle=rng.choice(SLOGANS),
                main_image=f"demo/products/COLD{i:06d}.png",
                is_on_shelf=rng.random() < 0.9,
                sales_count=rng.randint(0, 20_000),
                sort_order=rng.randint(0, 10),
            )
            for i in range(1, products + 1)
        ]
        created = Product.objects.bulk_create(batch, batch_size=2000)
        skus: list[Sku] = []
        for product in created:
            base = rng.randint(99, 4990) * 10
            for s in range(rng.randint(2, 4)):
                price = base + s * rng.choice([0, 100, 200, 500])
                skus.append(
                    Sku(
                        product=product,
                        code=f"{product.code}-{s + 1}",
                        specs={"规格": SIZES[s]},
                        price_fen=price,
                        market_price_fen=price + rng.choice([0, 1000, 3000]),
                        cost_fen=price // 2,
                        is_active=rng.random() < 0.95,
                    )
                )
        Sku.objects.bulk_create(skus, batch_size=5000)
        Stock.objects.bulk_create(
            [Stock(sku=sku, quantity=rng.choice([0, 5, 50, 200])) for sku in skus], batch_size=5000
        )
        # auto_now_add gave every product the same created_at: spread them so sort=new means something.
        for product in created:
            product.created_at = now - timedelta(minutes=rng.randint(0, 60 * 24 * 365))
        Product.objects.bulk_update(created, ["created_at"], batch_size=2000)
        product_prices_refresh(product_ids=[p.pk for p in created])
        Product.objects.filter(is_on_shelf=True, min_price_fen__isnull=True).update(is_on_shelf=False)
    print(f"  seeded {len(created)} products, {len(skus)} SKUs")


def search_words() -> list[str]:
    """What shoppers type: one character, a product word, a brand (Latin ones in other cases too),
    a quality and a product together, and words nothing matches."""
    words = {w[0] for w in GOODS} | set(GOODS) | set(BRANDS) | set(QUALITIES)
    words |= {f"{q}{g}" for q in QUALITIES for g in GOODS}
    words |= {b.lower() for b in BRANDS if b.isascii()} | {"pro", "MINI"}
    return sorted(words | set(NO_MATCH))


def cold_paths(category_ids: list[int]) -> dict[str, list[str]]:
    """Distinct list pages per cold endpoint, in a fixed shuffled order."""
    rng = random.Random(11)
    price = []
    for n in range(200_000):  # 7919 is prime to 60,000: the lower bounds do not repeat before then
        low = (n * 7919) % 60_000 + (n // 60_000) * 7
        price.append({"min_price_fen": low, "max_price_fen": low + rng.choice([500, 1000, 2000, 5000, 10_000])})
    sorts = ["default", "sales", "price", "price_desc", "new"]
    search = [{"q": w, "sort": s, "page": p} for w in search_words() for s in sorts for p in (1, 2)]
    by_sort = [
        {"sort": s, "page": p, **({"category": c} if c else {})}
        for s in sorts
        for c in [0, *category_ids]
        for p in range(1, 41)
    ]
    paths = {}
    for name, queries in (("cold price", price), ("cold search", search), ("cold sort", by_sort)):
        rng.shuffle(queries)
        paths[name] = ["/api/v1/products?" + urlencode(q) for q in queries]
    return paths


def median_result(results: list[dict]) -> dict:
    """Per-figure medians over the rounds (numbers only: the scan details stay per round)."""
    merged = {}
    for key, value in results[0].items():
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            values = [r[key] for r in results if r.get(key) is not None]
            merged[key] = statistics.median(values) if values else None
    merged["errors"] = sum(r["errors"] for r in results)
    merged["non_2xx_3xx"] = sum(r["non_2xx_3xx"] for r in results)
    return merged


def bump_catalog_version() -> None:
    """Every page cached so far is stale from now on: the next request of any list renders."""
    from django.core.cache import cache

    from fenxiao.catalog.cache import VERSION_KEY, catalog_version

    catalog_version()
    cache.incr(VERSION_KEY)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    loader, wrk = choose_loader(args.loader)
    env = server_env(args)
    print(f"Fenxiao cold list bench  (rev {git_revision()}, {os.cpu_count()} CPUs, loader {loader})")
    dbname = ensure_database(args.database_url, args.reset_db)
    run_fenxiao(env, "migrate", "--noinput", "-v", "0")
    setup_django(env)
    from django.db import connection, connections

    from fenxiao.catalog.models import Category, Product

    if not Product.objects.exists():
        seed_catalogue(args.products)
        with connection.cursor() as cursor:
            # Statistics and the visibility map a shop's autovacuum would have made by now (it is
            # off on the shared bench machine): count(*) may then read an index alone.
            cursor.execute("VACUUM ANALYZE")
    on_shelf = Product.objects.filter(is_on_shelf=True).count()
    print(f"  {on_shelf} on-shelf / {Product.objects.count()} products")
    paths = {
        "health": ["/api/v1/health"],
        "cached list": request_paths()["product list"],
        **cold_paths(list(Category.objects.order_by("id").values_list("id", flat=True))),
    }
    connections.close_all()

    workdir = Path(tempfile.mkdtemp(prefix="fenxiao-cold-"))
    files = {}
    for name, plist in paths.items():
        files[name] = workdir / f"{name.replace(' ', '_')}.txt"
        files[name].write_text("\n".join(plist) + "\n")
    print(f"server: gunicorn {args.workers} x sync, REDIS_URL={args.redis_url}")
    server = start_gunicorn(args, env, workdir)
    per_round: dict[str, list[dict]] = {name: [] for name in paths}
    try:
        wait_healthy(server)
        sizes = preflight(server.port, {name: plist[:5] for name, plist in paths.items()})
        print("  preflight 200; mean body " + ", ".join(f"{k} {v:.0f} B" for k, v in sizes.items()))
        for name in paths:
            warm_up(args, loader, wrk, server, files[name], paths[name])
        for round_no in range(1, args.rounds + 1):
            for name in paths:
                time.sleep(1)  # let the previous run's connections drain
                if name in COLD:
                    bump_catalog_version()
                    connections.close_all()
                r = measure(args, loader, wrk, server, dbname, files[name], paths[name])
                per_round[name].append(r)
                print(
                    f"  round {round_no}: {name:<12} {r['rps']:8.1f} req/s  p50 {fmt_ms(r['p50_us'])} ms  "
                    f"p99 {fmt_ms(r['p99_us'])} ms  app {fmt_opt(r['app_cpu_ms_per_req'])} db "
                    f"{fmt_opt(r['db_cpu_ms_per_req'])} CPU-ms/req; other {fmt_opt(r['other_cpu_cores'])} cores; "
                    f"{describe(r)}"
                )
                if name in COLD and r["requests"] > len(paths[name]):
                    print(f"    ^ {r['requests']:.0f} requests > {len(paths[name])} distinct pages: some were cached")
            if server.proc.poll() is not None:
                raise BenchError(f"gunicorn died during the run:\n{server.log_tail()}")
    finally:
        stop_gunicorn(server)
        if args.keep_logs:
            print(f"logs kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)

    results = {name: median_result(rs) for name, rs in per_round.items()}
    health = results["health"]
    health_cpu = health["app_cpu_ms_per_req"] + health["db_cpu_ms_per_req"]
    print(f"\nmedians over {args.rounds} round(s), {on_shelf} products on shelf, {HOST}:")
    header = (
        f"{'endpoint':<12} {'req/s':>8} {'% health':>9} {'p50 ms':>7} {'p99 ms':>7} {'errors':>7} "
        f"{'app CPU ms':>11} {'db CPU ms':>10} {'CPU % health':>13} {'other cores':>12}"
    )
    print(header + "\n" + "-" * len(header))
    for name, r in results.items():
        cpu = r["app_cpu_ms_per_req"] + r["db_cpu_ms_per_req"]
        print(
            f"{name:<12} {r['rps']:>8.1f} {r['rps'] / health['rps']:>9.0%} {fmt_ms(r['p50_us']):>7} "
            f"{fmt_ms(r['p99_us']):>7} {r['errors'] + r['non_2xx_3xx']:>7.0f} {r['app_cpu_ms_per_req']:>11.2f} "
            f"{r['db_cpu_ms_per_req']:>10.2f} {health_cpu / cpu:>13.0%} {fmt_opt(r['other_cpu_cores']):>12}"
        )
    failures = sum(results[n]["errors"] + results[n]["non_2xx_3xx"] for n in results)
    worst = min(results[n]["rps"] / health["rps"] for n in COLD)
    verdict = "PASS" if worst >= TARGET_RATIO and failures == 0 else "FAIL"
    print(f"\n{verdict}: the slowest cold list at {worst:.0%} of health (target >= {TARGET_RATIO:.0%})")
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    run_main(main)
