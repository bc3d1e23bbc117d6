from __future__ import annotations

from ninja import Router

from fenxiao.accounts.auth import staff_auth

router = Router(tags=["operator"], auth=staff_auth)
