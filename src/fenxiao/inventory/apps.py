from django.apps import AppConfig


class InventoryConfig(AppConfig):
    name = "fenxiao.inventory"
    verbose_name = "库存"
