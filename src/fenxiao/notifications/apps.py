from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "fenxiao.notifications"
    verbose_name = "消息通知"

    def ready(self) -> None:
        from fenxiao.core.extensions import register_sweep, subscribe
        from fenxiao.notifications import handlers
        from fenxiao.notifications.sending import sweep_outbox

        for event, handler in handlers.SUBSCRIPTIONS.items():
            subscribe(event, handler)
        register_sweep("notifications.outbox", sweep_outbox)
