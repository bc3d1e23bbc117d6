"""Bench data: shoppers with access tokens and default addresses, fresh stock on every active on-shelf
SKU (the lowest id is the hot SKU), and the product detail paths."""

from __future__ import annotations

import argparse
from dataclasses import dataclass

from common.base import BenchError
from common.data import default_addresses, request_paths

BENCH_USER_PREFIX = "bench_shopper_"


@dataclass
class Fixtures:
    shoppers: list[tuple[str, int]]  # (access token, address id)
    spread_skus: list[int]
    hot_sku: int
    detail_paths: list[str]


def prepare_fixtures(args: argparse.Namespace) -> Fixtures:
    from django.db import connection, transaction

    from fenxiao.accounts.models import User
    from fenxiao.accounts.tokens import token_pair_issue
    from fenxiao.catalog.models import Sku
    from fenxiao.core.limits import STOCK_MAX
    from fenxiao.inventory.models import Stock

    if not 0 < args.hot_stock <= STOCK_MAX or not 0 < args.spread_stock <= STOCK_MAX:
        raise BenchError(f"--hot-stock and --spread-stock must be in 1..{STOCK_MAX} (core.limits.STOCK_MAX)")
    with transaction.atomic():
        existing = {u.username: u for u in User.objects.filter(username__startswith=BENCH_USER_PREFIX)}
        users = []
        for i in range(args.users):
            name = f"{BENCH_USER_PREFIX}{i:04d}"
            user = existing.get(name)
            if user is None:
                user = User(username=name, openid=f"bench-orders-{i:04d}", nickname=f"压测用户{i}")
                user.set_unusable_password()
                user.save()
            users.append(user)
        address_of = default_addresses(
            users,
            receiver=lambda i: f"压测{i}",
            phone=lambda i: f"1380000{i:04d}",
            district="西湖区",
            street=lambda i: f"文三路{i + 1}号",
        )
        sku_ids = list(
            Sku.objects.filter(is_active=True, product__is_on_shelf=True, price_fen__gt=0)
            .order_by("id")
            .values_list("id", flat=True)
        )
        if len(sku_ids) < 100:
            raise BenchError(f"only {len(sku_ids)} active on-shelf SKUs: the spread scenario needs a large set")
        hot, spread = sku_ids[0], sku_ids[1:]
        # Fresh stock for every run: the checks compare before/after, and nothing may run out.
        levels = {sku_id: args.spread_stock for sku_id in spread} | {hot: args.hot_stock}
        Stock.objects.bulk_create(
            [Stock(sku_id=sku_id, quantity=n) for sku_id, n in levels.items()],
            update_conflicts=True,
            unique_fields=["sku"],
            update_fields=["quantity"],
            batch_size=1000,
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    shoppers = [
        (token_pair_issue(user_id=u.id, scope="user", version=u.token_version).access, address_of[u.id]) for u in users
    ]
    detail_paths = request_paths()["product detail"]
    return Fixtures(shoppers=shoppers, spread_skus=spread, hot_sku=hot, detail_paths=detail_paths)
