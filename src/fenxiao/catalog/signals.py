"""Saves through the ORM (admin forms, shell, factories) change the catalogue too: bump its
version so cached list pages are re-rendered, and keep each product's stored list prices
(``catalog.prices``) equal to what its active SKUs say. Bulk writes do both themselves."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save, pre_save

from fenxiao.catalog.cache import catalog_changed
from fenxiao.catalog.models import Category, Product, ProductImage, Sku
from fenxiao.catalog.prices import PRICE_FIELDS, product_prices_refresh


def _catalog_row_changed(sender, **kwargs) -> None:
    catalog_changed()


def _sku_note_owner(sender, instance: Sku, raw: bool = False, **kwargs) -> None:
    """Remember which product the row belongs to in the database before this save: a SKU moved to
    another product changes the prices of the one it left too. Read from the row, not from the
    instance, which may have been loaded before somebody else moved it."""
    if raw or instance.pk is None:
        instance._owner_before_save = None
        return
    instance._owner_before_save = Sku._base_manager.filter(pk=instance.pk).values_list("product_id", flat=True).first()


def _sku_saved(sender, instance: Sku, raw: bool = False, **kwargs) -> None:
    if raw:  # loaddata: the fixture carries the products' prices as they were dumped
        return
    before = getattr(instance, "_owner_before_save", None)
    product_prices_refresh(product_ids=[instance.product_id, before])


def _sku_deleted(sender, instance: Sku, **kwargs) -> None:
    product_prices_refresh(product_ids=[instance.product_id])


def _product_saved(sender, instance: Product, raw: bool = False, update_fields=None, **kwargs) -> None:
    """A full save writes every column from the instance, so one loaded before a SKU changed would
    put its stale prices back: recompute them after any save that may have written them."""
    if raw or (update_fields is not None and not set(update_fields) & PRICE_FIELDS):
        return
    product_prices_refresh(product_ids=[instance.pk])


def connect() -> None:
    for model in (Category, Product, ProductImage, Sku):
        post_save.connect(_catalog_row_changed, sender=model, dispatch_uid=f"catalog-cache-{model.__name__}-save")
        post_delete.connect(_catalog_row_changed, sender=model, dispatch_uid=f"catalog-cache-{model.__name__}-delete")
    pre_save.connect(_sku_note_owner, sender=Sku, dispatch_uid="catalog-prices-sku-owner")
    post_save.connect(_sku_saved, sender=Sku, dispatch_uid="catalog-prices-sku-save")
    post_delete.connect(_sku_deleted, sender=Sku, dispatch_uid="catalog-prices-sku-delete")
    post_save.connect(_product_saved, sender=Product, dispatch_uid="catalog-prices-product-save")
