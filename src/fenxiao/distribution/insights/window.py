"""The window every insight reads (the last 7, 30 or 90 local days, today included) and the one
place its figures are divided, rounded half-up once.

"Attributed" orders are the ones whose referral chain, snapshotted when the order was placed,
has me at level 1 (``OrderReferral.chain[0]``): the orders my shares brought, whoever earns on
them now. Counted are those paid in the window and not cancelled or fully refunded (``closed``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from fenxiao.core.ratios import half_up
from fenxiao.distribution.models import OrderReferral
from fenxiao.orders.models import Order, OrderStatus

WINDOW_DAYS = (7, 30, 90)
DEFAULT_DAYS = 30
BPS_WHOLE = 10_000
# An order is paid within its payment window (30 minutes by default) of being placed; reading
# orders placed from a day before the window lets the ``created_at`` index bound the scan.
PLACED_BEFORE_PAID = timedelta(days=1)
UNCOUNTED = (OrderStatus.CANCELLED, OrderStatus.CLOSED, OrderStatus.PENDING_PAYMENT)


@dataclass(frozen=True)
class Window:
    days: int
    first_day: date  # local dates, both included
    last_day: date
    start: datetime  # aware: local midnight of first_day
    end: datetime  # aware: local midnight after last_day


def window_for(*, days: int, now: datetime | None = None) -> Window:
    if days not in WINDOW_DAYS:
        raise ValueError(f"days must be one of {WINDOW_DAYS}")
    today = timezone.localdate(now or timezone.now())
    first = today - timedelta(days=days - 1)
    zone = timezone.get_current_timezone()
    start = datetime.combine(first, time.min, tzinfo=zone)
    end = datetime.combine(today + timedelta(days=1), time.min, tzinfo=zone)
    return Window(days=days, first_day=first, last_day=today, start=start, end=end)


def divide_half_up(numerator: int, denominator: int) -> int:
    """``numerator / denominator`` rounded half-up, for non-negative integers; 0 when nothing
    to divide by."""
    return half_up(numerator, denominator) or 0


def ratio_bps(part: int, whole: int) -> int:
    return divide_half_up(part * BPS_WHOLE, whole)


def paid_in(window: Window) -> QuerySet[Order]:
    """Every shop order paid in the window that still counts (not cancelled, not fully refunded)."""
    return Order.objects.filter(
        created_at__gte=window.start - PLACED_BEFORE_PAID,
        created_at__lt=window.end,
        paid_at__gte=window.start,
        paid_at__lt=window.end,
    ).exclude(status__in=UNCOUNTED)


def attributed_orders(*, distributor_id: int, window: Window) -> QuerySet[Order]:
    """My counted orders: paid in the window, brought by my share (me at level 1 of the chain)."""
    mine = OrderReferral.objects.filter(chain__0=distributor_id).values("order_id")
    return paid_in(window).filter(id__in=mine)
