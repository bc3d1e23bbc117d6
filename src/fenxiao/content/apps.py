from django.apps import AppConfig


class ContentConfig(AppConfig):
    name = "fenxiao.content"
    verbose_name = "素材库"
