from __future__ import annotations

from django.db.models import QuerySet

from fenxiao.accounts.models import Address, User
from fenxiao.core.errors import NotFound


def address_list(*, user: User) -> QuerySet[Address]:
    return Address.objects.filter(user=user).order_by("-is_default", "-updated_at", "-id")


def address_get(*, user: User, address_id: int) -> Address:
    """Another user's address is "not found": never confirm it exists."""
    address = Address.objects.filter(user=user, pk=address_id).first()
    if address is None:
        raise NotFound("ADDRESS_NOT_FOUND", "收货地址不存在")
    return address
