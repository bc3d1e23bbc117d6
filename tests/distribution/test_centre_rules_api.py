"""``/distribution/me`` tells anyone, distributor or plain shopper, the platform's withdrawal rules
and how one becomes a distributor, as the server applies them: the mini-program shows them where
the distributor acts (申请提现, 申请成为分销商) instead of only refusing afterwards."""

from __future__ import annotations

import pytest

from fenxiao.distribution.config.settings import settings_update
from fenxiao.distribution.network.enrolment import paid_spend_fen
from fenxiao.distribution.withdrawals.requests import withdrawal_fee
from fenxiao.orders.models import Order
from tests.distribution.centre_support import BASE, DEFAULT_RULES, METHODS, api_for, body
from tests.distribution.support import make_user, paid_order
from tests.order_support import place_order
from tests.support import Api

pytestmark = pytest.mark.django_db

NO_FEE = "成为分销商不收取任何费用，也无需购买商品或会员。"


def me_of(user) -> dict:
    return body(api_for(user).get(f"{BASE}/me"))


def test_a_plain_shopper_sees_the_default_rules_and_the_apply_policy(db):
    found = me_of(make_user("路人"))

    assert found["rules"] == DEFAULT_RULES
    assert found["join"] == {
        "policy": "apply",
        "policy_label": "申请并经审核",
        "threshold_fen": None,
        "spent_fen": None,
        "note": "填写资料提交申请，平台审核通过后即可成为分销商。" + NO_FEE,
    }


def test_a_distributor_sees_the_rules_the_operator_set(mid):
    settings_update(
        actor_id=None,
        changes={
            "withdraw_min_fen": 500,
            "withdraw_fee_bps": 60,
            "withdraw_fee_min_fen": 10,
            "withdraw_daily_limit_fen": 100_000,
            "withdraw_auto_approve_max_fen": 5_000,
        },
    )

    assert me_of(mid.user)["rules"] == {
        "min_fen": 500,
        "fee_bps": 60,
        "fee_min_fen": 10,
        "daily_limit_fen": 100_000,
        "audit_above_fen": 5_000,
        "methods": METHODS,
    }


def test_no_review_threshold_when_no_withdrawal_can_exceed_it(db):
    """Auto-approval up to the daily limit or beyond means nothing is ever reviewed for its size."""
    settings_update(
        actor_id=None, changes={"withdraw_daily_limit_fen": 20_000, "withdraw_auto_approve_max_fen": 20_000}
    )

    assert me_of(make_user("路人"))["rules"]["audit_above_fen"] is None


def test_a_zero_minimum_is_shown_as_the_one_fen_the_server_still_requires(db):
    settings_update(actor_id=None, changes={"withdraw_min_fen": 0})

    assert me_of(make_user("路人"))["rules"]["min_fen"] == 1


@pytest.mark.parametrize(
    ("amount_fen", "fee_bps", "fee_min_fen", "fee_fen"),
    [
        (10_000, 0, 0, 0),  # 免手续费
        (10_000, 60, 0, 60),
        (1_999, 60, 10, 11),  # 11.994 rounds down
        (1_000, 60, 10, 10),  # 6 fen by rate, the minimum wins
        (1_000, 0, 200, 200),  # a flat fee
    ],
)
def test_the_fee_rule_the_rules_describe(amount_fen, fee_bps, fee_min_fen, fee_fen):
    """The worked examples the mini-program's preview (miniprogram/utils/withdraw-rules.js) is tested against."""
    assert withdrawal_fee(amount_fen=amount_fen, fee_bps=fee_bps, fee_min_fen=fee_min_fen) == fee_fen


def test_under_everyone_the_shopper_is_told_they_can_join_at_once(db):
    settings_update(actor_id=None, changes={"become_policy": "everyone"})

    join = me_of(make_user("路人"))["join"]

    assert join == {
        "policy": "everyone",
        "policy_label": "所有人均可成为分销商",
        "threshold_fen": None,
        "spent_fen": None,
        "note": "所有用户均可立即成为分销商：填写资料提交后即刻开通。" + NO_FEE,
    }


def test_under_spend_the_shopper_sees_the_threshold_and_their_paid_spend(commit, sku):
    settings_update(actor_id=None, changes={"become_policy": "spend", "spend_threshold_fen": 1_000_000})
    shopper = make_user("顾客")
    first = paid_order(commit, shopper, (sku.id, 1))
    second = paid_order(commit, shopper, (sku.id, 2))
    place_order(shopper, (sku.id, 1))  # not paid: not spent
    Order.objects.filter(pk=second.pk).update(refunded_fen=3_000)  # refunded money is not spent

    found = me_of(shopper)

    spent = first.paid_fen + second.paid_fen - 3_000
    assert spent == paid_spend_fen(shopper.id) < 1_000_000
    assert (found["is_distributor"], found["can_apply"]) == (False, True)
    assert found["join"] == {
        "policy": "spend",
        "policy_label": "累计消费满额自动成为（也可申请）",
        "threshold_fen": 1_000_000,
        "spent_fen": spent,
        "note": "累计消费满 10000.00 元自动成为分销商；也可直接提交申请，平台审核通过后即可成为分销商。" + NO_FEE,
    }


def test_under_spend_a_shopper_who_never_paid_has_spent_nothing(db):
    settings_update(actor_id=None, changes={"become_policy": "spend", "spend_threshold_fen": 50_000})

    join = me_of(make_user("路人"))["join"]

    assert (join["threshold_fen"], join["spent_fen"]) == (50_000, 0)


def test_under_spend_a_distributor_has_no_progress_to_show(commit, sku):
    settings_update(actor_id=None, changes={"become_policy": "spend", "spend_threshold_fen": 100})
    shopper = make_user("顾客")
    paid_order(commit, shopper, (sku.id, 1))  # its order_paid handler makes them a distributor

    found = me_of(shopper)

    assert found["is_distributor"] is True
    assert (found["join"]["threshold_fen"], found["join"]["spent_fen"]) == (100, None)


def test_me_reads_the_settings_once_and_spend_in_one_query(db, django_assert_num_queries):
    """Rules and policy add no query per field: the (cached) settings row, then one aggregate."""
    settings_update(actor_id=None, changes={"become_policy": "spend", "spend_threshold_fen": 50_000})
    shopper = make_user("路人")
    me = api_for(shopper)
    me.get(f"{BASE}/me")  # warms the settings cache
    with django_assert_num_queries(4):  # the caller, distributor, application, spend
        me.get(f"{BASE}/me")


def test_openapi_documents_the_rules_and_the_join_policy(db):
    schemas = Api().get("/api/openapi.json").json()["components"]["schemas"]

    assert {"rules", "join"} <= set(schemas["MeOut"]["properties"])
    assert set(schemas["WithdrawRulesOut"]["properties"]) == {
        "min_fen",
        "fee_bps",
        "fee_min_fen",
        "daily_limit_fen",
        "audit_above_fen",
        "methods",
    }
    assert set(schemas["JoinPolicyOut"]["properties"]) == {
        "policy",
        "policy_label",
        "threshold_fen",
        "spent_fen",
        "note",
    }
