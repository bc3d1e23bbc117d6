from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "fenxiao.demo"
    verbose_name = "演示数据"
