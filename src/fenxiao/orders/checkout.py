"""The server's price for a basket: goods, shipping, discounts, payable. The client's totals are
never read (DESIGN §4); the order is created from exactly this computation."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from fenxiao.accounts.models import Address, User
from fenxiao.catalog.models import Sku
from fenxiao.core.errors import NotFound
from fenxiao.core.statements import row_get, rows_with_parent
from fenxiao.inventory.selectors import available_by_sku
from fenxiao.orders.errors import OrderError
from fenxiao.orders.pricing import (
    Discount,
    Quote,
    QuoteLine,
    ShippingItem,
    ShippingTemplateSpec,
    apply_discounts,
    template_fee,
)
from fenxiao.orders.pricing_hooks import DiscountProvider, PricingContext, discount_providers
from fenxiao.orders.shipping.templates import shipping_templates


@dataclass(frozen=True)
class LineRequest:
    sku_id: int
    quantity: int


@dataclass
class Priced:
    """A quote plus what placing it needs: the pricing context and which provider granted what."""

    quote: Quote
    ctx: PricingContext
    address: Address | None
    granted: list[tuple[DiscountProvider, Discount]]


def normalise_lines(lines: Sequence[LineRequest]) -> list[LineRequest]:
    """Merge repeated SKUs (keeping first-seen order) and check counts and quantities: one SKU's
    units are capped per order (``ORDER_MAX_UNITS_PER_SKU``) so an unpaid order cannot hold a
    SKU's whole stock, whichever path places it (plain, cart, seckill, group-buy)."""
    if not lines:
        raise OrderError("ORDER_LINES_EMPTY", "请选择要购买的商品", field="lines")
    merged: dict[int, int] = {}
    for line in lines:
        if line.quantity < 1:
            raise OrderError("QUANTITY_INVALID", "购买数量至少为 1", field="lines")
        merged[line.sku_id] = merged.get(line.sku_id, 0) + line.quantity
    if len(merged) > settings.ORDER_MAX_LINES:
        raise OrderError("ORDER_TOO_MANY_LINES", f"一次最多购买 {settings.ORDER_MAX_LINES} 种商品", field="lines")
    limit = settings.ORDER_MAX_UNITS_PER_SKU
    if any(qty > limit for qty in merged.values()):
        raise OrderError("QUANTITY_TOO_LARGE", f"单个商品每单最多购买 {limit} 件", field="lines")
    return [LineRequest(sku_id, qty) for sku_id, qty in merged.items()]


def specs_text(specs: dict[str, Any] | None) -> str:
    return " ".join(f"{k}:{v}" for k, v in (specs or {}).items())


def quote_lines(lines: Sequence[LineRequest], *, check_stock: bool = True) -> list[QuoteLine]:
    """Current price and snapshot of each SKU; refuses unknown, inactive and off-shelf SKUs, and
    (when asked) quantities above stock, naming every problem line at once."""
    # The product's rich detail (often tens of KB of HTML) is never needed to price a basket.
    ids = [line.sku_id for line in lines]
    table = Sku._meta.db_table
    skus = {
        s.id: s
        for s in rows_with_parent(
            Sku, "product", f"{table}.id IN ({', '.join(['%s'] * len(ids))})", ids, parent_defer=["detail_html"]
        )
    }
    missing = [line.sku_id for line in lines if line.sku_id not in skus]
    if missing:
        raise NotFound("SKU_NOT_FOUND", f"商品不存在：{', '.join(map(str, missing))}")
    off = [
        skus[line.sku_id]
        for line in lines
        if not (skus[line.sku_id].is_active and skus[line.sku_id].product.is_on_shelf)
    ]
    if off:
        raise OrderError(
            "PRODUCT_OFF_SHELF", f"商品已下架：{'、'.join(s.product.title for s in off[:5])}", field="lines"
        )
    if check_stock:
        left = available_by_sku(ids)
        short = [skus[line.sku_id] for line in lines if left[line.sku_id] < line.quantity]
        if short:
            names = "、".join(f"{s.product.title}（剩余 {left[s.id]} 件）" for s in short[:5])
            raise OrderError("STOCK_INSUFFICIENT", f"库存不足：{names}", status=409, field="lines")
    result = []
    for line in lines:
        sku = skus[line.sku_id]
        result.append(
            QuoteLine(
                sku_id=sku.id,
                product_id=sku.product_id,
                title=sku.product.title,
                sku_code=sku.code,
                specs=specs_text(sku.specs),
                image=sku.image or sku.product.main_image or "",
                unit_price_fen=sku.price_fen,
                quantity=line.quantity,
                weight_g=sku.weight_g or 0,
                category_id=sku.product.category_id,
            )
        )
    return result


def address_for(user: User, address_id: int | None) -> Address | None:
    """The chosen address (only the caller's own), else the default one, else none."""
    if address_id is not None:
        address = row_get(Address, "id = %s AND user_id = %s", [address_id, user.id])
        if address is None:
            raise NotFound("ADDRESS_NOT_FOUND", "收货地址不存在")
        return address
    return row_get(Address, "user_id = %s AND is_default = %s", [user.id, True])


def shipping_fee(lines: Sequence[QuoteLine], province: str) -> int:
    """Each template charges for the lines it covers (free-shipping thresholds per template, on
    goods before discounts, as merchants configure them); lines no template covers use the default
    template; a store without templates ships free."""
    snapshot = shipping_templates()
    groups: dict[int, tuple[ShippingTemplateSpec, list[ShippingItem]]] = {}
    for line in lines:
        template = snapshot.for_product(line.product_id)
        if template is None:
            continue
        groups.setdefault(template.id, (template, []))[1].append(
            ShippingItem(goods_fen=line.goods_fen, quantity=line.quantity, weight_g=line.weight_g)
        )
    return sum(template_fee(t, province=province, items=items) for t, items in groups.values())


def checkout_quote(
    *,
    user: User,
    lines: Sequence[LineRequest],
    address_id: int | None = None,
    options: dict[str, Any] | None = None,
    check_stock: bool = True,
) -> Priced:
    """Price a basket for ``user``. Shipping needs an address: without one it is 0 and the
    quote's ``shipping_address`` is None (the client asks the shopper to pick one)."""
    requested = normalise_lines(lines)
    quote_rows = quote_lines(requested, check_stock=check_stock)
    address = address_for(user, address_id)
    province = address.province if address else None
    shipping = shipping_fee(quote_rows, province) if address else 0
    ctx = PricingContext(user=user, lines=quote_rows, province=province, options=dict(options or {}))
    discounts = []
    for provider in discount_providers.all():
        granted = list(provider.discounts(ctx))
        apply_discounts(quote_rows, granted)
        discounts.extend((provider, d) for d in granted)
    quote = Quote(
        lines=quote_rows,
        shipping_fen=shipping,
        discounts=[d for _, d in discounts],
        shipping_address=(
            {
                "id": address.id,
                "receiver": address.receiver,
                "phone": address.phone,
                "province": address.province,
                "city": address.city,
                "district": address.district,
                "detail": address.detail,
            }
            if address
            else None
        ),
    )
    return Priced(quote=quote, ctx=ctx, address=address, granted=discounts)
