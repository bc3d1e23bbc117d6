"""Reads of the shopper's cart: what is in it, what can be bought now, and what checkout takes.

The cart holds no prices and reserves no stock: each line is priced and checked against the
catalogue as it is *now*, every time it is read. Availability is a pure rule (``line_unavailable_reason``)
so the listing, the summary and the tests agree on it."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models.functions import Coalesce

from fenxiao.core.errors import NotFound
from fenxiao.orders.checkout import specs_text
from fenxiao.orders.models import CartItem

# Reasons shown under a greyed-out line; the client prints them as they are.
REASON_OFF_SHELF = "已下架"
REASON_SKU_INACTIVE = "该规格已停售"
REASON_SOLD_OUT = "已售罄"


def cart_item_not_found() -> NotFound:
    """Also for another shopper's item: a cart item id never confirms that it exists."""
    return NotFound("CART_ITEM_NOT_FOUND", "购物车中没有该商品")


def line_unavailable_reason(*, on_shelf: bool, sku_active: bool, stock: int, quantity: int) -> str:
    """Why a cart line cannot be bought as it stands, or ``""`` when it can.

    Checked from the most to the least permanent cause: a shopper can fix a short stock by lowering
    the quantity, but not an off-shelf product, so that is what they should read first."""
    if not on_shelf:
        return REASON_OFF_SHELF
    if not sku_active:
        return REASON_SKU_INACTIVE
    if stock <= 0:
        return REASON_SOLD_OUT
    if stock < quantity:
        return f"库存不足，仅剩 {stock} 件"
    return ""


@dataclass(frozen=True)
class CartLine:
    id: int
    sku_id: int
    product_id: int
    title: str
    spec_text: str
    image: str  # storage name or absolute URL; the API makes it absolute
    price_fen: int
    quantity: int
    selected: bool
    stock: int
    unavailable_reason: str

    @property
    def available(self) -> bool:
        return not self.unavailable_reason


@dataclass(frozen=True)
class CartSummary:
    item_count: int  # distinct lines, for the tab badge and the CART_MAX_ITEMS limit
    selected_count: int  # pieces of available, selected lines
    selected_goods_fen: int  # their goods total at current prices, before shipping and discounts
    all_selected: bool  # every available line is selected (the "全选" box), False for an empty cart


@dataclass(frozen=True)
class CartView:
    lines: list[CartLine]
    summary: CartSummary


def _line(item: CartItem) -> CartLine:
    sku = item.sku
    product = sku.product
    return CartLine(
        id=item.id,
        sku_id=sku.id,
        product_id=product.id,
        title=product.title,
        # The order line's snapshot format, so cart, confirm page and order read the same.
        spec_text=specs_text(sku.specs),
        image=sku.image or product.main_image,
        price_fen=sku.price_fen,
        quantity=item.quantity,
        selected=item.selected,
        stock=max(item.stock_left, 0),
        unavailable_reason=line_unavailable_reason(
            on_shelf=product.is_on_shelf, sku_active=sku.is_active, stock=item.stock_left, quantity=item.quantity
        ),
    )


def cart_summary(lines: list[CartLine]) -> CartSummary:
    """Totals over what could be checked out right now: unavailable lines never count."""
    chosen = [line for line in lines if line.available and line.selected]
    available = [line for line in lines if line.available]
    return CartSummary(
        item_count=len(lines),
        selected_count=sum(line.quantity for line in chosen),
        selected_goods_fen=sum(line.price_fen * line.quantity for line in chosen),
        all_selected=bool(available) and len(chosen) == len(available),
    )


def _items(*, user_id: int):
    # Newest first by when the line was added, not updated: changing a quantity must not make the
    # rows jump around under the shopper's thumb.
    return (
        CartItem.objects.filter(user_id=user_id)
        .select_related("sku__product")
        .only(
            "id",
            "quantity",
            "selected",
            "sku__id",
            "sku__specs",
            "sku__image",
            "sku__price_fen",
            "sku__is_active",
            "sku__product__id",
            "sku__product__title",
            "sku__product__main_image",
            "sku__product__is_on_shelf",
        )
        # Inventory's count of the SKU, joined in the same query (0 for a SKU without a stock row).
        .annotate(stock_left=Coalesce("sku__stock_level__quantity", 0))
        .order_by("-created_at", "-id")
    )


def cart_get(*, user_id: int) -> CartView:
    """The caller's whole cart with current prices, availability and the summary (one query)."""
    lines = [_line(item) for item in _items(user_id=user_id)]
    return CartView(lines=lines, summary=cart_summary(lines))


def cart_line_get(*, user_id: int, item_id: int) -> CartLine:
    item = _items(user_id=user_id).filter(pk=item_id).first()
    if item is None:
        raise cart_item_not_found()
    return _line(item)


def cart_selected_lines(*, user_id: int) -> list[tuple[int, int]]:
    """``(sku_id, quantity)`` of every selected line, in ascending SKU id (the stock lock order).

    Unavailable lines are included on purpose: checkout re-prices and re-checks shelf and stock
    and must refuse with the reason, rather than silently leave out something the shopper chose."""
    return list(
        CartItem.objects.filter(user_id=user_id, selected=True).order_by("sku_id").values_list("sku_id", "quantity")
    )
