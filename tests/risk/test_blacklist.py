"""A blacklisted person cannot become a distributor, be bound, accept an invitation or receive its
reward, or withdraw; each refusal has its own code and a Chinese message."""

from __future__ import annotations

import pytest

from fenxiao.core.errors import DomainError
from fenxiao.distribution.models import BecomePolicy, Distributor
from fenxiao.distribution.network.binding import referral_bind
from fenxiao.distribution.network.enrolment import application_submit, distributor_qualify_by_spend
from fenxiao.distribution.withdrawals.requests import withdrawal_request
from fenxiao.risk.blacklist.services import blacklist_add, blacklist_match
from tests.distribution.support import make_user
from tests.risk.support import on_device


def refused(code: str):
    class Check:
        def __enter__(self):
            self.ctx = pytest.raises(DomainError)
            self.info = self.ctx.__enter__()
            return self.info

        def __exit__(self, *exc):
            result = self.ctx.__exit__(*exc)
            assert self.info.value.code == code
            assert self.info.value.message
            return result

    return Check()


def test_a_blacklisted_phone_cannot_apply(db):
    user = make_user("zoe", phone="13911112222")
    blacklist_add(kind="phone", value="139 1111 2222", actor_id=None)
    with refused("RISK_BLACKLISTED_DISTRIBUTOR"):
        application_submit(user_id=user.id, real_name="周敏", phone="13911112222", reason="")


def test_a_blacklisted_address_cannot_be_bound(db, dave):
    user = make_user("yan")
    address = user.addresses.get()
    blacklist_add(
        kind="address", value=f"{address.province}{address.city}{address.district}{address.detail}", actor_id=None
    )
    with refused("RISK_BLACKLISTED_BINDING"):
        referral_bind(user_id=user.id, code=dave.code, source="link")


def test_a_blacklisted_device_is_matched_from_the_request(db):
    user = make_user("xu")
    blacklist_add(kind="device", value="bad-device-0001", actor_id=None)
    assert blacklist_match(user_id=user.id) is None
    with on_device("bad-device-0001"):
        assert blacklist_match(user_id=user.id) is not None


def test_a_blacklisted_openid_cannot_withdraw(db, dave):
    blacklist_add(kind="openid", value="openid-dave", actor_id=None)
    with refused("RISK_BLACKLISTED_WITHDRAWAL"):
        withdrawal_request(user_id=dave.user_id, amount_fen=100, method="wechat")


def test_spend_policy_never_makes_a_blacklisted_buyer_a_distributor(db, settings):
    from fenxiao.distribution.config.settings import settings_update

    settings_update(actor_id=None, changes={"become_policy": BecomePolicy.SPEND, "spend_threshold_fen": 1})
    user = make_user("wu", phone="13922223333")
    blacklist_add(kind="phone", value="13922223333", actor_id=None)
    assert distributor_qualify_by_spend(user_id=user.id) is None
    assert not Distributor.objects.filter(user=user).exists()


def test_the_api_answers_the_refusal(db, dave):
    from fenxiao.accounts.tokens import token_pair_issue
    from tests.support import Api, assert_error

    user = make_user("vic")
    blacklist_add(kind="openid", value="openid-vic", actor_id=None)
    api = Api(token_pair_issue(user_id=user.id, scope="user").access)
    assert_error(
        api.post("/api/v1/distribution/bind", {"code": dave.code, "source": "link"}), 403, "RISK_BLACKLISTED_BINDING"
    )
    assert_error(
        api.post("/api/v1/distribution/apply", {"real_name": "魏来", "phone": "13933334444", "reason": ""}),
        403,
        "RISK_BLACKLISTED_DISTRIBUTOR",
    )
