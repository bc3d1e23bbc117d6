"""A missed or replayed event never leaves the data centre wrong for long: replays add nothing,
the reconciliation sweep rebuilds today and yesterday and repairs them, and ``fenxiao
analytics_rebuild`` checks or rebuilds any range."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command

from fenxiao.analytics.models import BuyerDay, OrderFact, SalesDay
from fenxiao.analytics.rollups.facts import order_fact_refresh, order_refunds_refresh
from fenxiao.analytics.rollups.rebuild import rollups_rebuild_day
from fenxiao.core import extensions
from fenxiao.core.extensions import run_sweeps
from tests.catalog_factories import SkuFactory
from tests.distribution.support import make_user, paid_order

BEIJING = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 10, 15, 0, tzinfo=BEIJING)


@pytest.fixture
def paid(db, commit):
    with time_machine.travel(NOW - timedelta(hours=2), tick=False):
        buyer = make_user("rp_buyer")
        sku = SkuFactory(price_fen=5_000, stock=10, weight_g=100)
        return [paid_order(commit, buyer, (sku.id, 1)) for _ in range(2)]


def test_a_replayed_payment_event_adds_nothing(paid):
    before = SalesDay.objects.get(day=NOW.date())
    assert (before.paid_orders, before.buyers, before.gmv_fen) == (2, 1, sum(o.paid_fen for o in paid))

    order_fact_refresh(order_id=paid[0].id)
    order_refunds_refresh(order_id=paid[0].id)

    after = SalesDay.objects.get(day=NOW.date())
    assert (after.paid_orders, after.buyers, after.gmv_fen) == (before.paid_orders, before.buyers, before.gmv_fen)


def test_the_sweep_repairs_a_day_whose_event_was_lost(paid):
    # An order whose handler never ran: its fact and its counts are missing.
    OrderFact.objects.filter(pk=paid[1].id).delete()
    SalesDay.objects.filter(day=NOW.date()).update(paid_orders=1, gmv_fen=paid[0].paid_fen)

    with time_machine.travel(NOW, tick=False):
        counts = run_sweeps(now=NOW, only=["analytics.reconcile"])

    assert counts == {"analytics.reconcile": 1}
    assert SalesDay.objects.get(day=NOW.date()).paid_orders == 2
    assert rollups_rebuild_day(day=NOW.date(), repair=False).equal
    # Within the next quarter of an hour the day is not rebuilt again.
    SalesDay.objects.filter(day=NOW.date()).update(paid_orders=7)
    for minutes, repaired in ((5, 0), (16, 1)):
        with time_machine.travel(NOW + timedelta(minutes=minutes), tick=False):
            counts = run_sweeps(now=NOW + timedelta(minutes=minutes), only=["analytics.reconcile"])
        assert counts == {"analytics.reconcile": repaired}


def test_the_command_checks_then_rebuilds_a_range(paid, capsys):
    BuyerDay.objects.filter(day=NOW.date()).delete()
    day = NOW.date().isoformat()

    with pytest.raises(CommandError, match="1 天"):
        call_command("analytics_rebuild", "--from", day, "--to", day, "--check")
    call_command("analytics_rebuild", "--from", day, "--to", day)
    call_command("analytics_rebuild", "--from", day, "--to", day, "--check")

    assert "汇总与源数据一致" in capsys.readouterr().out
    assert BuyerDay.objects.filter(day=NOW.date()).count() == 1


def test_the_command_refuses_a_bad_range(db):
    with pytest.raises(CommandError, match="开始日期不能晚于结束日期"):
        call_command("analytics_rebuild", "--from", "2026-11-02", "--to", "2026-11-01")
    with pytest.raises(CommandError, match="日期格式"):
        call_command("analytics_rebuild", "--from", "yesterday")


def test_commission_booked_late_by_the_repair_sweep_reaches_the_day_the_order_was_paid(db, commit):
    from fenxiao.distribution import handlers as distribution_handlers
    from fenxiao.distribution.network.binding import referral_bind
    from tests.distribution.support import make_distributor

    with time_machine.travel(NOW - timedelta(days=5), tick=False):
        seller = make_distributor("rp_seller")
        buyer = make_user("rp_referred")
        referral_bind(user_id=buyer.id, code=seller.code, source="link")
        sku = SkuFactory(price_fen=10_000, stock=10, weight_g=100)
        extensions.unsubscribe("order_paid", distribution_handlers.on_order_paid)  # its handler crashed
        try:
            order = paid_order(commit, buyer, (sku.id, 1))
        finally:
            extensions.subscribe("order_paid", distribution_handlers.on_order_paid)
    paid_day = (NOW - timedelta(days=5)).date()
    assert SalesDay.objects.get(day=paid_day).commission_fen == 0

    with commit(), time_machine.travel(NOW, tick=False):
        run_sweeps(now=NOW, only=["distribution.unbooked_orders"])

    booked = SalesDay.objects.get(day=paid_day).commission_fen
    assert booked > 0 and OrderFact.objects.get(pk=order.id).commission_fen == booked
    assert SalesDay.objects.get(day=paid_day).new_buyer_commission_fen == booked  # his first order
    assert rollups_rebuild_day(day=paid_day, repair=False).equal
