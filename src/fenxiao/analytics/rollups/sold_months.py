"""Keeping ``SoldMonth`` (the days of a month on which a distributor or a product sold) and
asking it who sold in a period."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db.models import F, Q, QuerySet

from fenxiao.analytics.models import SoldMonth
from fenxiao.analytics.periods import DayRange, month_end, month_start


def day_bit(day: date) -> int:
    return 1 << (day.day - 1)


def days_mask(first: date, last: date) -> int:
    """The bits of ``first``..``last``, two days of one month."""
    return ((1 << last.day) - 1) ^ ((1 << (first.day - 1)) - 1)


def sold_on(*, kind: str, entity_ids: Iterable[int], day: date) -> None:
    """Set ``day``'s bit for each entity (creating its month's row when missing)."""
    ids = sorted(set(entity_ids))
    if not ids:
        return
    month, bit = month_start(day), day_bit(day)
    rows = SoldMonth.objects.filter(kind=kind, month=month, entity_id__in=ids)
    have = set(rows.values_list("entity_id", flat=True))
    SoldMonth.objects.bulk_create(
        [SoldMonth(kind=kind, entity_id=i, month=month) for i in ids if i not in have], ignore_conflicts=True
    )
    rows.update(days=F("days").bitor(bit))


def not_sold_on(*, kind: str, entity_ids: Iterable[int], day: date) -> None:
    ids = sorted(set(entity_ids))
    if ids:
        SoldMonth.objects.filter(kind=kind, month=month_start(day), entity_id__in=ids).update(
            days=F("days").bitand(~day_bit(day))
        )


def sold_that_day(*, kind: str, day: date) -> set[int]:
    return set(
        SoldMonth.objects.filter(kind=kind, month=month_start(day))
        .annotate(hit=F("days").bitand(day_bit(day)))
        .filter(hit__gt=0)
        .values_list("entity_id", flat=True)
    )


def sold_in(*, kind: str, span: DayRange) -> QuerySet[SoldMonth]:
    """The ids (``entity_id`` values, distinct) of what sold at least once in the period: the
    months wholly inside it by their rows, its first and last month by their days' bits."""
    first_month, last_month = month_start(span.first), month_start(span.last)
    if first_month == last_month:
        first_mask = last_mask = days_mask(span.first, span.last)
    else:
        first_mask = days_mask(span.first, month_end(span.first))
        last_mask = days_mask(last_month, span.last)
    return (
        SoldMonth.objects.filter(kind=kind, month__gte=first_month, month__lte=last_month)
        .annotate(first_hit=F("days").bitand(first_mask), last_hit=F("days").bitand(last_mask))
        .filter(
            Q(month__gt=first_month, month__lt=last_month)
            | Q(month=first_month, first_hit__gt=0)
            | Q(month=last_month, last_hit__gt=0)
        )
        .values("entity_id")
        .distinct()
    )
