from django.apps import AppConfig


class WechatConfig(AppConfig):
    name = "fenxiao.integrations.wechat"
    label = "wechat"
    verbose_name = "微信"

    def ready(self) -> None:
        from fenxiao.integrations.wechat import sandbox_guard  # noqa: F401  (registers its system check)
