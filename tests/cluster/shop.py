"""A shopper and an operator over HTTP (httpx), as the mini-program and the admin talk to the
cluster: through nginx or, where a check needs it, straight to one node."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field

import httpx

API = "/api/v1"


@dataclass
class Shopper:
    base: str
    token: str
    client: httpx.Client = field(default_factory=lambda: httpx.Client(timeout=30))

    def at(self, base: str) -> Shopper:
        """The same shopper talking to another address (another node, or nginx)."""
        return Shopper(base=base, token=self.token, client=self.client)

    def _headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", **(extra or {})}

    def get(self, path: str, **params) -> httpx.Response:
        return self.client.get(f"{self.base}{API}{path}", params=params, headers=self._headers())

    def post(self, path: str, body: dict | None = None, headers: dict[str, str] | None = None) -> httpx.Response:
        return self.client.post(f"{self.base}{API}{path}", json=body or {}, headers=self._headers(headers))

    def place_order(self, *, sku_id: int, quantity: int, address_id: int, key: str | None = None) -> httpx.Response:
        return self.post(
            "/orders",
            {"lines": [{"sku_id": sku_id, "quantity": quantity}], "address_id": address_id},
            headers={"Idempotency-Key": key or str(uuid.uuid4())},
        )

    def pay(self, order_no: str) -> httpx.Response:
        """The sandbox's "the buyer paid in WeChat": WeChat then POSTs the notification to nginx."""
        return self.post(f"/sandbox/payments/{order_no}/succeed")

    def wait_paid(self, order_id: int, timeout: float = 30.0) -> str:
        """Poll the order as the buyer's page does after wx.requestPayment, until it is paid."""
        deadline = time.monotonic() + timeout
        status = ""
        while time.monotonic() < deadline:
            status = self.get(f"/orders/{order_id}").json()["status"]
            if status != "pending_payment":
                return status
            time.sleep(0.2)
        return status


def login(base: str, code: str) -> Shopper:
    answer = httpx.post(f"{base}{API}/auth/wechat-login", json={"code": f"sandbox-{code}"}, timeout=30)
    answer.raise_for_status()
    return Shopper(base=base, token=answer.json()["access"])


def staff_login(base: str, username: str = "admin", password: str = "fenxiao-demo") -> Shopper:
    answer = httpx.post(f"{base}{API}/auth/staff-login", json={"username": username, "password": password}, timeout=30)
    answer.raise_for_status()
    return Shopper(base=base, token=answer.json()["access"])
