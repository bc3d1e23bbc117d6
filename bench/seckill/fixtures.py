"""Data: one SKU, the buyers with access tokens and default addresses, and a fresh activity per run
created through the service (so the Redis gate is seeded on commit as in production)."""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from datetime import timedelta

from common.data import default_addresses

BUYER_PREFIX = "bench_seckill_"
SKU_CODE = "BENCH-SECKILL-1"


@dataclass
class Fixtures:
    buyers: list[tuple[int, str, int]]  # (user id, access token, address id)
    sku_id: int


def prepare_fixtures(args: argparse.Namespace) -> Fixtures:
    from django.db import connection, transaction

    from fenxiao.accounts.models import User
    from fenxiao.accounts.tokens import token_pair_issue
    from fenxiao.catalog.models import Category, Product, Sku, Supplier
    from fenxiao.core.redis import redis_client
    from fenxiao.inventory.models import Stock

    # The bench's own Redis db starts empty: activity ids start again at 1 in another bench
    # database, and that run's gate keys (seeded only where absent) would stand in for this one's.
    redis_client().flushdb()
    with transaction.atomic():
        supplier = Supplier.objects.get_or_create(name="秒杀压测供应商")[0]
        category = Category.objects.get_or_create(name="秒杀压测", parent=None)[0]
        product = Product.objects.get_or_create(
            code="BENCH-SECKILL",
            defaults={"supplier": supplier, "category": category, "title": "秒杀压测商品", "is_on_shelf": True},
        )[0]
        sku = Sku.objects.get_or_create(
            code=SKU_CODE,
            defaults={"product": product, "specs": {"规格": "标准装"}, "price_fen": 9_900, "weight_g": 250},
        )[0]
        # Regular stock for every run's winners (each seckill order holds one unit of it too).
        Stock.objects.update_or_create(sku=sku, defaults={"quantity": 10 * (args.units + 100)})
        existing = dict(User.objects.filter(username__startswith=BUYER_PREFIX).values_list("username", "id"))
        missing = [
            User(
                username=f"{BUYER_PREFIX}{i:05d}",
                openid=f"bench-seckill-{i:05d}",
                nickname=f"秒杀用户{i}",
                password="!",
            )
            for i in range(args.buyers)
            if f"{BUYER_PREFIX}{i:05d}" not in existing
        ]
        User.objects.bulk_create(missing, batch_size=1000)
        users = list(
            User.objects.filter(username__in=[f"{BUYER_PREFIX}{i:05d}" for i in range(args.buyers)]).order_by("id")
        )
        address_of = default_addresses(
            users,
            receiver=lambda i: f"秒杀{i}",
            phone=lambda i: f"139{i:08d}",
            district="余杭区",
            street=lambda i: f"文一西路{i + 1}号",
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    buyers = [
        (u.id, token_pair_issue(user_id=u.id, scope="user", version=u.token_version).access, address_of[u.id])
        for u in users
    ]
    return Fixtures(buyers=buyers, sku_id=sku.pk)


def create_activity(fx: Fixtures, *, name: str, units: int, limit: int) -> int:
    from django.db import transaction
    from django.utils import timezone

    from fenxiao.promotions.seckill.activities import seckill_activity_create

    now = timezone.now()
    with transaction.atomic():  # the service's after-commit work (seeding the gate) runs as in the API
        activity = seckill_activity_create(
            fields={
                "name": name,
                "sku_id": fx.sku_id,
                "seckill_price_fen": 990,
                "stock": units,
                "per_user_limit": limit,
                "starts_at": now - timedelta(minutes=1),
                "ends_at": now + timedelta(hours=2),
                "payment_minutes": 30,
            }
        )
    return activity.pk
