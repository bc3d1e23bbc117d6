from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "fenxiao.orders"
    verbose_name = "订单"

    def ready(self) -> None:
        # Orders answers payments' questions about an order (``payments.hooks.OrderPort``).
        from fenxiao.orders import sweeps
        from fenxiao.orders.payment_port import OrderPaymentPort
        from fenxiao.orders.shipping import templates as shipping_templates
        from fenxiao.payments.hooks import order_port

        order_port.register("orders", OrderPaymentPort())
        sweeps.register()
        shipping_templates.connect()
