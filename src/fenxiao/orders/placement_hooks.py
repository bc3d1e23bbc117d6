"""What a higher layer must write together with every new order, in the order's own transaction:
a hook point (``core.extensions``; orders never imports the layers above it, they register here).

Distribution snapshots the order's referral chain this way rather than after commit: an order
then never exists without its chain (no window in which a rebinding could change who earns), and
the snapshot costs no transaction of its own. A hook that raises fails the placement, so hooks
must be small, idempotent writes."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from fenxiao.core.extensions import HookPoint

if TYPE_CHECKING:
    from fenxiao.orders.models import Order

PlacementHook = Callable[["Order"], None]
placement_hooks: HookPoint[PlacementHook] = HookPoint("orders.placement")
