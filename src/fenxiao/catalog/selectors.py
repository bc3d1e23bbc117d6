"""Reads of the catalogue for shoppers and operators. Stock is inventory's: the faces add it
(``inventory.selectors``)."""

from __future__ import annotations

from typing import Literal

from django.conf import settings
from django.db.models import Count, Prefetch, Q

from fenxiao.catalog import listing
from fenxiao.catalog.errors import product_not_found
from fenxiao.catalog.models import Category, Product, ProductImage, Sku
from fenxiao.core.errors import DomainError
from fenxiao.core.paging import Page
from fenxiao.core.statements import rows_get, rows_with_parent

ProductSort = Literal["default", "sales", "price", "price_desc", "new"]


def category_tree() -> list[Category]:
    """Active top categories with their active children, in display order (two queries)."""
    children = Category.objects.filter(is_active=True, parent__isnull=False).order_by("sort_order", "id")
    return list(
        Category.objects.filter(is_active=True, parent__isnull=True)
        .order_by("sort_order", "id")
        .prefetch_related(Prefetch("children", queryset=children, to_attr="active_children"))
    )


def _category_ids(category_id: int) -> list[int]:
    """A top category means itself and its children; a child means itself."""
    return [category_id, *Category.objects.filter(parent_id=category_id).values_list("id", flat=True)]


PRICE_FILTER_MAX_FEN = 100_000_000_000  # ¥10 亿


def price_range_check(*, min_price_fen: int | None, max_price_fen: int | None) -> None:
    """A price filter a shopper can mean: no negative or absurd bound, and the lower one not above
    the upper one (an empty result would hide the typo). ``PRICE_RANGE_INVALID`` names the field."""
    for field, value in (("min_price_fen", min_price_fen), ("max_price_fen", max_price_fen)):
        if value is not None and value < 0:
            raise DomainError("PRICE_RANGE_INVALID", "价格不能为负数", field=field)
        if value is not None and value > PRICE_FILTER_MAX_FEN:  # beyond any price, and beyond a BIGINT
            raise DomainError("PRICE_RANGE_INVALID", "价格超出范围", field=field)
    if min_price_fen is not None and max_price_fen is not None and min_price_fen > max_price_fen:
        raise DomainError("PRICE_RANGE_INVALID", "最低价不能高于最高价", field="min_price_fen")


def product_list_for_shopper(
    *,
    category_id: int | None = None,
    q: str = "",
    sort: ProductSort = "default",
    page: int = 1,
    page_size: int = 0,
    min_price_fen: int | None = None,
    max_price_fen: int | None = None,
) -> Page:
    """One page of on-shelf product cards (``listing.ProductCard`` rows), read from
    ``catalog_product`` alone by prebuilt statements (``catalog.listing``): a search or a closed
    price range in one statement that counts as it pages, anything else in a count and a page that
    its indexes serve. Prices come from the product row (``catalog.prices``), so a
    price sort is an index scan and a price range aggregates no SKUs.

    A price range keeps products with at least one active SKU priced inside it (bounds included);
    the card still shows the product's own lowest price, not the lowest one inside the range."""
    price_range_check(min_price_fen=min_price_fen, max_price_fen=max_price_fen)
    page_size = min(page_size or settings.CATALOG_PAGE_SIZE, settings.CATALOG_MAX_PAGE_SIZE)
    where = listing.shopper_where(
        category_id=category_id, q=q, min_price_fen=min_price_fen, max_price_fen=max_price_fen
    )
    offset = (page - 1) * page_size
    # One statement where the matches are few enough to read in full (a keyword, a closed price
    # range); an open range or a plain list keeps its index-ordered page and an index-only count.
    if q or (min_price_fen is not None and max_price_fen is not None):
        items, count = listing.cards_and_count(where, sort=sort, offset=offset, limit=page_size)
        if count is None:  # past the last page, or nothing matched
            count = listing.count(where) if offset else 0
        return Page(items=items, count=count, page=page, page_size=page_size)
    count = listing.count(where)
    if offset >= count:
        return Page(items=[], count=count, page=page, page_size=page_size)
    items = listing.cards(where, sort=sort, offset=offset, limit=page_size)
    return Page(items=items, count=count, page=page, page_size=page_size)


def product_get_for_shopper(*, product_id: int) -> Product:
    """Off-shelf products are not found for shoppers: the same 404 as a product that never existed.

    The product page is the page shared links land on, so its three reads are prebuilt statements
    (``core.statements``), not ORM queries compiled on every view. The product comes with its
    category, ``active_skus`` (by id) and ``gallery`` (its images in display order)."""
    table = Product._meta.db_table
    found = rows_with_parent(Product, "category", f"{table}.id = %s AND {table}.is_on_shelf = %s", [product_id, True])
    if not found:
        raise product_not_found()
    product = found[0]
    product.active_skus = rows_get(Sku, "product_id = %s AND is_active = %s", [product.id, True])
    product.gallery = rows_get(ProductImage, "product_id = %s", [product.id], order_by="sort_order, id")
    return product


def product_list_for_operator(
    *, category_id: int | None = None, q: str = "", on_shelf: bool | None = None, page: int = 1, page_size: int = 0
) -> Page:
    page_size = min(page_size or settings.CATALOG_PAGE_SIZE, settings.CATALOG_MAX_PAGE_SIZE)
    qs = Product.objects.all()
    if category_id is not None:
        qs = qs.filter(category_id__in=_category_ids(category_id))
    if on_shelf is not None:
        qs = qs.filter(is_on_shelf=on_shelf)
    if q:
        # A subquery, not a join: joining skus here would narrow the SKU count below.
        by_sku = Sku.objects.filter(Q(code__iexact=q) | Q(barcode=q)).values("product_id")
        qs = qs.filter(Q(title__icontains=q) | Q(code__iexact=q) | Q(pk__in=by_sku))
    count = qs.count()
    offset = (page - 1) * page_size
    items = (
        list(
            qs.annotate(sku_count=Count("skus"))
            .select_related("category", "supplier")
            .order_by("-id")[offset : offset + page_size]
        )
        if offset < count
        else []
    )
    return Page(items=items, count=count, page=page, page_size=page_size)


def product_get_for_operator(*, product_id: int) -> Product:
    product = (
        Product.objects.filter(pk=product_id)
        .select_related("category", "supplier")
        .prefetch_related(Prefetch("skus", queryset=Sku.objects.order_by("id"), to_attr="all_skus"))
        .first()
    )
    if product is None:
        raise product_not_found()
    return product


def spec_options(skus: list[Sku]) -> list[dict]:
    """The SKU picker's rows: each spec name with its values in first-seen order."""
    options: dict[str, list[str]] = {}
    for sku in skus:
        if not isinstance(sku.specs, dict):
            continue
        for name, value in sku.specs.items():
            values = options.setdefault(str(name), [])
            if str(value) not in values:
                values.append(str(value))
    return [{"name": name, "values": values} for name, values in options.items()]
