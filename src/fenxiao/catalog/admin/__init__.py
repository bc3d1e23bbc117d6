"""The catalogue's console: products, SKUs, categories and suppliers (stock is added by
``inventory.admin``)."""

from fenxiao.catalog.admin import products

__all__ = ["products"]
