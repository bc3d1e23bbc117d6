"""The admin's login page checks passwords through the same throttled service as the operator
API's ``staff-login``, so the two doors share one count: five wrong passwords at either lock the
pair (username, address) out of both, and the page is no way round the API's throttle."""

from __future__ import annotations

from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError

from fenxiao.accounts import services
from fenxiao.core.client_address import client_ip
from fenxiao.core.errors import Throttled, Unauthorized


class ThrottledAdminLoginForm(AdminAuthenticationForm):
    def clean(self) -> dict:
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is not None and password:
            ip = client_ip(self.request) if self.request is not None else ""
            try:
                self.user_cache = services.staff_password_check(username=username, password=password, ip=ip)
            except Throttled as exc:
                raise ValidationError(exc.message, code="throttled") from exc
            except Unauthorized:
                raise self.get_invalid_login_error() from None
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data
