"""Where the routers of every app meet the single NinjaAPI (the "faces" layer of DESIGN §2)."""

from __future__ import annotations

from fenxiao.accounts.api import addresses_router, auth_router
from fenxiao.catalog.api import router as catalog_router
from fenxiao.catalog.operator_api import router as catalog_operator_router
from fenxiao.core.api import api
from fenxiao.core.health import router as health_router
from fenxiao.inventory.operator_api import router as inventory_operator_router

api.add_router("/v1", health_router)
api.add_router("/v1/auth", auth_router)
api.add_router("/v1/addresses", addresses_router)
api.add_router("/v1", catalog_router)
api.add_router("/v1/admin", catalog_operator_router)
api.add_router("/v1/admin", inventory_operator_router)

__all__ = ["api"]
