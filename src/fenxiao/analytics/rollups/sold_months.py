"""Keeping ``SoldMonth`` (the days of a month on which a distributor or a product sold) with
``SoldYear`` (the months of a year that have any such day), and asking them who sold in a
period."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db.models import F, Q

from fenxiao.analytics.models import SoldMonth, SoldYear
from fenxiao.analytics.periods import DayRange, month_end, month_start, next_month


def day_bit(day: date) -> int:
    return 1 << (day.day - 1)


def days_mask(first: date, last: date) -> int:
    """The bits of ``first``..``last``, two days of one month."""
    return ((1 << last.day) - 1) ^ ((1 << (first.day - 1)) - 1)


def month_bit(day: date) -> int:
    return 1 << (day.month - 1)


def year_start(day: date) -> date:
    return day.replace(month=1, day=1)


def sold_on(*, kind: str, entity_ids: Iterable[int], day: date) -> None:
    """Set ``day``'s bit for each entity, and its month's bit in the year (creating the rows
    when missing). Month row first, then year row, as ``not_sold_on`` takes them."""
    ids = sorted(set(entity_ids))
    if not ids:
        return
    month, year = month_start(day), year_start(day)
    for model, key, bits, field in (
        (SoldMonth, {"month": month}, day_bit(day), "days"),
        (SoldYear, {"year": year}, month_bit(day), "months"),
    ):
        rows = model.objects.filter(kind=kind, entity_id__in=ids, **key)
        have = set(rows.values_list("entity_id", flat=True))
        model.objects.bulk_create(
            [model(kind=kind, entity_id=i, **key) for i in ids if i not in have], ignore_conflicts=True
        )
        rows.update(**{field: F(field).bitor(bits)})


def not_sold_on(*, kind: str, entity_ids: Iterable[int], day: date) -> None:
    ids = sorted(set(entity_ids))
    if ids:
        SoldMonth.objects.filter(kind=kind, month=month_start(day), entity_id__in=ids).update(
            days=F("days").bitand(~day_bit(day))
        )
        # A month left with no day sold leaves its year's bit (a concurrent ``sold_on`` of another
        # day waits on the month row above, so it either sees its day set here or sets both bits
        # after this).
        emptied = SoldMonth.objects.filter(kind=kind, month=month_start(day), entity_id__in=ids, days=0)
        SoldYear.objects.filter(kind=kind, year=year_start(day), entity_id__in=emptied.values("entity_id")).update(
            months=F("months").bitand(~month_bit(day))
        )


def sold_that_day(*, kind: str, day: date) -> set[int]:
    return set(
        SoldMonth.objects.filter(kind=kind, month=month_start(day))
        .annotate(hit=F("days").bitand(day_bit(day)))
        .filter(hit__gt=0)
        .values_list("entity_id", flat=True)
    )


def sold_in(*, kind: str, span: DayRange) -> Q:
    """A condition on an entity's ``pk``: it sold at least once in the period. The whole months
    between the first and the last are read from ``SoldYear`` (a bit test on at most one row per
    entity and year), the first and last month from their ``SoldMonth`` days' bits."""
    first_month, last_month = month_start(span.first), month_start(span.last)
    if first_month == last_month:
        edges = Q(month=first_month, hit__gt=0)
        masks = {"hit": F("days").bitand(days_mask(span.first, span.last))}
    else:
        edges = Q(month=first_month, first_hit__gt=0) | Q(month=last_month, last_hit__gt=0)
        masks = {
            "first_hit": F("days").bitand(days_mask(span.first, month_end(span.first))),
            "last_hit": F("days").bitand(days_mask(last_month, span.last)),
        }
    sold = Q(
        pk__in=SoldMonth.objects.filter(kind=kind, month__in={first_month, last_month})
        .annotate(**masks)
        .filter(edges)
        .values("entity_id")
    )
    whole = _whole_months_by_year(next_month(first_month), last_month)
    if whole:
        by_year, hits = Q(), {}
        for n, (year, mask) in enumerate(sorted(whole.items())):
            hits[f"hit{n}"] = F("months").bitand(mask)
            by_year |= Q(year=year, **{f"hit{n}__gt": 0})
        years = SoldYear.objects.filter(kind=kind, year__in=list(whole)).annotate(**hits).filter(by_year)
        sold |= Q(pk__in=years.values("entity_id"))
    return sold


def _whole_months_by_year(first: date, before: date) -> dict[date, int]:
    """The months from ``first`` up to (not including) ``before``, both firsts of months, as
    month bits per year."""
    out: dict[date, int] = {}
    month = first
    while month < before:
        year = year_start(month)
        out[year] = out.get(year, 0) | month_bit(month)
        month = next_month(month)
    return out
