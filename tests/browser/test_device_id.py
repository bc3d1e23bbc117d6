"""The H5 pages give the browser one stable device id (risk control, issue 19 §1): kept in
localStorage and the ``fx_device`` cookie (so plain form posts carry it), and sent as
``X-Device-Id`` with every htmx request."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_device_id_is_stable_and_sent_with_htmx(phone):
    page = phone.open("/")
    cookie = {c["name"]: c["value"] for c in phone.context.cookies()}["fx_device"]
    assert re.fullmatch(r"[0-9a-f]{32}", cookie)
    assert page.evaluate("localStorage.getItem('fenxiao.deviceId')") == cookie
    with page.expect_request(lambda r: "probe=1" in r.url) as sent:
        page.evaluate("htmx.ajax('GET', '/?probe=1', {target: 'body', swap: 'none'})")
    assert sent.value.headers.get("x-device-id") == cookie
    phone.open("/")
    assert {c["name"]: c["value"] for c in phone.context.cookies()}["fx_device"] == cookie
