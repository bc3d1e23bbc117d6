"""Opening MCHTRANSFER.BILL.FINISHED notifications: nothing in the body is believed before the
signature over the raw bytes and the ±5 minute timestamp have verified; then the resource must
decrypt with the APIv3 key and be a transfer result for our merchant."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime

import pytest
import time_machine

from fenxiao.integrations.wechat.pay.errors import NotificationError
from fenxiao.integrations.wechat.pay.sandbox_notifications import build_notification
from fenxiao.integrations.wechat.pay.signatures import sign_message
from fenxiao.integrations.wechat.pay.types import SignedMessage
from fenxiao.integrations.wechat.transfer.factory import transfer_gateway
from fenxiao.integrations.wechat.transfer.types import EVENT_BILL_FINISHED
from tests.payments import support

pytestmark = pytest.mark.usefixtures("live_transfer")
SENT_AT = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


def _resource(**changes) -> dict:
    resource = {
        "mchid": support.MCHID,
        "out_bill_no": "WD20250301000001",
        "transfer_bill_no": "1330000071100999991182020050700019480001",
        "state": "SUCCESS",
        "transfer_amount": 12_345,
        "openid": "o-payee",
        "create_time": "2025-03-01T19:50:00+08:00",
        "update_time": "2025-03-01T19:59:00+08:00",
    }
    resource.update(changes)
    return resource


def _notification(
    resource: dict | None = None, *, event_type: str = EVENT_BILL_FINISHED, key=None, serial=support.PUBLIC_KEY_ID
) -> SignedMessage:
    return build_notification(
        wechatpay_key=key or support.wechat_key(),
        serial=serial,
        api_v3_key=support.APIV3_KEY,
        event_type=event_type,
        summary="商家转账单据终态通知",
        original_type="mch_payment",
        resource=resource or _resource(),
        timestamp=int(SENT_AT.timestamp()),
    )


def _resign(body: str) -> SignedMessage:
    """The body signed by WeChat's real key, as if WeChat itself had sent these bytes."""
    headers = sign_message(
        private_key=support.wechat_key(),
        serial=support.PUBLIC_KEY_ID,
        timestamp=int(SENT_AT.timestamp()),
        nonce="n0nce",
        body=body,
    )
    return SignedMessage(headers=headers, body=body.encode())


def _changed(message: SignedMessage, headers: dict[str, str | None]) -> SignedMessage:
    """The same signed message with some headers replaced (None: left out)."""
    changed = {**message.headers, **headers}
    return SignedMessage(headers={k: v for k, v in changed.items() if v is not None}, body=message.body)


def _open(message: SignedMessage, *, at: datetime = SENT_AT, as_text: bool = True):
    body = message.body.decode() if as_text else message.body
    with time_machine.travel(at, tick=False):
        return transfer_gateway().open_transfer_notification(message.headers, body)


@pytest.mark.parametrize("as_text", [True, False])
def test_a_genuine_notification_opens_into_the_bill(as_text):
    note = _open(_notification(_resource(state="FAIL", fail_reason="PAYEE_ACCOUNT_ABNORMAL")), as_text=as_text)

    assert note.event_type == EVENT_BILL_FINISHED and note.summary == "商家转账单据终态通知"
    bill = note.bill
    assert (bill.out_bill_no, bill.transfer_bill_no, bill.state, bill.amount_fen) == (
        "WD20250301000001",
        "1330000071100999991182020050700019480001",
        "FAIL",
        12_345,
    )
    assert (bill.fail_reason, bill.openid, bill.mchid, bill.is_final) == (
        "PAYEE_ACCOUNT_ABNORMAL",
        "o-payee",
        support.MCHID,
        True,
    )
    assert bill.update_time == datetime(2025, 3, 1, 11, 59, tzinfo=UTC)


def test_lower_case_headers_as_servers_hand_them_over_are_accepted():
    message = _notification()
    lowered = SignedMessage(headers={k.lower(): v for k, v in message.headers.items()}, body=message.body)

    assert _open(lowered).bill.state == "SUCCESS"


@pytest.mark.parametrize(
    "message",
    [
        pytest.param(lambda: _notification(key=support.rsa_key("forger")), id="signed-by-another-key"),
        pytest.param(lambda: _notification(serial="PUB_KEY_ID_UNKNOWN"), id="unknown-key-id"),
        pytest.param(
            lambda: SignedMessage(
                headers={**_notification().headers, "Wechatpay-Signature": "bm90IGEgc2lnbmF0dXJl"},
                body=_notification().body,
            ),
            id="garbage-signature",
        ),
        pytest.param(
            lambda: SignedMessage(headers={}, body=_notification().body),
            id="no-headers",
        ),
        pytest.param(
            lambda: _changed(_notification(), {"Wechatpay-Signature-Type": "WECHATPAY2-SM2-WITH-SM3"}),
            id="another-signature-type",
        ),
        pytest.param(lambda: _changed(_notification(), {"Wechatpay-Signature-Type": None}), id="no-signature-type"),
        pytest.param(
            lambda: _changed(_notification(), {"Wechatpay-Signature": "WECHATPAY/SIGNTEST/dGVzdA=="}),
            id="signature-probe",
        ),
    ],
)
def test_a_forged_notification_is_refused_as_unsigned(message):
    with pytest.raises(NotificationError) as refused:
        _open(message())

    assert refused.value.kind == "signature"


def test_the_signature_is_checked_before_the_body_is_read():
    # Not even JSON: a parser reached first would call it malformed.
    forged = SignedMessage(headers=_notification(key=support.rsa_key("forger")).headers, body=b"{not json")

    with pytest.raises(NotificationError) as refused:
        _open(forged)

    assert refused.value.kind == "signature"


@pytest.mark.parametrize(
    ("seconds_later", "accepted"),
    [(-300, True), (300, True), (301, False), (-301, False), (3600, False)],
)
def test_only_a_fresh_notification_is_accepted(seconds_later, accepted):
    at = datetime.fromtimestamp(SENT_AT.timestamp() + seconds_later, UTC)

    if accepted:
        assert _open(_notification(), at=at).bill.state == "SUCCESS"
    else:
        with pytest.raises(NotificationError) as refused:
            _open(_notification(), at=at)
        assert refused.value.kind == "signature"


def test_a_body_altered_after_signing_is_refused():
    message = _notification()
    envelope = json.loads(message.body)
    envelope["summary"] = "商家转账单据终态通知 "

    with pytest.raises(NotificationError) as refused:
        _open(SignedMessage(headers=message.headers, body=json.dumps(envelope).encode()))

    assert refused.value.kind == "signature"


def test_a_tampered_ciphertext_does_not_decrypt_even_when_signed():
    envelope = json.loads(_notification().body)
    ciphertext = bytearray(envelope["resource"]["ciphertext"].encode())
    ciphertext[10] = ord("A") if ciphertext[10] != ord("A") else ord("B")
    envelope["resource"]["ciphertext"] = ciphertext.decode()

    with pytest.raises(NotificationError) as refused:
        _open(_resign(json.dumps(envelope, ensure_ascii=False)))

    assert refused.value.kind == "malformed"


def test_a_resource_sealed_with_another_apiv3_key_is_refused():
    message = build_notification(
        wechatpay_key=support.wechat_key(),
        serial=support.PUBLIC_KEY_ID,
        api_v3_key="AnotherKey0123456789abcdefABCDEF",
        event_type=EVENT_BILL_FINISHED,
        summary="商家转账单据终态通知",
        original_type="mch_payment",
        resource=_resource(),
        timestamp=int(SENT_AT.timestamp()),
    )

    with pytest.raises(NotificationError) as refused:
        _open(message)

    assert refused.value.kind == "malformed"


@pytest.mark.parametrize(
    "message",
    [
        pytest.param(lambda: _notification(event_type="TRANSACTION.SUCCESS"), id="payment-event"),
        pytest.param(lambda: _notification(event_type="MCHTRANSFER.BATCH.FINISHED"), id="old-batch-event"),
        pytest.param(lambda: _notification(_resource(mchid="1900000001")), id="another-merchant"),
        pytest.param(lambda: _notification(_resource(state="PAID")), id="unknown-state"),
        pytest.param(lambda: _notification({"hello": "world"}), id="not-a-bill"),
    ],
)
def test_a_signed_notification_that_is_not_our_transfer_result_is_refused(message):
    with pytest.raises(NotificationError) as refused:
        _open(message())

    assert refused.value.kind == "malformed"


def test_the_window_follows_the_real_clock_by_default():
    message = build_notification(
        wechatpay_key=support.wechat_key(),
        serial=support.PUBLIC_KEY_ID,
        api_v3_key=support.APIV3_KEY,
        event_type=EVENT_BILL_FINISHED,
        summary="商家转账单据终态通知",
        original_type="mch_payment",
        resource=_resource(),
        timestamp=int(time.time()),
    )

    assert transfer_gateway().open_transfer_notification(message.headers, message.body).bill.amount_fen == 12_345
