"""Claiming coupons through the service: stock, per-user limits, validity by dates or by days
after claim, expiry, and pausing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine

from fenxiao.promotions.coupons.claims import coupon_issue, user_coupons_expire
from fenxiao.promotions.coupons.errors import CouponConflict
from fenxiao.promotions.coupons.selectors import coupon_centre_list, user_coupon_list
from fenxiao.promotions.coupons.templates import coupon_template_pause, coupon_template_resume
from fenxiao.promotions.models import UserCouponStatus
from tests.promotions.coupons.support import claim, days, make_template

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)


def test_claim_counts_and_dates_follow_days_after_claim(buyer):
    template = make_template(valid_days_after_claim=7)
    with time_machine.travel(T0, tick=False):
        uc = claim(buyer, template)
    template.refresh_from_db()
    assert template.claimed_count == 1
    assert (uc.status, uc.claimed_at, uc.starts_at, uc.expires_at) == ("unused", T0, T0, T0 + days(7))


def test_dated_coupon_is_claimable_before_it_starts_and_expires_with_the_template(buyer):
    template = make_template(valid_days_after_claim=None, valid_from=T0 + days(2), valid_until=T0 + days(10))
    with time_machine.travel(T0, tick=False):
        uc = claim(buyer, template)
    assert (uc.starts_at, uc.expires_at) == (T0 + days(2), T0 + days(10))
    with time_machine.travel(T0 + days(10), tick=False), pytest.raises(CouponConflict) as err:
        claim(buyer, make_template(valid_days_after_claim=None, valid_until=T0 + days(10)))
    assert err.value.code == "COUPON_NOT_CLAIMABLE"


def test_per_user_limit(buyer, other_user):
    template = make_template(per_user_limit=2)
    claim(buyer, template)
    claim(buyer, template)
    with pytest.raises(CouponConflict) as err:
        claim(buyer, template)
    assert (err.value.code, err.value.message) == ("COUPON_LIMIT_REACHED", "您已达到该优惠券的领取上限")
    claim(other_user, template)
    template.refresh_from_db()
    assert template.claimed_count == 3


def test_total_quantity(buyer, other_user):
    template = make_template(total_quantity=1)
    claim(buyer, template)
    with pytest.raises(CouponConflict) as err:
        claim(other_user, template)
    assert err.value.code == "COUPON_SOLD_OUT"
    template.refresh_from_db()
    assert template.claimed_count == 1


def test_paused_template_stops_claims_until_resumed(buyer):
    template = make_template()
    coupon_template_pause(template_id=template.pk)
    with pytest.raises(CouponConflict) as err:
        claim(buyer, template)
    assert err.value.code == "COUPON_NOT_CLAIMABLE"
    coupon_template_resume(template_id=template.pk)
    assert claim(buyer, template).status == "unused"


def test_expiry_moves_a_coupon_to_the_expired_tab_then_the_sweep_marks_it(buyer):
    with time_machine.travel(T0, tick=False):
        uc = claim(buyer, make_template(valid_days_after_claim=3))
    day3 = T0 + days(3)
    assert list(user_coupon_list(user=buyer, status="unused", now=day3 - days(1))) == [uc]
    assert list(user_coupon_list(user=buyer, status="unused", now=day3)) == []
    assert list(user_coupon_list(user=buyer, status="expired", now=day3)) == [uc]
    assert user_coupons_expire(now=day3 - days(1)) == 0
    assert user_coupons_expire(now=day3) == 1
    uc.refresh_from_db()
    assert uc.status == UserCouponStatus.EXPIRED
    assert list(user_coupon_list(user=buyer, status="expired", now=day3)) == [uc]


def test_a_template_kept_off_the_centre_is_not_listed_nor_claimable_but_can_be_issued(buyer):
    reward = make_template(public=False, total_quantity=2, per_user_limit=1, valid_days_after_claim=30)
    listed = [item["template"].pk for item in coupon_centre_list(user=buyer, now=T0)]
    assert reward.pk not in listed
    with pytest.raises(CouponConflict) as err:
        claim(buyer, reward)
    assert err.value.code == "COUPON_NOT_CLAIMABLE"

    with time_machine.travel(T0, tick=False):
        first = coupon_issue(user_id=buyer.pk, template_id=reward.pk)
        second = coupon_issue(user_id=buyer.pk, template_id=reward.pk)  # past the per-user limit: the mall's gift
    assert (first.claim_no, second.claim_no, first.expires_at) == (1, 2, T0 + days(30))
    with pytest.raises(CouponConflict) as err:
        coupon_issue(user_id=buyer.pk, template_id=reward.pk)
    assert err.value.code == "COUPON_SOLD_OUT"
    reward.refresh_from_db()
    assert reward.claimed_count == reward.total_quantity == 2
