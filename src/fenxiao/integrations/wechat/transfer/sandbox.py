"""Merchant transfer offline (``WECHAT_MODE=sandbox``): the live transfer client talking to a local
stand-in of WeChat's transfer API through an httpx transport, with the payment sandbox's throwaway
keys, so requests are signed, answers verified, the payee's name encrypted and notifications
encrypted and signed exactly as in production.

WeChat's side is ``sandbox_server.SandboxTransferServer``; bills live in
``var/wechatpay-sandbox/transfers/`` so every worker sees the same bill. A create answers
WAIT_USER_CONFIRM with a package_info; the payee's side is played by ``sandbox_controls``
(``sandbox_transfer_confirm`` → SUCCESS, ``sandbox_transfer_fail`` → FAIL). A cancel answers
CANCELING and the bill is CANCELLED right after. Each final state sends a MCHTRANSFER.BILL.FINISHED
notification to the sink registered with ``set_transfer_notification_sink`` (the app's handler
plays the notify URL), after the caller's transaction commits."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import transaction

from fenxiao.integrations.wechat.pay.sandbox import SANDBOX_APPID, SANDBOX_MCHID, sandbox_merchant_credentials
from fenxiao.integrations.wechat.pay.sandbox_keys import SandboxKeys, sandbox_dir
from fenxiao.integrations.wechat.pay.types import SignedMessage
from fenxiao.integrations.wechat.transfer.client import WechatTransferClient
from fenxiao.integrations.wechat.transfer.config import scene_report_infos_from_settings
from fenxiao.integrations.wechat.transfer.sandbox_server import SandboxTransferServer
from fenxiao.integrations.wechat.transfer.types import TransferBill

logger = logging.getLogger(__name__)

SANDBOX_TRANSFER_NOTIFY_URL = "https://sandbox.invalid/api/v1/distribution/wechat/transfer-notify"

TransferNotificationSink = Callable[[SignedMessage], None]
_sink: TransferNotificationSink | None = None


def set_transfer_notification_sink(sink: TransferNotificationSink | None) -> None:
    """Where the sandbox delivers MCHTRANSFER.BILL.FINISHED notifications: the app that pays out
    registers its notification handler here (in ``AppConfig.ready``), playing the notify URL."""
    global _sink
    _sink = sink


class SandboxWechatTransfer(WechatTransferClient):
    """The live transfer client, wired to ``SandboxTransferServer`` instead of WeChat."""

    mode = "sandbox"

    def __init__(
        self,
        *,
        keys: SandboxKeys,
        folder: Path,
        mchid: str = SANDBOX_MCHID,
        appid: str = SANDBOX_APPID,
        transfer_notify_url: str = SANDBOX_TRANSFER_NOTIFY_URL,
        scene_id: str = "1005",
        scene_report_infos: list[dict[str, str]] | None = None,
        user_recv_perception: str = "",
        user_name_min_fen: int = 200_000,
    ):
        self.keys = keys
        self.server = SandboxTransferServer(
            keys=keys, mchid=mchid, appid=appid, folder=folder, user_name_min_fen=user_name_min_fen
        )
        super().__init__(
            transfer_notify_url=transfer_notify_url,
            scene_id=scene_id,
            scene_report_infos=scene_report_infos
            if scene_report_infos is not None
            else scene_report_infos_from_settings(),
            user_recv_perception=user_recv_perception,
            user_name_min_fen=user_name_min_fen,
            encryption_key=(keys.public_key_id, keys.wechatpay_key.public_key()),
            **sandbox_merchant_credentials(keys, mchid=mchid, appid=appid, handle=self.server.handle),
        )

    @classmethod
    def from_settings(cls) -> SandboxWechatTransfer:  # type: ignore[override]
        folder = sandbox_dir()
        return cls(
            keys=SandboxKeys.load_or_create(folder),
            folder=folder,
            mchid=settings.WECHATPAY_MCHID or SANDBOX_MCHID,
            appid=settings.WECHATPAY_APPID or SANDBOX_APPID,
            transfer_notify_url=settings.WECHATPAY_TRANSFER_NOTIFY_URL or SANDBOX_TRANSFER_NOTIFY_URL,
            scene_id=settings.WECHATPAY_TRANSFER_SCENE_ID,
            scene_report_infos=scene_report_infos_from_settings(),
            user_recv_perception=settings.WECHATPAY_TRANSFER_USER_RECV_PERCEPTION,
            user_name_min_fen=settings.WECHATPAY_TRANSFER_USER_NAME_MIN_FEN,
        )

    def cancel_transfer_bill(self, out_bill_no: str) -> TransferBill:
        bill = super().cancel_transfer_bill(out_bill_no)
        for message in self.server.take_outbox():
            _deliver_after_commit(message)
        return bill

    def _settle(self, out_bill_no: str, *, state: str, fail_reason: str = "") -> TransferBill:
        record, message = self.server.settle(out_bill_no, state=state, fail_reason=fail_reason)
        if message is not None:
            _deliver_after_commit(message)
        return TransferBill.from_wechat(self.server.query_view(record))


def _deliver_after_commit(message: SignedMessage) -> None:
    # A real notification arrives after the answer, so never inside the caller's transaction; with
    # no transaction open it goes at once (and no database connection is needed to know that).
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: _deliver(message))
    else:
        _deliver(message)


def _deliver(message: SignedMessage) -> None:
    if _sink is None:
        logger.warning("wechatpay sandbox: no transfer notification sink registered; notification dropped")
        return
    try:
        _sink(message)
    except Exception:  # WeChat would retry; the caller's query sweep catches up instead
        logger.exception("wechatpay sandbox: transfer notification delivery failed")
