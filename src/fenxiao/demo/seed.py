"""Writes the demo catalogue plan: images into default storage, then suppliers, categories,
products, gallery rows and SKUs with ``bulk_create`` in one transaction, then the demo users."""

from __future__ import annotations

import os
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from django.db import transaction

from fenxiao.catalog.models import Category, Product, ProductImage, Sku, Supplier
from fenxiao.catalog.prices import product_prices_refresh
from fenxiao.inventory.models import Stock

from . import images
from .catalogue import (
    CODE_PREFIX,
    GALLERY_VARIANTS,
    TOPS,
    ProductPlan,
    build_plan,
    category_icon_name,
    gallery_image_name,
)
from .names import SUPPLIER_CONTACTS
from .users import UsersResult, ensure_users

DEFAULT_SEED = 20240601
DEFAULT_SKUS = 3200
BATCH = 500


@dataclass
class SeedResult:
    seed: int
    top_categories: int = 0
    sub_categories: int = 0
    suppliers: int = 0
    products: int = 0
    on_shelf: int = 0
    skus: int = 0
    sold_out: int = 0
    product_images: int = 0
    gallery_images: int = 0
    icon_images: int = 0
    users: UsersResult | None = None
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def seconds(self) -> float:
        return sum(self.timings.values())


def demo_products_exist() -> bool:
    return Product.objects.filter(code__startswith=CODE_PREFIX).exists()


def seed_demo(*, seed: int = DEFAULT_SEED, skus: int = DEFAULT_SKUS) -> SeedResult:
    if skus < 1:
        raise ValueError("skus must be at least 1")
    result = SeedResult(seed=seed)
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        result.timings[name] = now - clock
        clock = now

    plan = build_plan(seed=seed, sku_target=skus)
    lap("plan")
    _write_images(plan, result)
    lap("images")
    with transaction.atomic():
        _write_catalogue(plan, result)
        result.users = ensure_users()
    lap("database")
    return result


def _write_images(plan: list[ProductPlan], result: SeedResult) -> None:
    def main_image(product: ProductPlan) -> str:
        data = images.product_png(code=product.code, top=product.top, sub=product.sub, accent=product.accent)
        return images.write(product.main_image, data)

    # PNG encoding releases the GIL, so a few threads use the spare cores; the bytes do not change.
    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
        list(pool.map(main_image, plan))
    result.product_images = len(plan)
    for top in TOPS:
        images.write(category_icon_name(top), images.icon_png(top=top))
        result.icon_images += 1
        for sub in top.subs:
            images.write(category_icon_name(top, sub), images.icon_png(top=top, sub=sub))
            result.icon_images += 1
            for variant in range(1, GALLERY_VARIANTS + 1):
                images.write(
                    gallery_image_name(top, sub, variant), images.gallery_png(top=top, sub=sub, variant=variant)
                )
                result.gallery_images += 1


def _suppliers() -> dict[str, Supplier]:
    out = {}
    for name, (contact, phone) in SUPPLIER_CONTACTS.items():
        out[name], _ = Supplier.objects.get_or_create(
            name=name, defaults={"contact_name": contact, "contact_phone": phone}
        )
    return out


def _categories() -> dict[tuple[str, str], Category]:
    """Reuses a merchant's own 美妆 etc. when they exist; fills in an icon only where there is none."""
    out = {}
    for i, top in enumerate(TOPS):
        parent = _category(None, top.name, category_icon_name(top), (i + 1) * 10)
        for j, sub in enumerate(top.subs):
            out[(top.code, sub.slug)] = _category(parent, sub.name, category_icon_name(top, sub), (j + 1) * 10)
    return out


def _category(parent: Category | None, name: str, icon: str, sort_order: int) -> Category:
    category, created = Category.objects.get_or_create(
        parent=parent, name=name, defaults={"icon": icon, "sort_order": sort_order}
    )
    if not created and not category.icon:
        category.icon = icon
        category.save(update_fields=["icon"])
    return category


def _write_catalogue(plan: list[ProductPlan], result: SeedResult) -> None:
    suppliers = _suppliers()
    categories = _categories()
    result.suppliers = len(suppliers)
    result.top_categories = len(TOPS)
    result.sub_categories = len(categories)
    products = [
        Product(
            code=p.code,
            supplier=suppliers[p.supplier],
            category=categories[(p.top.code, p.sub.slug)],
            title=p.title,
            subtitle=p.subtitle,
            main_image=p.main_image,
            detail_html=p.detail_html,
            is_on_shelf=p.is_on_shelf,
            sales_count=p.sales_count,
        )
        for p in plan
    ]
    Product.objects.bulk_create(products, batch_size=BATCH)
    ids = {p.code: p.pk for p in products}
    if None in ids.values():  # a backend that cannot return ids from a bulk insert
        ids = dict(Product.objects.filter(code__in=list(ids)).values_list("code", "id"))
    gallery = [
        ProductImage(product_id=ids[p.code], image=name, sort_order=n)
        for p in plan
        for n, name in enumerate(p.gallery, start=1)
    ]
    ProductImage.objects.bulk_create(gallery, batch_size=BATCH)
    skus = [
        Sku(
            product_id=ids[p.code],
            code=s.code,
            specs=s.specs,
            price_fen=s.price_fen,
            market_price_fen=s.market_price_fen,
            cost_fen=s.cost_fen,
            weight_g=s.weight_g,
            barcode=s.barcode,
            is_active=s.is_active,
        )
        for p in plan
        for s in p.skus
    ]
    Sku.objects.bulk_create(skus, batch_size=BATCH)
    product_prices_refresh(product_ids=ids.values())  # bulk_create sends no signal to do it
    sku_ids = {s.code: s.pk for s in skus}
    if None in sku_ids.values():
        sku_ids = dict(Sku.objects.filter(product_id__in=list(ids.values())).values_list("code", "id"))
    units = {s.code: s.stock for p in plan for s in p.skus}
    Stock.objects.bulk_create([Stock(sku_id=sku_ids[code], quantity=n) for code, n in units.items()], batch_size=BATCH)
    result.products = len(products)
    result.on_shelf = sum(p.is_on_shelf for p in plan)
    result.skus = len(skus)
    result.sold_out = sum(n == 0 for n in units.values())
