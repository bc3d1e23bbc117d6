"""Fixtures and helpers shared by the after-sales tests (imported by them; holds no tests itself).
A module uses a fixture by importing its ``fixture_*`` function.

Money really moves through the WeChat Pay sandbox: orders are paid through the live notification
path, refunds go to the sandbox, and its signed REFUND.SUCCESS comes back through the real
notification handler after commit. Tests that refund therefore run with real transactions
(``django_db(transaction=True)``) so that the post-commit steps run as they do in production."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from fenxiao.accounts.models import User
from fenxiao.core import extensions
from fenxiao.integrations.wechat.pay.factory import reset_pay_gateway
from fenxiao.orders.aftersales.buyer_steps import AfterSaleLineRequest, aftersale_request
from fenxiao.orders.models import AfterSale, Order, OrderLine
from fenxiao.orders.pricing import Discount, spread_discount
from fenxiao.orders.pricing_hooks import PricingContext, discount_providers
from fenxiao.orders.services import order_confirm_receipt
from fenxiao.orders.shipping.shipments import order_ship
from fenxiao.payments.services import sandbox_payment_succeed

_SANDBOX: dict[str, Path] = {}


@pytest.fixture(autouse=True, scope="module", name="aftersale_sandbox")
def fixture_aftersale_sandbox(tmp_path_factory) -> Iterator[None]:
    """A throwaway sandbox "WeChat Pay" (keys, trades, refunds) for the after-sales modules, restored
    afterwards so other modules see their own. One folder serves the whole session: its RSA keys
    are made once, and order numbers never repeat, so nothing collides."""
    from django.conf import settings

    folder = _SANDBOX.setdefault("folder", tmp_path_factory.mktemp("wechatpay-sandbox"))
    missing = object()
    before = getattr(settings, "WECHATPAY_SANDBOX_DIR", missing)
    settings.WECHATPAY_SANDBOX_DIR = str(folder)
    reset_pay_gateway()
    yield
    if before is missing:
        del settings.WECHATPAY_SANDBOX_DIR
    else:
        settings.WECHATPAY_SANDBOX_DIR = before
    reset_pay_gateway()


@dataclass
class Recorder:
    """Collects published domain events, as a subscriber in a higher layer would receive them."""

    seen: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def of(self, name: str) -> list[dict[str, Any]]:
        return [payload for event, payload in self.seen if event == name]


@pytest.fixture(name="published")
def fixture_published() -> Iterator[Recorder]:
    recorder = Recorder()
    handlers = {}
    for name in ("order_line_refunded", "order_closed"):

        def handler(_name=name, **payload):
            recorder.seen.append((_name, payload))

        handlers[name] = handler
        extensions.subscribe(name, handler)
    yield recorder
    for name, handler in handlers.items():
        extensions.unsubscribe(name, handler)


class FixedDiscount:
    """A promotion worth a fixed amount on the whole basket, spread over the lines by what each
    costs — what a 满减 coupon does, so the lines' ``paid_fen`` do not split evenly."""

    kind = "test_coupon"

    def __init__(self, amount_fen: int):
        self.amount_fen = amount_fen

    def discounts(self, ctx: PricingContext) -> list[Discount]:
        amounts = spread_discount(self.amount_fen, ctx.lines, list(range(len(ctx.lines))))
        return [Discount(kind=self.kind, label=f"立减{self.amount_fen}分", line_amounts=amounts)]

    def commit(self, ctx, discounts, order) -> None:
        pass


@pytest.fixture(name="coupon")
def fixture_coupon() -> Iterator[FixedDiscount]:
    provider = FixedDiscount(1000)
    discount_providers.register(provider.kind, provider)
    yield provider
    discount_providers.unregister(provider.kind)


def pay(order: Order) -> Order:
    """Pay through the sandbox and the live notification handler, so refunds can go back."""
    result = sandbox_payment_succeed(order_id=order.pk)
    assert result.outcome in {"paid", "duplicate"}, result.outcome
    order.refresh_from_db()
    return order


def ship(order: Order, by: User, *, tracking_no: str | None = None) -> Order:
    order_ship(order_id=order.id, by=by, carrier_code="SF", tracking_no=tracking_no or f"SF{order.id:010d}")
    order.refresh_from_db()
    return order


def receive(order: Order) -> Order:
    order_confirm_receipt(order_id=order.id, by=order.buyer)
    order.refresh_from_db()
    return order


def lines_of(order: Order) -> list[OrderLine]:
    return list(order.lines.order_by("id"))


def ask(order: Order, *pairs: tuple[OrderLine, int], kind: str = "refund_only", buyer: User | None = None) -> AfterSale:
    return aftersale_request(
        order_id=order.id,
        buyer=buyer or order.buyer,
        kind=kind,
        reason="不想要了",
        lines=[AfterSaleLineRequest(line.id, quantity) for line, quantity in pairs],
    )
