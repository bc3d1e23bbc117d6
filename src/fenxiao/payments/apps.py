from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "fenxiao.payments"
    verbose_name = "支付"

    def ready(self) -> None:
        # The sandbox delivers its refund notifications to our handler, as WeChat would to the
        # notify URL. Harmless in live mode: the live gateway never calls the sink.
        from fenxiao.payments.sandbox import register_sandbox_sink

        register_sandbox_sink()

        from fenxiao.core.extensions import register_sweep
        from fenxiao.payments import services

        # Registered before the orders sweeps (payments precedes orders in INSTALLED_APPS): an
        # expired payment is closed, or found paid, before its order is cancelled.
        register_sweep("payments.expired", services.sweep_expired_payments)
        register_sweep("payments.unconfirmed", services.sweep_unconfirmed_payments)
        register_sweep("payments.refunds_unsubmitted", services.refund_submit_pending)
        register_sweep("payments.refunds_processing", services.sweep_processing_refunds)
        register_sweep("payments.refused_payments", services.sweep_refused_payments)
