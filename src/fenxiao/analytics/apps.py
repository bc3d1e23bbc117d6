from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "fenxiao.analytics"
    verbose_name = "数据看板"

    def ready(self) -> None:
        from django.contrib import admin

        # ``django.contrib.admin`` is listed first, so its own ``admin/index.html`` wins the
        # template lookup; pointing the site at our template (which extends admin's) is the one
        # switch needed, and the figures come from a template tag, so the site class stays Django's.
        admin.site.index_template = "analytics/admin_index.html"
