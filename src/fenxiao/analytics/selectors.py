"""The figures on the operator's home page, each one aggregate query.

Periods are calendar days and months in the shop's time zone (``settings.TIME_ZONE``, Beijing time
by default), not UTC: an order paid at 00:30 on the 1st in Beijing belongs to the new month even
though it is still the previous day in UTC."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from fenxiao.accounts.models import User
from fenxiao.analytics.periods import month_start, next_month, shop_zone
from fenxiao.distribution.models import (
    ApplicationStatus,
    Distributor,
    DistributorApplication,
    Withdrawal,
    WithdrawalStatus,
)
from fenxiao.orders.models import AfterSale, AfterSaleStatus, Order, OrderHold, OrderStatus


@dataclass(frozen=True)
class Period:
    """``[start, end)`` in the shop's time zone; ``first_day``/``next_day`` are its local dates."""

    first_day: date
    next_day: date
    start: datetime
    end: datetime


def _period(first: date, after: date) -> Period:
    zone = shop_zone()
    return Period(
        first_day=first,
        next_day=after,
        start=datetime.combine(first, time.min, tzinfo=zone),
        end=datetime.combine(after, time.min, tzinfo=zone),
    )


def today_period(now: datetime | None = None) -> Period:
    day = timezone.localtime(now or timezone.now(), shop_zone()).date()
    return _period(day, day + timedelta(days=1))


def month_period(now: datetime | None = None) -> Period:
    day = timezone.localtime(now or timezone.now(), shop_zone()).date()
    return _period(month_start(day), next_month(day))


@dataclass(frozen=True)
class PeriodFigures:
    gmv_fen: int
    orders: int
    new_users: int
    new_distributors: int


@dataclass(frozen=True)
class QueueFigures:
    pending_applications: int
    withdrawals_to_review: int
    after_sales_to_review: int
    after_sales_returns_to_receive: int
    orders_to_ship: int


def _within(field: str, period: Period) -> Q:
    return Q(**{f"{field}__gte": period.start, f"{field}__lt": period.end})


def sales_figures(*, today: Period, month: Period) -> dict[str, int]:
    """GMV and order count for both periods in one query.

    GMV counts, for every order whose payment was recorded (``paid_at``) inside the period, what
    the buyer actually paid (``Order.paid_fen``: goods after discounts plus shipping). It is gross:
    refunds, after-sales and orders closed later are not subtracted, and the order stays in the
    day it was paid. Orders never paid (awaiting payment, cancelled unpaid) count nothing; nor does
    a payment that arrived after the order was cancelled (it is refunded, the order never became
    paid). The order count is the number of those paid orders."""
    rows = Order.objects.filter(_within("paid_at", month))
    in_today = _within("paid_at", today)
    return rows.aggregate(
        month_gmv_fen=Coalesce(Sum("paid_fen"), 0),
        month_orders=Count("id"),
        today_gmv_fen=Coalesce(Sum("paid_fen", filter=in_today), 0),
        today_orders=Count("id", filter=in_today),
    )


def signup_figures(*, today: Period, month: Period) -> dict[str, int]:
    """New shoppers (accounts created in the period; staff accounts are not customers) and new
    distributors (``joined_at`` in the period, however they became one)."""
    users = User.objects.filter(is_staff=False).filter(_within("created_at", month))
    distributors = Distributor.objects.filter(_within("joined_at", month))
    return {
        **users.aggregate(
            month_new_users=Count("id"), today_new_users=Count("id", filter=_within("created_at", today))
        ),
        **distributors.aggregate(
            month_new_distributors=Count("id"),
            today_new_distributors=Count("id", filter=_within("joined_at", today)),
        ),
    }


def queue_figures() -> QueueFigures:
    """What waits for an operator right now, whenever it arrived."""
    after_sales = AfterSale.objects.aggregate(
        to_review=Count("id", filter=Q(status=AfterSaleStatus.REQUESTED)),
        to_receive=Count("id", filter=Q(status=AfterSaleStatus.RETURN_SHIPPED)),
    )
    return QueueFigures(
        pending_applications=DistributorApplication.objects.filter(status=ApplicationStatus.PENDING).count(),
        withdrawals_to_review=Withdrawal.objects.filter(status=WithdrawalStatus.REVIEWING).count(),
        after_sales_to_review=after_sales["to_review"],
        after_sales_returns_to_receive=after_sales["to_receive"],
        orders_to_ship=Order.objects.filter(status=OrderStatus.PAID, fulfilment_hold=OrderHold.NONE).count(),
    )


@dataclass(frozen=True)
class Dashboard:
    today: Period
    month: Period
    today_figures: PeriodFigures
    month_figures: PeriodFigures
    queues: QueueFigures


def dashboard_get(*, now: datetime | None = None) -> Dashboard:
    now = now or timezone.now()
    today, month = today_period(now), month_period(now)
    sales = sales_figures(today=today, month=month)
    signups = signup_figures(today=today, month=month)

    def figures(prefix: str) -> PeriodFigures:
        return PeriodFigures(
            gmv_fen=sales[f"{prefix}_gmv_fen"],
            orders=sales[f"{prefix}_orders"],
            new_users=signups[f"{prefix}_new_users"],
            new_distributors=signups[f"{prefix}_new_distributors"],
        )

    return Dashboard(
        today=today,
        month=month,
        today_figures=figures("today"),
        month_figures=figures("month"),
        queues=queue_figures(),
    )
