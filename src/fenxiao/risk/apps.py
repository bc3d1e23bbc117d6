from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "fenxiao.risk"
    verbose_name = "风控与审计"
