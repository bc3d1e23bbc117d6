"""WeChat's payment notifications are not believed before they prove where they come from: a forged
or probe signature, another signature type, a ciphertext changed in transit, a resource that does
not decrypt or a timestamp more than five minutes off is refused and changes nothing."""

from __future__ import annotations

import json
import time

import pytest
import time_machine

from fenxiao.payments.models import Notification, Payment, PaymentStatus
from tests.payments import support
from tests.payments.support import notify_post, success_message


@pytest.mark.django_db
def test_a_forged_signature_is_refused_and_changes_nothing(gateway, payment, hook_calls):
    forged = support.sandbox_notification(
        gateway, "TRANSACTION.SUCCESS", support.transaction_resource(payment, gateway), key=support.rsa_key("forger")
    )

    response = notify_post(forged)

    assert response.status_code == 401
    assert response.json()["code"] == "FAIL"
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.CREATED
    assert hook_calls.payments == [] and not Notification.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("signature_type", ["WECHATPAY2-SM2-WITH-SM3", "wechatpay2-sha256-rsa2048", "", None])
def test_only_the_rsa_signature_type_is_accepted(gateway, payment, hook_calls, signature_type):
    # given a genuine notification whose Wechatpay-Signature-Type is changed or left out
    message = success_message(gateway, payment)
    assert message.headers["Wechatpay-Signature-Type"] == "WECHATPAY2-SHA256-RSA2048"
    headers = {k: v for k, v in message.headers.items() if k != "Wechatpay-Signature-Type"}
    if signature_type is not None:
        headers["Wechatpay-Signature-Type"] = signature_type

    response = notify_post(type(message)(headers=headers, body=message.body))

    assert response.status_code == 401 and response.json()["code"] == "FAIL"
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.CREATED
    assert hook_calls.payments == [] and not Notification.objects.exists()


@pytest.mark.django_db
def test_a_signature_probe_is_refused_like_any_bad_signature(gateway, payment, hook_calls):
    # WeChat probes whether a merchant verifies with signatures that start with WECHATPAY/SIGNTEST/
    message = success_message(gateway, payment)
    probe = {**message.headers, "Wechatpay-Signature": "WECHATPAY/SIGNTEST/" + message.headers["Wechatpay-Signature"]}

    response = notify_post(type(message)(headers=probe, body=message.body))

    assert response.status_code == 401 and response.json()["code"] == "FAIL"
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.CREATED and hook_calls.payments == []


@pytest.mark.django_db
def test_a_ciphertext_changed_in_transit_is_refused(gateway, payment, hook_calls):
    message = success_message(gateway, payment)
    envelope = json.loads(message.body)
    envelope["resource"]["ciphertext"] = envelope["resource"]["ciphertext"][:-4] + "AAA="
    tampered = type(message)(headers=message.headers, body=json.dumps(envelope).encode())

    response = notify_post(tampered)

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

    response = notify_post(wrong_key)

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
        response = notify_post(message)

    assert response.status_code == status
    paid = Payment.objects.get(pk=payment.pk).status == PaymentStatus.SUCCEEDED
    assert paid is (status == 200)
