"""Writes to the catalogue that carry a rule: shelving. The spreadsheet import moves stock too, so
it lives a layer up, in ``inventory/catalogue_import.py``."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Exists, OuterRef

from fenxiao.catalog.cache import catalog_changed
from fenxiao.catalog.errors import CatalogError
from fenxiao.catalog.models import Product, Sku
from fenxiao.core.errors import NotFound

MAX_BULK_PRODUCTS = 1000


@transaction.atomic
def product_set_shelf(*, product_ids: Iterable[int], on_shelf: bool) -> int:
    """Put products on or off the shelf; returns how many changed.

    A product goes on the shelf only with at least one active SKU, otherwise shoppers would see a
    product they cannot buy. All ids are checked before anything changes: one bad id changes nothing."""
    ids = sorted(set(product_ids))
    if not ids:
        raise CatalogError("PRODUCT_IDS_EMPTY", "请选择商品", field="product_ids")
    if len(ids) > MAX_BULK_PRODUCTS:
        raise CatalogError("TOO_MANY_PRODUCTS", f"一次最多操作 {MAX_BULK_PRODUCTS} 个商品", field="product_ids")
    products = Product.objects.filter(pk__in=ids)
    found = set(products.values_list("pk", flat=True))
    missing = [pk for pk in ids if pk not in found]
    if missing:
        raise NotFound("PRODUCT_NOT_FOUND", f"商品不存在：{', '.join(map(str, missing[:20]))}")
    if on_shelf:
        sellable = Sku.objects.filter(product=OuterRef("pk"), is_active=True)
        unsellable = list(products.annotate(ok=Exists(sellable)).filter(ok=False).values_list("code", flat=True)[:20])
        if unsellable:
            raise CatalogError(
                "PRODUCT_NO_ACTIVE_SKU", f"商品没有可售 SKU，不能上架：{', '.join(unsellable)}", field="product_ids"
            )
    changed = products.exclude(is_on_shelf=on_shelf).update(is_on_shelf=on_shelf)
    if changed:
        catalog_changed()
    return changed
