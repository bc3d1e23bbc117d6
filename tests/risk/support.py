"""Building fraud in tests through the real services: a ring of accounts at one address (or on one
device) buying through one distributor."""

from __future__ import annotations

from contextlib import contextmanager

from fenxiao.accounts.models import User
from fenxiao.core.client_context import ClientContext, reset_current_client, set_current_client
from fenxiao.distribution.models import Distributor
from fenxiao.distribution.network.binding import referral_bind
from tests.distribution.support import make_user
from tests.order_support import address_for

RING_DOOR = {"detail": "幸福小区 3 栋 502"}


@contextmanager
def on_device(device_id: str, ip: str = "203.0.113.7"):
    """Act as a client whose requests carry ``X-Device-Id: device_id``."""
    token = set_current_client(ClientContext(device_id=device_id, ip=ip))
    try:
        yield
    finally:
        reset_current_client(token)


def ring_members(distributor: Distributor, count: int, *, prefix: str = "ring") -> list[User]:
    """``count`` accounts at one door, each bound to ``distributor``."""
    members = []
    for i in range(count):
        user = make_user(f"{prefix}{i}")
        user.addresses.all().delete()
        address_for(user, **RING_DOOR)
        referral_bind(user_id=user.id, code=distributor.code, source="link")
        members.append(user)
    return members
