from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "fenxiao.core"
    verbose_name = "基础"
