from django.apps import AppConfig


class WechatConfig(AppConfig):
    name = "fenxiao.integrations.wechat"
    label = "wechat"
    verbose_name = "微信"
