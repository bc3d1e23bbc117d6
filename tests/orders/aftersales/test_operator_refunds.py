"""The operator refund of a completed order (issue 19 §2, DESIGN §5), through the real services:
paid through the WeChat Pay sandbox, shipped, received, commission settled, the order completed;
then the operator gives money back, whole or per line and quantity, and the settled commission is
clawed back — below zero if it was withdrawn — and later commission repays the debt before any
withdrawal. The ledger check holds after every test that moves money."""

from __future__ import annotations

from datetime import timedelta

import pytest

from fenxiao.distribution.commission.settlement import commission_settle_batch
from fenxiao.distribution.config.settings import settings_update
from fenxiao.distribution.errors import DistributionConflict
from fenxiao.distribution.models import CommissionRecord, CommissionStatus
from fenxiao.distribution.network.binding import referral_bind
from fenxiao.distribution.withdrawals.requests import withdrawal_request
from fenxiao.orders.aftersales.operator_refunds import OperatorRefundLine, order_operator_refund
from fenxiao.orders.aftersales.review import aftersale_approve
from fenxiao.orders.errors import AfterSaleConflict, AfterSaleError
from fenxiao.orders.models import AfterSaleKind, AfterSaleStatus, Order, OrderStatus
from fenxiao.orders.services import order_complete
from fenxiao.payments.models import Refund, RefundStatus
from tests.catalog_factories import SkuFactory
from tests.distribution.support import Balances, assert_ledger_clean, balances, make_distributor, make_user
from tests.order_support import place_order
from tests.orders.aftersales.support import (  # noqa: F401  (fixtures)
    ask,
    fixture_aftersale_sandbox,
    fixture_published,
    lines_of,
    pay,
    receive,
    ship,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def chain(db):
    """Carol bound under B (level 1, 10%), B under A (level 2, 5%)."""
    top = make_distributor("alice", real_name="李娜")
    mid = make_distributor("bob", under=top, real_name="王强")
    shopper = make_user("carol")
    referral_bind(user_id=shopper.id, code=mid.code, source="link")
    return top, mid, shopper


@pytest.fixture
def operator(django_user_model):
    return django_user_model.objects.create(username="cs", is_staff=True, is_superuser=True)


def completed(shopper, operator, *lines: tuple[int, int]) -> Order:
    """Paid, shipped, received, its commission settled after the freeze, then completed."""
    order = receive(ship(pay(place_order(shopper, *lines)), operator))
    commission_settle_batch(now=order.received_at + timedelta(days=7, seconds=1))
    order_complete(order_id=order.id, at=order.received_at + timedelta(days=7, seconds=1))
    order.refresh_from_db()
    assert order.status == OrderStatus.COMPLETED
    return order


def test_whole_order_refund_closes_it_and_claws_back_settled_commission(chain, operator, published):
    # given a completed order of 3 × 33.33 through B and A, whose commission is settled
    top, mid, shopper = chain
    sku = SkuFactory(price_fen=3_333, stock=100, weight_g=100)
    order = completed(shopper, operator, (sku.id, 3))
    assert balances(mid) == Balances(pending=0, available=999, withdrawing=0)
    assert balances(top).available == 499

    # when the operator refunds the whole order
    after_sale = order_operator_refund(order_id=order.id, by=operator, reason="投诉处理：商品质量问题")

    # then the goods' money is back with the buyer through WeChat Pay, the order is closed and
    # every fen of commission is clawed back from the available balances
    assert after_sale.kind == AfterSaleKind.OPERATOR and after_sale.status == AfterSaleStatus.REFUNDED
    assert after_sale.refund_fen == 9_999
    refund = Refund.objects.get(order=order)
    assert refund.status == RefundStatus.SUCCEEDED and refund.amount_fen == 9_999
    order.refresh_from_db()
    assert order.status == OrderStatus.CLOSED and order.refunded_fen == 9_999
    assert [p["amount_fen"] for p in published.of("order_line_refunded")] == [9_999]
    assert published.of("order_closed") == [{"order_id": order.id}]
    assert balances(mid).available == 0 and balances(top).available == 0
    assert sorted(CommissionRecord.objects.values_list("clawback_fen", flat=True)) == [499, 999]
    assert set(CommissionRecord.objects.values_list("status", flat=True)) == {CommissionStatus.SETTLED}
    assert_ledger_clean()


def test_per_line_and_quantity_refunds_are_exact_and_never_exceed_what_was_paid(chain, operator):
    # given a completed order with a line of 3 × 33.33 and a line of 1 × 100.00
    top, mid, shopper = chain
    odd = SkuFactory(price_fen=3_333, stock=100, weight_g=100)
    even = SkuFactory(price_fen=10_000, stock=100, weight_g=100)
    order = completed(shopper, operator, (odd.id, 3), (even.id, 1))
    first, second = lines_of(order)

    # when one unit of the odd line is refunded, then two more in a second refund
    one = order_operator_refund(order_id=order.id, by=operator, reason="纠纷", lines=[OperatorRefundLine(first.id, 1)])
    two = order_operator_refund(order_id=order.id, by=operator, reason="纠纷", lines=[OperatorRefundLine(first.id, 2)])

    # then the slices add up to exactly what the line paid, and the order stays completed
    assert (one.refund_fen, two.refund_fen) == (3_333, 6_666)
    first.refresh_from_db()
    assert first.refunded_quantity == 3 and first.refunded_fen == first.paid_fen == 9_999
    order.refresh_from_db()
    assert order.status == OrderStatus.COMPLETED and order.refunded_fen == 9_999

    # and asking for more than is left is refused, naming the rule, with nothing written
    with pytest.raises(AfterSaleConflict) as err:
        order_operator_refund(order_id=order.id, by=operator, reason="再退", lines=[OperatorRefundLine(first.id, 1)])
    assert err.value.code == "OPERATOR_REFUND_EXCEEDS_PAID"
    with pytest.raises(AfterSaleConflict) as err:
        order_operator_refund(order_id=order.id, by=operator, reason="再退", lines=[OperatorRefundLine(second.id, 2)])
    assert err.value.code == "OPERATOR_REFUND_EXCEEDS_PAID"

    # and the whole-order refund takes only what is left; a third one has nothing to take
    rest = order_operator_refund(order_id=order.id, by=operator, reason="整单")
    assert rest.refund_fen == 10_000
    with pytest.raises(AfterSaleConflict) as err:
        order_operator_refund(order_id=order.id, by=operator, reason="整单")
    assert err.value.code == "OPERATOR_REFUND_EXCEEDS_PAID"
    order.refresh_from_db()
    assert order.refunded_fen == order.paid_fen - order.shipping_fen
    assert sum(Refund.objects.filter(order=order).values_list("amount_fen", flat=True)) == 19_999
    assert balances(mid).available == 0 and balances(top).available == 0
    assert_ledger_clean()


def test_clawback_below_zero_blocks_withdrawal_until_the_next_commission_repays_it(chain, operator):
    # given B withdrew all of the settled commission of a completed order
    settings_update(actor_id=None, changes={"withdraw_min_fen": 100, "withdraw_fee_bps": 0, "withdraw_fee_min_fen": 0})
    top, mid, shopper = chain
    sku = SkuFactory(price_fen=10_000, stock=100, weight_g=100)
    order = completed(shopper, operator, (sku.id, 2))
    assert balances(mid).available == 2_000
    withdrawal_request(user_id=mid.user_id, amount_fen=2_000, method="bank", bank=_bank())
    assert balances(mid).available == 0

    # when the operator refunds one of the two units
    (line,) = lines_of(order)
    order_operator_refund(order_id=order.id, by=operator, reason="投诉", lines=[OperatorRefundLine(line.id, 1)])

    # then B's available balance is negative: the clawback ran although the money was gone
    assert balances(mid).available == -1_000
    assert balances(top).available == 500
    assert_ledger_clean()

    # and B cannot withdraw while in debt
    with pytest.raises(DistributionConflict) as err:
        withdrawal_request(user_id=mid.user_id, amount_fen=100, method="bank", bank=_bank())
    assert err.value.code == "WITHDRAW_INSUFFICIENT_BALANCE"

    # when the next order's commission settles, it repays the debt first
    completed(shopper, operator, (sku.id, 3))
    assert balances(mid).available == -1_000 + 3_000

    # then only what is left after the debt can be withdrawn
    with pytest.raises(DistributionConflict):
        withdrawal_request(user_id=mid.user_id, amount_fen=2_001, method="bank", bank=_bank())
    withdrawal_request(user_id=mid.user_id, amount_fen=2_000, method="bank", bank=_bank())
    assert balances(mid).available == 0
    assert_ledger_clean()


def _bank() -> dict[str, str]:
    return {"bank_name": "招商银行", "bank_account_name": "王强", "bank_account_no": "6225880212345678"}


def test_only_completed_orders_can_be_refunded_by_the_operator(chain, operator):
    # given an order that was received but is still within its after-sales window
    _top, _mid, shopper = chain
    sku = SkuFactory(price_fen=10_000, stock=100, weight_g=100)
    order = receive(ship(pay(place_order(shopper, (sku.id, 1))), operator))

    # when the operator tries to refund it, then the buyer's after-sales path is named instead
    with pytest.raises(AfterSaleConflict) as err:
        order_operator_refund(order_id=order.id, by=operator, reason="纠纷")
    assert err.value.code == "OPERATOR_REFUND_ORDER_NOT_COMPLETED"
    assert not Refund.objects.filter(order=order).exists()


def test_a_refund_in_flight_refuses_another(chain, operator, monkeypatch):
    # given a completed order whose first operator refund WeChat has not answered yet
    _top, _mid, shopper = chain
    sku = SkuFactory(price_fen=10_000, stock=100, weight_g=100)
    order = completed(shopper, operator, (sku.id, 2))
    (line,) = lines_of(order)
    monkeypatch.setattr("fenxiao.orders.aftersales.review.transaction.on_commit", lambda fn: None)
    pending = order_operator_refund(
        order_id=order.id, by=operator, reason="纠纷", lines=[OperatorRefundLine(line.id, 1)]
    )
    assert pending.status == AfterSaleStatus.REFUNDING

    # when a second one is asked, then it is refused until the first ends
    with pytest.raises(AfterSaleConflict) as err:
        order_operator_refund(order_id=order.id, by=operator, reason="纠纷", lines=[OperatorRefundLine(line.id, 1)])
    assert err.value.code == "OPERATOR_REFUND_IN_FLIGHT"


@pytest.mark.parametrize(
    ("reason", "lines", "code"),
    [
        ("", None, "OPERATOR_REFUND_REASON_REQUIRED"),
        ("长" * 65, None, "OPERATOR_REFUND_REASON_TOO_LONG"),
        ("纠纷", [], "OPERATOR_REFUND_LINES_REQUIRED"),
        ("纠纷", [OperatorRefundLine(1, 0)], "OPERATOR_REFUND_QUANTITY_INVALID"),
        ("纠纷", [OperatorRefundLine(1, 1), OperatorRefundLine(1, 1)], "OPERATOR_REFUND_LINE_DUPLICATED"),
    ],
)
def test_bad_requests_are_named_before_anything_is_read(operator, reason, lines, code):
    with pytest.raises(AfterSaleError) as err:
        order_operator_refund(order_id=1, by=operator, reason=reason, lines=lines)
    assert err.value.code == code


def test_a_buyer_cannot_ask_for_an_operator_refund(chain, operator):
    # given a paid order, when the buyer sends the operator's kind, then it is not a kind they may ask
    _top, _mid, shopper = chain
    sku = SkuFactory(price_fen=10_000, stock=100, weight_g=100)
    order = pay(place_order(shopper, (sku.id, 1)))
    (line,) = lines_of(order)
    with pytest.raises(AfterSaleError) as err:
        ask(order, (line, 1), kind=AfterSaleKind.OPERATOR)
    assert err.value.code == "AFTER_SALE_KIND_INVALID"
    # and an ordinary after-sale still works
    aftersale_approve(after_sale_id=ask(order, (line, 1)).id, by=operator)
