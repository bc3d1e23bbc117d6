"""Live merchant transfer refuses to start without its settings (notify URL, scene, report items)
or to be built without the merchant keys, and a caller can ask beforehand what is missing."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from fenxiao.integrations.wechat.transfer.config import transfer_settings_missing
from fenxiao.integrations.wechat.transfer.factory import transfer_gateway
from tests.integrations.transfer_support import (
    BILLS,
    create,
    created,
)


@pytest.mark.parametrize(
    ("setting", "value", "named"),
    [
        ("WECHATPAY_TRANSFER_NOTIFY_URL", "", "WECHATPAY_TRANSFER_NOTIFY_URL"),
        ("WECHATPAY_TRANSFER_NOTIFY_URL", "http://mall.example.com/notify", "WECHATPAY_TRANSFER_NOTIFY_URL"),
        ("WECHATPAY_TRANSFER_SCENE_ID", "", "WECHATPAY_TRANSFER_SCENE_ID"),
        ("WECHATPAY_TRANSFER_SCENE_REPORT_INFOS", [], "WECHATPAY_TRANSFER_SCENE_REPORT_INFOS"),
    ],
)
def test_live_mode_refuses_to_start_a_transfer_without_its_settings(live_transfer, settings, setting, value, named):
    route = live_transfer.post(BILLS).mock(return_value=created())
    setattr(settings, setting, value)

    with pytest.raises(ImproperlyConfigured, match=named):
        create()

    assert not route.called


def test_what_keeps_payouts_from_starting_can_be_asked_beforehand(live_transfer, settings):
    assert transfer_settings_missing() == []

    settings.WECHATPAY_TRANSFER_NOTIFY_URL = ""
    settings.WECHATPAY_TRANSFER_SCENE_REPORT_INFOS = []

    assert transfer_settings_missing() == [
        "WECHATPAY_TRANSFER_NOTIFY_URL (https, no query string)",
        "WECHATPAY_TRANSFER_SCENE_REPORT_INFOS",
    ]
    settings.WECHAT_MODE = "sandbox"
    assert transfer_settings_missing() == [], "the sandbox needs no transfer settings"


@pytest.mark.parametrize(
    ("setting", "named"),
    [
        ("WECHATPAY_MCHID", "WECHATPAY_MCHID"),
        ("WECHATPAY_PRIVATE_KEY", "WECHATPAY_PRIVATE_KEY"),
        ("WECHATPAY_APIV3_KEY", "WECHATPAY_APIV3_KEY"),
        ("WECHATPAY_PUBLIC_KEY_ID", "WECHATPAY_PUBLIC_KEY_ID"),
    ],
)
def test_live_mode_refuses_to_build_without_the_merchant_keys(live_transfer, settings, setting, named):
    setattr(settings, setting, "")

    with pytest.raises(ImproperlyConfigured, match=named):
        transfer_gateway()
