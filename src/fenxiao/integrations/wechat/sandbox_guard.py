"""Sandbox WeChat lets anyone log in as anyone (``sandbox-<name>``) and pay for nothing: it is for
development and demos. A deployment that forgets ``WECHAT_MODE=live`` must not quietly keep it, so
with ``DEBUG`` off the sandbox needs ``WECHAT_SANDBOX_ALLOWED=true`` said out loud (``make run``
says it), or the server refuses to start.

Refusing is a system check rather than an error in settings.py: pytest-django imports the settings
with ``DEBUG`` off before any test code could say "allowed", and the suite must keep running as it
is. ``runserver``, ``migrate``, ``check`` and every other management command that runs the checks
stop on it; ``wsgi.py`` runs the same test before serving, because gunicorn and other WSGI servers
run no checks. (Management commands run by ``call_command``, as tests do, skip checks by design.)"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

CHECK_ID = "fenxiao.E001"
REFUSAL = (
    "WECHAT_MODE=sandbox with DEBUG off: sandbox WeChat lets anyone log in as anyone and pay for nothing. "
    "Set WECHAT_MODE=live (with the WECHAT_* and WECHATPAY_* settings) for a real shop, or "
    "WECHAT_SANDBOX_ALLOWED=true if this server is meant to be a demo."
)


def sandbox_active() -> bool:
    """Whether WeChat login and payment are faked here (pages show a 沙箱模式 banner when so)."""
    return settings.WECHAT_MODE == "sandbox"


def sandbox_refused() -> bool:
    return sandbox_active() and not settings.DEBUG and not getattr(settings, "WECHAT_SANDBOX_ALLOWED", False)


@checks.register(checks.Tags.security)
def check_sandbox_not_in_production(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    if not sandbox_refused():
        return []
    return [checks.Error(REFUSAL, hint="沙箱模式仅用于开发与演示。", id=CHECK_ID)]


def refuse_unsafe_sandbox() -> None:
    """For entry points that run no system checks (the WSGI application)."""
    if sandbox_refused():
        raise ImproperlyConfigured(REFUSAL)
