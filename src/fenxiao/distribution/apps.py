from django.apps import AppConfig


class DistributionConfig(AppConfig):
    name = "fenxiao.distribution"
    verbose_name = "分销"

    def ready(self) -> None:
        from fenxiao.core.extensions import register_sweep, subscribe
        from fenxiao.distribution import handlers

        # The referral chain is written with the order, in its transaction (see placement_hooks).
        from fenxiao.orders.placement_hooks import placement_hooks

        placement_hooks.register("distribution.referral_snapshot", handlers.on_order_placed)
        subscribe("order_paid", handlers.on_order_paid)
        subscribe("order_received", handlers.on_order_received)
        subscribe("order_line_refunded", handlers.on_order_line_refunded)
        # Fraud signals run after the commission is booked or reduced, each on its own.
        subscribe("order_paid", handlers.on_order_paid_fraud)
        subscribe("order_line_refunded", handlers.on_order_refunded_fraud)
        subscribe("referral_bound", handlers.on_referral_bound)
        subscribe("risk_case_cleared", handlers.on_case_cleared)

        from fenxiao.risk.cases.hooks import case_decision_hooks

        case_decision_hooks.register("distribution.commission", handlers.on_case_decided)

        # Repairs first (a missed event is caught up), then settlement, then payouts.
        register_sweep("distribution.unbooked_orders", handlers.sweep_unbooked_orders)
        register_sweep("distribution.unsynced_refunds", handlers.sweep_unsynced_refunds)
        register_sweep("distribution.unscheduled_commission", handlers.sweep_unscheduled_commission)
        register_sweep("distribution.settle_commission", handlers.sweep_settle_commission)
        register_sweep("distribution.payouts", handlers.sweep_payouts)

        # The transfer sandbox delivers its MCHTRANSFER.BILL.FINISHED notifications to the same
        # handler as the notify URL. Harmless in live mode: the live gateway never calls it.
        from fenxiao.integrations.wechat.transfer.sandbox import set_transfer_notification_sink

        set_transfer_notification_sink(handlers.deliver_sandbox_transfer_notification)
