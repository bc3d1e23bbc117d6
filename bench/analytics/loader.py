"""The shop's big tables written with PostgreSQL ``COPY`` through psycopg, not the ORM row by row.

Orders are generated day by day in paid order (so ids grow with ``paid_at``), and each order's
lines, referral snapshot, commission records, payment and refund go at once into their own COPY
stream: one connection per table, all open together, so PostgreSQL parses and indexes the six
tables on its own backends while Python generates.

The connections run with ``session_replication_role = replica``: the foreign keys' deferred
triggers (one SPI lookup per row and key, millions of them at commit) are skipped. The rows are
consistent by construction; ``CHECK`` and ``UNIQUE`` constraints, which are not triggers, still
apply to every row. What every row holds follows the models' constraints: line ``goods_fen =
unit_price_fen × quantity`` and ``paid_fen = goods_fen − discount_fen``; order ``payable_fen =
goods + shipping − discount``; commission ``amount = base × rate // 10000`` per line and level, one
per (line, level); refunds only of paid orders, succeeded a few days after payment."""

# Rows are tuples in COLUMNS order, written as a few concatenated groups so each line stays
# readable against its column list; one flat literal per row would be a column of 20 lines.
# ruff: noqa: RUF005

from __future__ import annotations

import json
import random
import time
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from analytics.catalogue import SkuRow
from analytics.days import day_start, seconds_in_day
from analytics.people import People

CANCELLED_SHARE = 0.03  # unpaid orders cancelled by the payment sweep, on top of the paid ones
REFUND_SHARE = 0.03
DISCOUNT_SHARE = 0.15
NEW_USER_SHARE = 0.3  # orders placed by someone who signed up in the last 30 days
INVITED_SHARE = 0.12  # of the unreferred shoppers
SETTLE_AFTER = timedelta(days=17)  # receipt (4 days) + auto-confirm margin + 7-day after-sales window
ADDRESS = ("张三", "13800000000", "浙江省", "杭州市", "西湖区", "文三路 100 号")

COLUMNS = {
    "accounts_user": "id password last_login is_superuser username first_name last_name email is_staff is_active "
    "date_joined openid unionid phone phone_country_code nickname avatar_url wechat_session_key "
    "last_wechat_login_at created_at updated_at token_version",
    "distribution_distributor": "id user_id code status tier_id real_name phone source joined_at suspended_at "
    "suspend_reason updated_at",
    "orders_order": "id order_no buyer_id status goods_fen shipping_fen discount_fen payable_fen paid_fen refunded_fen "
    "adjustments fulfilment_hold receiver receiver_phone province city district address_detail remark "
    "idempotency_key payment_deadline paid_at shipped_at received_at completed_at cancelled_at closed_at "
    "created_at updated_at",
    "orders_orderline": "id order_id sku_id product_id product_title sku_code sku_specs image unit_price_fen quantity "
    "goods_fen discount_fen paid_fen weight_g shipped_quantity refunded_quantity refunded_fen",
    "distribution_orderreferral": "id order_id buyer_id chain self_purchase booked_at created_at",
    "distribution_commissionrecord": "id distributor_id order_id order_line_id buyer_id level base_fen rate_bps "
    "fixed_unit_fen amount_fen refunded_base_fen reversed_fen clawback_fen status settle_after settled_at "
    "created_at",
    "payments_payment": "id order_id out_trade_no amount_fen description payer_openid mode status prepay_id "
    "prepay_expires_at expires_at transaction_id trade_state paid_at closed_at last_queried_at anomaly "
    "created_at updated_at",
    "payments_refund": "id payment_id order_id out_refund_no amount_fen reason purpose status refund_id channel_status "
    "user_received_account error succeeded_at submitted_at last_queried_at created_at updated_at",
    "invites_invite": "id campaign_id inviter_id invitee_id code status accepted_at order_deadline first_order_id "
    "ordered_at rewarded_at revoked_at revoke_reason expired_at inviter_capped",
}
ORDER_TABLES = (
    "orders_order",
    "orders_orderline",
    "distribution_orderreferral",
    "distribution_commissionrecord",
    "payments_payment",
    "payments_refund",
)


@dataclass
class LoadStats:
    rows: Counter = field(default_factory=Counter)
    seconds: float = 0.0
    paid: int = 0
    cancelled: int = 0
    referred: int = 0
    gmv_fen: int = 0
    orders_per_buyer: Counter = field(default_factory=Counter)
    invites: Counter = field(default_factory=Counter)
    fk_triggers_off: bool = False


class Copies:
    """One open ``COPY ... FROM STDIN`` per table, each on its own connection."""

    def __init__(self, url: str, tables: tuple[str, ...], stats: LoadStats) -> None:
        self.url, self.tables, self.stats = url, tables, stats
        self.stack = ExitStack()
        self.copies: dict = {}

    def __enter__(self) -> Copies:
        import psycopg

        for table in self.tables:
            conn = self.stack.enter_context(psycopg.connect(self.url))
            conn.execute("SET synchronous_commit = off")
            try:
                conn.execute("SET session_replication_role = replica")
                conn.commit()
                self.stats.fk_triggers_off = True
            except psycopg.errors.InsufficientPrivilege:
                conn.rollback()  # not a superuser: the foreign keys are checked at commit
            columns = ", ".join(COLUMNS[table].split())
            self.copies[table] = self.stack.enter_context(conn.cursor().copy(f"COPY {table} ({columns}) FROM STDIN"))
        return self

    def write(self, table: str, row: tuple) -> None:
        self.copies[table].write_row(row)
        self.stats.rows[table] += 1

    def __exit__(self, *exc) -> None:
        self.stack.__exit__(*exc)  # ends every COPY, then commits (or rolls back) each connection


@dataclass
class Ids:
    """The next id of each table (the database may not be empty of the migrations' own rows)."""

    next: dict[str, int]

    def take(self, table: str) -> int:
        value = self.next[table]
        self.next[table] = value + 1
        return value


def next_ids(url: str) -> Ids:
    import psycopg

    with psycopg.connect(url) as conn:
        return Ids({t: conn.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {t}").fetchone()[0] for t in COLUMNS})


def reset_sequences(url: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        for table in COLUMNS:
            conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT COALESCE(MAX(id), 1) FROM {table}))"
            )


def write_people(url: str, people: People, stats: LoadStats) -> None:
    with Copies(url, ("accounts_user",), stats) as copies:
        for i, created in enumerate(people.created):
            uid = people.user_id(i)
            copies.write(
                "accounts_user",
                (uid, "!", None, False, f"ab_u{uid}", "", "", "", False, True, created, f"ab-openid-{uid}", "", "")
                + ("", f"用户{uid}", "", "", None, created, created, 0),
            )
    with Copies(url, ("distribution_distributor",), stats) as copies:
        for d in people.distributors:
            suspended = d.suspended_at is not None
            copies.write(
                "distribution_distributor",
                (d.id, people.user_id(d.user), f"AB{d.id:07d}", "suspended" if suspended else "active", d.tier.id)
                + ("", "", "apply", d.joined_at, d.suspended_at, "基准：违规推广" if suspended else "")
                + (d.suspended_at or d.joined_at,),
            )


@dataclass
class Shop:
    people: People
    skus: list[list[SkuRow]]
    days: list[date]
    counts: list[int]
    now: datetime
    range_end: datetime  # the instant after the last day
    campaign_id: int
    rng: random.Random
    first_paid: dict[int, tuple[int, datetime]] = field(default_factory=dict)


def write_orders(url: str, shop: Shop, ids: Ids, stats: LoadStats) -> None:
    rng = shop.rng
    with Copies(url, ORDER_TABLES, stats) as copies:
        for index, day in enumerate(shop.days):
            paid = shop.counts[index]
            cancelled = int(paid * CANCELLED_SHARE + rng.random())
            eligible = shop.people.registered_before[index]
            recent = shop.people.registered_before[max(0, index - 30)]
            moments = seconds_in_day(paid + cancelled, rng)
            unpaid = set(rng.sample(range(len(moments)), cancelled))
            start = day_start(day)
            for k, second in enumerate(moments):
                if recent < eligible and rng.random() < NEW_USER_SHARE:
                    buyer = rng.randrange(recent, eligible)
                else:
                    buyer = int(eligible * rng.random() ** 1.6)
                _order(copies, shop, ids, stats, buyer, start + timedelta(seconds=second), k not in unpaid)


def _lines(shop: Shop) -> list[tuple[SkuRow, int, int]]:
    """(sku, quantity, discount) of 1-3 distinct products, popular ones far more often."""
    rng = shop.rng
    count = rng.choices((1, 2, 3), weights=(60, 30, 10))[0]
    products = set()
    while len(products) < count:
        products.add(int(len(shop.skus) * rng.random() ** 2.2))
    out = []
    for p in sorted(products):
        sku = rng.choice(shop.skus[p])
        out.append((sku, rng.choices((1, 2, 3), weights=(80, 15, 5))[0], 0))
    if rng.random() < DISCOUNT_SHARE:
        sku, qty, _ = out[0]
        out[0] = (sku, qty, min(sku.price_fen * qty // 5, 3000))
    return out


def _order(copies: Copies, shop: Shop, ids: Ids, stats: LoadStats, buyer: int, at: datetime, paid: bool) -> None:
    rng, people, now = shop.rng, shop.people, shop.now
    order_id = ids.take("orders_order")
    uid = people.user_id(buyer)
    chain = people.chain(buyer)
    lines = _lines(shop)
    goods = sum(s.price_fen * q for s, q, _ in lines)
    discount = sum(d for _, _, d in lines)
    shipping = 0 if goods >= 9900 else 800
    payable = goods + shipping - discount
    created = at - timedelta(seconds=rng.randint(20, 900)) if paid else at
    refund_at = at + timedelta(seconds=rng.uniform(2 * 86400, 6 * 86400)) if paid else None
    refunded_line = rng.randrange(len(lines)) if paid and rng.random() < REFUND_SHARE else None
    if refund_at is None or refund_at >= shop.range_end:
        refunded_line = None
    closed = refunded_line is not None and len(lines) == 1
    shipped = received = completed = cancelled = deadline = closed_at = None
    if not paid:
        status, deadline = "cancelled", created + timedelta(minutes=30)
        cancelled, updated = deadline, deadline
    elif closed:
        status, closed_at, updated = "closed", refund_at, refund_at
    else:
        status, updated = "paid", at
        steps = (("shipped", timedelta(days=1)), ("received", timedelta(days=4)), ("completed", timedelta(days=11)))
        moments = {}
        for name, after in steps:
            if at + after <= now:
                status, moments[name] = name, at + after
                updated = at + after
        shipped, received, completed = moments.get("shipped"), moments.get("received"), moments.get("completed")
    line_rows = []
    refund_fen = 0
    for n, (sku, qty, disc) in enumerate(lines):
        line_id = ids.take("orders_orderline")
        line_goods = sku.price_fen * qty
        line_paid = line_goods - disc
        is_refunded = n == refunded_line
        refund_fen += line_paid if is_refunded else 0
        line_rows.append((line_id, line_paid, is_refunded))
        copies.write(
            "orders_orderline",
            (line_id, order_id, sku.id, sku.product_id, sku.title, sku.code, sku.specs, "", sku.price_fen, qty)
            + (line_goods, disc, line_paid, sku.weight_g, qty if shipped else 0, qty if is_refunded else 0)
            + (line_paid if is_refunded else 0,),
        )
    copies.write(
        "orders_order",
        (order_id, f"AB{order_id:014d}", uid, status, goods, shipping, discount, payable, payable if paid else 0)
        + (refund_fen, "[]", "", *ADDRESS, "", None, deadline, at if paid else None, shipped, received, completed)
        + (cancelled, closed_at, created, updated),
    )
    if chain:
        distributors = [people.distributors[p] for p in chain]
        copies.write(
            "distribution_orderreferral",
            (ids.take("distribution_orderreferral"), order_id, uid, json.dumps([d.id for d in distributors]))
            + (buyer in people.distributor_of_user, at if paid else None, created),
        )
    if not paid:
        stats.cancelled += 1
        return
    stats.paid += 1
    stats.gmv_fen += payable
    stats.orders_per_buyer[uid] += 1
    shop.first_paid.setdefault(buyer, (order_id, at))
    if chain:
        stats.referred += 1
        settle_after = at + SETTLE_AFTER
        for line_id, line_paid, is_refunded in line_rows:
            for level, d in enumerate(distributors, 1):
                rate = d.tier.level1_bps if level == 1 else d.tier.level2_bps
                amount = line_paid * rate // 10_000
                if amount <= 0:
                    continue
                state = "cancelled" if is_refunded else ("settled" if settle_after <= now else "pending")
                copies.write(
                    "distribution_commissionrecord",
                    (ids.take("distribution_commissionrecord"), d.id, order_id, line_id, uid, level, line_paid, rate)
                    + (None, amount, line_paid if is_refunded else 0, amount if is_refunded else 0, 0, state)
                    + (settle_after, settle_after if state == "settled" else None, at),
                )
    if refunded_line is not None:
        payment_id = ids.take("payments_payment")
        copies.write(
            "payments_payment",
            (payment_id, order_id, f"P{order_id:014d}", payable, "基准商城订单", f"ab-openid-{uid}", "sandbox")
            + ("succeeded", "", None, None, f"4200{order_id:014d}", "SUCCESS", at, None, None, "", created, at),
        )
        copies.write(
            "payments_refund",
            (ids.take("payments_refund"), payment_id, order_id, f"R{order_id:014d}", refund_fen, "不想要了")
            + (f"after_sale:{order_id}", "succeeded", f"5030{order_id:014d}", "SUCCESS", "支付用户的零钱", "")
            + (refund_at, refund_at - timedelta(hours=1), None, refund_at - timedelta(hours=1), refund_at),
        )


def write_invites(url: str, shop: Shop, ids: Ids, stats: LoadStats) -> None:
    """Some unreferred shoppers accepted another user's invite 10 minutes after signing up; the
    invite is rewarded when their first order came within the campaign's 30 days."""
    people, rng, now = shop.people, shop.rng, shop.now
    with Copies(url, ("invites_invite",), stats) as copies:
        for u in range(1, len(people.created)):
            if u in people.distributor_of_user or people.chain(u) or rng.random() >= INVITED_SHARE:
                continue
            inviter = people.user_id(rng.randrange(u))
            accepted = people.created[u] + timedelta(minutes=10)
            deadline = accepted + timedelta(days=30)
            first = shop.first_paid.get(u)
            first_order = ordered_at = rewarded_at = expired_at = None
            if first is not None and first[1] <= deadline:
                first_order, ordered_at = first
                rewarded_at = ordered_at + timedelta(days=18)
                status = "rewarded" if rewarded_at <= now else "ordered"
                rewarded_at = rewarded_at if status == "rewarded" else None
            elif deadline <= now:
                status, expired_at = "expired", deadline
            else:
                status = "accepted"
            stats.invites[status] += 1
            copies.write(
                "invites_invite",
                (ids.take("invites_invite"), shop.campaign_id, inviter, people.user_id(u), f"I{inviter:09d}", status)
                + (accepted, deadline, first_order, ordered_at, rewarded_at, None, "", expired_at, False),
            )


def load(url: str, shop: Shop, ids: Ids, stats: LoadStats) -> None:
    started = time.perf_counter()
    write_people(url, shop.people, stats)
    write_orders(url, shop, ids, stats)
    write_invites(url, shop, ids, stats)
    reset_sequences(url)
    stats.seconds = time.perf_counter() - started
