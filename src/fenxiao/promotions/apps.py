from django.apps import AppConfig


class PromotionsConfig(AppConfig):
    name = "fenxiao.promotions"
    verbose_name = "营销"

    def ready(self) -> None:
        from fenxiao.core.extensions import register_sweep, subscribe
        from fenxiao.orders.pricing_hooks import discount_providers
        from fenxiao.promotions import handlers
        from fenxiao.promotions.coupons.pricing import CouponProvider
        from fenxiao.promotions.group_buy import groups as group_buy
        from fenxiao.promotions.group_buy.pricing import GroupBuyProvider
        from fenxiao.promotions.seckill.activities import sweep_seckill_gates
        from fenxiao.promotions.seckill.pricing import SeckillProvider
        from fenxiao.promotions.seckill.purchases import on_order_cancelled as seckill_on_order_cancelled

        # The seckill price comes first: a coupon (if ever allowed with it) sees the seckill price.
        for provider in (SeckillProvider(), GroupBuyProvider(), CouponProvider()):
            discount_providers.register(provider.kind, provider)
        # A cancelled order, or one closed because every unit was refunded, gives its coupon back.
        subscribe("order_cancelled", handlers.on_order_undone)
        subscribe("order_closed", handlers.on_order_undone)
        # An unpaid seckill order cancelled or timed out gives its unit back.
        subscribe("order_cancelled", seckill_on_order_cancelled)
        register_sweep("promotions.expire_coupons", handlers.sweep_expire_coupons)
        # The seckill gates in Redis: seeded before a sale, reset from the database when they drift.
        register_sweep("promotions.seckill_gates", sweep_seckill_gates)
        # 拼团: a paid seat counts (or is refunded), a cancelled one frees up, a voided order's
        # refund finishes the seat; the sweep fails groups at their deadline.
        subscribe("order_paid", handlers.on_group_order_paid)
        subscribe("order_cancelled", handlers.on_group_order_cancelled)
        subscribe("order_closed", handlers.on_group_order_closed)
        register_sweep("promotions.group_buy_deadlines", group_buy.sweep_group_deadlines)
