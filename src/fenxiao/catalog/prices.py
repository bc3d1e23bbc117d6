"""The list prices stored on each product (``min_price_fen``, ``max_price_fen``,
``min_market_price_fen``): copies of what its active SKUs say, so that a list page filters and
sorts by price on the product row alone, through an index, instead of aggregating the SKUs of every
product it considers (issue 22, "Cold product lists").

A copy is only as good as the writes that keep it: every path that changes a SKU's price, its
``is_active`` flag or its product calls ``product_prices_refresh`` with every product involved (for
a SKU moved to another product, both), and so does a full save of a product, whose instance may
carry prices read before a SKU changed. ORM saves and deletes do it through ``catalog.signals``;
bulk writes (the spreadsheet import, the demo seed) call it themselves. The refresh recomputes
from the SKU rows in one ``UPDATE``, never from what the caller believes changed, so calling it
for a product whose prices did not move is harmless."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Max, Min, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from fenxiao.catalog.models import Product, Sku
from fenxiao.core.limits import SQL_VARIABLES_PER_STATEMENT, chunks

BATCH = SQL_VARIABLES_PER_STATEMENT
PRICE_FIELDS = frozenset({"min_price_fen", "max_price_fen", "min_market_price_fen"})


def _active_skus_aggregate(aggregate):
    """One aggregate over the outer product's active SKUs, as a correlated subquery."""
    rows = Sku.objects.filter(product_id=OuterRef("pk"), is_active=True).order_by().values("product_id")
    return Subquery(rows.annotate(value=aggregate).values("value")[:1])


def product_prices_refresh(*, product_ids: Iterable[int]) -> int:
    """Recompute the stored list prices of ``product_ids`` from their active SKUs; returns how many
    product rows were written. Runs in the caller's transaction, so the prices commit (or roll back)
    with the SKU change that moved them."""
    ids = sorted({pk for pk in product_ids if pk is not None})
    written = 0
    for chunk in chunks(ids, BATCH):
        written += Product.objects.filter(pk__in=chunk).update(
            min_price_fen=_active_skus_aggregate(Min("price_fen")),
            max_price_fen=_active_skus_aggregate(Max("price_fen")),
            min_market_price_fen=Coalesce(_active_skus_aggregate(Min("market_price_fen")), Value(0)),
        )
    return written
