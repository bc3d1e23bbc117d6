from django.apps import AppConfig


class StorefrontConfig(AppConfig):
    name = "fenxiao.storefront"
    verbose_name = "H5 商城"
