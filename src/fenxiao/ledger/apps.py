from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "fenxiao.ledger"
    verbose_name = "账本"
