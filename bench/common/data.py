"""The data the HTTP benches load: a seeded catalogue (``seed_demo`` or a built-in seeder of the same
size), the request paths per endpoint, and default addresses for the bench shoppers."""

from __future__ import annotations

import argparse
import random
from collections.abc import Callable

from common.base import BenchError
from common.database import run_fenxiao


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
    from fenxiao.inventory.models import Stock

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
                        is_active=rng.random() < 0.95,
                    )
                )
            images += [
                ProductImage(product=product, image=f"demo/products/{product.code}-{n}.png", sort_order=n)
                for n in range(2)
            ]
        Sku.objects.bulk_create(skus, batch_size=1000)
        Stock.objects.bulk_create(
            [Stock(sku=sku, quantity=rng.choice([0, 5, 50, 200, 1000])) for sku in skus], batch_size=1000
        )
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
        # The catalogue and the handful of demo orders the figures in bench/README.md were measured
        # on; the 120 days of shop history `make run` adds would only slow the setup down.
        print("  seeding: fenxiao seed_demo --if-empty --history-days 0")
        run_fenxiao(env, "seed_demo", "--if-empty", "--history-days", "0")
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
