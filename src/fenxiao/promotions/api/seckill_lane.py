"""The seckill crowd's own lane, in front of Django (issue 22).

In a flash sale about 95 % of the requests to ``POST /api/v1/seckill/{id}/orders`` are refusals
(sold out, limit reached) that need only two facts: who is asking (the access token's signature and
expiry, no database) and what the Redis gate says. Through Django's request cycle, even on the API's
lane, a refusal pays for the request object, URL resolution, the middleware layers and Ninja's
parsing: several times the cost of the gate itself, and that, not Redis, capped the sale at about
a third of what the server can answer.

``SeckillLane`` wraps the WSGI application. For that one route, with a well-formed bearer access
token and a well-formed body, it asks the gate (the same Lua script and the same codes as
``seckill_buy``) and answers a refusal itself, byte for byte as Django would (``error_response``,
the security headers, ``X-Request-ID``, the /metrics counters). A shopper the gate lets through is
handed to Django unchanged, with the unit already taken: the token that took it rides in the WSGI
environ under ``TAKEN_TOKEN`` (a key no client can set: clients only reach ``HTTP_*``), and the
buy view hands it to ``seckill_buy``, which then does exactly what it does after its own take. If
nothing took the token over (Django answered before the view: a bad body, a redirect), the lane
gives the unit back.

Once the gate has answered "sold out", the process remembers it for ``SECKILL_SOLD_OUT_MEMO_MS``
(1 s by default; 0 turns it off) and refuses that activity's crowd without asking Redis again,
as the big flash-sale systems keep a local sold-out flag: after the sell-out nearly every request
is such a refusal, and the Redis round trip is most of its cost. The gate and the database stay
the authority over every unit; the memo only means a unit given back (an unpaid order cancelled)
or added by the operator reaches the crowd up to that long later, and that a shopper who already
holds the limit hears "sold out" rather than "limit reached" meanwhile.

Everything unusual goes to Django as before: no Redis, an unseeded gate (Django seeds it), a bad
or expired token (401), a body the schema refuses (422), a request that must be redirected to
HTTPS, Redis failing (the database decides alone). The rules stay in the gate's Lua and the
services; the lane only decides which path a request takes."""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Callable, Iterable
from functools import lru_cache
from io import BytesIO
from typing import Any

import redis
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.security import SecurityMiddleware
from django.urls import resolve
from django.utils import timezone
from pydantic import ValidationError

from fenxiao.accounts.tokens import TokenClaims, token_decode
from fenxiao.core.api_lane import with_content_length
from fenxiao.core.errors import Unauthorized
from fenxiao.core.observability import metrics
from fenxiao.core.observability.metrics import HTTP_REQUEST_SECONDS
from fenxiao.core.observability.request_id import HEADER as REQUEST_ID_HEADER
from fenxiao.core.observability.request_id import META_KEY as REQUEST_ID_META
from fenxiao.core.observability.request_id import new_request_id, sane_request_id
from fenxiao.core.web_api import error_response
from fenxiao.promotions.api.seckill import TAKEN_TOKEN, SeckillBuyIn
from fenxiao.promotions.seckill import gate
from fenxiao.promotions.seckill.activities import epoch_ms
from fenxiao.promotions.seckill.gate import Gate
from fenxiao.promotions.seckill.purchases import GATE_REFUSALS, gate_finish_quietly

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

BUY_PATH = re.compile(r"/api/v1/seckill/([0-9]{1,18})/orders")
BEARER = "Bearer "
# The buy body is an address id and a remark: anything larger goes to Django, which reads it
# with its own limits and answers it as it always has.
MAX_BODY_BYTES = 4096


def _claims(environ: dict[str, Any]) -> TokenClaims | None:
    header = environ.get("HTTP_AUTHORIZATION", "")
    if not header.startswith(BEARER):
        return None
    token = header[len(BEARER) :]
    if not token or " " in token:
        return None
    try:
        return token_decode(token, expected_type="access")
    except Unauthorized:
        return None  # Django answers 401 with the reason


def _body(environ: dict[str, Any]) -> bytes | None:
    """The body if the buy schema accepts it, put back for Django to read again; None otherwise.
    A NUL anywhere is left to the input guard."""
    if environ.get("CONTENT_TYPE", "").split(";", 1)[0].strip() != "application/json":
        return None
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    if not 0 < length <= MAX_BODY_BYTES:
        return None
    body = environ["wsgi.input"].read(length)
    environ["wsgi.input"] = BytesIO(body)
    if len(body) != length or not body.lstrip().startswith(b"{") or b"\x00" in body or b"\\u0000" in body:
        return None  # not an object (Ninja's schemas accept any JSON), or a NUL for the input guard
    try:
        SeckillBuyIn.model_validate_json(body)
    except ValidationError:
        return None
    return body


@lru_cache(maxsize=1)
def _route() -> str:
    """The URL pattern /metrics labels the buy route with, as ``RequestMetricsMiddleware`` would."""
    return resolve("/api/v1/seckill/1/orders").route


@lru_cache(maxsize=16)
def _refusal(code: Gate, secure: bool) -> tuple[str, list[tuple[str, str]], bytes]:
    """Status line, headers and body of a refusal, made once by the same code Django's path uses:
    the API's error response, then the security middleware's headers for this settings module."""
    error, message = GATE_REFUSALS[code]
    response = with_content_length(error_response(409, error, message))
    request = _FixedSecurity(secure)
    SecurityMiddleware(lambda _: HttpResponse()).process_response(request, response)  # type: ignore[arg-type]
    status = f"{response.status_code} {response.reason_phrase}"
    headers = [(k, v) for k, v in response.items()]
    return status, headers, response.content


class _Secure(HttpRequest):
    """Just enough of a request for Django's own ``is_secure`` (the proxy header setting, else the
    WSGI scheme), without building a ``WSGIRequest``."""

    def __init__(self, environ: dict[str, Any]):
        self.META = environ

    def _get_scheme(self) -> str:
        return self.META.get("wsgi.url_scheme", "http")


class SoldOutMemo:
    """Activities this process heard "sold out" for from the gate, until when (monotonic seconds)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self.clock = clock
        self._until: dict[int, float] = {}

    def holds(self, activity_id: int) -> bool:
        until = self._until.get(activity_id)
        return until is not None and self.clock() < until

    def remember(self, activity_id: int) -> None:
        ttl = settings.SECKILL_SOLD_OUT_MEMO_MS / 1000
        if ttl <= 0:
            return
        now = self.clock()
        if len(self._until) > 1000:  # activities that ended long ago
            self._until = {k: v for k, v in self._until.items() if v > now}
        self._until[activity_id] = now + ttl


class _FixedSecurity:
    """What ``SecurityMiddleware.process_response`` asks of a request: only whether it is secure."""

    def __init__(self, secure: bool):
        self.secure = secure

    def is_secure(self) -> bool:
        return self.secure


class SeckillLane:
    def __init__(self, app: WSGIApp, sold_out: SoldOutMemo | None = None):
        self.app = app
        self.sold_out = sold_out or SoldOutMemo()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") != "POST":
            return self.app(environ, start_response)
        match = BUY_PATH.fullmatch(environ.get("PATH_INFO", ""))
        if match is None or not gate.enabled():
            return self.app(environ, start_response)
        return self._buy(int(match[1]), environ, start_response)

    def _buy(self, activity_id: int, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        started = time.perf_counter()
        claims = _claims(environ)
        if claims is None or _body(environ) is None:
            return self.app(environ, start_response)
        secure = _Secure(environ).is_secure()
        if settings.SECURE_SSL_REDIRECT and not secure:
            return self.app(environ, start_response)  # Django redirects it
        token = secrets.token_urlsafe(12)
        user_id = claims.user_id
        if self.sold_out.holds(activity_id):
            code = Gate.SOLD_OUT
        else:
            try:
                code = gate.gate_take(
                    activity_id=activity_id, user_id=user_id, now_ms=epoch_ms(timezone.now()), token=token
                )
            except redis.RedisError:
                # A take whose answer was lost may have taken a unit: Django's path ends this token
                # (as ``seckill_buy`` does after a failed take of its own) while the database decides.
                code = Gate.TAKEN
            if code == Gate.SOLD_OUT:
                self.sold_out.remember(activity_id)
        if code == Gate.NOT_SEEDED:
            return self.app(environ, start_response)  # Django seeds the gate from the database
        if code == Gate.TAKEN:
            return self._hand_on(activity_id, user_id, token, environ, start_response)
        metrics.seckill_refused(reason=GATE_REFUSALS[code][0])
        status, headers, body = _refusal(code, secure)
        request_id = sane_request_id(environ.get(REQUEST_ID_META)) or new_request_id()
        start_response(status, [*headers, (REQUEST_ID_HEADER, request_id)])
        HTTP_REQUEST_SECONDS.labels("POST", _route(), "4xx").observe(time.perf_counter() - started)
        return [body]

    def _hand_on(
        self, activity_id: int, user_id: int, token: str, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        environ[TAKEN_TOKEN] = token
        try:
            return self.app(environ, start_response)
        finally:
            if environ.pop(TAKEN_TOKEN, None) is not None:
                # Nothing took the unit over: Django answered before the buy view ran.
                gate_finish_quietly(activity_id=activity_id, user_id=user_id, token=token, give_back=True)
