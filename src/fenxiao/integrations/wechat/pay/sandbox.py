"""WeChat Pay offline (``WECHAT_MODE=sandbox``): the live client talking to a local stand-in of
WeChat's API (``sandbox_server.SandboxPayServer``) through an httpx transport, so the sandbox
exercises the same request signing, answer verification and notification decryption as
production; only the keys differ.

At first start the sandbox makes a throwaway merchant key, a "WeChat Pay" key pair (public-key
mode) and a random 32-character APIv3 key, and keeps them under ``var/wechatpay-sandbox/`` (mode
0600) so every worker process and every restart uses the same ones (``sandbox_keys``).

Paying happens when someone asks (``complete_payment``, behind the sandbox endpoint); a refund is
accepted as PROCESSING and its REFUND.SUCCESS notification is handed to the sink the payments app
registers, after the caller's transaction commits, as WeChat would deliver it a moment later."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from django.conf import settings
from django.db import transaction

from fenxiao.integrations.wechat.pay.client import WechatPayClient
from fenxiao.integrations.wechat.pay.crypto import MerchantSigner
from fenxiao.integrations.wechat.pay.sandbox_keys import SandboxKeys, sandbox_dir
from fenxiao.integrations.wechat.pay.sandbox_server import SandboxPayServer
from fenxiao.integrations.wechat.pay.signatures import PayKeyring
from fenxiao.integrations.wechat.pay.types import RefundState, SignedMessage

logger = logging.getLogger(__name__)

SANDBOX_BASE_URL = "https://wechatpay.sandbox.invalid"
SANDBOX_MCHID = "1900000109"
SANDBOX_APPID = "wx-sandbox"

NotificationSink = Callable[[SignedMessage], None]
_sink: NotificationSink | None = None


def set_notification_sink(sink: NotificationSink | None) -> None:
    """Where the sandbox delivers notifications it sends on its own (refund results): the payments
    app registers its notification handler here, playing the part of the notify URL."""
    global _sink
    _sink = sink


def sandbox_merchant_credentials(
    keys: SandboxKeys, *, mchid: str, appid: str, handle: Callable[[httpx.Request], httpx.Response]
) -> dict[str, Any]:
    """The sandbox clients (payments, transfers) sign with the throwaway merchant key, trust the
    throwaway "WeChat Pay" key, and talk to the fake server ``handle`` instead of the network."""
    return {
        "mchid": mchid,
        "appid": appid,
        "signer": MerchantSigner(mchid=mchid, serial_no=keys.merchant_serial, private_key=keys.merchant_key),
        "keyring": PayKeyring.build({keys.public_key_id: keys.wechatpay_key.public_key()}),
        "api_v3_key": keys.api_v3_key,
        "public_key_id": keys.public_key_id,
        "base_url": SANDBOX_BASE_URL,
        "transport": httpx.MockTransport(handle),
    }


class SandboxWechatPay(WechatPayClient):
    """The live client, wired to ``SandboxPayServer`` instead of api.mch.weixin.qq.com."""

    mode = "sandbox"

    def __init__(self, *, keys: SandboxKeys, folder: Path, mchid: str = SANDBOX_MCHID, appid: str = SANDBOX_APPID):
        self.keys = keys
        self.server = SandboxPayServer(keys=keys, mchid=mchid, appid=appid, folder=folder)
        super().__init__(
            **sandbox_merchant_credentials(keys, mchid=mchid, appid=appid, handle=self.server.handle),
            notify_url="https://sandbox.invalid/api/v1/payments/wechat/notify",
            refund_notify_url="https://sandbox.invalid/api/v1/payments/wechat/refund-notify",
        )

    @classmethod
    def from_settings(cls) -> SandboxWechatPay:  # type: ignore[override]
        folder = sandbox_dir()
        return cls(
            keys=SandboxKeys.load_or_create(folder),
            folder=folder,
            mchid=settings.WECHATPAY_MCHID or SANDBOX_MCHID,
            appid=settings.WECHATPAY_APPID or SANDBOX_APPID,
        )

    def complete_payment(
        self, out_trade_no: str, *, timestamp: int | None = None, racing_close: bool = False
    ) -> SignedMessage:
        """Play the buyer confirming payment in WeChat; returns the notification WeChat would post
        (``racing_close``: even though the trade was just closed, see ``SandboxPayServer.pay``)."""
        return self.server.pay(out_trade_no, timestamp=timestamp, racing_close=racing_close)

    def create_refund(
        self, *, out_trade_no: str, out_refund_no: str, reason: str, refund_fen: int, total_fen: int
    ) -> RefundState:
        state = super().create_refund(
            out_trade_no=out_trade_no,
            out_refund_no=out_refund_no,
            reason=reason,
            refund_fen=refund_fen,
            total_fen=total_fen,
        )
        self._deliver_outbox()
        return state

    def _deliver_outbox(self) -> None:
        for message in self.server.take_outbox():
            # After the caller's transaction commits, as a real notification arrives after the answer.
            transaction.on_commit(lambda message=message: _deliver(message))


def _deliver(message: SignedMessage) -> None:
    if _sink is None:
        logger.warning("wechatpay sandbox: no notification sink registered; notification dropped")
        return
    try:
        _sink(message)
    except Exception:  # WeChat would retry; the refund sweep's query catches up instead
        logger.exception("wechatpay sandbox: notification delivery failed")


# WeChat retries a notification its notify URL did not acknowledge; the sandbox tries a few times
# within half a minute (the payment-query sweep catches up after that, as in production).
POST_RETRY_DELAYS = (0.5, 1.0, 2.0, 4.0, 8.0, 15.0)


def post_notification(url: str, message: SignedMessage) -> threading.Thread:
    """Deliver ``message`` the way WeChat does: an HTTP POST to the merchant's public notify URL,
    from outside the request that made it (so it reaches whichever app node the load balancer
    picks), retried until a 2xx. Returns at once; the thread is returned for callers that wait."""

    def deliver() -> None:
        for attempt, delay in enumerate((0.0, *POST_RETRY_DELAYS)):
            time.sleep(delay)
            try:
                answer = httpx.post(
                    url,
                    content=message.body,
                    headers={**message.headers, "Content-Type": "application/json"},
                    timeout=10.0,
                )
            except httpx.HTTPError as exc:
                logger.warning("wechatpay sandbox: notify POST %s failed (attempt %d): %s", url, attempt + 1, exc)
                continue
            if answer.is_success:
                return
            logger.warning(
                "wechatpay sandbox: notify POST %s answered %d (attempt %d)", url, answer.status_code, attempt + 1
            )
        logger.error("wechatpay sandbox: notify POST %s gave up; the payment-query sweep will catch up", url)

    thread = threading.Thread(target=deliver, name="wechatpay-sandbox-notify", daemon=True)
    thread.start()
    return thread
