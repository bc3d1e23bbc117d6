from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "fenxiao.core"
    verbose_name = "基础"

    def ready(self) -> None:
        # The request id travels into Celery tasks; task failures and retries are counted.
        from fenxiao.core.observability import request_id, task_signals

        request_id.connect()
        task_signals.connect()
