"""The cluster's data, seeded once before the nodes start (``python -m scripts.cluster.seed OUT``
with the cluster's environment; tasks run eagerly here, the broker is not involved):

- the demo catalogue, operator and shoppers (``seed_demo``, small);
- 3-level distribution on, with a chain 顶 ← 中 ← 末 of distributors (the level-3 rates the operator
  switch needs), and the burst's buyers bound to 末, so each of their orders earns three levels;
- 末 holds settled commission, which the concurrent withdrawals compete for;
- the seckill of ``bench/seckill`` (its fixtures, reused): one SKU, its buyers, an activity of N units.

Writes what the checks need (ids, tokens, the seckill buyers file for wrk) as JSON to OUT."""

from __future__ import annotations

import io
import json
import sys
from argparse import Namespace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHAIN = ("cl-top", "cl-mid", "cl-low")  # sandbox login codes sandbox-cl-top, ...
BURST_BUYERS = 24
BURST_STOCK = 100_000
BURST_PRICE_FEN = 5_000
WITHDRAW_ORDER_FEN = 60_000  # what 末's own settled order earns them: 10% of it at level 1
SECKILL_UNITS = 20
SECKILL_BUYERS = 60
SECKILL_LIMIT = 1


def _user(name: str):
    from fenxiao.accounts.models import User

    return User.objects.get_or_create(
        username=f"wx_sandbox-{name}", defaults={"openid": f"sandbox-{name}", "nickname": name, "password": "!"}
    )[0]


def _three_levels(admin_id: int) -> None:
    from fenxiao.distribution.config.settings import settings_update, tier_save
    from fenxiao.distribution.models import Tier

    settings_update(actor_id=admin_id, changes={"levels": 3, "level3_enabled": True})
    for tier in Tier.objects.order_by("rank"):
        tier_save(actor_id=admin_id, tier_id=tier.pk, values={"level3_bps": tier.level2_bps // 2})


def _chain() -> list:
    from fenxiao.distribution.network.binding import referral_bind
    from fenxiao.distribution.network.enrolment import distributor_create

    distributors, above = [], None
    for i, name in enumerate(CHAIN):
        user = _user(name)
        if above is not None:
            referral_bind(user_id=user.id, code=above.code, source="poster")
        above = distributor_create(user_id=user.id, source="apply", real_name=f"链{i}", phone=f"1380000000{i}")
        distributors.append(above)
    return distributors


def _burst_sku():
    from fenxiao.catalog.models import Category, Product, Sku, Supplier
    from fenxiao.inventory.models import Stock

    supplier = Supplier.objects.get_or_create(name="集群测试供应商")[0]
    category = Category.objects.get_or_create(name="集群测试", parent=None)[0]
    product = Product.objects.get_or_create(
        code="CLUSTER-BURST",
        defaults={"supplier": supplier, "category": category, "title": "集群测试商品", "is_on_shelf": True},
    )[0]
    sku = Sku.objects.get_or_create(
        code="CLUSTER-BURST-1",
        defaults={"product": product, "specs": {"规格": "标准装"}, "price_fen": BURST_PRICE_FEN, "weight_g": 250},
    )[0]
    Stock.objects.update_or_create(sku=sku, defaults={"quantity": BURST_STOCK})
    return sku


def _buyers(prefix: str, count: int, low_code: str) -> list[dict]:
    """Shoppers bound to 末 with a default address and a token each."""
    from common.data import default_addresses
    from fenxiao.accounts.tokens import token_pair_issue
    from fenxiao.distribution.network.binding import referral_bind

    users = [_user(f"{prefix}{i:03d}") for i in range(count)]
    address_of = default_addresses(
        users,
        receiver=lambda i: f"集群{i}",
        phone=lambda i: f"137{i:08d}",
        district="西湖区",
        street=lambda i: f"{i}号",
    )
    for user in users:
        referral_bind(user_id=user.id, code=low_code, source="qrcode")
    return [
        {
            "user_id": u.id,
            "token": token_pair_issue(user_id=u.id, scope="user", version=u.token_version).access,
            "address_id": address_of[u.id],
        }
        for u in users
    ]


def _settled_commission(buyer: dict, sku, admin) -> None:
    """One order of a buyer under 末, paid, shipped, received and settled now: 末 can withdraw."""
    from django.utils import timezone

    from fenxiao.accounts.models import User
    from fenxiao.distribution.commission.booking import commission_book, commission_schedule_settlement
    from fenxiao.distribution.commission.settlement import commission_settle_batch
    from fenxiao.distribution.models import CommissionRecord
    from fenxiao.orders.checkout import LineRequest
    from fenxiao.orders.services import order_confirm_receipt, order_create
    from fenxiao.orders.shipping.shipments import order_ship
    from fenxiao.payments.sandbox import sandbox_payment_succeed

    user = User.objects.get(pk=buyer["user_id"])
    order = order_create(
        user=user, lines=[LineRequest(sku.id, WITHDRAW_ORDER_FEN // BURST_PRICE_FEN)], address_id=buyer["address_id"]
    )
    sandbox_payment_succeed(order_id=order.pk)
    commission_book(order_id=order.id)
    order_ship(order_id=order.id, by=admin, carrier_code="SF", tracking_no="SF1400000099001")
    order_confirm_receipt(order_id=order.id, by=user)
    commission_schedule_settlement(order_id=order.id)
    now = timezone.now()
    CommissionRecord.objects.filter(order=order).update(settle_after=now)  # the freeze ends now, as in the demo
    commission_settle_batch(now=now)


def seed(out: Path) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    from fenxiao.accounts.models import User
    from fenxiao.distribution.ledger_accounts import available
    from fenxiao.ledger.selectors import account_balance

    sys.path.insert(0, str(ROOT / "bench"))
    from seckill.fixtures import create_activity, prepare_fixtures

    # The seckill fixtures start from an empty Redis database (the cluster's own): first.
    seckill = prepare_fixtures(Namespace(units=SECKILL_UNITS, buyers=SECKILL_BUYERS))
    activity_id = create_activity(seckill, name="集群秒杀", units=SECKILL_UNITS, limit=SECKILL_LIMIT)
    call_command("seed_demo", skus=40, history_days=0, verbosity=0, stdout=io.StringIO())
    admin = User.objects.filter(is_superuser=True).order_by("id").first()
    with transaction.atomic():
        _three_levels(admin.id)
        top, mid, low = _chain()
        sku = _burst_sku()
    buyers = _buyers("cl-buyer-", BURST_BUYERS + 1, low.code)
    _settled_commission(buyers.pop(), sku, admin)
    buyers_file = out.parent / "seckill-buyers.txt"
    buyers_file.write_text("".join(f"{token} {address}\n" for _, token, address in seckill.buyers))
    facts = {
        "chain": {"top": top.pk, "mid": mid.pk, "low": low.pk, "low_code": low.code},
        "low_user_id": low.user_id,
        "low_token": _token(low.user_id),
        "low_available_fen": account_balance(available(low.pk)),
        "burst": {"sku_id": sku.pk, "stock": BURST_STOCK, "buyers": buyers},
        "seckill": {
            "activity_id": activity_id,
            "sku_id": seckill.sku_id,
            "units": SECKILL_UNITS,
            "buyers": SECKILL_BUYERS,
            "limit": SECKILL_LIMIT,
            "buyers_file": str(buyers_file),
        },
    }
    out.write_text(json.dumps(facts, ensure_ascii=False, indent=1))


def _token(user_id: int) -> str:
    from fenxiao.accounts.models import User
    from fenxiao.accounts.tokens import token_pair_issue

    user = User.objects.get(pk=user_id)
    return token_pair_issue(user_id=user.id, scope="user", version=user.token_version).access


if __name__ == "__main__":
    seed(Path(sys.argv[1]))
