"""Every row lock accounts takes. A user's address book is changed under the user's row (so two
concurrent requests cannot both pass the limit or both become the default), then the address."""

from __future__ import annotations

from fenxiao.accounts.models import Address, User


def lock_user(user_id: int) -> None:
    User.objects.select_for_update().filter(pk=user_id).values_list("pk", flat=True).first()


def lock_address(*, user: User, address_id: int) -> Address | None:
    """The user's address (``None`` for another user's or a missing one)."""
    return Address.objects.select_for_update().filter(user=user, pk=address_id).first()
