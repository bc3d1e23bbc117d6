"""The period's best: products, distributors (by the paid orders they referred at level 1) and
categories, by GMV and by units, from the daily rollups."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Literal

from django.db.models import Sum

from fenxiao.analytics.models import DistributorDay, ProductDay
from fenxiao.analytics.periods import DayRange
from fenxiao.catalog.models import Category, Product
from fenxiao.core.plans import custom_plans
from fenxiao.core.replica import lag_tolerant_reads
from fenxiao.distribution.models import Distributor

Kind = Literal["products", "distributors", "categories"]


@dataclass(frozen=True)
class RankRow:
    id: int
    name: str
    orders: int
    units: int
    gmv_fen: int


@dataclass(frozen=True)
class Rankings:
    kind: Kind
    by_gmv: list[RankRow]
    by_units: list[RankRow]


def _totals(model, key: str, span: DayRange) -> dict[int, tuple[int, int, int]]:
    rows = (
        model.objects.filter(day__gte=span.first, day__lte=span.last)
        .values(key)
        .annotate(o=Sum("orders"), u=Sum("units"), g=Sum("gmv_fen"))
        .values_list(key, "o", "u", "g")
    )
    return {k: (o, u, g) for k, o, u, g in rows}


def _category_totals(span: DayRange) -> tuple[dict[int, tuple[int, int, int]], dict[int, str]]:
    """Products summed into their category today (a product moved to another category brings
    its history with it). ``orders`` is the sum over products: an order with two products of one
    category counts twice."""
    by_product = _totals(ProductDay, "product_id", span)
    category_of = dict(Product.objects.filter(pk__in=list(by_product)).values_list("pk", "category_id"))
    totals: dict[int, tuple[int, int, int]] = defaultdict(lambda: (0, 0, 0))
    for product_id, (o, u, g) in by_product.items():
        category_id = category_of.get(product_id)
        if category_id is None:
            continue
        have = totals[category_id]
        totals[category_id] = (have[0] + o, have[1] + u, have[2] + g)
    names = {}
    for c in Category.objects.filter(pk__in=list(totals)).select_related("parent"):
        names[c.pk] = f"{c.parent.name} / {c.name}" if c.parent else c.name
    return dict(totals), names


def _names(kind: Kind, ids: list[int]) -> dict[int, str]:
    if kind == "products":
        return dict(Product.objects.filter(pk__in=ids).values_list("pk", "title"))
    names = {}
    for pk, code, real_name, nickname in Distributor.objects.filter(pk__in=ids).values_list(
        "pk", "code", "real_name", "user__nickname"
    ):
        names[pk] = f"{real_name or nickname or '分销商'}（{code}）"
    return names


@lag_tolerant_reads()
@custom_plans()
def rankings_get(*, kind: Kind, span: DayRange, limit: int = 10) -> Rankings:
    if kind == "categories":
        totals, names = _category_totals(span)
    else:
        totals = _totals(ProductDay if kind == "products" else DistributorDay, f"{kind[:-1]}_id", span)
        names = {}

    def top(index: int) -> list[int]:
        return sorted(totals, key=lambda k: (-totals[k][index], k))[:limit]

    by_gmv, by_units = top(2), top(1)
    if kind != "categories":
        names = _names(kind, sorted(set(by_gmv) | set(by_units)))

    def rows(ids: list[int]) -> list[RankRow]:
        return [RankRow(k, names.get(k, f"#{k}"), *totals[k]) for k in ids]

    return Rankings(kind=kind, by_gmv=rows(by_gmv), by_units=rows(by_units))
