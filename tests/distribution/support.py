"""Building a referral network and moving money through the real services, for distribution
tests: distributors, bindings, paid and received orders, settlement, and balances read back
from the ledger."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import timedelta

from fenxiao.accounts.models import User
from fenxiao.distribution import ledger_accounts
from fenxiao.distribution.models import Distributor, Withdrawal, WithdrawalStatus
from fenxiao.distribution.network.binding import referral_bind
from fenxiao.distribution.network.enrolment import distributor_create
from fenxiao.ledger.checks import ledger_check
from fenxiao.ledger.selectors import account_balances
from fenxiao.orders.models import Order
from fenxiao.orders.services import order_confirm_receipt
from fenxiao.orders.shipping.shipments import order_ship
from tests.order_support import address_for, mark_paid, place_order

Commit = Callable[[], AbstractContextManager]


def make_user(name: str, **fields) -> User:
    user = User.objects.create(username=f"wx_{name}", openid=f"openid-{name}", nickname=name, **fields)
    address_for(user)
    return user


def make_distributor(name: str, *, under: Distributor | None = None, real_name: str = "张三") -> Distributor:
    user = make_user(name)
    if under is not None:
        referral_bind(user_id=user.id, code=under.code, source="link")
    return distributor_create(user_id=user.id, source="apply", real_name=real_name, phone="13800138000")


@dataclass(frozen=True)
class Balances:
    pending: int
    available: int
    withdrawing: int


def balances(distributor: Distributor) -> Balances:
    d = distributor.id
    found = account_balances([ledger_accounts.pending(d), ledger_accounts.available(d), ledger_accounts.withdrawing(d)])
    return Balances(
        pending=found.get(ledger_accounts.pending(d), 0),
        available=found.get(ledger_accounts.available(d), 0),
        withdrawing=found.get(ledger_accounts.withdrawing(d), 0),
    )


def paid_order(commit: Commit, buyer: User, *lines: tuple[int, int], **kwargs) -> Order:
    """Placed and paid with every event handler run, as in production after each commit."""
    with commit():
        order = place_order(buyer, *lines, **kwargs)
    with commit():
        mark_paid(order)
    order.refresh_from_db()
    return order


def receive(commit: Commit, order: Order) -> Order:
    """Shipped by the platform, then confirmed by the buyer: the freeze starts."""
    operator, _ = User.objects.get_or_create(username="operator", defaults={"is_staff": True})
    with commit():
        order_ship(order_id=order.id, by=operator, carrier_code="SF", tracking_no=f"SF{order.id:010d}")
    with commit():
        order_confirm_receipt(order_id=order.id, by=order.buyer)
    order.refresh_from_db()
    return order


def after_freeze(order: Order, days: int = 7):
    return order.received_at + timedelta(days=days, seconds=1)


def withdrawn_fen(distributor: Distributor) -> int:
    return sum(
        Withdrawal.objects.filter(distributor=distributor, status=WithdrawalStatus.PAID).values_list(
            "amount_fen", flat=True
        )
    )


def assert_ledger_clean() -> None:
    problems = ledger_check()
    assert problems == [], problems
