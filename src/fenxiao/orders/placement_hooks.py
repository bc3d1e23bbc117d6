"""What a higher layer must write together with every new order, in the order's own transaction
(DESIGN §2: orders never imports the layers above it; they register here).

Distribution snapshots the order's referral chain this way rather than after commit: an order
then never exists without its chain (no window in which a rebinding could change who earns), and
the snapshot costs no transaction of its own. A hook that raises fails the placement, so hooks
must be small, idempotent writes."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fenxiao.orders.models import Order

PlacementHook = Callable[["Order"], None]
_hooks: dict[str, PlacementHook] = {}


def register_placement_hook(name: str, hook: PlacementHook) -> None:
    _hooks[name] = hook


def unregister_placement_hook(name: str) -> None:
    _hooks.pop(name, None)


def placement_hooks() -> list[PlacementHook]:
    return list(_hooks.values())
