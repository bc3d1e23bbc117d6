"""Distribution's operator console (DESIGN §5, §7), Django admin: the merchant's configuration
(``config``: settings, tiers, product commission), the operator's queues (``queues``:
distributors, applications, withdrawals) and read-only records (``records``: commission,
referrals), built on the page shapes in ``views`` and the yuan/percent forms in ``forms``. Every
change goes through the same service as the API.

Importing this package registers every distribution admin (Django's autodiscovery imports it)."""

from fenxiao.distribution.admin import config, queues, records  # noqa: F401  (each registers its admins)
