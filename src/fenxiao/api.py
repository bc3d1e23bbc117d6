"""Where the routers of every app meet the single NinjaAPI (the "faces" layer of DESIGN §2)."""

from __future__ import annotations

from fenxiao.accounts.api.routes import addresses_router, auth_router
from fenxiao.accounts.api.uploads import uploads_router
from fenxiao.analytics.api import router as analytics_router
from fenxiao.analytics.exports.api import router as exports_router
from fenxiao.catalog.api.operator import router as catalog_operator_router
from fenxiao.catalog.api.shopper import router as catalog_router
from fenxiao.content.api import router as content_router
from fenxiao.core.health import router as health_router
from fenxiao.core.web_api import api
from fenxiao.distribution.api.actions import notify_router as distribution_notify_router
from fenxiao.distribution.api.actions import router as distribution_router
from fenxiao.distribution.api.compliance import router as distribution_compliance_router
from fenxiao.distribution.api.identity import router as distribution_identity_router
from fenxiao.distribution.api.insights import router as distribution_insights_router
from fenxiao.distribution.api.operator import router as distribution_operator_router
from fenxiao.distribution.api.shop import router as distribution_shop_router
from fenxiao.distribution.api.tax import router as distribution_tax_router
from fenxiao.inventory.api.operator import router as inventory_operator_router
from fenxiao.notifications.api import router as notifications_router
from fenxiao.orders.api.aftersales import router as aftersale_router
from fenxiao.orders.api.cart import router as cart_router
from fenxiao.orders.api.operator_aftersales import router as aftersale_operator_router
from fenxiao.orders.api.operator_bulk_shipping import router as bulk_shipping_router
from fenxiao.orders.api.operator_orders import router as orders_operator_router
from fenxiao.orders.api.operator_refunds import router as orders_refund_router
from fenxiao.orders.api.orders import checkout_router, orders_router
from fenxiao.orders.api.shipping import router as shipping_router
from fenxiao.orders.api.tracking_push import router as tracking_push_router
from fenxiao.payments.api import router as payments_router
from fenxiao.promotions.api.coupons import router as coupons_router
from fenxiao.promotions.api.coupons_operator import router as coupons_operator_router
from fenxiao.promotions.api.group_buy import operator_router as group_buy_operator_router
from fenxiao.promotions.api.group_buy import router as group_buy_router
from fenxiao.promotions.api.invites import router as invites_router
from fenxiao.promotions.api.invites_operator import router as invites_operator_router
from fenxiao.promotions.api.seckill import operator_router as seckill_operator_router
from fenxiao.promotions.api.seckill import router as seckill_router
from fenxiao.risk.api.cases import router as risk_router
from fenxiao.risk.api.complaints import router as complaints_router
from fenxiao.risk.api.operator_complaints import router as complaints_operator_router

api.add_router("/v1", health_router)
# Django tries URL patterns in order, and a seckill crowd sends thousands of requests a second to
# one route: resolving it first saves each of them about a hundred failed pattern matches.
api.add_router("/v1/seckill", seckill_router)
api.add_router("/v1/auth", auth_router)
api.add_router("/v1/addresses", addresses_router)
api.add_router("/v1/uploads", uploads_router)
api.add_router("/v1", catalog_router)
api.add_router("/v1/admin", catalog_operator_router)
api.add_router("/v1/admin", inventory_operator_router)
api.add_router("/v1/cart", cart_router)
api.add_router("/v1/checkout", checkout_router)
api.add_router("/v1/orders", orders_router)
api.add_router("/v1/orders", shipping_router)
api.add_router("/v1/tracking", tracking_push_router)
api.add_router("/v1", aftersale_router)
api.add_router("/v1/admin", orders_operator_router)
api.add_router("/v1/admin", bulk_shipping_router)
api.add_router("/v1/admin", orders_refund_router)
api.add_router("/v1/admin", aftersale_operator_router)
api.add_router("/v1", payments_router)
api.add_router("/v1/distribution", distribution_router)
api.add_router("/v1/distribution", distribution_notify_router)
api.add_router("/v1/distribution", distribution_shop_router)
api.add_router("/v1/distribution", distribution_insights_router)
api.add_router("/v1/distribution", distribution_identity_router)
api.add_router("/v1/admin", distribution_operator_router)
api.add_router("/v1/admin", distribution_compliance_router)
api.add_router("/v1/admin", distribution_tax_router)
api.add_router("/v1/coupons", coupons_router)
api.add_router("/v1/admin", coupons_operator_router)
api.add_router("/v1/group-buy", group_buy_router)
api.add_router("/v1/admin", group_buy_operator_router)
api.add_router("/v1/admin", seckill_operator_router)
api.add_router("/v1/invites", invites_router)
api.add_router("/v1/admin", invites_operator_router)
api.add_router("/v1/content", content_router)
api.add_router("/v1/admin", analytics_router)
api.add_router("/v1/admin", exports_router)
api.add_router("/v1", complaints_router)
api.add_router("/v1/admin", complaints_operator_router)
api.add_router("/v1/admin", risk_router)
api.add_router("/v1/notifications", notifications_router)

__all__ = ["api"]
