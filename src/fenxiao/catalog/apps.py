from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "fenxiao.catalog"
    verbose_name = "商品"
