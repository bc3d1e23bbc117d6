"""Who sold at least once in the period (商品动销率, 分销商动销率) reads whole months from
``SoldYear`` and the edge months from ``SoldMonth``; both are kept by ``sold_on`` and
``not_sold_on``. Checked against the plain answer over random sale days for periods of every
shape: inside one month, across a month boundary, across New Year, a year and two."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from fenxiao.analytics.models import SoldMonth, SoldYear
from fenxiao.analytics.periods import DayRange
from fenxiao.analytics.rollups.sold_months import not_sold_on, sold_in, sold_on
from fenxiao.catalog.models import Product
from tests.catalog_factories import ProductFactory

FIRST, LAST = date(2025, 11, 1), date(2027, 2, 28)
SPANS = [
    DayRange(date(2026, 3, 5), date(2026, 3, 20)),  # inside one month
    DayRange(date(2026, 3, 25), date(2026, 4, 3)),  # two edge months, no whole one
    DayRange(date(2026, 3, 1), date(2026, 5, 31)),  # whole months only
    DayRange(date(2025, 12, 20), date(2026, 2, 10)),  # across New Year
    DayRange(date(2025, 11, 17), date(2026, 11, 16)),  # a year
    DayRange(date(2025, 11, 2), date(2027, 2, 27)),  # the whole range, three calendar years
]


@pytest.fixture
def sales(db) -> dict[int, set[date]]:
    rng = random.Random(18)
    products = [ProductFactory().id for _ in range(40)]
    days = (LAST - FIRST).days + 1
    sold: dict[int, set[date]] = {p: set() for p in products}
    for product_id in products:
        # Some sell often, some a few times, some never.
        for _ in range(rng.choice((0, 1, 2, 5, 30))):
            sold[product_id].add(FIRST + timedelta(days=rng.randrange(days)))
    by_day: dict[date, list[int]] = {}
    for product_id, product_days in sold.items():
        for day in product_days:
            by_day.setdefault(day, []).append(product_id)
    for day, ids in by_day.items():
        sold_on(kind=SoldMonth.Kind.PRODUCT, entity_ids=ids, day=day)
    return sold


def sold_in_span(span: DayRange) -> set[int]:
    return set(Product.objects.filter(sold_in(kind=SoldMonth.Kind.PRODUCT, span=span)).values_list("id", flat=True))


def truth(sales: dict[int, set[date]], span: DayRange) -> set[int]:
    return {p for p, days in sales.items() if any(span.first <= d <= span.last for d in days)}


@pytest.mark.parametrize("span", SPANS, ids=str)
def test_sold_in_equals_the_plain_answer(sales, span):
    assert sold_in_span(span) == truth(sales, span)


def test_a_day_taken_back_leaves_its_month_when_it_was_the_last(sales):
    """The rebuild clears a day that turned out to have no sale: a month with no day left drops
    out of its year too, and a month with other days stays."""
    rng = random.Random(5)
    for product_id, days in sales.items():
        for day in sorted(days):
            if rng.random() < 0.5:
                not_sold_on(kind=SoldMonth.Kind.PRODUCT, entity_ids=[product_id], day=day)
                days.discard(day)

    for span in SPANS:
        assert sold_in_span(span) == truth(sales, span), span
    for row in SoldYear.objects.filter(kind=SoldMonth.Kind.PRODUCT):
        months = {d.month for d in sales[row.entity_id] if d.year == row.year.year}
        assert row.months == sum(1 << (m - 1) for m in months), row
