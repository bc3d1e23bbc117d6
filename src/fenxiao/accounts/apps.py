from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "fenxiao.accounts"
    verbose_name = "用户"
