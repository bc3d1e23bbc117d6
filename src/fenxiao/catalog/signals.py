"""Saves through the ORM (admin forms, shell, factories) change the catalogue too: bump its
version so cached list pages are re-rendered. Bulk writes call ``catalog_changed`` themselves."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save

from fenxiao.catalog.cache import catalog_changed
from fenxiao.catalog.models import Category, Product, ProductImage, Sku


def _catalog_row_changed(sender, **kwargs) -> None:
    catalog_changed()


def connect() -> None:
    for model in (Category, Product, ProductImage, Sku):
        post_save.connect(_catalog_row_changed, sender=model, dispatch_uid=f"catalog-cache-{model.__name__}-save")
        post_delete.connect(_catalog_row_changed, sender=model, dispatch_uid=f"catalog-cache-{model.__name__}-delete")
