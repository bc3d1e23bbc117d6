"""``transfer_gateway()``: the live transfer client or the offline sandbox, chosen by
``WECHAT_MODE`` and built once per process and per configuration (the merchant settings of
``wechat.pay.factory`` plus the transfer ones). It lives apart from the types and from both
implementations so that neither needs to know the other (or the chooser)."""

from __future__ import annotations

import json

from django.conf import settings

from fenxiao.integrations.wechat.pay.factory import PerConfiguration, merchant_settings_key
from fenxiao.integrations.wechat.transfer.client import WechatTransferClient
from fenxiao.integrations.wechat.transfer.sandbox import SandboxWechatTransfer
from fenxiao.integrations.wechat.transfer.types import WechatTransferGateway


def _build_transfer_gateway() -> WechatTransferGateway:
    """In live mode it refuses to be built without the merchant keys (``ImproperlyConfigured``)."""
    if settings.WECHAT_MODE == "live":
        return WechatTransferClient.from_settings()
    return SandboxWechatTransfer.from_settings()


_transfer_gateway: PerConfiguration[WechatTransferGateway] = PerConfiguration(
    lambda: (
        *merchant_settings_key(),
        settings.WECHATPAY_TRANSFER_NOTIFY_URL,
        settings.WECHATPAY_TRANSFER_SCENE_ID,
        json.dumps(settings.WECHATPAY_TRANSFER_SCENE_REPORT_INFOS, ensure_ascii=False, sort_keys=True),
        settings.WECHATPAY_TRANSFER_USER_RECV_PERCEPTION,
        str(settings.WECHATPAY_TRANSFER_USER_NAME_MIN_FEN),
    ),
    _build_transfer_gateway,
)


def transfer_gateway() -> WechatTransferGateway:
    """The transfer gateway for the configured mode, built once per process and configuration."""
    return _transfer_gateway.get()


def reset_transfer_gateway() -> None:
    """Forget the cached gateway (tests switch modes and key folders)."""
    _transfer_gateway.reset()
