from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "fenxiao.core"
    verbose_name = "基础"

    def ready(self) -> None:
        from fenxiao.core.event_outbox import outbox_publish, sweep_event_outbox
        from fenxiao.core.extensions import event_sender, register_sweep
        from fenxiao.core.planner_statistics import SWEEP_NAME, refresh_after_migrate, sweep_planner_statistics

        # With a broker, events leave the web process as one task message per subscriber, through
        # the transactional outbox; its sweep relays what a process died before sending.
        event_sender.register("celery", outbox_publish)
        register_sweep("core.event_outbox", sweep_event_outbox)

        # The planner's statistics kept current by autovacuum's rule, whether or not it runs
        # (core/planner_statistics.py): every sweep round, alone between the rounds
        # (PLANNER_STATISTICS_INTERVAL_SECONDS), and once after each migrate.
        register_sweep(SWEEP_NAME, sweep_planner_statistics)
        post_migrate.connect(refresh_after_migrate, sender=self, dispatch_uid="core.planner_statistics")

        # The request id travels into Celery tasks; task failures and retries are counted.
        from fenxiao.core.observability import request_id, task_signals

        request_id.connect()
        task_signals.connect()
