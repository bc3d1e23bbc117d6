"""WeChat's payment notifications: nothing is believed before the signature and the timestamp
check out, nothing is paid unless it matches our payment, and one payment is paid once however
often WeChat delivers it."""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta

import pytest
import time_machine
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.x509.oid import NameOID

from fenxiao.core.errors import DomainError
from fenxiao.orders.models import Order
from fenxiao.payments.hooks import PaymentRefusal
from fenxiao.payments.models import Notification, Payment, PaymentStatus
from fenxiao.payments.services import notification_handle, payment_prepare
from tests.concurrency import run_together_ok
from tests.payments import support
from tests.support import Api

NOTIFY = "/api/v1/payments/wechat/notify"


def _post(message, path=NOTIFY):
    return Api().client.post(path, message.body, content_type="application/json", headers=message.headers)


def _prepared(order):
    return payment_prepare(order_id=order.pk, payer_openid="sandbox-alice", description="订单").payment


@pytest.fixture
def payment(db, gateway, order):
    return _prepared(order)


def _success(gateway, payment, **changes):
    return support.sandbox_notification(
        gateway, "TRANSACTION.SUCCESS", support.transaction_resource(payment, gateway, **changes)
    )


@pytest.mark.django_db
def test_a_genuine_notification_pays_once(gateway, payment, hook_calls):
    response = _post(_success(gateway, payment))

    assert response.status_code == 200
    assert response.json() == {"code": "SUCCESS", "message": "成功"}
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.SUCCEEDED
    assert payment.transaction_id == "4200002024112512345678901234" and payment.trade_state == "SUCCESS"
    assert payment.paid_at == datetime.fromisoformat("2024-11-25T10:00:00+08:00")
    assert hook_calls.payments == [payment.pk]
    assert list(Notification.objects.values_list("event_type", "outcome")) == [("TRANSACTION.SUCCESS", "paid")]


@pytest.mark.django_db
def test_the_same_notification_again_is_answered_and_changes_nothing(gateway, payment, hook_calls):
    message = _success(gateway, payment)
    assert _post(message).status_code == 200
    paid = Payment.objects.get(pk=payment.pk)

    replay = _post(message)

    assert replay.status_code == 200
    assert hook_calls.payments == [payment.pk]
    again = Payment.objects.get(pk=payment.pk)
    assert (again.status, again.transaction_id, again.paid_at) == (paid.status, paid.transaction_id, paid.paid_at)
    assert list(Notification.objects.order_by("id").values_list("outcome", flat=True)) == ["paid", "duplicate"]


@pytest.mark.django_db
def test_a_forged_signature_is_refused_and_changes_nothing(gateway, payment, hook_calls):
    forged = support.sandbox_notification(
        gateway, "TRANSACTION.SUCCESS", support.transaction_resource(payment, gateway), key=support.rsa_key("forger")
    )

    response = _post(forged)

    assert response.status_code == 401
    assert response.json()["code"] == "FAIL"
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.CREATED
    assert hook_calls.payments == [] and not Notification.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("signature_type", ["WECHATPAY2-SM2-WITH-SM3", "wechatpay2-sha256-rsa2048", "", None])
def test_only_the_rsa_signature_type_is_accepted(gateway, payment, hook_calls, signature_type):
    # given a genuine notification whose Wechatpay-Signature-Type is changed or left out
    message = _success(gateway, payment)
    assert message.headers["Wechatpay-Signature-Type"] == "WECHATPAY2-SHA256-RSA2048"
    headers = {k: v for k, v in message.headers.items() if k != "Wechatpay-Signature-Type"}
    if signature_type is not None:
        headers["Wechatpay-Signature-Type"] = signature_type

    response = _post(type(message)(headers=headers, body=message.body))

    assert response.status_code == 401 and response.json()["code"] == "FAIL"
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.CREATED
    assert hook_calls.payments == [] and not Notification.objects.exists()


@pytest.mark.django_db
def test_a_signature_probe_is_refused_like_any_bad_signature(gateway, payment, hook_calls):
    # WeChat probes whether a merchant verifies with signatures that start with WECHATPAY/SIGNTEST/
    message = _success(gateway, payment)
    probe = {**message.headers, "Wechatpay-Signature": "WECHATPAY/SIGNTEST/" + message.headers["Wechatpay-Signature"]}

    response = _post(type(message)(headers=probe, body=message.body))

    assert response.status_code == 401 and response.json()["code"] == "FAIL"
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.CREATED and hook_calls.payments == []


@pytest.mark.django_db
def test_a_ciphertext_changed_in_transit_is_refused(gateway, payment, hook_calls):
    message = _success(gateway, payment)
    envelope = json.loads(message.body)
    envelope["resource"]["ciphertext"] = envelope["resource"]["ciphertext"][:-4] + "AAA="
    tampered = type(message)(headers=message.headers, body=json.dumps(envelope).encode())

    response = _post(tampered)

    assert response.status_code == 401 and response.json()["code"] == "FAIL"
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.CREATED and hook_calls.payments == []


@pytest.mark.django_db
def test_a_signed_resource_that_does_not_decrypt_is_refused(gateway, payment, hook_calls):
    wrong_key = support.sandbox_notification(
        gateway,
        "TRANSACTION.SUCCESS",
        support.transaction_resource(payment, gateway),
        api_v3_key="0" * 32,
    )

    response = _post(wrong_key)

    assert response.status_code == 400 and response.json()["code"] == "FAIL"
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.CREATED and hook_calls.payments == []


@pytest.mark.django_db
@pytest.mark.parametrize(("minutes", "status"), [(4, 200), (6, 401), (-6, 401)])
def test_the_timestamp_must_be_within_five_minutes(gateway, payment, hook_calls, minutes, status):
    sent_at = int(time.time())
    message = support.sandbox_notification(
        gateway, "TRANSACTION.SUCCESS", support.transaction_resource(payment, gateway), timestamp=sent_at
    )

    with time_machine.travel(sent_at + minutes * 60, tick=False):
        response = _post(message)

    assert response.status_code == status
    paid = Payment.objects.get(pk=payment.pk).status == PaymentStatus.SUCCEEDED
    assert paid is (status == 200)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "outcome"),
    [
        ({"amount": {"total": 1, "payer_total": 1, "currency": "CNY"}}, "rejected:amount_mismatch"),
        ({"mchid": "1234567890"}, "rejected:mchid_mismatch"),
        ({"appid": "wx-someone-else"}, "rejected:appid_mismatch"),
        ({"trade_state": "NOTPAY"}, "rejected:not_success"),
    ],
)
def test_a_report_that_does_not_match_the_payment_is_refused(gateway, payment, hook_calls, changes, outcome):
    response = _post(_success(gateway, payment, **changes))

    assert response.status_code == 400 and response.json()["code"] == "FAIL"
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.CREATED
    assert Order.objects.get(pk=payment.order_id).status == "pending_payment"
    assert hook_calls.payments == []
    assert Notification.objects.get().outcome == outcome


@pytest.mark.django_db
def test_an_unknown_out_trade_no_is_refused(gateway, payment, hook_calls):
    response = _post(_success(gateway, payment, out_trade_no="FX-NOT-OURS"))

    assert response.status_code == 400
    assert Notification.objects.get().outcome == "rejected:unknown_payment"
    assert hook_calls.payments == []


@pytest.mark.django_db
def test_other_event_types_are_acknowledged_and_ignored(gateway, payment, hook_calls):
    message = support.sandbox_notification(
        gateway, "TRANSACTION.REVOKED", support.transaction_resource(payment, gateway)
    )

    assert _post(message).status_code == 200
    assert Notification.objects.get().outcome == "ignored"
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.CREATED


@pytest.mark.django_db
def test_money_the_order_refuses_is_kept_on_record_for_a_full_refund(gateway, payment, hook_calls):
    hook_calls.refusal = PaymentRefusal("ORDER_CANCELLED", "订单已取消")

    response = _post(_success(gateway, payment))

    # The money has moved; retrying will not change the order's mind, so WeChat is told SUCCESS.
    assert response.status_code == 200
    payment.refresh_from_db()
    assert (payment.status, payment.anomaly) == (PaymentStatus.REFUSED, "订单已取消，自动全额退款")
    assert payment.transaction_id and payment.trade_state == "SUCCESS"
    assert Notification.objects.get().outcome == "refused"
    assert _post(_success(gateway, payment)).status_code == 200
    assert hook_calls.payments == [payment.pk]


@pytest.mark.django_db
def test_a_handler_failing_with_a_domain_error_refuses_the_money_too(gateway, payment, hook_calls):
    hook_calls.payment_error = DomainError("STOCK_MISSING", "库存记录缺失")

    assert _post(_success(gateway, payment)).status_code == 200

    payment.refresh_from_db()
    assert (payment.status, payment.anomaly) == (PaymentStatus.REFUSED, "库存记录缺失，自动全额退款")
    assert hook_calls.payments == [payment.pk]


@pytest.mark.django_db
def test_a_crash_in_the_handler_rolls_back_and_wechat_retries(gateway, payment, hook_calls):
    hook_calls.payment_error = RuntimeError("database went away")
    message = _success(gateway, payment)

    response = _post(message)

    assert response.status_code == 500 and response.json()["code"] == "FAIL"
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.CREATED
    hook_calls.payment_error = None
    assert _post(message).status_code == 200
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.SUCCEEDED
    assert hook_calls.payments == [payment.pk, payment.pk]  # the first call was rolled back


@pytest.mark.django_db
def test_the_refund_notify_url_takes_the_same_path(gateway, payment, hook_calls):
    assert _post(_success(gateway, payment), "/api/v1/payments/wechat/refund-notify").status_code == 200
    assert hook_calls.payments == [payment.pk]


@pytest.mark.django_db
def test_the_real_orders_handler_marks_the_order_paid(gateway, order):
    payment = _prepared(order)

    assert _post(_success(gateway, payment)).status_code == 200

    order.refresh_from_db()
    assert order.status == "paid" and order.paid_fen == 12_300 == payment.amount_fen
    assert _post(_success(gateway, payment)).status_code == 200
    assert Order.objects.get(pk=order.pk).paid_fen == 12_300


# -- live mode: public-key mode and platform-certificate mode ---------------------------------------


def _live_payment(live_pay, order, **signing):
    live_pay.router.post("/v3/pay/transactions/jsapi").mock(
        return_value=support.signed_answer(200, {"prepay_id": "wx1"}, **signing)
    )
    return _prepared(order)


@pytest.mark.django_db
def test_live_public_key_mode(live_pay, order, hook_calls):
    payment = _live_payment(live_pay, order)

    response = _post(support.live_notification("TRANSACTION.SUCCESS", support.transaction_resource(payment)))

    assert response.status_code == 200 and hook_calls.payments == [payment.pk]


def _certificate(key, serial: int) -> bytes:
    from cryptography.hazmat.primitives.serialization import Encoding

    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Tenpay.com Root CA")])
    now = datetime.now()
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(serial)
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365))
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(Encoding.PEM)


@pytest.mark.django_db
def test_live_certificate_mode_chooses_the_certificate_by_serial(live_pay, order, hook_calls, tmp_path):
    certs = tmp_path / "certs"
    certs.mkdir()
    old_key, new_key = support.rsa_key("platform-old"), support.rsa_key("platform-new")
    (certs / "old.pem").write_bytes(_certificate(old_key, 0x1A2B))
    (certs / "new.pem").write_bytes(_certificate(new_key, 0x5157F09EFDC096DE15EBE81A47057A7232F1B8E1))
    live_pay.settings.WECHATPAY_PUBLIC_KEY = ""
    live_pay.settings.WECHATPAY_PUBLIC_KEY_ID = ""
    live_pay.settings.WECHATPAY_PLATFORM_CERTS_DIR = str(certs)
    payment = _live_payment(live_pay, order, key=new_key, serial="5157F09EFDC096DE15EBE81A47057A7232F1B8E1")
    resource = support.transaction_resource(payment)

    wrong_cert = support.live_notification(
        "TRANSACTION.SUCCESS", resource, key=old_key, serial="5157F09EFDC096DE15EBE81A47057A7232F1B8E1"
    )
    unknown = support.live_notification("TRANSACTION.SUCCESS", resource, key=new_key, serial="DEADBEEF")
    genuine = support.live_notification(
        "TRANSACTION.SUCCESS", resource, key=new_key, serial="5157f09efdc096de15ebe81a47057a7232f1b8e1"
    )

    assert _post(wrong_cert).status_code == 401
    assert _post(unknown).status_code == 401
    assert _post(genuine).status_code == 200
    assert hook_calls.payments == [payment.pk]


@pytest.mark.django_db
def test_a_sandbox_signed_notification_is_refused_in_live_mode(live_pay, order, hook_calls, sandbox_dir):
    from fenxiao.integrations.wechat.pay_sandbox_keys import SandboxKeys

    payment = _live_payment(live_pay, order)
    keys = SandboxKeys.load_or_create(sandbox_dir)
    message = support.live_notification(
        "TRANSACTION.SUCCESS",
        support.transaction_resource(payment),
        key=keys.wechatpay_key,
        serial=keys.public_key_id,
        api_v3_key=keys.api_v3_key,
    )

    assert _post(message).status_code == 401
    assert hook_calls.payments == []


# -- twenty deliveries at once -------------------------------------------------------------------


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_deliveries_pay_once(gateway, buyer, hook_calls):
    order = support.make_order(buyer)
    payment = _prepared(order)
    message = _success(gateway, payment)
    outcomes = run_together_ok(lambda _: notification_handle(headers=message.headers, body=message.body).outcome, 20)

    assert sorted(outcomes) == ["duplicate"] * 19 + ["paid"]
    assert hook_calls.payments == [payment.pk]
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.SUCCEEDED
    assert Notification.objects.count() == 20


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_http_deliveries_are_all_answered_200(gateway, buyer, hook_calls):
    order = support.make_order(buyer)
    payment = _prepared(order)
    message = _success(gateway, payment)
    statuses = run_together_ok(lambda _: _post(message).status_code, 20)

    assert statuses == [200] * 20
    assert hook_calls.payments == [payment.pk]
    assert Order.objects.get(pk=order.pk).status == "pending_payment"  # the recording hook does not move it


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_deliveries_move_the_real_order_once(gateway, buyer):
    from fenxiao.orders.models import OrderEvent

    order = support.make_order(buyer)
    payment = _prepared(order)
    message = _success(gateway, payment)
    statuses = run_together_ok(lambda _: _post(message).status_code, 20)

    assert statuses == [200] * 20
    order.refresh_from_db()
    assert order.status == "paid" and order.paid_fen == 12_300
    assert OrderEvent.objects.filter(order=order, type="paid").count() == 1


@pytest.mark.django_db
def test_wechat_needs_no_csrf_token(gateway, payment, hook_calls):
    from django.test import Client

    message = _success(gateway, payment)
    response = Client(enforce_csrf_checks=True).post(
        NOTIFY, message.body, content_type="application/json", headers=message.headers
    )

    assert response.status_code == 200 and hook_calls.payments == [payment.pk]
