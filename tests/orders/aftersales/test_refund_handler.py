"""What a finished refund does to an order (``refunds.refund_finished_for_order``, called by
payments inside its claim), failed refunds and their retry, how money the order refused went back, and the sweep for
refunds that were owed but never asked for. WeChat is the payments sandbox; a refund WeChat
closes or flags is told through payments' own claim (``refund_claim_final``)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from fenxiao.integrations.wechat.pay import sandbox as pay_sandbox
from fenxiao.integrations.wechat.pay.factory import pay_gateway
from fenxiao.integrations.wechat.pay.types import RefundState
from fenxiao.orders.aftersales.refunds import REFUND_SWEEP_GRACE, refund_finished_for_order, sweep_stuck_refunds
from fenxiao.orders.aftersales.review import aftersale_approve, aftersale_refund_retry
from fenxiao.orders.models import AfterSale, AfterSaleStatus, OrderStatus, ShippingRule, ShippingTemplate
from fenxiao.orders.services import order_cancel
from fenxiao.payments.claims import refund_claim_final
from fenxiao.payments.models import Payment, Refund, RefundStatus
from fenxiao.payments.notifications import notification_handle
from fenxiao.payments.prepare import payment_description, payment_prepare
from fenxiao.payments.refunds import refund_refused_payment
from fenxiao.payments.sandbox import register_sandbox_sink
from tests.order_support import place_order
from tests.orders.aftersales.support import (  # noqa: F401  (fixtures)
    FixedDiscount,
    ask,
    fixture_aftersale_sandbox,
    fixture_published,
    lines_of,
    pay,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def wechat_silent() -> Iterator[None]:
    """WeChat accepts refunds but its result notification does not arrive (yet)."""
    pay_sandbox.set_notification_sink(None)
    yield
    register_sandbox_sink()


def _finish(refund: Refund, status: str) -> None:
    """WeChat reports a final state for the refund, through payments' claim."""
    state = RefundState(
        out_refund_no=refund.out_refund_no,
        refund_id="",
        out_trade_no="",
        status=status,
        amount_refund=refund.amount_fen,
        amount_total=0,
        mchid="",
        user_received_account="",
        success_time=None,
    )
    refund_claim_final(refund_id=refund.id, state=state)


def _snapshot(order) -> tuple:
    order.refresh_from_db()
    return (
        order.status,
        order.refunded_fen,
        [(ln.refunded_quantity, ln.refunded_fen) for ln in lines_of(order)],
        order.events.count(),
    )


def test_the_same_refund_told_twice_changes_nothing_the_second_time(buyer, staff, sku, published):
    order = pay(place_order(buyer, (sku.id, 3)))
    [line] = lines_of(order)
    after_sale = aftersale_approve(after_sale_id=ask(order, (line, 1)).id, by=staff)
    refund = Refund.objects.get()
    before = _snapshot(order)
    assert before[1] == after_sale.refund_fen
    assert len(published.of("order_line_refunded")) == 1

    refund_finished_for_order(refund=refund)
    refund_finished_for_order(refund=refund)

    assert _snapshot(order) == before
    assert len(published.of("order_line_refunded")) == 1
    after_sale.refresh_from_db()
    assert after_sale.status == AfterSaleStatus.REFUNDED


def test_a_closed_refund_fails_the_after_sale_and_a_retry_pays_it_once(buyer, staff, sku, wechat_silent, published):
    order = pay(place_order(buyer, (sku.id, 2)))
    [line] = lines_of(order)
    after_sale = aftersale_approve(after_sale_id=ask(order, (line, 1)).id, by=staff)
    assert after_sale.status == AfterSaleStatus.REFUNDING
    first = Refund.objects.get()
    assert first.status == RefundStatus.PROCESSING

    _finish(first, "CLOSED")
    _finish(first, "CLOSED")  # told twice

    after_sale.refresh_from_db()
    assert after_sale.status == AfterSaleStatus.REFUND_FAILED
    failed = order.events.filter(type="after_sale_refund_failed")
    assert failed.count() == 1
    assert "关闭" in failed.get().note
    order.refresh_from_db()
    assert order.refunded_fen == 0

    register_sandbox_sink()  # WeChat delivers again
    after_sale = aftersale_refund_retry(after_sale_id=after_sale.id, by=staff)

    assert after_sale.status == AfterSaleStatus.REFUNDED
    second = Refund.objects.exclude(pk=first.pk).get()
    assert (second.purpose, second.status) == (first.purpose, RefundStatus.SUCCEEDED)
    assert second.out_refund_no != first.out_refund_no  # the closed one moved no money
    order.refresh_from_db()
    assert order.refunded_fen == after_sale.refund_fen
    assert [e["refund_id"] for e in published.of("order_line_refunded")] == [second.id]


def test_an_abnormal_refund_asks_the_operator_and_a_late_success_still_counts(buyer, staff, sku, wechat_silent):
    order = pay(place_order(buyer, (sku.id, 2)))
    [line] = lines_of(order)
    after_sale = aftersale_approve(after_sale_id=ask(order, (line, 2)).id, by=staff)
    refund = Refund.objects.get()

    _finish(refund, "ABNORMAL")

    after_sale.refresh_from_db()
    assert after_sale.status == AfterSaleStatus.REFUND_FAILED
    assert "异常" in order.events.get(type="after_sale_refund_failed").note

    # retrying gets the same abnormal refund back from payments (no second refund): still failed
    after_sale = aftersale_refund_retry(after_sale_id=after_sale.id, by=staff)
    assert after_sale.status == AfterSaleStatus.REFUND_FAILED
    assert Refund.objects.count() == 1
    assert order.events.filter(type="after_sale_refund_failed").count() == 2

    # WeChat later reports the same refund as succeeded after all (a refund may be final only once
    # at payments, so the success is told to the handler directly, as a query would).
    Refund.objects.filter(pk=refund.pk).update(status=RefundStatus.SUCCEEDED, succeeded_at=timezone.now())
    refund.refresh_from_db()
    refund_finished_for_order(refund=refund)

    after_sale.refresh_from_db()
    order.refresh_from_db()
    assert after_sale.status == AfterSaleStatus.REFUNDED
    assert (order.status, order.refunded_fen) == (OrderStatus.CLOSED, order.paid_fen)


def test_an_old_attempt_closing_late_does_not_fail_the_one_in_flight(buyer, staff, sku, wechat_silent):
    order = pay(place_order(buyer, (sku.id, 2)))
    [line] = lines_of(order)
    after_sale = aftersale_approve(after_sale_id=ask(order, (line, 1)).id, by=staff)
    first = Refund.objects.get()
    _finish(first, "CLOSED")
    aftersale_refund_retry(after_sale_id=after_sale.id, by=staff)
    Refund.objects.exclude(pk=first.pk).get()

    first.refresh_from_db()
    refund_finished_for_order(refund=first)  # the closed one, told again

    after_sale.refresh_from_db()
    assert after_sale.status == AfterSaleStatus.REFUNDING


def test_payments_refusing_the_refund_parks_it_for_a_retry(buyer, staff, sku):
    order = pay(place_order(buyer, (sku.id, 2)))
    [line] = lines_of(order)
    after_sale = ask(order, (line, 1))
    # a refund of the same purpose with another amount already exists: payments refuses
    payment = Payment.objects.get(order=order)
    blocker = Refund.objects.create(
        payment=payment, order=order, out_refund_no="R-blocker", amount_fen=1, purpose=f"after_sale:{after_sale.id}"
    )

    after_sale = aftersale_approve(after_sale_id=after_sale.id, by=staff)

    assert after_sale.status == AfterSaleStatus.REFUND_FAILED
    assert "同一用途已有金额不同的退款" in order.events.get(type="after_sale_refund_failed").note

    Refund.objects.filter(pk=blocker.pk).update(status=RefundStatus.CLOSED)
    after_sale = aftersale_refund_retry(after_sale_id=after_sale.id, by=staff)
    assert after_sale.status == AfterSaleStatus.REFUNDED


def test_retry_is_only_for_a_failed_refund(buyer, staff, sku):
    order = pay(place_order(buyer, (sku.id, 1)))
    after_sale = ask(order, (lines_of(order)[0], 1))

    from fenxiao.core.errors import Conflict

    with pytest.raises(Conflict) as err:
        aftersale_refund_retry(after_sale_id=after_sale.id, by=staff)
    assert err.value.code == "AFTER_SALE_NOT_RETRYABLE"


def test_an_after_sale_worth_nothing_is_refunded_without_wechat(buyer, staff, sku, published):
    # a coupon paid for the goods entirely; only the shipping was paid
    template = ShippingTemplate.objects.create(name="全国 6 元", is_default=True)
    ShippingRule.objects.create(template=template, first_units=1, first_fen=600, extra_units=1, extra_fen=0)
    from fenxiao.orders.pricing_hooks import discount_providers

    discount_providers.register(FixedDiscount.kind, FixedDiscount(10**9))
    try:
        order = pay(place_order(buyer, (sku.id, 2)))
    finally:
        discount_providers.unregister(FixedDiscount.kind)
    [line] = lines_of(order)
    assert (line.paid_fen, order.paid_fen) == (0, 600)

    after_sale = aftersale_approve(after_sale_id=ask(order, (line, 1)).id, by=staff)

    assert (after_sale.status, after_sale.refund_fen) == (AfterSaleStatus.REFUNDED, 0)
    assert Refund.objects.count() == 0
    assert published.of("order_line_refunded") == [
        {"order_id": order.id, "order_line_id": line.id, "amount_fen": 0, "quantity": 1, "refund_id": None}
    ]
    last = aftersale_approve(after_sale_id=ask(order, (line, 1)).id, by=staff)  # the last unit: shipping back
    assert last.refund_fen == 600
    order.refresh_from_db()
    assert (order.status, order.refunded_fen) == (OrderStatus.CLOSED, 600)


def test_a_purpose_that_is_not_an_order_refund_is_ignored(buyer, sku):
    order = pay(place_order(buyer, (sku.id, 1)))
    refund = Refund.objects.create(
        payment=Payment.objects.get(order=order), order=order, out_refund_no="R-x", amount_fen=1,
        purpose="duplicate_payment:9", status=RefundStatus.SUCCEEDED,
    )  # fmt: skip
    before = _snapshot(order)

    refund_finished_for_order(refund=refund)

    assert _snapshot(order) == before


# --- money the order refused ----------------------------------------------------------------------


def test_how_a_refused_payment_was_refunded_is_told_on_the_order_once(buyer, sku, wechat_silent):
    order = place_order(buyer, (sku.id, 2))
    payment = payment_prepare(
        order_id=order.pk, payer_openid=buyer.openid, description=payment_description(order.order_no)
    ).payment
    order_cancel(order_id=order.id, by=buyer, reason="不要了")
    message = pay_gateway().complete_payment(payment.out_trade_no, racing_close=True)  # paid anyway
    notification_handle(headers=message.headers, body=message.body)
    refund = refund_refused_payment(payment_id=payment.pk)

    _finish(refund, "CLOSED")  # WeChat closed it: the operator is told, the sweep asks again
    refund_finished_for_order(refund=Refund.objects.get(pk=refund.pk))  # told twice

    events = order.events.filter(type="payment_return_failed")
    assert [e.note for e in events] == ["微信退款已关闭，请重试退款"]
    second = refund_refused_payment(payment_id=payment.pk)
    assert second.pk != refund.pk and second.out_refund_no == refund.out_refund_no[:-1] + "2"
    _finish(second, "SUCCESS")
    refund_finished_for_order(refund=Refund.objects.get(pk=second.pk))
    assert order.events.filter(type="payment_returned").count() == 1
    order.refresh_from_db()  # the order's money and status never moved
    assert (order.status, order.paid_fen, order.refunded_fen) == (OrderStatus.CANCELLED, 0, 0)


# --- the sweep ------------------------------------------------------------------------------------


def test_sweep_asks_for_a_refund_the_process_never_got_to_ask_for(buyer, staff, sku):
    order = pay(place_order(buyer, (sku.id, 2)))
    after_sale = ask(order, (lines_of(order)[0], 1))
    # the approve committed, then the process died before asking payments
    AfterSale.objects.filter(pk=after_sale.pk).update(status=AfterSaleStatus.REFUNDING)
    now = timezone.now()

    assert sweep_stuck_refunds(now=now) == 0  # too fresh: the approve may still be asking

    later = now + REFUND_SWEEP_GRACE + timedelta(seconds=1)
    with time_machine.travel(later, tick=False):
        assert sweep_stuck_refunds(now=later) == 1
        assert sweep_stuck_refunds(now=later) == 0

    after_sale.refresh_from_db()
    assert after_sale.status == AfterSaleStatus.REFUNDED
    assert Refund.objects.filter(purpose=f"after_sale:{after_sale.id}").count() == 1
