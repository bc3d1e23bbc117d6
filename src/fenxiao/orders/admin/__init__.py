"""Orders' operator console (Django admin): orders and their shipping (``orders``), after-sales and
the pages of each after-sale step (``aftersales``, ``aftersale_steps``), shipping fee templates
(``shipping_templates``), bulk shipping (``bulk_shipping``) and the receipt setting
(``receipt_settings``). Django imports this package at start-up; importing each module
registers its admins."""

from fenxiao.orders.admin import (  # noqa: F401  (register their admins)
    aftersales,
    orders,
    receipt_settings,
    shipping_templates,
)
