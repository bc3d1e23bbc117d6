"""Sending through ``subscribeMessage.send`` in live mode, WeChat faked at the HTTP transport:
sent with the stable access token; 43101 (the user refused) and 47003 (bad data) are final with
one call; a network error is tried again after a backoff until it goes through."""

from __future__ import annotations

import json
from datetime import timedelta

import httpx
import pytest
import respx
import time_machine
from django.utils import timezone

from fenxiao.notifications.models import OutboxMessage, OutboxStatus
from fenxiao.notifications.retry import MAX_ATTEMPTS, retry_delay
from fenxiao.notifications.sending import outbox_send, sweep_outbox
from fenxiao.notifications.services import notification_publish
from tests.distribution.support import make_user
from tests.notifications.support import consent, template_id

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("templates")]
BASE = "https://wechat.test"
SEND = "/cgi-bin/message/subscribe/send"
CONTEXT = {
    "order_no": "FX20260102001",
    "product": "咖啡豆",
    "carrier": "顺丰速运",
    "tracking_no": "SF1",
    "time": "15:04",
}


@pytest.fixture
def wechat(settings):
    settings.WECHAT_MODE = "live"
    settings.WECHAT_APPID = "wx-test-app"
    settings.WECHAT_SECRET = "test-secret"
    settings.WECHAT_API_BASE = BASE
    with respx.mock(base_url=BASE, assert_all_called=False, assert_all_mocked=True) as router:
        router.post("/cgi-bin/stable_token").respond(json={"access_token": "token-1", "expires_in": 7200})
        yield router


def queued(commit, name: str = "sam") -> OutboxMessage:
    user = make_user(name)
    consent(user, "order_shipped")
    with commit():
        notification_publish(user_id=user.id, kind="order_shipped", key="shipment:1", context=CONTEXT)
    return OutboxMessage.objects.get(user=user)


def test_a_consented_message_is_sent_with_the_stable_token(wechat, commit):
    send = wechat.post(SEND).respond(json={"errcode": 0, "errmsg": "ok"})
    row = queued(commit)
    assert row.status == OutboxStatus.SENT and row.attempts == 1 and row.sent_at
    (call,) = send.calls
    assert call.request.url.params["access_token"] == "token-1"
    body = json.loads(call.request.content)
    assert body["touser"] == "openid-sam" and body["template_id"] == template_id("order_shipped")
    assert body["data"]["character_string1"] == {"value": "FX20260102001"} and body["miniprogram_state"] == "formal"


@pytest.mark.parametrize(("errcode", "reason"), [(43101, "用户拒绝接受消息"), (47003, "模板参数不正确")])
def test_refused_or_bad_data_is_final_after_one_call(wechat, commit, errcode, reason):
    send = wechat.post(SEND).respond(json={"errcode": errcode, "errmsg": "refused"})
    row = queued(commit)
    assert row.status == OutboxStatus.FAILED and row.errcode == errcode and reason in row.reason
    later = timezone.now() + timedelta(days=1)
    assert sweep_outbox(now=later) == 0 and outbox_send(outbox_id=row.id, now=later) is None
    assert send.call_count == 1


def test_a_network_error_is_retried_after_a_backoff_until_it_goes_through(wechat, commit):
    send = wechat.post(SEND)
    send.side_effect = [httpx.ConnectError("down"), httpx.ReadTimeout("slow"), httpx.Response(200, json={"errcode": 0})]
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        row = queued(commit)
    assert row.status == OutboxStatus.RETRYING and row.attempts == 1 and row.errcode == -1
    assert row.next_attempt_at == start + retry_delay(1)

    assert sweep_outbox(now=start + retry_delay(1) - timedelta(seconds=1)) == 0  # not yet due
    assert send.call_count == 1
    sweep_outbox(now=start + retry_delay(1))
    row.refresh_from_db()
    assert row.status == OutboxStatus.RETRYING and row.attempts == 2
    assert sweep_outbox(now=row.next_attempt_at) == 1
    row.refresh_from_db()
    assert row.status == OutboxStatus.SENT and row.attempts == 3 and send.call_count == 3


def test_a_network_error_that_never_ends_fails_after_the_last_attempt(wechat, commit):
    wechat.post(SEND).mock(side_effect=httpx.ConnectError("down"))
    row = queued(commit)
    now = timezone.now()
    for _ in range(MAX_ATTEMPTS):
        now += timedelta(hours=3)
        sweep_outbox(now=now)
    row.refresh_from_db()
    assert row.status == OutboxStatus.FAILED and row.attempts == MAX_ATTEMPTS and "重试" in row.reason


def test_an_expired_token_is_refreshed_once(wechat, commit):
    wechat.post(SEND).mock(
        side_effect=[httpx.Response(200, json={"errcode": 42001, "errmsg": "expired"}), httpx.Response(200, json={})]
    )
    assert queued(commit).status == OutboxStatus.SENT


@pytest.mark.parametrize("delay", [1, 2, 3, 4, 5, 9])
def test_the_backoff_grows_and_is_capped(delay):
    assert retry_delay(delay) >= retry_delay(delay - 1) if delay > 1 else retry_delay(1) == timedelta(seconds=30)
    assert retry_delay(delay) <= timedelta(hours=2)
