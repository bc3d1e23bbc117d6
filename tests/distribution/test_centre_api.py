"""The distributor centre through the API, exact to the fen, as the mini-program sees it: ``/me``,
who may read what, my team and customers, and my withdrawals (orders, commission records,
rankings and tier are in ``test_centre_earnings_api``).

The chain of the shared fixtures: A (``top``, alice) ← B (``mid``, bob) ← carol (``buyer``).
Default tier 普通 pays level 1 10% and level 2 5%; ``sku`` costs ¥100.00, ``sku2`` ¥33.33, so
carol's order of one of each earns B 1000 + 333 = 1333 fen and A 500 + 166 = 666 fen."""

from __future__ import annotations

import json
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils.dateparse import parse_datetime

from fenxiao.distribution.config.settings import settings_update
from fenxiao.distribution.models import Withdrawal, WithdrawalStatus
from fenxiao.distribution.network.enrolment import application_reject, application_submit, distributor_suspend
from fenxiao.distribution.withdrawals.requests import withdrawal_request
from fenxiao.distribution.withdrawals.review import withdrawal_mark_bank_paid, withdrawal_reject
from tests.distribution.centre_support import BASE, DEFAULT_RULES, api_for, body, lines_of, member, refund_line, settle
from tests.distribution.support import make_distributor, make_user, paid_order, receive
from tests.factories import StaffUserFactory
from tests.support import Api

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
CENTRE_ENDPOINTS = ["team", "customers", "orders", "commissions", "rankings", "tier", "withdrawals"]
MEMBER_FIELDS = {"id", "name", "phone", "avatar_url", "bound_at", "is_distributor", "order_count", "sales_fen"}
BANK = {"bank_name": "招商银行", "bank_account_name": "王强", "bank_account_no": "6225880212345678"}


@pytest.fixture
def staff(db):
    return StaffUserFactory()


# -- /me -------------------------------------------------------------------------------------


def test_me_for_a_shopper_who_never_applied_is_not_an_error(db):
    shopper = make_user("路人")

    found = body(api_for(shopper).get(f"{BASE}/me"))

    assert found == {
        "is_distributor": False,
        "status": "none",
        "status_label": "未开通分销",
        "can_apply": True,
        "tier": None,
        "code": None,
        "share_path": None,
        "balances": None,
        "application": None,
        "joined_at": None,
        "rules": DEFAULT_RULES,
        "join": {
            "policy": "apply",
            "policy_label": "申请并经审核",
            "threshold_fen": None,
            "spent_fen": None,
            "note": "填写资料提交申请，平台审核通过后即可成为分销商。成为分销商不收取任何费用，也无需购买商品或会员。",
        },
    }


def test_me_shows_a_pending_then_a_rejected_application(db, staff):
    shopper = make_user("申请人")
    application = application_submit(user_id=shopper.id, real_name="刘洋", phone="13900001111", reason="想推广")

    pending = body(api_for(shopper).get(f"{BASE}/me"))
    assert (pending["status"], pending["status_label"], pending["can_apply"]) == ("applying", "申请审核中", False)
    assert pending["application"]["status"] == "pending" and pending["application"]["status_label"] == "待审核"

    application_reject(application_id=application.id, actor_id=staff.id, reason="资料不完整")
    rejected = body(api_for(shopper).get(f"{BASE}/me"))
    assert (rejected["status"], rejected["can_apply"], rejected["is_distributor"]) == ("rejected", True, False)
    assert rejected["application"]["reject_reason"] == "资料不完整"
    assert rejected["application"]["status_label"] == "已驳回"


def test_me_balances_follow_the_money_exactly(commit, mid, top, staff, two_line_order):
    me = api_for(mid.user)
    first = body(me.get(f"{BASE}/me"))
    assert first["is_distributor"] is True
    assert (first["status"], first["status_label"]) == ("active", "正常")
    assert first["code"] == mid.code and first["share_path"] == f"pages/index/index?ref={mid.code}"
    assert first["tier"] == {"id": mid.tier_id, "name": "普通", "rank": 0, "rates_bps": [1000, 500, 0]}
    assert first["balances"] == {"pending_fen": 1333, "available_fen": 0, "withdrawing_fen": 0, "withdrawn_fen": 0}
    assert body(api_for(top.user).get(f"{BASE}/me"))["balances"]["pending_fen"] == 666

    order = receive(commit, two_line_order)
    settle(order)
    assert body(me.get(f"{BASE}/me"))["balances"] == {
        "pending_fen": 0,
        "available_fen": 1333,
        "withdrawing_fen": 0,
        "withdrawn_fen": 0,
    }

    with commit():
        withdrawal = withdrawal_request(user_id=mid.user_id, amount_fen=1000, method="bank", bank=BANK)
    assert body(me.get(f"{BASE}/me"))["balances"] == {
        "pending_fen": 0,
        "available_fen": 333,
        "withdrawing_fen": 1000,
        "withdrawn_fen": 0,
    }

    withdrawal_mark_bank_paid(withdrawal_id=withdrawal.id, actor_id=staff.id, reference="BANK-0001")
    assert body(me.get(f"{BASE}/me"))["balances"] == {
        "pending_fen": 0,
        "available_fen": 333,
        "withdrawing_fen": 0,
        "withdrawn_fen": 1000,
    }


def test_a_suspended_distributor_still_sees_their_centre(mid, staff):
    distributor_suspend(distributor_id=mid.id, actor_id=staff.id, reason="投诉核查")

    found = body(api_for(mid.user).get(f"{BASE}/me"))

    assert (found["status"], found["status_label"], found["is_distributor"]) == ("suspended", "已暂停", True)
    assert api_for(mid.user).get(f"{BASE}/commissions").status_code == 200


# -- who may read what -----------------------------------------------------------------------


@pytest.mark.parametrize("endpoint", CENTRE_ENDPOINTS)
def test_centre_pages_need_a_distributor(db, endpoint):
    shopper = make_user("顾客")

    response = api_for(shopper).get(f"{BASE}/{endpoint}")

    assert response.status_code == 403
    assert response.json() == {"code": "NOT_A_DISTRIBUTOR", "message": "您还不是分销商"}


@pytest.mark.parametrize("endpoint", ["me", *CENTRE_ENDPOINTS])
def test_centre_pages_need_a_login(db, endpoint):
    assert Api().get(f"{BASE}/{endpoint}").status_code == 401


def test_another_distributor_sees_nothing_of_my_team_orders_or_money(commit, mid, top, two_line_order):
    stranger = make_distributor("stranger", real_name="赵六")
    member("路过的人", under=stranger, phone="13700000000")
    them = api_for(stranger.user)

    team = body(them.get(f"{BASE}/team"))
    assert (team["level1_count"], team["level2_count"]) == (1, 0)
    assert [m["phone"] for m in team["items"]] == ["137****0000"]
    assert body(them.get(f"{BASE}/orders"))["count"] == 0
    assert body(them.get(f"{BASE}/commissions"))["count"] == 0
    assert body(them.get(f"{BASE}/customers"))["count"] == 0
    assert body(them.get(f"{BASE}/me"))["balances"]["pending_fen"] == 0


def test_another_distributors_withdrawal_is_not_found(commit, mid, two_line_order):
    settle(receive(commit, two_line_order))
    withdrawal = withdrawal_request(user_id=mid.user_id, amount_fen=500, method="bank", bank=BANK)
    stranger = make_distributor("stranger", real_name="赵六")

    response = api_for(stranger.user).get(f"{BASE}/withdrawals/{withdrawal.id}")

    assert response.status_code == 404
    assert response.json()["code"] == "WITHDRAWAL_NOT_FOUND"
    assert api_for(mid.user).get(f"{BASE}/withdrawals/{withdrawal.id}").status_code == 200


# -- team, customers -------------------------------------------------------------------------


def test_team_counts_levels_and_masks_every_member(commit, top, mid, buyer, sku):
    member("欧阳娜娜", under=top, phone="13912345678", avatar_url="https://img.example/a.png")
    member("王小明", under=mid, phone="13698765432")
    paid_order(commit, buyer, (sku.id, 2))
    me = api_for(top.user)

    level1 = body(me.get(f"{BASE}/team", {"level": 1}))
    level2 = body(me.get(f"{BASE}/team", {"level": 2}))

    assert (level1["level1_count"], level1["level2_count"], level1["count"]) == (2, 2, 2)
    assert [(m["name"], m["phone"], m["is_distributor"]) for m in level1["items"]] == [
        ("欧***", "139****5678", False),
        ("b**", "", True),
    ]
    assert level1["items"][0]["avatar_url"] == "https://img.example/a.png"
    assert (level2["level"], level2["count"]) == (2, 2)
    assert [(m["name"], m["phone"], m["order_count"], m["sales_fen"]) for m in level2["items"]] == [
        ("王**", "136****5432", 0, 0),
        ("c****", "", 1, 20_000),
    ]
    assert set(level1["items"][0]) == MEMBER_FIELDS  # no raw phone, no address, no order ids
    raw = json.dumps([level1, level2], ensure_ascii=False)
    assert "13912345678" not in raw and "13698765432" not in raw and "欧阳娜娜" not in raw


def test_team_rejects_a_level_it_does_not_have(mid):
    response = api_for(mid.user).get(f"{BASE}/team", {"level": 3})

    assert response.status_code == 422
    assert response.json()["code"] == "VALIDATION_ERROR"


def test_team_pages(mid):
    for n in range(5):
        member(f"成员{n}", under=mid, phone=f"1380000000{n}")

    page = body(api_for(mid.user).get(f"{BASE}/team", {"page": 2, "page_size": 2}))

    assert (page["count"], page["page"], page["page_size"]) == (5, 2, 2)
    assert [m["phone"] for m in page["items"]] == ["138****0002", "138****0001"]


def test_customers_are_level_one_buyers_with_what_they_kept(commit, mid, top, buyer, sku, sku2):
    first = paid_order(commit, buyer, (sku.id, 1))
    second = paid_order(commit, buyer, (sku2.id, 3))
    other = member("钱多多", under=mid, phone="13511112222")
    paid_order(commit, other, (sku.id, 1))
    refund_line(lines_of(first)[0], 4_000)

    found = body(api_for(mid.user).get(f"{BASE}/customers"))

    assert found["count"] == 2
    assert [(c["name"], c["order_count"], c["sales_fen"]) for c in found["items"]] == [
        ("钱**", 1, 10_000),
        ("c****", 2, 6_000 + 9_999),
    ]
    assert abs(parse_datetime(found["items"][1]["last_order_at"]) - second.created_at) < timedelta(milliseconds=1)
    # A level-2 earner has no customers of its own here.
    assert body(api_for(top.user).get(f"{BASE}/customers"))["count"] == 0


# -- withdrawals -----------------------------------------------------------------------------


def test_withdrawals_list_mine_with_labels_fees_and_reasons(commit, mid, staff, two_line_order):
    settings_update(actor_id=None, changes={"withdraw_fee_bps": 100, "withdraw_fee_min_fen": 5})  # 1%, at least 5 fen
    settle(receive(commit, two_line_order))
    withdrawal_request(user_id=mid.user_id, amount_fen=1_200, method="bank", bank=BANK)
    rejected = withdrawal_request(user_id=mid.user_id, amount_fen=133, method="bank", bank=BANK)
    withdrawal_reject(withdrawal_id=rejected.id, actor_id=staff.id, reason="户名不符")

    page = body(api_for(mid.user).get(f"{BASE}/withdrawals"))

    assert page["count"] == 2
    latest, first = page["items"]
    assert (latest["amount_fen"], latest["status"], latest["status_label"], latest["reject_reason"]) == (
        133,
        "rejected",
        "已驳回（已退回）",
        "户名不符",
    )
    assert (first["amount_fen"], first["fee_fen"], first["net_fen"]) == (1_200, 12, 1_188)
    assert first["status_label"] == "待打款"
    assert (latest["fee_fen"], latest["net_fen"]) == (5, 128)
    assert (first["method_label"], first["bank_name"], first["bank_account_no"]) == ("银行卡", "招商银行", "**** 5678")
    assert "6225880212345678" not in json.dumps(page)


def test_a_wechat_withdrawal_waiting_for_confirmation_carries_its_confirm_params(commit, mid, two_line_order):
    settle(receive(commit, two_line_order))
    with commit():
        withdrawal = withdrawal_request(user_id=mid.user_id, amount_fen=1000, method="wechat")
    withdrawal.refresh_from_db()
    assert withdrawal.status == WithdrawalStatus.PAYING

    found = body(api_for(mid.user).get(f"{BASE}/withdrawals/{withdrawal.id}"))

    assert (found["status"], found["status_label"], found["method_label"]) == ("paying", "打款中", "微信零钱")
    assert found["confirm_params"]["package"] == Withdrawal.objects.get(pk=withdrawal.id).package_info
    assert set(found["confirm_params"]) == {"mchId", "appId", "package"}


def test_a_withdrawal_under_review_has_no_confirm_params(commit, mid, two_line_order):
    settings_update(actor_id=None, changes={"withdraw_auto_approve_max_fen": 100})
    settle(receive(commit, two_line_order))
    withdrawal = withdrawal_request(user_id=mid.user_id, amount_fen=1000, method="wechat")

    found = body(api_for(mid.user).get(f"{BASE}/withdrawals/{withdrawal.id}"))

    assert (found["status_label"], found["confirm_params"]) == ("待审核", None)
