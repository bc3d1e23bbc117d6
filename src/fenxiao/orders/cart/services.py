"""Writes to the shopper's cart: add (merging into the SKU's existing line), change, select, remove.

The cart is a wish list with quantities, not a reservation: it stores no price and holds no stock.
Stock is checked when a quantity is chosen so the shopper learns early that only 3 are left, and
checked again — for real, under locks — by checkout. One row per (user, SKU) is guaranteed by the
database (``cart_item_one_row_per_sku``); adds merge into that row with a conditional ``UPDATE``
so two taps on "加入购物车" at once add up instead of failing or losing one."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from fenxiao.catalog.errors import sku_not_found
from fenxiao.catalog.models import Sku
from fenxiao.core.errors import Conflict, DomainError
from fenxiao.inventory.selectors import available
from fenxiao.orders.cart.selectors import cart_item_not_found
from fenxiao.orders.locks import lock_cart_item
from fenxiao.orders.models import CartItem

# A line that lost three insert/merge races in a row means something else is wrong; say so
# instead of looping.
MERGE_ATTEMPTS = 3


class CartError(DomainError):
    pass


def _sellable_stock(sku_id: int) -> int:
    """The SKU as a shopper may buy it now. An unknown id is 404; a known but unsellable one says
    why, because the shopper is looking at it (a stale product page or a line in their cart). A
    retired SKU shares checkout's ``PRODUCT_OFF_SHELF`` code so clients handle one case. Returns
    the units left (inventory's count)."""
    sku = (
        Sku.objects.select_related("product")
        .only("id", "is_active", "product__id", "product__is_on_shelf")
        .filter(pk=sku_id)
        .first()
    )
    if sku is None:
        raise sku_not_found()
    if not sku.product.is_on_shelf:
        raise CartError("PRODUCT_OFF_SHELF", "商品已下架", field="sku_id")
    if not sku.is_active:
        raise CartError("PRODUCT_OFF_SHELF", "该规格已停售，请选择其他规格", field="sku_id")
    return available(sku_id)


def _line_limit(stock: int) -> int:
    """The most one line of this SKU may hold: what is in stock, and never more than an order line takes."""
    return max(0, min(stock, settings.ORDER_MAX_UNITS_PER_SKU))


def _ensure_quantity(*, stock: int, quantity: int, in_cart: int = 0) -> None:
    """Refuse a line total the shopper could not check out. Stock first: "only 3 left" is the
    more useful answer when both limits are passed."""
    if quantity < 1:
        raise CartError("QUANTITY_INVALID", "数量至少为 1", field="quantity")
    if quantity > stock:
        if stock <= 0:
            message = "该商品已售罄"
        elif in_cart:
            message = f"库存不足，仅剩 {stock} 件（购物车中已有 {in_cart} 件）"
        else:
            message = f"库存不足，仅剩 {stock} 件"
        # 409 like checkout's shortage: the request is fine, the stock is not.
        raise CartError("STOCK_INSUFFICIENT", message, status=409, field="quantity")
    limit = settings.ORDER_MAX_UNITS_PER_SKU
    if quantity > limit:
        suffix = f"（购物车中已有 {in_cart} 件）" if in_cart else ""
        raise CartError("QUANTITY_TOO_LARGE", f"每件商品最多购买 {limit} 件{suffix}", field="quantity")


def _ensure_room(*, user_id: int) -> None:
    """A new line needs a free place. Adds of different SKUs at the same instant may each see the
    last free place, so the cap can be passed by a line or two; it bounds abuse, not money, and is
    not worth serialising every cart write of the user for."""
    limit = settings.CART_MAX_ITEMS
    if CartItem.objects.filter(user_id=user_id).count() >= limit:
        raise CartError("CART_FULL", f"购物车最多放 {limit} 种商品，请先删除部分商品")


@transaction.atomic
def cart_item_add(*, user_id: int, sku_id: int, quantity: int = 1, selected: bool | None = None) -> CartItem:
    """Put ``quantity`` of a SKU in the cart; if the SKU is already there the quantities add up.

    An added line is selected unless ``selected=False`` is asked for: the shopper just chose it.

    Merge first with ``UPDATE ... SET quantity = quantity + n WHERE quantity <= limit - n`` (the
    database re-checks the condition on the latest row version, so concurrent merges never pass the
    limit); only when there is no row, insert one in a savepoint. If a simultaneous add inserted the
    same SKU first, the unique constraint refuses ours and the next round merges into theirs."""
    if quantity < 1:
        raise CartError("QUANTITY_INVALID", "数量至少为 1", field="quantity")
    stock = _sellable_stock(sku_id)
    limit = _line_limit(stock)
    select = True if selected is None else selected
    lines = CartItem.objects.filter(user_id=user_id, sku_id=sku_id)
    for _ in range(MERGE_ATTEMPTS):
        if lines.filter(quantity__lte=limit - quantity).update(
            quantity=F("quantity") + quantity, selected=select, updated_at=timezone.now()
        ):
            return lines.get()
        in_cart = lines.values_list("quantity", flat=True).first()
        if in_cart is not None:
            _ensure_quantity(stock=stock, quantity=in_cart + quantity, in_cart=in_cart)
            continue  # the line fits now (it shrank meanwhile): merge again
        _ensure_quantity(stock=stock, quantity=quantity)
        _ensure_room(user_id=user_id)
        try:
            with transaction.atomic():
                return CartItem.objects.create(user_id=user_id, sku_id=sku_id, quantity=quantity, selected=select)
        except IntegrityError:
            if not lines.exists():
                raise  # not the race we expect (a deleted SKU or user): let it surface
    raise Conflict("CART_BUSY", "购物车正在更新，请稍后再试")


@transaction.atomic
def cart_item_update(
    *, user_id: int, item_id: int, quantity: int | None = None, selected: bool | None = None
) -> CartItem:
    """Change one line's quantity and/or selection. A new quantity is checked like an add (shelf,
    stock, per-line maximum); an unchanged one is not, so (de)selecting a sold-out line still works.

    The line is locked for the read-check-write; its owner is part of the lookup, so another
    shopper's id is simply not found."""
    item = lock_cart_item(user_id=user_id, item_id=item_id)
    if item is None:
        raise cart_item_not_found()
    fields: list[str] = []
    if quantity is not None and quantity != item.quantity:
        if quantity < 1:
            raise CartError("QUANTITY_INVALID", "数量至少为 1", field="quantity")
        _ensure_quantity(stock=_sellable_stock(item.sku_id), quantity=quantity)
        item.quantity = quantity
        fields.append("quantity")
    if selected is not None and selected != item.selected:
        item.selected = selected
        fields.append("selected")
    if fields:
        item.save(update_fields=[*fields, "updated_at"])
    return item


@transaction.atomic
def cart_item_delete(*, user_id: int, item_id: int) -> None:
    deleted, _ = CartItem.objects.filter(pk=item_id, user_id=user_id).delete()
    if not deleted:
        raise cart_item_not_found()


@transaction.atomic
def cart_items_delete(*, user_id: int, item_ids: Iterable[int]) -> int:
    """Remove several lines; ids that are gone (deleted in another tab) or not the caller's are
    ignored, so a repeated request is harmless and reveals nothing. Returns how many went."""
    deleted, _ = CartItem.objects.filter(user_id=user_id, pk__in=set(item_ids)).delete()
    return deleted


@transaction.atomic
def cart_items_select(*, user_id: int, selected: bool, item_ids: Iterable[int] | None = None) -> int:
    """(De)select the given lines, or every line when ``item_ids`` is None (the "全选" box).
    Unknown ids are ignored as in ``cart_items_delete``. Returns how many lines changed."""
    lines = CartItem.objects.filter(user_id=user_id).exclude(selected=selected)
    if item_ids is not None:
        lines = lines.filter(pk__in=set(item_ids))
    return lines.update(selected=selected, updated_at=timezone.now())


@transaction.atomic
def cart_remove_skus(*, user_id: int, sku_ids: Iterable[int]) -> int:
    """Take what was just ordered out of the cart. Checkout calls this inside its own transaction,
    so a failed order leaves the cart as it was. Returns how many lines went."""
    deleted, _ = CartItem.objects.filter(user_id=user_id, sku_id__in=set(sku_ids)).delete()
    return deleted
