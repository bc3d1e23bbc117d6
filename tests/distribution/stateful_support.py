"""The world the stateful distribution test runs in (``test_stateful``): distributors in a
3-level chain, shoppers bound at each level, two awkwardly priced SKUs and the settings, built
once per test; the thin model of what was paid and refunded; and the constants both share."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field

from django.test import TestCase
from hypothesis import HealthCheck, settings

from fenxiao.accounts.models import User
from fenxiao.distribution.config.settings import settings_update, tier_save
from fenxiao.distribution.models import (
    CommissionRecord,
    Distributor,
    Tier,
    WithdrawalStatus,
)
from fenxiao.distribution.network.binding import referral_bind
from tests.catalog_factories import SkuFactory
from tests.distribution.support import make_distributor, make_user

PRICES_FEN = (3_333, 9_999)  # awkward: every split and proportional refund rounds
FREEZE_DAYS = 7
AUTO_APPROVE_MAX_FEN = 1_000
BANK = {"bank_name": "招商银行", "bank_account_name": "王五", "bank_account_no": "6225880212345678"}
IN_FLIGHT = (WithdrawalStatus.REVIEWING, WithdrawalStatus.APPROVED, WithdrawalStatus.PAYING)
RETURNED = (WithdrawalStatus.REJECTED, WithdrawalStatus.FAILED)

MACHINE_SETTINGS = settings(
    max_examples=30,
    stateful_step_count=30,
    deadline=None,
    database=None,  # no .hypothesis/ folder in the repository
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@contextmanager
def commit():
    """What runs after the step's transactions commit: event handlers, payouts, notifications."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        yield


@dataclass
class World:
    """Built once per test, shared (read-only) by every example."""

    sku_ids: list[int]
    shoppers: list[User]
    chains: dict[int, list[int]]  # shopper user id → distributor ids at levels 1..n
    distributors: list[Distributor]
    staff: User


@dataclass
class LineState:
    order_id: int
    paid_fen: int
    refunded_fen: int = 0

    @property
    def left_fen(self) -> int:
        return self.paid_fen - self.refunded_fen


@dataclass
class Model:
    lines: dict[int, LineState] = field(default_factory=dict)
    paid_orders: list[int] = field(default_factory=list)
    received_orders: set[int] = field(default_factory=set)
    withdrawals: dict[int, tuple[str, str]] = field(default_factory=dict)  # id → (status, method)


def build_world() -> World:
    settings_update(
        actor_id=None,
        changes={
            "levels": 3,
            "level3_enabled": True,
            "freeze_days": FREEZE_DAYS,
            "withdraw_min_fen": 100,
            "withdraw_fee_bps": 100,
            "withdraw_fee_min_fen": 10,
            "withdraw_auto_approve_max_fen": AUTO_APPROVE_MAX_FEN,
        },
    )
    base_tier = Tier.objects.get(rank=0)
    tier_save(actor_id=None, tier_id=base_tier.id, values={"level3_bps": 200})
    a = make_distributor("st_a", real_name="李娜")
    b = make_distributor("st_b", under=a, real_name="王强")
    c = make_distributor("st_c", under=b, real_name="赵敏")
    under_b, under_c, under_a, unbound = (make_user(n) for n in ("st_u1", "st_u2", "st_u3", "st_u4"))
    referral_bind(user_id=under_b.id, code=b.code, source="link")
    referral_bind(user_id=under_c.id, code=c.code, source="poster")
    referral_bind(user_id=under_a.id, code=a.code, source="qrcode")
    chains = {
        under_b.id: [b.id, a.id],
        under_c.id: [c.id, b.id, a.id],
        under_a.id: [a.id],
        unbound.id: [],
        c.user_id: [b.id, a.id],  # self-purchase earns nothing by default: the chain starts above
    }
    return World(
        sku_ids=[SkuFactory(price_fen=price, stock=100_000, weight_g=100).id for price in PRICES_FEN],
        shoppers=[under_b, under_c, under_a, unbound, c.user],
        chains=chains,
        distributors=[a, b, c],
        staff=User.objects.create(username="st_finance", is_staff=True),
    )


def net(record: CommissionRecord) -> int:
    return record.amount_fen - record.reversed_fen - record.clawback_fen
