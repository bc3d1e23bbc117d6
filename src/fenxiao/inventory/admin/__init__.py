"""Inventory's console: the stock audit trail, and stock in the catalogue's product pages."""

from fenxiao.inventory.admin import movements, products

__all__ = ["movements", "products"]
