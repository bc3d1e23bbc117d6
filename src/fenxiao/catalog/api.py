"""Shopper catalogue: ``/api/v1/categories`` and ``/api/v1/products``."""

from __future__ import annotations

from ninja import Router


def _placeholder() -> None:  # replaced below
    pass


router = Router(tags=["catalog"])
