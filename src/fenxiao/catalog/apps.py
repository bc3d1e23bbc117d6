from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "fenxiao.catalog"
    verbose_name = "商品"

    def ready(self) -> None:
        from fenxiao.catalog import signals

        signals.connect()
