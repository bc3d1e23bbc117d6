"""Orders' operator console (Django admin): orders and their shipping (``orders``), after-sales and
the pages of each after-sale step (``aftersales``, ``aftersale_steps``), shipping fee templates
(``shipping_templates``). Django imports this package at start-up; importing each module
registers its admins."""

from fenxiao.orders.admin import aftersales, orders, shipping_templates  # noqa: F401  (register their admins)
