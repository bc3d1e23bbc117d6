"""``pay_gateway()``: the live client or the offline sandbox, chosen by ``WECHAT_MODE`` and built
once per process and per configuration. It lives apart from the types and from both
implementations so that neither implementation needs to know the other (or the chooser).

``PerConfiguration`` and ``merchant_settings_key`` are shared with the transfer factory: both
clients are built from the same merchant settings."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Generic, TypeVar

from django.conf import settings

from fenxiao.integrations.wechat.pay.client import WechatPayClient
from fenxiao.integrations.wechat.pay.sandbox import SandboxWechatPay
from fenxiao.integrations.wechat.pay.types import WechatPayGateway

T = TypeVar("T")


class PerConfiguration(Generic[T]):
    """A client built once per process and per configuration: ``build()`` runs again only when
    ``key()`` (the settings it depends on; secrets as a digest) changes, so a rotated key takes
    effect without a restart and tests can switch modes."""

    def __init__(self, key: Callable[[], tuple[str, ...]], build: Callable[[], T]):
        self._key = key
        self._build = build
        self._value: T | None = None
        self._built_for: tuple[str, ...] | None = None

    def get(self) -> T:
        key = self._key()
        if self._value is None or self._built_for != key:
            self._value = self._build()
            self._built_for = key
        return self._value

    def reset(self) -> None:
        self._value = None
        self._built_for = None


def merchant_settings_key() -> tuple[str, ...]:
    """The merchant settings every WeChat Pay client (payments, transfers) is built from."""
    secret = "|".join([settings.WECHATPAY_PRIVATE_KEY, settings.WECHATPAY_APIV3_KEY, settings.WECHATPAY_PUBLIC_KEY])
    return (
        settings.WECHAT_MODE,
        settings.WECHATPAY_MCHID,
        settings.WECHATPAY_APPID,
        settings.WECHATPAY_SERIAL_NO,
        settings.WECHATPAY_PRIVATE_KEY_FILE,
        settings.WECHATPAY_PUBLIC_KEY_FILE,
        settings.WECHATPAY_PUBLIC_KEY_ID,
        settings.WECHATPAY_PLATFORM_CERTS_DIR,
        settings.WECHATPAY_API_BASE,
        str(getattr(settings, "WECHATPAY_SANDBOX_DIR", "")),
        str(settings.WECHAT_HTTP_TIMEOUT),
        hashlib.sha256(secret.encode()).hexdigest(),
    )


def _build_pay_gateway() -> WechatPayGateway:
    if settings.WECHAT_MODE == "live":
        return WechatPayClient.from_settings()
    return SandboxWechatPay.from_settings()


_pay_gateway: PerConfiguration[WechatPayGateway] = PerConfiguration(
    lambda: (*merchant_settings_key(), settings.WECHATPAY_NOTIFY_URL, settings.WECHATPAY_REFUND_NOTIFY_URL),
    _build_pay_gateway,
)


def pay_gateway() -> WechatPayGateway:
    """The gateway for the configured mode, built once per process and per configuration."""
    return _pay_gateway.get()


def reset_pay_gateway() -> None:
    """Forget the cached gateway (tests switch modes and key folders)."""
    _pay_gateway.reset()
