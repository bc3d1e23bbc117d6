"""The data centre's figures, kept live from the events, equal a rebuild from the source rows and
an independent recomputation from the raw rows, for periods of every shape: a day, a week, a
period across a month boundary, the whole history — after random orders, refunds, cancellations,
bindings, invites and shoppers turning distributor."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from fenxiao.analytics.metrics.cohorts import cohorts_get
from fenxiao.analytics.metrics.figures import figures_get
from fenxiao.analytics.metrics.rankings import rankings_get
from fenxiao.analytics.models import BuyerDay, SalesDay
from fenxiao.analytics.periods import DayRange
from fenxiao.analytics.rollups.rebuild import rollups_rebuild, rollups_rebuild_day
from tests.analytics.datacentre_support import Oracle, build_history
from tests.orders.aftersales.support import fixture_aftersale_sandbox  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def history():
    return build_history()


def spans(h) -> list[DayRange]:
    first, last = h.first_day, h.last_day
    return [
        DayRange(first, last),
        DayRange(first + timedelta(days=4), first + timedelta(days=4)),  # a day with orders at both midnights
        DayRange(date(2026, 9, 24), date(2026, 10, 7)),  # across a month boundary
        DayRange(date(2026, 10, 1), date(2026, 10, 31)),  # a calendar month
        DayRange(date(2026, 10, 12), date(2026, 10, 18)),  # a week
        DayRange(last - timedelta(days=29), last),
    ]


def test_live_rollups_equal_a_rebuild_from_the_source(history):
    assert history.orders > 80 and history.refunds > 5
    checks = rollups_rebuild(
        first=history.first_day - timedelta(days=1), last=history.last_day + timedelta(days=1), repair=False
    )
    assert [c for c in checks if not c.equal] == []


def test_every_figure_equals_an_independent_recomputation(history):
    oracle = Oracle()
    for span in spans(history):
        assert figures_get(span).as_dict() == oracle.figures(span.first, span.last), span
    whole = oracle.figures(history.first_day, history.last_day)
    # The scenario exercises every part of the definitions.
    assert whole["refund_fen"] > 0 and whole["commission_fen"] > 0
    assert all(n > 0 for n in whole["new_buyer_sources"].values())
    assert 0 < whole["distributor_activity_bps"] < 10_000
    assert whole["conversion_bps"] and whole["conversion_bps"] > 0


def test_cohorts_equal_an_independent_recomputation(history):
    oracle = Oracle()
    rows = cohorts_get(from_month=date(2026, 9, 1), to_month=date(2026, 11, 1))
    assert [(r.buyers, r.repeat_buyers) for r in rows] == [oracle.cohort(r.month) for r in rows]
    assert rows[0].repeat_buyers > 0


def test_product_rankings_equal_an_independent_recomputation(history):
    span = DayRange(history.first_day, history.last_day)
    expected = Oracle().top_products(span.first, span.last)
    ranked = rankings_get(kind="products", span=span, limit=3).by_gmv
    assert [(r.id, r.units, r.gmv_fen) for r in ranked] == expected[:3]


def test_the_reconciliation_finds_and_repairs_a_damaged_day(history):
    oracle = Oracle()
    day = history.first_day + timedelta(days=4)
    damaged = BuyerDay.objects.filter(day=day).first()
    damaged.delete()
    SalesDay.objects.filter(day=day).update(gmv_fen=1)

    check = rollups_rebuild_day(day=day)

    assert not check.equal and check.repaired
    assert any(d.startswith("sales.gmv_fen") for d in check.differences)
    assert rollups_rebuild_day(day=day, repair=False).equal
    span = DayRange(day, day + timedelta(days=6))
    assert figures_get(span).as_dict() == oracle.figures(span.first, span.last)
