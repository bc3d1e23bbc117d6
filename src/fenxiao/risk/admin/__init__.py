"""The risk app's admin pages, one module per idea; importing them registers them."""

from fenxiao.risk.admin import audit, blacklist, cases, complaints, settings  # noqa: F401
