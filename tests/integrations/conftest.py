"""Fixtures for the WeChat integration tests."""

from __future__ import annotations

import pytest
import respx

from fenxiao.integrations.wechat.transfer.factory import reset_transfer_gateway
from tests.integrations.transfer_support import REPORT_INFOS, TRANSFER_NOTIFY_URL
from tests.payments import support


@pytest.fixture
def live_transfer(settings):
    """Live mode in public-key mode, WeChat faked at the transport; unplanned calls fail."""
    settings.WECHAT_MODE = "live"
    settings.WECHATPAY_MCHID = support.MCHID
    settings.WECHATPAY_APPID = support.APPID
    settings.WECHATPAY_SERIAL_NO = support.MERCHANT_SERIAL
    settings.WECHATPAY_PRIVATE_KEY = support.private_pem(support.merchant_key())
    settings.WECHATPAY_PRIVATE_KEY_FILE = ""
    settings.WECHATPAY_APIV3_KEY = support.APIV3_KEY
    settings.WECHATPAY_PUBLIC_KEY = support.public_pem(support.wechat_key())
    settings.WECHATPAY_PUBLIC_KEY_FILE = ""
    settings.WECHATPAY_PUBLIC_KEY_ID = support.PUBLIC_KEY_ID
    settings.WECHATPAY_PLATFORM_CERTS_DIR = ""
    settings.WECHATPAY_API_BASE = support.LIVE_BASE
    settings.WECHATPAY_TRANSFER_NOTIFY_URL = TRANSFER_NOTIFY_URL
    settings.WECHATPAY_TRANSFER_SCENE_ID = "1005"
    settings.WECHATPAY_TRANSFER_SCENE_REPORT_INFOS = REPORT_INFOS
    settings.WECHATPAY_TRANSFER_USER_RECV_PERCEPTION = "劳务报酬"
    settings.WECHATPAY_TRANSFER_USER_NAME_MIN_FEN = 200_000
    reset_transfer_gateway()
    with respx.mock(base_url=support.LIVE_BASE, assert_all_called=False, assert_all_mocked=True) as router:
        yield router
    reset_transfer_gateway()
