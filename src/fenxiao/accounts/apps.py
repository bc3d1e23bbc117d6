from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "fenxiao.accounts"
    verbose_name = "用户"

    def ready(self) -> None:
        from fenxiao.accounts.login_throttle import sweep_login_throttles
        from fenxiao.accounts.sessions import sweep_refresh_families
        from fenxiao.core.extensions import register_sweep

        # Ended lockouts and logins nobody can refresh any more: their rows go.
        register_sweep("accounts.login_throttles", sweep_login_throttles)
        register_sweep("accounts.refresh_families", sweep_refresh_families)
