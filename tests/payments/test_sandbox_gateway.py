"""The offline sandbox: keys made once and kept, the same signing and verification as live, and a
WeChat stand-in whose state every worker process shares."""

from __future__ import annotations

import stat
import threading
from datetime import timedelta

import httpx
import pytest
from django.utils import timezone

from fenxiao.integrations.wechat.pay.client import WechatPayClient
from fenxiao.integrations.wechat.pay.crypto import MerchantSigner
from fenxiao.integrations.wechat.pay.errors import ORDERPAID, REJECTED, WechatPayError
from fenxiao.integrations.wechat.pay.sandbox import SandboxWechatPay
from fenxiao.integrations.wechat.pay.sandbox_keys import SandboxKeys
from fenxiao.integrations.wechat.pay.signatures import PayKeyring
from tests.payments import support


def _prepay(client, out_trade_no="FX1", amount_fen=12_300):
    return client.prepay_jsapi(
        out_trade_no=out_trade_no,
        description="分销商城订单",
        amount_fen=amount_fen,
        payer_openid="sandbox-alice",
        time_expire=timezone.now() + timedelta(minutes=30),
    )


def test_keys_are_made_once_private_and_reused(tmp_path, settings):
    folder = tmp_path / "fresh"
    settings.WECHATPAY_SANDBOX_DIR = folder

    first = SandboxKeys.load_or_create(folder)
    again = SandboxKeys.load_or_create(folder)

    assert first.api_v3_key == again.api_v3_key and len(first.api_v3_key) == 32
    assert first.public_key_id == again.public_key_id and first.public_key_id.startswith("PUB_KEY_ID_")
    assert first.merchant_serial == again.merchant_serial
    for name in ("merchant.pem", "wechatpay.pem", "apiv3.key"):
        assert stat.S_IMODE((folder / name).stat().st_mode) == 0o600
    assert first.api_v3_key not in repr(first)


def test_workers_starting_together_end_up_with_the_same_keys(tmp_path):
    folder = tmp_path / "race"
    results: list[SandboxKeys] = []
    barrier = threading.Barrier(6)

    def start():
        barrier.wait()
        results.append(SandboxKeys.load_or_create(folder))

    threads = [threading.Thread(target=start) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert len({k.api_v3_key for k in results}) == 1
    assert len({k.public_key_id for k in results}) == 1
    assert sorted(p.name for p in folder.iterdir() if not p.is_dir()) == ["apiv3.key", "merchant.pem", "wechatpay.pem"]


def test_the_default_folder_is_under_var(settings, tmp_path):
    from fenxiao.integrations.wechat.pay.sandbox_keys import sandbox_dir

    settings.WECHATPAY_SANDBOX_DIR = None
    settings.VAR_DIR = tmp_path
    assert sandbox_dir() == tmp_path / "wechatpay-sandbox"


def test_prepay_query_pay_and_close(gateway):
    assert gateway.mode == "sandbox"
    prepay_id = _prepay(gateway)
    assert prepay_id.startswith("wx")
    assert gateway.query_transaction("FX1").trade_state == "NOTPAY"

    message = gateway.complete_payment("FX1")

    tx = gateway.query_transaction("FX1")
    assert (tx.trade_state, tx.amount_total, tx.appid, tx.mchid) == ("SUCCESS", 12_300, gateway.appid, gateway.mchid)
    assert tx.transaction_id.startswith("4200")
    note = gateway.open_notification(headers=message.headers, body=message.body)
    assert note.event_type == "TRANSACTION.SUCCESS" and note.resource["transaction_id"] == tx.transaction_id
    with pytest.raises(WechatPayError) as caught:
        gateway.close_transaction("FX1")
    assert caught.value.code == ORDERPAID


def test_an_unpaid_trade_closes_and_then_cannot_be_paid(gateway):
    _prepay(gateway)
    gateway.close_transaction("FX1")

    assert gateway.query_transaction("FX1").trade_state == "CLOSED"
    with pytest.raises(WechatPayError):
        gateway.complete_payment("FX1")


def test_state_is_shared_by_every_worker(gateway, sandbox_dir):
    _prepay(gateway)
    other_worker = SandboxWechatPay.from_settings()

    other_worker.complete_payment("FX1")

    assert gateway.query_transaction("FX1").trade_state == "SUCCESS"


def test_the_sandbox_checks_the_merchant_signature(gateway):
    impostor = WechatPayClient(
        mchid=gateway.mchid,
        appid=gateway.appid,
        signer=MerchantSigner(
            mchid=gateway.mchid, serial_no=gateway.keys.merchant_serial, private_key=support.rsa_key("impostor")
        ),
        keyring=PayKeyring.build({gateway.keys.public_key_id: gateway.keys.wechatpay_key.public_key()}),
        api_v3_key=gateway.keys.api_v3_key,
        base_url="https://sandbox.invalid",
        transport=httpx.MockTransport(gateway.server.handle),
    )

    with pytest.raises(WechatPayError) as caught:
        _prepay(impostor)

    assert caught.value.code == REJECTED and caught.value.wechat_code == "SIGN_ERROR"


def test_refunds_are_accepted_once_per_out_refund_no(db, gateway, django_capture_on_commit_callbacks):
    _prepay(gateway)
    gateway.complete_payment("FX1")

    with django_capture_on_commit_callbacks(execute=False) as pending:
        first = gateway.create_refund(
            out_trade_no="FX1", out_refund_no="RFX1-1", reason="", refund_fen=300, total_fen=12_300
        )
        again = gateway.create_refund(
            out_trade_no="FX1", out_refund_no="RFX1-1", reason="", refund_fen=300, total_fen=12_300
        )

    assert first.status == "PROCESSING" and first.refund_id == again.refund_id
    assert len(pending) == 1  # one REFUND.SUCCESS notification on its way
    assert gateway.query_refund("RFX1-1").status == "SUCCESS"
    with pytest.raises(WechatPayError) as caught:
        gateway.create_refund(
            out_trade_no="FX1", out_refund_no="RFX1-2", reason="", refund_fen=12_001, total_fen=12_300
        )
    assert caught.value.code == REJECTED


def test_a_notification_waits_for_the_thread_whose_call_produced_it(db, gateway):
    """Two refunds asked for at once, in two threads: each thread delivers its own notification.
    With one shared outbox, one thread could take the other's or drop it, and the refund stayed
    "processing" until a sweep asked WeChat."""
    _prepay(gateway)
    mine = gateway.complete_payment("FX1")
    gateway.server.post(mine)
    taken_elsewhere: list = []

    other = threading.Thread(target=lambda: taken_elsewhere.extend(gateway.server.take_outbox()))
    other.start()
    other.join()

    assert taken_elsewhere == []
    assert gateway.server.take_outbox() == [mine]
    assert gateway.server.take_outbox() == []
