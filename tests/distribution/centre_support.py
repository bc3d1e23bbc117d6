"""Builders for the distributor-centre tests, on top of ``tests.distribution.support``: callers
with tokens, team members with phones, refunds and settlement through the real services."""

from __future__ import annotations

from django.db.models import F

from fenxiao.accounts.models import User
from fenxiao.accounts.tokens import token_pair_issue
from fenxiao.distribution.commission.refunds import commission_refund_sync
from fenxiao.distribution.commission.settlement import commission_settle_batch
from fenxiao.distribution.models import Distributor
from fenxiao.distribution.network.binding import referral_bind
from fenxiao.orders.models import Order, OrderLine
from tests.distribution.support import after_freeze, make_user
from tests.support import Api

BASE = "/api/v1/distribution"
# What ``/me`` says of withdrawals under the model's default settings.
METHODS = [{"value": "wechat", "label": "微信零钱"}, {"value": "bank", "label": "银行卡"}]
DEFAULT_RULES = {
    "min_fen": 100,
    "fee_bps": 0,
    "fee_min_fen": 0,
    "daily_limit_fen": 500_000,
    "audit_above_fen": 20_000,
    "methods": METHODS,
}


def api_for(user: User) -> Api:
    return Api(token_pair_issue(user_id=user.id, scope="user").access)


def member(name: str, *, under: Distributor, phone: str = "", **fields) -> User:
    """A shopper (with a phone) who opened ``under``'s share."""
    user = make_user(name, phone=phone, **fields)
    referral_bind(user_id=user.id, code=under.code, source="link")
    return user


def refund_line(line: OrderLine, amount_fen: int) -> None:
    """What a successful after-sale does to the line, then its ``order_line_refunded`` handler."""
    OrderLine.objects.filter(pk=line.pk).update(refunded_fen=F("refunded_fen") + amount_fen)
    commission_refund_sync(order_line_id=line.pk)


def settle(order: Order) -> int:
    """The settlement sweep, run once the order's freeze has passed."""
    return commission_settle_batch(now=after_freeze(order))


def lines_of(order: Order) -> list[OrderLine]:
    return list(OrderLine.objects.filter(order=order).order_by("id"))


def body(response, status: int = 200) -> dict:
    """The JSON of an answer that must have ``status``; otherwise the failure shows what came."""
    assert response.status_code == status, response.content.decode()
    return response.json()
