"""The one rule that decides whether money WeChat took still pays its order."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fenxiao.orders.models import OrderStatus
from fenxiao.orders.payment_acceptance import payment_refusal


@pytest.mark.parametrize(
    ("status", "payable_fen", "amount_fen", "code"),
    [
        (OrderStatus.PENDING_PAYMENT, 5_000, 5_000, None),
        (OrderStatus.PENDING_PAYMENT, 5_000, 4_999, "PAYMENT_AMOUNT_MISMATCH"),
        (OrderStatus.PENDING_PAYMENT, 5_000, 5_001, "PAYMENT_AMOUNT_MISMATCH"),
        (OrderStatus.CANCELLED, 5_000, 5_000, "ORDER_CANCELLED"),
        (OrderStatus.PAID, 5_000, 5_000, "ORDER_ALREADY_PAID"),
        (OrderStatus.SHIPPED, 5_000, 5_000, "ORDER_ALREADY_PAID"),
        (OrderStatus.RECEIVED, 5_000, 5_000, "ORDER_ALREADY_PAID"),
        (OrderStatus.COMPLETED, 5_000, 5_000, "ORDER_ALREADY_PAID"),
        (OrderStatus.CLOSED, 5_000, 5_000, "ORDER_ALREADY_PAID"),
    ],
)
def test_only_an_order_waiting_for_exactly_this_amount_takes_the_money(status, payable_fen, amount_fen, code):
    refusal = payment_refusal(order_status=status, payable_fen=payable_fen, amount_fen=amount_fen)
    assert (refusal.code if refusal else None) == code
    if refusal:
        assert refusal.message  # what the operator and the buyer read


@given(status=st.sampled_from(list(OrderStatus)), amount=st.integers(1, 10**9), payable=st.integers(1, 10**9))
def test_a_cancelled_order_never_takes_money(status, amount, payable):
    refusal = payment_refusal(order_status=status, payable_fen=payable, amount_fen=amount)
    if status == OrderStatus.CANCELLED:
        assert refusal is not None and refusal.code == "ORDER_CANCELLED"
    if refusal is None:
        assert status == OrderStatus.PENDING_PAYMENT and amount == payable
