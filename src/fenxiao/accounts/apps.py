from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "fenxiao.accounts"
    verbose_name = "用户"

    def ready(self) -> None:
        from fenxiao.accounts.login_throttle import sweep_login_throttles
        from fenxiao.core.sweeps import register_sweep

        # Ended lockouts: their rows go.
        register_sweep("accounts.login_throttles", sweep_login_throttles)
