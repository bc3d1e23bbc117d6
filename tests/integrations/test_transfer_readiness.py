"""Live merchant transfer refuses to start without its settings (notify URL, scene, report items)
or to be built without the merchant keys, and a caller can ask beforehand what is missing."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

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
