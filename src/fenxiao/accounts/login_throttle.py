"""The one throttle in front of every staff password check (the operator API's ``staff-login`` and
the admin's login page): after ``STAFF_LOGIN_MAX_FAILURES`` wrong passwords for one username from
one client address within ``STAFF_LOGIN_LOCKOUT_SECONDS``, that pair is refused for the lockout
period, right password or wrong.

An attempt takes its turn before the password is checked, by a conditional ``UPDATE``: thirty
wrong passwords sent at once check at most the allowed few, where counting failures after the
(slow, on purpose) hash would let all thirty through. The pair is the key, so an attacker's
lockout is not the operator's: the right password from another address still works. An IPv6
client counts by its /64, which one household or one server usually holds whole.

The counters live in the database (``LoginThrottle``), not in Redis: the login needs the
database anyway, so this throttle never fails where the login itself would not, and a Redis
outage neither opens it nor answers 500."""

from __future__ import annotations

import ipaddress
import math
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from fenxiao.accounts.models import LoginThrottle
from fenxiao.core.errors import Throttled


def throttle_address(ip: str) -> str:
    """The part of the address that names one client: the address itself, or an IPv6 /64."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip[:64]
    if isinstance(address, ipaddress.IPv6Address):
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def _pair(username: str, ip: str) -> dict[str, str]:
    # Usernames differ by case only in spelling: "Operator" must not buy five more tries.
    return {"username": username.lower()[:150], "address": throttle_address(ip)}


def _limit() -> int:
    return max(1, settings.STAFF_LOGIN_MAX_FAILURES)


def _period() -> timedelta:
    return timedelta(seconds=settings.STAFF_LOGIN_LOCKOUT_SECONDS)


def _refuse(expires_at: datetime | None, now: datetime) -> Throttled:
    remaining = (expires_at - now).total_seconds() if expires_at else settings.STAFF_LOGIN_LOCKOUT_SECONDS
    minutes = max(1, math.ceil(remaining / 60))
    return Throttled("LOGIN_THROTTLED", f"密码错误次数过多，请 {minutes} 分钟后再试")


def login_attempt_begin(*, username: str, ip: str) -> None:
    """Take one attempt for the pair before its password is checked, or raise ``Throttled``.

    Each step is one atomic statement, so concurrent attempts never take more turns than the
    limit: an expired row starts a new window with this attempt; a live one under the limit
    counts it; a missing one is created with it (a lost race to create goes round again)."""
    pair = _pair(username, ip)
    limit = _limit()
    for _ in range(3):
        now = timezone.now()
        rows = LoginThrottle.objects.filter(**pair)
        if rows.filter(expires_at__lte=now).update(attempts=1, expires_at=now + _period()):
            return
        if rows.filter(expires_at__gt=now, attempts__lt=limit).update(attempts=F("attempts") + 1):
            return
        row = rows.values_list("attempts", "expires_at").first()
        if row is not None:
            attempts, expires_at = row
            if attempts >= limit and expires_at > now:
                raise _refuse(expires_at, now)
            continue  # changed between the statements (expired, reset): look again
        try:
            with transaction.atomic():
                LoginThrottle.objects.create(**pair, attempts=1, expires_at=now + _period())
            return
        except IntegrityError:
            continue
    raise _refuse(None, timezone.now())


def login_attempt_failed(*, username: str, ip: str) -> None:
    """The attempt taken was a wrong password. The one that reaches the limit starts the lockout,
    which lasts the whole period from now, as the refusal message promises."""
    now = timezone.now()
    LoginThrottle.objects.filter(**_pair(username, ip), attempts__gte=_limit()).update(expires_at=now + _period())


def login_attempt_succeeded(*, username: str, ip: str) -> None:
    """The right password: the pair starts again from nothing."""
    LoginThrottle.objects.filter(**_pair(username, ip)).delete()


def sweep_login_throttles(*, now: datetime) -> int:
    """Forget windows and lockouts that have ended (a failed attempt leaves its row behind)."""
    deleted, _ = LoginThrottle.objects.filter(expires_at__lte=now).delete()
    return deleted
