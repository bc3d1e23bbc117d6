"""The dashboard's figures, exact to the fen, for orders and sign-ups on both sides of Beijing's
midnight and of the month's first day."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from fenxiao.analytics.selectors import dashboard_get, month_period, today_period
from tests.analytics.conftest import NOW, at

pytestmark = pytest.mark.django_db


def test_periods_are_beijing_days_and_months():
    today, month = today_period(at(12, 31, 23, 59)), month_period(at(12, 31, 23, 59))
    assert (today.first_day, today.next_day) == (date(2026, 12, 31), date(2027, 1, 1))
    assert (month.first_day, month.next_day) == (date(2026, 12, 1), date(2027, 1, 1))
    assert today.start == at(12, 31, 0) and month.end.isoformat() == "2027-01-01T00:00:00+08:00"


def test_gmv_and_orders_count_payments_by_beijing_day_and_month(shop):
    assert {k: o.paid_fen for k, o in shop.paid.items()} == {
        "last_month": 10_000,
        "month_start": 6_666,
        "yesterday": 20_000,
        "today": 3_333,
    }
    with time_machine.travel(NOW, tick=False):
        d = dashboard_get()

    assert (d.today_figures.gmv_fen, d.today_figures.orders) == (3_333, 1)
    assert (d.month_figures.gmv_fen, d.month_figures.orders) == (6_666 + 20_000 + 3_333, 3)


def test_sign_ups_count_by_beijing_day_and_month(shop):
    with time_machine.travel(NOW, tick=False):
        d = dashboard_get()
    # Today: two newcomers (00:00, 09:59), the applicant, the rejected applicant and the withdrawing
    # distributor, all 08:00; the operator is not a customer. This month adds 00:01 on the 1st.
    assert d.today_figures.new_users == 5
    assert d.month_figures.new_users == 6
    # Distributors: the two newcomers today and the withdrawing one; the October one is old.
    assert (d.today_figures.new_distributors, d.month_figures.new_distributors) == (3, 3)


def test_seen_from_the_first_of_the_month_the_31st_is_last_month(shop):
    with time_machine.travel(at(11, 1, 0, 45), tick=False):
        d = dashboard_get()
    # Today is 1 November in Beijing: its two orders; 23:30 on the 31st belongs to October.
    assert (d.today_figures.gmv_fen, d.today_figures.orders) == (6_666 + 20_000, 2)
    assert (d.month_figures.gmv_fen, d.month_figures.orders) == (6_666 + 20_000 + 3_333, 3)
    with time_machine.travel(at(10, 31, 23, 50), tick=False):
        october = dashboard_get()
    assert (october.today_figures.gmv_fen, october.month_figures.gmv_fen) == (10_000, 10_000)


def test_queues_count_what_waits_now(shop):
    with time_machine.travel(NOW, tick=False):
        q = dashboard_get().queues
    assert q.pending_applications == 1
    assert q.withdrawals_to_review == 2
    assert q.after_sales_to_review == 1
    assert q.after_sales_returns_to_receive == 0
    assert q.orders_to_ship == 4  # every paid order; the unpaid one is not to ship


def test_an_empty_shop_shows_zeros():
    with time_machine.travel(NOW, tick=False):
        d = dashboard_get()
    assert (d.today_figures.gmv_fen, d.month_figures.orders, d.queues.orders_to_ship) == (0, 0, 0)
