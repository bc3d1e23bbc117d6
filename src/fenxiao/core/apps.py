from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "fenxiao.core"
    verbose_name = "基础"

    def ready(self) -> None:
        from fenxiao.core.event_tasks import enqueue_subscribers
        from fenxiao.core.extensions import event_sender

        # With a broker, events leave the web process as one task message per subscriber.
        event_sender.register("celery", enqueue_subscribers)
