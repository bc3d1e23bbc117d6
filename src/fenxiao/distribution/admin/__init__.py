"""Distribution's operator console (DESIGN §5, §7), Django admin: the merchant's configuration
(``config``: settings, tiers, product commission), the operator's queues (``queues``:
distributors, applications, withdrawals), read-only records (``records``: commission,
referrals), the compliance report (``compliance``), the orders list with each order's referring
distributor (``orders``), real-name identities (``identity``, masked, audited reveal) and the
quarterly tax filing (``tax``), built on the page shapes in ``views`` and the yuan/percent forms in
``forms``. Every change goes through the same service as the API.

Importing this package registers every distribution admin (Django's autodiscovery imports it)."""

from fenxiao.distribution.admin import (  # noqa: F401  (each registers its admins)
    compliance,
    config,
    identity,
    orders,
    queues,
    records,
    tax,
)
