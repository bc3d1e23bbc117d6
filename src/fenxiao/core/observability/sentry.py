"""Optional error reporting to Sentry (or a self-hosted Sentry / GlitchTip): ``SENTRY_DSN`` set
turns it on, in the web processes (Django) and the workers (Celery); unset, nothing is loaded
and nothing leaves the machine.

What leaves is the error and its stack, never a person's data: no default PII (no user, no IP),
no local variables of the frames (they hold phone numbers, addresses, tokens), and ``scrub``
removes the request's headers (``Authorization``, cookies), body and query string, and masks
anything that looks like a mainland mobile number in the texts that remain."""

from __future__ import annotations

import os
import re
from typing import Any

MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
MASK = "1**********"
REQUEST_KEYS_DROPPED = ("headers", "cookies", "data", "query_string", "env")


def _mask(value: Any) -> Any:
    return MOBILE.sub(MASK, value) if isinstance(value, str) else value


def scrub(event: dict[str, Any], hint: dict[str, Any] | None = None) -> dict[str, Any]:
    """``before_send``: the event without what could identify a shopper or open an account."""
    request = event.get("request")
    if isinstance(request, dict):
        for key in REQUEST_KEYS_DROPPED:
            request.pop(key, None)
        if "url" in request:
            request["url"] = _mask(request["url"])
    event.pop("user", None)
    if "message" in event:
        event["message"] = _mask(event["message"])
    logentry = event.get("logentry")
    if isinstance(logentry, dict):
        for key in ("message", "formatted"):
            if key in logentry:
                logentry[key] = _mask(logentry[key])
        logentry.pop("params", None)
    for exception in (event.get("exception") or {}).get("values") or []:
        if isinstance(exception, dict) and "value" in exception:
            exception["value"] = _mask(exception["value"])
    breadcrumbs = event.get("breadcrumbs")
    crumbs = breadcrumbs.get("values", []) if isinstance(breadcrumbs, dict) else breadcrumbs or []
    for crumb in crumbs:
        if isinstance(crumb, dict):
            crumb["message"] = _mask(crumb.get("message"))
            crumb.pop("data", None)
    return event


def sentry_init() -> bool:
    """Called by the settings module. True when Sentry was turned on."""
    dsn = os.environ.get("SENTRY_DSN", "")
    if not dsn:
        return False
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        include_local_variables=False,
        environment=os.environ.get("SENTRY_ENVIRONMENT") or "production",
        release=os.environ.get("SENTRY_RELEASE") or None,
        traces_sample_rate=float(os.environ.get("SENTRY_TRACES_SAMPLE_RATE") or 0),
        before_send=scrub,
    )
    return True
