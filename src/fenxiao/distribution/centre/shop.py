"""My shop (DESIGN §5 distributor tools): a distributor picks up to 50 of the platform's products
to show, in their own order, on a shop page whose every link carries their code.

The shop only arranges the catalogue: price, stock and commission stay the platform's, and an
off-shelf product simply drops out of the public page (it stays in the owner's list, marked, so
they can remove it). Writes lock the distributor row, so two taps cannot both take the 50th
place and positions never collide."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import IntegerField, Max, Min, Q, Sum
from django.db.models.functions import Coalesce

from fenxiao.catalog.models import Product
from fenxiao.core.errors import Forbidden, NotFound
from fenxiao.distribution.centre.selectors import person_name
from fenxiao.distribution.errors import DistributionConflict, DistributionError
from fenxiao.distribution.locks import lock_distributor_of_user
from fenxiao.distribution.models import Distributor, DistributorStatus, ShopItem

MAX_SHOP_ITEMS = 50


@dataclass(frozen=True)
class ShopProduct:
    product_id: int
    title: str
    subtitle: str
    main_image: str
    price_fen: int
    market_price_fen: int
    sales_count: int
    in_stock: bool
    on_shelf: bool
    position: int


@dataclass(frozen=True)
class Shop:
    code: str
    owner_name: str
    avatar_url: str
    items: list[ShopProduct]


def shop_not_found() -> NotFound:
    return NotFound("SHOP_NOT_FOUND", "小店不存在或已关闭")


# -- writes ----------------------------------------------------------------------------------


def _lock_active_distributor(user_id: int) -> Distributor:
    """The caller's distributor row, locked: the order every shop write takes."""
    distributor = lock_distributor_of_user(user_id)
    if distributor.status != DistributorStatus.ACTIVE:
        raise Forbidden("DIST_SUSPENDED", "您的分销资格已暂停，暂不能推广")
    return distributor


@transaction.atomic
def shop_item_add(*, user_id: int, product_id: int) -> ShopItem:
    """Put an on-shelf product at the end of my shop."""
    distributor = _lock_active_distributor(user_id)
    if not Product.objects.filter(pk=product_id, is_on_shelf=True).exists():
        raise NotFound("PRODUCT_NOT_FOUND", "商品不存在或已下架")
    items = ShopItem.objects.filter(distributor_id=distributor.id)
    if items.filter(product_id=product_id).exists():
        raise DistributionConflict("SHOP_ITEM_EXISTS", "该商品已在您的小店中")
    if items.count() >= MAX_SHOP_ITEMS:
        raise DistributionConflict("SHOP_FULL", f"小店最多展示 {MAX_SHOP_ITEMS} 件商品，请先移除一些再添加")
    last = items.aggregate(last=Max("position"))["last"]
    try:
        with transaction.atomic():
            return ShopItem.objects.create(
                distributor=distributor, product_id=product_id, position=0 if last is None else last + 1
            )
    except IntegrityError as exc:  # the unique constraint is the last word on duplicates
        raise DistributionConflict("SHOP_ITEM_EXISTS", "该商品已在您的小店中") from exc


@transaction.atomic
def shop_item_remove(*, user_id: int, product_id: int) -> None:
    distributor = lock_distributor_of_user(user_id)
    deleted, _ = ShopItem.objects.filter(distributor_id=distributor.id, product_id=product_id).delete()
    if not deleted:
        raise NotFound("SHOP_ITEM_NOT_FOUND", "该商品不在您的小店中")


@transaction.atomic
def shop_item_reorder(*, user_id: int, product_ids: Sequence[int]) -> list[ShopItem]:
    """Show my shop's products in exactly this order. The list must name every product in the
    shop once and nothing else, so a stale page cannot silently drop or duplicate an item."""
    distributor = _lock_active_distributor(user_id)
    items = {i.product_id: i for i in ShopItem.objects.filter(distributor_id=distributor.id)}
    if len(set(product_ids)) != len(product_ids) or set(product_ids) != set(items):
        raise DistributionError("SHOP_REORDER_MISMATCH", "排序列表与小店商品不一致，请刷新后重试", field="product_ids")
    ordered = []
    for position, product_id in enumerate(product_ids):
        item = items[product_id]
        item.position = position
        ordered.append(item)
    ShopItem.objects.bulk_update(ordered, ["position"])
    return ordered


# -- reads -----------------------------------------------------------------------------------


def _shop_products(distributor_id: int, *, on_shelf_only: bool) -> list[ShopProduct]:
    """A shop's products in its order, with price and stock from the active SKUs (one query)."""
    active = Q(product__skus__is_active=True)
    qs = ShopItem.objects.filter(distributor_id=distributor_id)
    if on_shelf_only:
        qs = qs.filter(product__is_on_shelf=True)
    rows = (
        qs.annotate(
            price=Min("product__skus__price_fen", filter=active),
            market=Coalesce(Min("product__skus__market_price_fen", filter=active), 0),
            stock=Coalesce(Sum("product__skus__stock_level__quantity", filter=active), 0, output_field=IntegerField()),
        )
        .order_by("position", "id")
        .values(
            "position",
            "price",
            "market",
            "stock",
            "product_id",
            "product__title",
            "product__subtitle",
            "product__main_image",
            "product__sales_count",
            "product__is_on_shelf",
        )
    )
    items = []
    for r in rows:
        if on_shelf_only and r["price"] is None:
            continue  # no active SKU: nothing a visitor could buy
        price = int(r["price"] or 0)
        market = int(r["market"] or 0)
        items.append(
            ShopProduct(
                product_id=r["product_id"],
                title=r["product__title"],
                subtitle=r["product__subtitle"],
                main_image=r["product__main_image"],
                price_fen=price,
                market_price_fen=market if market > price else 0,
                sales_count=r["product__sales_count"],
                in_stock=r["stock"] > 0,
                on_shelf=r["product__is_on_shelf"] and r["price"] is not None,
                position=r["position"],
            )
        )
    return items


def shop_item_list(*, distributor: Distributor) -> list[ShopProduct]:
    """The owner's view: every item, off-shelf ones included (marked) so they can be removed."""
    return _shop_products(distributor.id, on_shelf_only=False)


def shop_get(*, code: str) -> Shop:
    """A visitor's view of a distributor's shop: only what can be bought, the owner's name masked
    like every other person the storefront shows. A suspended distributor's shop is closed."""
    distributor = (
        Distributor.objects.select_related("user")
        .filter(code=code.strip().upper(), status=DistributorStatus.ACTIVE)
        .first()
    )
    if distributor is None:
        raise shop_not_found()
    return Shop(
        code=distributor.code,
        owner_name=person_name(distributor.user.nickname),
        avatar_url=distributor.user.avatar_url,
        items=_shop_products(distributor.id, on_shelf_only=True),
    )
