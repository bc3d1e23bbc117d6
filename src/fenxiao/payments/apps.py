from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "fenxiao.payments"
    verbose_name = "支付"
