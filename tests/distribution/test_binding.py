"""Referral binding under each policy (DESIGN §5), and the chain an order snapshots."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from fenxiao.core.errors import DomainError
from fenxiao.distribution.config.settings import settings_update
from fenxiao.distribution.models import (
    CommissionRecord,
    Distributor,
    OrderReferral,
    Referral,
    ReferralChange,
    ReferralTouch,
)
from fenxiao.distribution.network.binding import chain_from_row, chain_lookups, referral_bind
from fenxiao.distribution.network.enrolment import distributor_qualify_by_spend, distributor_suspend
from tests.distribution.support import make_distributor, make_user, paid_order
from tests.order_support import place_order

pytestmark = pytest.mark.django_db

START = timezone.make_aware(timezone.datetime(2026, 11, 1, 10, 0))


@pytest.fixture
def two(db):
    return make_distributor("ann"), make_distributor("ben")


def referrer_of(user) -> Distributor | None:
    found = Referral.objects.filter(user=user).select_related("distributor").first()
    return found.distributor if found else None


def test_first_touch_is_permanent(two):
    a, b = two
    shopper = make_user("cat")
    assert referral_bind(user_id=shopper.id, code=a.code, source="link").status == "bound"
    assert referral_bind(user_id=shopper.id, code=b.code, source="poster", now=START + timedelta(days=999)).status == (
        "kept"
    )
    assert referrer_of(shopper) == a
    assert referral_bind(user_id=shopper.id, code=a.code, source="link").status == "unchanged"


def test_rebind_is_allowed_only_after_the_interval(two):
    a, b = two
    settings_update(actor_id=None, changes={"binding_policy": "rebind_after_days", "rebind_after_days": 30})
    shopper = make_user("cat")
    referral_bind(user_id=shopper.id, code=a.code, source="link", now=START)

    early = referral_bind(user_id=shopper.id, code=b.code, source="link", now=START + timedelta(days=29))
    assert early.status == "kept" and referrer_of(shopper) == a

    late = referral_bind(user_id=shopper.id, code=b.code, source="qrcode", now=START + timedelta(days=30))
    assert late.status == "rebound" and referrer_of(shopper) == b
    change = ReferralChange.objects.filter(user=shopper).first()
    assert (change.previous_id, change.distributor_id, change.source) == (a.id, b.id, "qrcode")


def test_last_touch_follows_every_share(two):
    a, b = two
    settings_update(actor_id=None, changes={"binding_policy": "last_touch"})
    shopper = make_user("cat")
    referral_bind(user_id=shopper.id, code=a.code, source="link")
    assert referral_bind(user_id=shopper.id, code=b.code, source="link").status == "rebound"
    assert referral_bind(user_id=shopper.id, code=a.code, source="link").status == "rebound"
    assert referrer_of(shopper) == a


def test_binding_at_first_order_waits_for_the_order(commit, two, sku):
    a, b = two
    settings_update(actor_id=None, changes={"bind_on": "first_order"})
    shopper = make_user("cat")
    assert referral_bind(user_id=shopper.id, code=a.code, source="poster").status == "pending"
    assert referral_bind(user_id=shopper.id, code=b.code, source="link").status == "pending"  # first touch kept
    assert referrer_of(shopper) is None

    order = paid_order(commit, shopper, (sku.id, 1))

    assert referrer_of(shopper) == a and not ReferralTouch.objects.exists()
    assert OrderReferral.objects.get(order=order).chain == [a.id]
    assert CommissionRecord.objects.get(order=order).distributor == a


def test_a_later_rebind_never_moves_an_existing_orders_money(commit, two, sku):
    a, b = two
    settings_update(actor_id=None, changes={"binding_policy": "last_touch"})
    shopper = make_user("cat")
    referral_bind(user_id=shopper.id, code=a.code, source="link")
    with commit():
        order = place_order(shopper, (sku.id, 1))
    referral_bind(user_id=shopper.id, code=b.code, source="link")

    from tests.order_support import mark_paid

    with commit():
        mark_paid(order)
    assert CommissionRecord.objects.get(order=order).distributor == a


def _chain(user_id: int, depth: int) -> list[int]:
    """The distributors above a user, read the way commission booking reads them."""
    return chain_from_row(Referral.objects.filter(user_id=user_id).values_list(*chain_lookups(depth)).first())


def test_the_chain_stops_at_loops_and_depth(two):
    _, b = two
    c = make_distributor("cid", under=b)
    d = make_distributor("dan", under=c)
    shopper = make_user("eve")
    referral_bind(user_id=shopper.id, code=d.code, source="link")
    assert _chain(shopper.id, 2) == [d.id, c.id]
    assert _chain(shopper.id, 3) == [d.id, c.id, b.id]
    with pytest.raises(DomainError) as exc:
        referral_bind(user_id=b.user_id, code=d.code, source="link")
    assert exc.value.code == "DIST_BIND_LOOP"


def test_a_suspended_distributor_cannot_bind_new_customers(two, django_user_model):
    a, _ = two
    staff = django_user_model.objects.create(username="ops", is_staff=True)
    distributor_suspend(distributor_id=a.id, actor_id=staff.id, reason="违规")
    with pytest.raises(DomainError) as exc:
        referral_bind(user_id=make_user("fox").id, code=a.code, source="link")
    assert exc.value.code == "DIST_REFERRER_SUSPENDED"


def test_spend_policy_makes_a_distributor_once_the_threshold_is_paid(commit, sku):
    settings_update(actor_id=None, changes={"become_policy": "spend", "spend_threshold_fen": 15_000})
    shopper = make_user("gil")
    paid_order(commit, shopper, (sku.id, 1))  # ¥100.00
    assert not Distributor.objects.filter(user=shopper).exists()

    paid_order(commit, shopper, (sku.id, 1))  # ¥200.00 in all
    distributor = Distributor.objects.get(user=shopper)
    assert distributor.source == "spend" and distributor.code
    assert distributor_qualify_by_spend(user_id=shopper.id) is None  # already one


def test_binding_the_same_code_twice_is_recorded_once(two):
    a, _ = two
    shopper = make_user("hal")
    with time_machine.travel(START, tick=False):
        first = referral_bind(user_id=shopper.id, code=a.code, source="link")
        second = referral_bind(user_id=shopper.id, code=a.code, source="link")
    assert (first.status, second.status) == ("bound", "unchanged")
    assert ReferralChange.objects.filter(user=shopper).count() == 1
