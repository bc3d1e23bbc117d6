from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "fenxiao.analytics"
    verbose_name = "数据中心"

    def ready(self) -> None:
        from django.contrib import admin

        from fenxiao.analytics.rollups import handlers
        from fenxiao.core.extensions import register_sweep, subscribe

        # ``django.contrib.admin`` is listed first, so its own ``admin/index.html`` wins the
        # template lookup; pointing the site at our template (which extends admin's) is the one
        # switch needed, and the figures come from a template tag, so the site class stays Django's.
        admin.site.index_template = "analytics/admin_index.html"

        # Whichever runs first for the same event, distribution's handlers or these, the order's
        # commission arrives: booking or reversing it publishes ``commission_changed``.
        subscribe("order_paid", handlers.on_order_paid)
        subscribe("order_line_refunded", handlers.on_order_refunded)
        subscribe("order_closed", handlers.on_order_refunded)
        subscribe("commission_changed", handlers.on_commission_changed)
        subscribe("distributor_joined", handlers.on_distributor_joined)
        register_sweep("analytics.reconcile", handlers.sweep_reconcile)
