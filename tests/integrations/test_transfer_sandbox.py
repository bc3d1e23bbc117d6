"""The merchant-transfer sandbox: the live client against a local WeChat with throwaway keys. It
answers like WeChat (WAIT_USER_CONFIRM with a package_info, idempotent on out_bill_no), plays the
payee (confirm, fail) and WeChat's bad days (a lost answer, a 5xx, ACCEPTED, NOT_ENOUGH), and
sends each final state as a notification the real opener accepts."""

from __future__ import annotations

import logging

import pytest
from django.db import transaction

from fenxiao.core.errors import Conflict, NotFound
from fenxiao.integrations.wechat.pay.errors import NETWORK, REJECTED, UNAVAILABLE
from fenxiao.integrations.wechat.pay.types import SignedMessage
from fenxiao.integrations.wechat.transfer import sandbox as transfer_sandbox
from fenxiao.integrations.wechat.transfer.errors import USER_NAME_REQUIRED, TransferError, TransferNotFound
from fenxiao.integrations.wechat.transfer.factory import reset_transfer_gateway, transfer_gateway
from fenxiao.integrations.wechat.transfer.sandbox import SANDBOX_APPID, SANDBOX_MCHID, SandboxWechatTransfer
from fenxiao.integrations.wechat.transfer.sandbox_controls import (
    sandbox_transfer_confirm,
    sandbox_transfer_fail,
    sandbox_transfer_next_create,
    sandbox_transfer_notification,
)


@pytest.fixture(autouse=True)
def _fresh_gateway():
    reset_transfer_gateway()
    yield
    reset_transfer_gateway()


@pytest.fixture
def delivered():
    """The notifications the sandbox delivers, in order (the app's handler is not involved)."""
    messages: list[SignedMessage] = []
    saved = transfer_sandbox._sink
    transfer_sandbox.set_transfer_notification_sink(messages.append)
    yield messages
    transfer_sandbox.set_transfer_notification_sink(saved)


def _create(out_bill_no: str = "WD1", amount_fen: int = 8_800, **kwargs):
    return transfer_gateway().create_transfer_bill(
        out_bill_no=out_bill_no, openid="o-payee", amount_fen=amount_fen, remark="佣金提现", **kwargs
    )


def _opened(message: SignedMessage):
    return transfer_gateway().open_transfer_notification(message.headers, message.body.decode())


def test_the_sandbox_is_the_default_gateway():
    gateway = transfer_gateway()

    assert isinstance(gateway, SandboxWechatTransfer) and gateway.mode == "sandbox"


def test_create_waits_for_the_payee_with_a_package_for_the_mini_program():
    bill = _create()

    assert (bill.out_bill_no, bill.state, bill.amount_fen) == ("WD1", "WAIT_USER_CONFIRM", 8_800)
    assert bill.transfer_bill_no.startswith("1330") and bill.package_info and bill.create_time is not None
    assert transfer_gateway().transfer_client_params(bill) == {
        "mchId": SANDBOX_MCHID,
        "appId": SANDBOX_APPID,
        "package": bill.package_info,
    }
    queried = transfer_gateway().query_transfer_bill("WD1")
    assert (queried.state, queried.amount_fen, queried.openid, queried.mchid) == (
        "WAIT_USER_CONFIRM",
        8_800,
        "o-payee",
        SANDBOX_MCHID,
    )


def test_the_same_out_bill_no_twice_answers_the_same_bill():
    first = _create()
    again = _create()

    assert again == first

    with pytest.raises(TransferError) as clash:
        _create(amount_fen=9_900)
    assert (clash.value.wechat_code, clash.value.retryable) == ("INVALID_REQUEST", False)
    assert transfer_gateway().query_transfer_bill("WD1").amount_fen == 8_800


def test_confirm_pays_and_sends_a_notification_the_real_opener_accepts(delivered):
    created = _create()

    bill = sandbox_transfer_confirm("WD1")

    assert bill.state == "SUCCESS" and bill.is_final and bill.transfer_bill_no == created.transfer_bill_no
    assert len(delivered) == 1
    note = _opened(delivered[0])
    assert note.event_type == "MCHTRANSFER.BILL.FINISHED"
    assert (note.bill.out_bill_no, note.bill.state, note.bill.amount_fen, note.bill.mchid) == (
        "WD1",
        "SUCCESS",
        8_800,
        SANDBOX_MCHID,
    )
    assert transfer_gateway().query_transfer_bill("WD1").state == "SUCCESS"

    assert sandbox_transfer_confirm("WD1").state == "SUCCESS"
    assert len(delivered) == 1, "confirming a paid bill again announces nothing new"


def test_fail_ends_the_bill_with_its_reason(delivered):
    _create()

    bill = sandbox_transfer_fail("WD1", "OVERDUE_CLOSE")

    assert (bill.state, bill.fail_reason) == ("FAIL", "OVERDUE_CLOSE")
    assert transfer_gateway().query_transfer_bill("WD1").fail_reason == "OVERDUE_CLOSE"
    note = _opened(delivered[0])
    assert (note.bill.state, note.bill.fail_reason) == ("FAIL", "OVERDUE_CLOSE")
    with pytest.raises(TransferError):
        sandbox_transfer_confirm("WD1")


def test_cancel_before_the_payee_confirms(delivered):
    _create()

    answer = transfer_gateway().cancel_transfer_bill("WD1")

    assert answer.state == "CANCELING" and not answer.is_final
    assert transfer_gateway().query_transfer_bill("WD1").state == "CANCELLED"
    assert _opened(delivered[0]).bill.state == "CANCELLED"
    assert transfer_gateway().cancel_transfer_bill("WD1").state == "CANCELLED"
    assert len(delivered) == 1
    with pytest.raises(TransferError):
        sandbox_transfer_confirm("WD1")


def test_a_paid_bill_cannot_be_cancelled(delivered):
    _create()
    sandbox_transfer_confirm("WD1")

    with pytest.raises(TransferError) as refused:
        transfer_gateway().cancel_transfer_bill("WD1")

    assert (refused.value.code, refused.value.wechat_code, refused.value.retryable) == (
        REJECTED,
        "INVALID_REQUEST",
        False,
    )


def test_an_unknown_bill_is_not_found_everywhere():
    with pytest.raises(TransferNotFound):
        transfer_gateway().query_transfer_bill("WD404")
    with pytest.raises(TransferNotFound):
        transfer_gateway().cancel_transfer_bill("WD404")
    with pytest.raises(TransferNotFound):
        sandbox_transfer_confirm("WD404")


def test_a_lost_answer_is_unclear_and_the_query_finds_the_bill_wechat_made():
    sandbox_transfer_next_create("timeout")

    with pytest.raises(TransferError) as lost:
        _create()

    assert lost.value.code == NETWORK and lost.value.retryable
    found = transfer_gateway().query_transfer_bill("WD1")
    assert found.state == "WAIT_USER_CONFIRM"
    resent = _create()
    assert resent.transfer_bill_no == found.transfer_bill_no and resent.package_info


def test_a_lost_request_leaves_no_bill_behind():
    sandbox_transfer_next_create("timeout", bill_created=False)

    with pytest.raises(TransferError) as lost:
        _create()

    assert lost.value.retryable
    with pytest.raises(TransferNotFound):
        transfer_gateway().query_transfer_bill("WD1")
    assert _create().state == "WAIT_USER_CONFIRM", "only the next create is affected"


def test_a_server_error_is_unclear_even_though_the_bill_exists():
    sandbox_transfer_next_create("server_error")

    with pytest.raises(TransferError) as busy:
        _create()

    assert (busy.value.code, busy.value.wechat_code, busy.value.retryable) == (UNAVAILABLE, "SYSTEM_ERROR", True)
    assert transfer_gateway().query_transfer_bill("WD1").state == "WAIT_USER_CONFIRM"


def test_an_accepted_answer_has_no_package_until_the_bill_is_ready():
    sandbox_transfer_next_create("accepted")

    accepted = _create()

    assert (accepted.state, accepted.package_info, accepted.confirmable) == ("ACCEPTED", "", False)
    with pytest.raises(Conflict):
        transfer_gateway().transfer_client_params(accepted)
    assert transfer_gateway().query_transfer_bill("WD1").state == "WAIT_USER_CONFIRM"
    ready = _create()
    assert ready.confirmable and ready.transfer_bill_no == accepted.transfer_bill_no


def test_not_enough_is_a_definite_refusal_that_makes_no_bill():
    sandbox_transfer_next_create("not_enough")

    with pytest.raises(TransferError) as refused:
        _create()

    assert (refused.value.code, refused.value.wechat_code, refused.value.retryable) == (REJECTED, "NOT_ENOUGH", False)
    with pytest.raises(TransferNotFound):
        transfer_gateway().query_transfer_bill("WD1")


def test_an_unknown_outcome_is_refused():
    with pytest.raises(ValueError):
        sandbox_transfer_next_create("meteor")


def test_the_payee_name_is_checked_as_wechat_would():
    with pytest.raises(TransferError) as refused:
        _create(amount_fen=200_000)
    assert refused.value.code == USER_NAME_REQUIRED

    bill = _create(amount_fen=200_000, user_name="王五")
    assert bill.state == "WAIT_USER_CONFIRM"
    assert _create(amount_fen=200_000, user_name="王五") == bill
    with pytest.raises(TransferError) as other_name:
        _create(amount_fen=200_000, user_name="赵六")
    assert other_name.value.wechat_code == "INVALID_REQUEST"


def test_the_sandbox_refuses_a_scene_without_its_report_items(settings):
    settings.WECHATPAY_TRANSFER_SCENE_REPORT_INFOS = [{"info_type": "岗位类型", "info_content": "分销员"}]

    with pytest.raises(TransferError) as refused:
        _create()

    assert (refused.value.wechat_code, refused.value.retryable) == ("PARAM_ERROR", False)


def test_bills_outlive_the_gateway_object():
    created = _create()
    reset_transfer_gateway()

    assert transfer_gateway().query_transfer_bill("WD1").transfer_bill_no == created.transfer_bill_no


def test_a_final_notification_can_be_sent_again_as_wechat_retries(delivered):
    _create()
    sandbox_transfer_confirm("WD1")

    again = sandbox_transfer_notification("WD1")

    assert _opened(again).bill == _opened(delivered[0]).bill
    _create("WD2")
    with pytest.raises(TransferError):
        sandbox_transfer_notification("WD2")


@pytest.mark.django_db
def test_notifications_arrive_only_after_the_callers_transaction_commits(delivered, django_capture_on_commit_callbacks):
    _create()

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        sandbox_transfer_confirm("WD1")
        assert delivered == []

    assert _opened(delivered[0]).bill.state == "SUCCESS"


def test_without_a_sink_the_notification_is_dropped_with_a_warning(caplog):
    saved = transfer_sandbox._sink
    transfer_sandbox.set_transfer_notification_sink(None)
    try:
        _create()
        with caplog.at_level(logging.WARNING):
            assert sandbox_transfer_confirm("WD1").state == "SUCCESS"
    finally:
        transfer_sandbox.set_transfer_notification_sink(saved)

    assert "no transfer notification sink" in caplog.text


def test_a_failing_sink_does_not_undo_the_payout(caplog):
    def broken(message: SignedMessage) -> None:
        raise RuntimeError("handler down")

    saved = transfer_sandbox._sink
    transfer_sandbox.set_transfer_notification_sink(broken)
    try:
        _create()
        assert sandbox_transfer_confirm("WD1").state == "SUCCESS"
    finally:
        transfer_sandbox.set_transfer_notification_sink(saved)

    assert transfer_gateway().query_transfer_bill("WD1").state == "SUCCESS"
    assert "delivery failed" in caplog.text


@pytest.mark.usefixtures("live_transfer")
def test_the_controls_refuse_a_live_gateway():
    with pytest.raises(NotFound) as refused:
        sandbox_transfer_fail("WD1", "OVERDUE_CLOSE")

    assert refused.value.code == "WECHATPAY_SANDBOX_ONLY"
