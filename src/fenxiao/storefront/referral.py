"""``?ref=CODE`` on any storefront page binds the visitor to the distributor who shared it
(DESIGN §5), through ``distribution.network.binding.referral_bind`` and so under the platform's policy.

A signed-in shopper is bound at once; an anonymous visitor's code waits in the session and is
bound right after login (``bind_pending_referral``). A code the policy refuses (unknown, own code,
a loop, a suspended distributor) is ignored silently: a share link never breaks the page.

Each arrival also counts as an open of the distributor's link for their insights, once per visitor
per code per local day: the session remembers what it counted today, so a refresh or a second page
with the same ``?ref=`` counts nothing more."""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from fenxiao.core.errors import DomainError
from fenxiao.distribution.insights.opens import share_open_record
from fenxiao.distribution.models import OpenChannel
from fenxiao.distribution.network.binding import referral_bind

logger = logging.getLogger(__name__)

SESSION_KEY = "storefront_ref"
OPENS_KEY = "storefront_ref_opens"  # {"day": "YYYY-MM-DD", "codes": [...]}: counted today
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


def count_open(request: HttpRequest, code: str) -> None:
    """Count this visitor's first arrival today through ``code``; an unknown code counts nothing."""
    code = code.upper()
    today = timezone.localdate().isoformat()
    seen = request.session.get(OPENS_KEY) or {}
    codes = seen.get("codes", []) if seen.get("day") == today else []
    if code in codes:
        return
    with contextlib.suppress(DomainError):  # not a live code: the visit is nobody's open
        share_open_record(code=code, channel=OpenChannel.LINK)
    request.session[OPENS_KEY] = {"day": today, "codes": [*codes, code][-20:]}


class ReferralMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        code = request.GET.get("ref", "").strip()
        if code and request.method == "GET" and not request.path.startswith(SKIPPED_PREFIXES) and CODE.match(code):
            count_open(request, code)
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                bind_referral(user_id=user.pk, code=code)
            else:
                request.session[SESSION_KEY] = code
        return self.get_response(request)
