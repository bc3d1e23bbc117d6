"""The Redis gate as the crowd meets it: every refusal (sold out, limit reached, not started, ended,
paused) is answered from Redis alone, without a database query; operator changes reach the gate
the moment they are made; auth is not weakened (a forged, expired or revoked token is 401 and takes
nothing); and the reconcile sweep puts the gate back in line with the database when a give-back
was lost or a request died holding a unit, but never while a purchase is in flight."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.db.models import F
from django.utils import timezone

from fenxiao.accounts.models import User
from fenxiao.accounts.tokens import token_pair_issue
from fenxiao.core.extensions import registered_sweeps
from fenxiao.promotions.models import SeckillPurchase
from fenxiao.promotions.seckill import gate as seckill_gate
from fenxiao.promotions.seckill.activities import (
    RECONCILE_GRACE,
    SeckillConflict,
    epoch_ms,
    held_units,
    seckill_activity_pause,
    seckill_activity_resume,
    seckill_activity_update,
    seckill_gate_seed,
    sweep_seckill_gates,
)
from fenxiao.promotions.seckill.gate import Gate
from fenxiao.promotions.seckill.purchases import seckill_return_for_order
from tests.promotions.seckill.support import (
    TEST_REDIS_URL,
    address_of,
    buy,
    gate_held,
    make_activity,
    redis_gate,
    refusal,
    remaining,
    seeded_activity,
    shopper,
    token_of,
)
from tests.support import Api

__all__ = ["redis_gate", "refusal"]  # fixtures
pytestmark = pytest.mark.django_db


def post(api: Api, activity, user):
    return api.post(f"/api/v1/seckill/{activity.pk}/orders", address_of(user))


def test_creating_an_activity_seeds_its_gate_with_the_whole_quota(redis_gate, sku, commit):
    activity = seeded_activity(commit, sku, stock=7, per_user_limit=2)

    assert seckill_gate.gate_remaining(activity.pk) == 7
    assert gate_held(activity.pk) == {}
    rules = seckill_gate.redis_client().hgetall(seckill_gate.meta_key(activity.pk))
    assert rules[b"limit"] == b"2" and rules[b"paused"] == b"0"
    assert int(rules[b"starts"]) == epoch_ms(activity.starts_at) and int(rules[b"ends"]) == epoch_ms(activity.ends_at)


def test_every_refusal_is_answered_from_redis_without_a_query(refusal, buyer, buyer_api, django_assert_num_queries):
    activity = refusal.activity
    before = remaining(activity)
    body = address_of(buyer)

    with time_machine.travel(refusal.at, tick=False), django_assert_num_queries(0):
        response = buyer_api.post(f"/api/v1/seckill/{activity.pk}/orders", body)

    assert response.status_code == 409 and response.json()["code"] == refusal.code
    assert remaining(activity) == before  # a refusal takes nothing


def test_a_pause_turns_the_crowd_away_at_the_gate_and_a_resume_lets_it_in(redis_gate, sku, commit):
    activity = seeded_activity(commit, sku)
    user = shopper("a")

    with commit():
        seckill_activity_pause(activity_id=activity.pk)
    with pytest.raises(SeckillConflict) as exc:
        buy(user, activity)
    assert exc.value.code == "SECKILL_PAUSED"
    probe = seckill_gate.gate_take(activity_id=activity.pk, user_id=1, now_ms=epoch_ms(timezone.now()), token="x")
    assert probe == Gate.PAUSED

    with commit():
        seckill_activity_resume(activity_id=activity.pk)
    buy(user, activity)
    assert remaining(activity) == (9, 9)


def test_a_raised_limit_and_a_moved_window_reach_the_gate(redis_gate, sku, commit):
    activity = seeded_activity(commit, sku, per_user_limit=1)
    user = shopper("a")
    buy(user, activity)

    with commit():
        seckill_activity_update(activity_id=activity.pk, fields={"per_user_limit": 2})
    buy(user, activity)  # the gate lets the second unit through at once
    with commit():
        seckill_activity_update(activity_id=activity.pk, fields={"ends_at": timezone.now() + timedelta(minutes=5)})

    with time_machine.travel(timezone.now() + timedelta(minutes=6), tick=False):
        code = seckill_gate.gate_take(
            activity_id=activity.pk, user_id=shopper("b").pk, now_ms=epoch_ms(timezone.now()), token="late"
        )
    assert code == Gate.ENDED
    assert remaining(activity) == (8, 8)


def test_a_pause_the_gate_missed_is_still_refused_by_the_database(redis_gate, sku, commit, settings):
    activity = seeded_activity(commit, sku)
    settings.REDIS_URL = ""
    seckill_activity_pause(activity_id=activity.pk)  # Redis was unreachable for this change
    settings.REDIS_URL = TEST_REDIS_URL

    with pytest.raises(SeckillConflict) as exc:
        buy(shopper("a"), activity)

    assert exc.value.code == "SECKILL_PAUSED"
    assert remaining(activity) == (10, 10)  # the gate's unit went back
    assert not SeckillPurchase.objects.exists()


def test_a_forged_or_expired_token_is_401_and_takes_nothing(redis_gate, sku, commit, buyer, settings):
    activity = seeded_activity(commit, sku)
    token = token_of(buyer)

    forged = post(Api(token[:-6] + "AAAAAA"), activity, buyer)
    with time_machine.travel(timezone.now() + settings.JWT_ACCESS_TTL + timedelta(seconds=1), tick=False):
        expired = post(Api(token), activity, buyer)
    refresh = post(Api(token_pair_issue(user_id=buyer.id, scope="user").refresh), activity, buyer)

    assert (forged.status_code, forged.json()["code"]) == (401, "TOKEN_INVALID")
    assert (expired.status_code, expired.json()["code"]) == (401, "TOKEN_EXPIRED")
    assert (refresh.status_code, refresh.json()["code"]) == (401, "TOKEN_INVALID")
    assert remaining(activity) == (10, 10)


@pytest.mark.parametrize("how", ["logged_out_everywhere", "deactivated"])
def test_a_revoked_token_that_passes_the_gate_is_401_and_gives_the_unit_back(redis_gate, sku, commit, buyer, how):
    activity = seeded_activity(commit, sku)
    api = Api(token_of(buyer))
    if how == "logged_out_everywhere":
        User.objects.filter(pk=buyer.pk).update(token_version=F("token_version") + 1)
    else:
        User.objects.filter(pk=buyer.pk).update(is_active=False)

    response = post(api, activity, buyer)

    assert response.status_code == 401
    assert response.json()["code"] == ("TOKEN_REVOKED" if how == "logged_out_everywhere" else "TOKEN_INVALID")
    assert remaining(activity) == (10, 10) and gate_held(activity.pk) == {}
    assert not SeckillPurchase.objects.exists()


# --- reconciliation -------------------------------------------------------------------------------


def test_a_give_back_that_never_arrived_is_repaired_once_nothing_is_in_flight(redis_gate, sku):
    activity = make_activity(sku, stock=3)
    user = shopper("a")
    order = buy(user, activity)
    # The order is cancelled and the database takes the unit back, but the after-commit give-back to
    # Redis never runs (the process died): the test transaction never commits.
    assert seckill_return_for_order(order_id=order.id) is True
    assert remaining(activity) == (3, 2) and gate_held(activity.pk) == {user.pk: 1}

    assert sweep_seckill_gates(now=timezone.now()) == 0  # the purchase and the return are in flight
    assert remaining(activity) == (3, 2)

    with time_machine.travel(timezone.now() + RECONCILE_GRACE + timedelta(seconds=1), tick=False):
        assert sweep_seckill_gates(now=timezone.now()) == 1
        assert sweep_seckill_gates(now=timezone.now()) == 0  # nothing left to correct

    assert remaining(activity) == (3, 3) and gate_held(activity.pk) == {}
    buy(user, activity)  # the shopper's place under the limit is back as well


def test_a_unit_held_by_a_request_that_died_comes_back_and_its_late_give_back_counts_nothing(redis_gate, sku):
    activity = make_activity(sku, stock=2)
    seckill_gate_seed(activity_id=activity.pk)
    now_ms = epoch_ms(timezone.now())
    taken = seckill_gate.gate_take(activity_id=activity.pk, user_id=shopper("a").pk, now_ms=now_ms, token="died")
    assert taken == Gate.TAKEN and remaining(activity) == (2, 1)

    with time_machine.travel(timezone.now() + RECONCILE_GRACE + timedelta(seconds=1), tick=False):
        assert sweep_seckill_gates(now=timezone.now()) == 1
    gave_back = seckill_gate.gate_finish(activity_id=activity.pk, user_id=1, token="died", give_back=True)

    assert gave_back is False  # the reset already counted it from the database
    assert remaining(activity) == (2, 2) and gate_held(activity.pk) == {}


def test_a_gate_equal_to_the_database_is_left_alone(redis_gate, sku, commit):
    activity = seeded_activity(commit, sku, stock=5, per_user_limit=2)
    user = shopper("a")
    with commit():
        buy(user, activity)
        buy(shopper("b"), activity)
    seq = seckill_gate.redis_client().hget(seckill_gate.meta_key(activity.pk), "seq")

    assert sweep_seckill_gates(now=timezone.now()) == 0

    assert seckill_gate.redis_client().hget(seckill_gate.meta_key(activity.pk), "seq") == seq
    assert remaining(activity) == (3, 3) and gate_held(activity.pk) == held_units(activity_id=activity.pk)


def test_the_sweep_seeds_an_activity_about_to_start_and_skips_one_long_over(redis_gate, sku):
    soon = make_activity(sku, starts_at=timezone.now() + timedelta(minutes=30))
    over = make_activity(sku, starts_at=timezone.now() - timedelta(days=5), ends_at=timezone.now() - timedelta(days=4))
    tomorrow = timezone.now() + timedelta(days=1)
    later = make_activity(sku, starts_at=tomorrow, ends_at=tomorrow + timedelta(hours=1))

    assert sweep_seckill_gates(now=timezone.now()) == 1

    assert seckill_gate.gate_remaining(soon.pk) == 10
    assert seckill_gate.gate_remaining(over.pk) is None and seckill_gate.gate_remaining(later.pk) is None


def test_the_gates_are_swept_with_the_other_timed_rules(settings):
    settings.REDIS_URL = ""
    assert registered_sweeps()["promotions.seckill_gates"] is sweep_seckill_gates
    assert sweep_seckill_gates(now=timezone.now()) == 0  # nothing to do without Redis


def test_a_return_while_redis_is_down_still_frees_the_unit_and_the_sweep_puts_the_gate_right(
    redis_gate, sku, settings, commit
):
    activity = seeded_activity(commit, sku, stock=3)
    user = shopper("a")
    with commit():
        order = buy(user, activity)
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there: every call fails

    assert seckill_return_for_order(order_id=order.id) is True

    settings.REDIS_URL = TEST_REDIS_URL
    assert remaining(activity) == (3, 2)  # the database took the unit back; the gate missed it
    assert sweep_seckill_gates(now=timezone.now()) == 1
    assert remaining(activity) == (3, 3) and gate_held(activity.pk) == {}
