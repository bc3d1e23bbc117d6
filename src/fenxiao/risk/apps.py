from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "fenxiao.risk"
    verbose_name = "风控与审计"

    def ready(self) -> None:
        from fenxiao.core.extensions import register_sweep
        from fenxiao.orders.placement_hooks import placement_hooks
        from fenxiao.risk.traces.hooks import on_order_placed
        from fenxiao.risk.traces.services import sweep_client_traces

        # Where each order came from (device id, IP), written with the order.
        placement_hooks.register("risk.client_trace", on_order_placed)
        register_sweep("risk.client_traces", sweep_client_traces)
