from __future__ import annotations

import pytest

from fenxiao.accounts.models import User
from fenxiao.accounts.tokens import token_pair_issue
from fenxiao.promotions.invites.models import InviteCampaign
from fenxiao.promotions.models import CouponTemplate
from tests.promotions.invites.support import make_campaign, make_user, reward_template
from tests.support import Api


@pytest.fixture
def inviter(db) -> User:
    """Any user may invite; this one has been shopping for a while."""
    return make_user("invite-qiang", nickname="阿强", phone="13900001111")


@pytest.fixture
def inviter_template(db) -> CouponTemplate:
    return reward_template("邀请奖励 满100减20", amount_fen=2_000, threshold_fen=10_000)


@pytest.fixture
def invitee_template(db) -> CouponTemplate:
    return reward_template("新人奖励 无门槛10元", kind="no_threshold", amount_fen=1_000, threshold_fen=0)


@pytest.fixture
def campaign(inviter_template, invitee_template) -> InviteCampaign:
    return make_campaign(inviter_template=inviter_template, invitee_template=invitee_template)


@pytest.fixture
def newcomer(campaign) -> User:
    """Registered after the campaign started, nothing bought yet."""
    return make_user("invite-mei", nickname="新人小美", phone="13700002222")


def api_for(user: User) -> Api:
    return Api(token_pair_issue(user_id=user.id, scope="user").access)
