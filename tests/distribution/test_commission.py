"""Commission on real orders, exact to the fen: who earns, on what base, and how refunds and
settlement move it through the ledger (DESIGN §5–§6).

Default tier 普通: level 1 10%, level 2 5%. The SKU costs ¥100.00."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db.models import F

from fenxiao.distribution import ledger_accounts
from fenxiao.distribution.commission.booking import commission_book
from fenxiao.distribution.commission.refunds import commission_refund_sync, sweep_unsynced_refunds
from fenxiao.distribution.commission.settlement import commission_settle_batch
from fenxiao.distribution.config.settings import settings_update, tier_save
from fenxiao.distribution.models import CommissionRecord, CommissionStatus, OrderReferral, Tier
from fenxiao.ledger.selectors import account_balance
from fenxiao.orders.models import OrderLine
from fenxiao.orders.pricing import Discount, spread_discount
from fenxiao.orders.pricing_hooks import PricingContext, discount_providers
from tests.distribution.support import (
    Balances,
    after_freeze,
    balances,
    make_distributor,
    make_user,
    paid_order,
    receive,
)

pytestmark = pytest.mark.django_db


def records(order):
    return {(r.level, r.distributor_id): r for r in CommissionRecord.objects.filter(order=order)}


def refund_line(line: OrderLine, amount_fen: int) -> None:
    """What a successful after-sale does to the line, then its ``order_line_refunded`` handler."""
    OrderLine.objects.filter(pk=line.pk).update(refunded_fen=F("refunded_fen") + amount_fen)
    commission_refund_sync(order_line_id=line.pk)


def test_two_level_chain_earns_on_what_was_paid(commit, buyer, mid, top, sku):
    order = paid_order(commit, buyer, (sku.id, 1))

    found = records(order)
    assert {k: r.amount_fen for k, r in found.items()} == {(1, mid.id): 1000, (2, top.id): 500}
    assert found[(1, mid.id)].rate_bps == 1000 and found[(1, mid.id)].base_fen == 10_000
    assert balances(mid).pending == 1000 and balances(top).pending == 500
    assert account_balance(ledger_accounts.COMMISSION_EXPENSE) == -1500
    assert OrderReferral.objects.get(order=order).chain == [mid.id, top.id]


def test_a_replayed_payment_event_books_nothing_more(commit, buyer, mid, top, sku):
    order = paid_order(commit, buyer, (sku.id, 1))

    assert commission_book(order_id=order.id) == []

    assert CommissionRecord.objects.filter(order=order).count() == 2
    assert balances(mid).pending == 1000


def test_third_level_earns_only_with_the_switch(commit, top, sku):
    root = top
    a = make_distributor("a3", under=root)
    b = make_distributor("b3", under=a)
    shopper = make_user("dave")
    from fenxiao.distribution.network.binding import referral_bind

    referral_bind(user_id=shopper.id, code=b.code, source="poster")

    first = paid_order(commit, shopper, (sku.id, 1))
    assert {(r.level, r.distributor_id, r.amount_fen) for r in CommissionRecord.objects.filter(order=first)} == {
        (1, b.id, 1000),
        (2, a.id, 500),
    }

    settings_update(actor_id=None, changes={"levels": 3, "level3_enabled": True})
    tier = Tier.objects.get(rank=0)
    tier_save(actor_id=None, tier_id=tier.id, values={"level3_bps": 200})

    second = paid_order(commit, shopper, (sku.id, 1))
    assert {(r.level, r.distributor_id, r.amount_fen) for r in CommissionRecord.objects.filter(order=second)} == {
        (1, b.id, 1000),
        (2, a.id, 500),
        (3, root.id, 200),
    }


def test_self_purchase_pays_level_one_only_when_allowed(commit, mid, top, sku):
    off = paid_order(commit, mid.user, (sku.id, 1))
    assert {(r.level, r.distributor_id, r.amount_fen) for r in CommissionRecord.objects.filter(order=off)} == {
        (1, top.id, 1000)
    }

    settings_update(actor_id=None, changes={"self_purchase_commission": True})
    on = paid_order(commit, mid.user, (sku.id, 1))
    assert {(r.level, r.distributor_id, r.amount_fen) for r in CommissionRecord.objects.filter(order=on)} == {
        (1, mid.id, 1000),
        (2, top.id, 500),
    }
    assert OrderReferral.objects.get(order=on).self_purchase is True


class Coupon:
    kind = "test_distribution_coupon"  # not "coupon": that kind belongs to the promotions app

    def __init__(self, amount_fen: int):
        self.amount_fen = amount_fen

    def discounts(self, ctx: PricingContext) -> list[Discount]:
        amounts = spread_discount(self.amount_fen, ctx.lines, list(range(len(ctx.lines))))
        return [Discount(kind=self.kind, label="满减", line_amounts=amounts)]

    def commit(self, ctx, discounts, order) -> None:
        pass


@pytest.fixture
def coupon():
    provider = Coupon(2_000)
    discount_providers.register(provider.kind, provider)
    yield provider
    discount_providers.unregister(provider.kind)


def test_a_coupon_lowers_the_base_and_shipping_never_counts(commit, buyer, mid, top, sku, sku2, coupon):
    # ¥100.00 + ¥33.33 less a ¥20.00 coupon spread by price: 1500 and 500 off.
    order = paid_order(commit, buyer, (sku.id, 1), (sku2.id, 1))
    lines = list(order.lines.order_by("id"))
    assert [line.paid_fen for line in lines] == [8_500, 2_833]

    found = {(r.order_line_id, r.level): r.amount_fen for r in CommissionRecord.objects.filter(order=order)}
    assert found == {
        (lines[0].id, 1): 850,
        (lines[0].id, 2): 425,
        (lines[1].id, 1): 283,
        (lines[1].id, 2): 141,
    }
    assert balances(mid).pending == 850 + 283


def test_shipping_is_not_a_commission_base(commit, buyer, mid, sku):
    from fenxiao.orders.models import ShippingRule, ShippingTemplate

    template = ShippingTemplate.objects.create(name="按件", is_default=True)
    ShippingRule.objects.create(
        template=template, provinces=[], first_units=1, first_fen=1_200, extra_units=1, extra_fen=0
    )
    order = paid_order(commit, buyer, (sku.id, 1))

    assert order.shipping_fen == 1_200 and order.paid_fen == 11_200
    assert records(order)[(1, mid.id)].base_fen == 10_000
    assert balances(mid).pending == 1000


def test_partial_refund_before_settlement_shrinks_pending_in_proportion(commit, buyer, mid, top, sku):
    order = paid_order(commit, buyer, (sku.id, 3))  # base 30000: 3000 and 1500
    line = order.lines.get()

    refund_line(line, 10_000)  # one unit of three
    assert balances(mid).pending == 2000 and balances(top).pending == 1000

    refund_line(line, 10_000)
    refund_line(line, 10_000)
    found = records(order)
    assert found[(1, mid.id)].reversed_fen == 3000 and found[(1, mid.id)].status == CommissionStatus.CANCELLED
    assert found[(2, top.id)].reversed_fen == 1500
    assert balances(mid).pending == 0 and balances(top).pending == 0
    assert account_balance(ledger_accounts.COMMISSION_EXPENSE) == 0


def test_odd_refunds_take_back_exactly_what_was_earned(commit, buyer, mid, top, sku2):
    order = paid_order(commit, buyer, (sku2.id, 3))  # base 9999: 999 and 499
    line = order.lines.get()
    for amount in (3_333, 3_333, 3_333):
        refund_line(line, amount)

    found = records(order)
    assert found[(1, mid.id)].reversed_fen == 999 and found[(2, top.id)].reversed_fen == 499
    assert balances(mid).pending == 0 and balances(top).pending == 0


def test_a_refund_handled_twice_or_missed_ends_in_the_same_place(commit, buyer, mid, sku):
    order = paid_order(commit, buyer, (sku.id, 2))
    line = order.lines.get()
    OrderLine.objects.filter(pk=line.pk).update(refunded_fen=10_000)  # the event was lost

    assert sweep_unsynced_refunds(now=None) == 1
    assert commission_refund_sync(order_line_id=line.pk) == 0  # and replayed
    assert balances(mid).pending == 1000


def test_settlement_after_the_freeze_makes_commission_withdrawable(commit, buyer, mid, top, sku):
    order = paid_order(commit, buyer, (sku.id, 1))
    assert records(order)[(1, mid.id)].settle_after is None  # not received: the freeze has not begun
    assert commission_settle_batch(now=order.paid_at + timedelta(days=365)) == 0

    order = receive(commit, order)
    assert records(order)[(1, mid.id)].settle_after == order.received_at + timedelta(days=7)
    assert commission_settle_batch(now=order.received_at + timedelta(days=6)) == 0  # still frozen

    assert commission_settle_batch(now=after_freeze(order)) == 2
    assert balances(mid) == Balances(pending=0, available=1000, withdrawing=0)
    assert balances(top).available == 500
    assert records(order)[(1, mid.id)].status == CommissionStatus.SETTLED
    assert commission_settle_batch(now=after_freeze(order)) == 0


def test_refund_after_settlement_claws_back_from_available(commit, buyer, mid, top, sku):
    settings_update(actor_id=None, changes={"freeze_days": 0})
    order = receive(commit, paid_order(commit, buyer, (sku.id, 2)))
    commission_settle_batch(now=after_freeze(order, days=0))
    assert balances(mid).available == 2000

    refund_line(order.lines.get(), 10_000)

    record = records(order)[(1, mid.id)]
    assert record.clawback_fen == 1000 and record.status == CommissionStatus.SETTLED
    assert balances(mid).available == 1000 and balances(top).available == 500


def test_a_suspended_distributor_earns_nothing_new_but_keeps_what_was_earned(
    commit, buyer, mid, top, sku, django_user_model
):
    from fenxiao.distribution.network.enrolment import distributor_suspend

    staff = django_user_model.objects.create(username="op", is_staff=True)
    first = paid_order(commit, buyer, (sku.id, 1))
    distributor_suspend(distributor_id=mid.id, actor_id=staff.id, reason="刷单嫌疑")
    second = paid_order(commit, buyer, (sku.id, 1))

    assert set(records(second)) == {(2, top.id)}
    assert balances(mid).pending == 1000
    first = receive(commit, first)
    commission_settle_batch(now=after_freeze(first))
    assert balances(mid).available == 1000


def test_settlement_upgrades_a_tier_on_real_sales_only(commit, buyer, mid, top, sku, django_user_model):
    from fenxiao.distribution.commission.settlement import sweep_settle_commission
    from fenxiao.distribution.models import Distributor
    from fenxiao.risk.models import AuditEntry

    silver = Tier.objects.get(rank=1)
    tier_save(actor_id=None, tier_id=silver.id, values={"min_sales_fen": 20_000, "min_customers": 1, "min_orders": 2})
    for name in ("r1", "r2", "r3"):
        make_distributor(name, under=mid)  # recruits alone change nothing
    first = receive(commit, paid_order(commit, buyer, (sku.id, 1)))
    sweep_settle_commission(now=after_freeze(first))
    assert Distributor.objects.get(pk=mid.pk).tier.rank == 0

    second = receive(commit, paid_order(commit, buyer, (sku.id, 1)))
    assert sweep_settle_commission(now=after_freeze(second)) == 2

    assert Distributor.objects.get(pk=mid.pk).tier == silver  # 2 orders, ¥200 of own sales
    assert Distributor.objects.get(pk=top.pk).tier.rank == 0  # level-2 sales never count
    assert AuditEntry.objects.filter(action="distribution.tier_upgrade", target_id=str(mid.pk)).count() == 1
    third = receive(commit, paid_order(commit, buyer, (sku.id, 1)))
    sweep_settle_commission(now=after_freeze(third))
    assert records(third)[(1, mid.id)].rate_bps == 1200  # the new tier's rate from the next order on


class Seckill(Coupon):
    kind = "seckill"


def test_activity_orders_pay_commission_only_when_the_activity_allows(commit, buyer, mid, sku):
    provider = Seckill(1_000)
    discount_providers.register(provider.kind, provider)
    try:
        blocked = paid_order(commit, buyer, (sku.id, 1))
        assert not CommissionRecord.objects.filter(order=blocked).exists()  # seckill pays none by default

        settings_update(actor_id=None, changes={"activity_commission": {"seckill": True, "group_buy": True}})
        allowed = paid_order(commit, buyer, (sku.id, 1))
    finally:
        discount_providers.unregister(provider.kind)
    assert records(allowed)[(1, mid.id)].base_fen == 9_000 and records(allowed)[(1, mid.id)].amount_fen == 900
