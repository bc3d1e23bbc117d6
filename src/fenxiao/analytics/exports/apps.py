from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "fenxiao.analytics.exports"
    label = "exports"
    verbose_name = "数据导出"

    def ready(self) -> None:
        from fenxiao.analytics.exports.jobs import export_files_sweep
        from fenxiao.core.extensions import register_sweep

        register_sweep("exports.expired_files", export_files_sweep)
