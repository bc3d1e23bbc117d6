from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "fenxiao.orders"
    verbose_name = "订单"

    def ready(self) -> None:
        # Orders tells payments what a successful payment or refund means for an order.
        from fenxiao.orders import payment_handlers, sweeps
        from fenxiao.orders.shipping import templates as shipping_templates

        payment_handlers.register()
        sweeps.register()
        shipping_templates.connect()
