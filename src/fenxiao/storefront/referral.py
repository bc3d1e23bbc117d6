"""``?ref=CODE`` on any storefront page binds the visitor to the distributor who shared it
(DESIGN §5), through ``distribution.network.binding.referral_bind`` and so under the platform's policy.

A signed-in shopper is bound at once; an anonymous visitor's code waits in the session and is
bound right after login (``bind_pending_referral``). A code the policy refuses (unknown, own code,
a loop, a suspended distributor) is ignored silently: a share link never breaks the page."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from fenxiao.core.errors import DomainError
from fenxiao.distribution.network.binding import referral_bind

logger = logging.getLogger(__name__)

SESSION_KEY = "storefront_ref"
# Distributor codes are short upper-case letters and digits; anything else is not worth a query.
CODE = re.compile(r"^[A-Za-z0-9]{1,16}$")
SKIPPED_PREFIXES = ("/api/", "/admin/", "/static/", "/media/")


def bind_referral(*, user_id: int, code: str, source: str = "link") -> str | None:
    """Bind and answer the outcome's status, or None when the code was refused."""
    try:
        return referral_bind(user_id=user_id, code=code, source=source).status
    except DomainError as exc:
        logger.info("storefront: referral %r not bound for user %s: %s", code, user_id, exc.code)
        return None


def bind_pending_referral(request: HttpRequest) -> str | None:
    """Right after login: the code the visitor arrived with, if any."""
    code = request.session.pop(SESSION_KEY, None)
    if not code or not request.user.is_authenticated:
        return None
    return bind_referral(user_id=request.user.pk, code=code)


class ReferralMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        code = request.GET.get("ref", "").strip()
        if code and request.method == "GET" and not request.path.startswith(SKIPPED_PREFIXES) and CODE.match(code):
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                bind_referral(user_id=user.pk, code=code)
            else:
                request.session[SESSION_KEY] = code
        return self.get_response(request)
