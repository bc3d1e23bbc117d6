"""The seckill lane in front of Django (``promotions/api/seckill_lane.py``): a refusal is answered
from the token and the Redis gate alone, exactly as Django's path answers it (status, body,
headers), without a query and without Django's request cycle; a shopper the gate lets through is
handed to Django with the unit already taken, and buys it exactly once; anything unusual (no
Redis, a bad token, a bad body, an unseeded gate, Redis failing) goes to Django as before, and a
unit taken for a request Django answers before the buy view is given back."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

import pytest
import redis
import time_machine
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import RequestFactory
from prometheus_client import REGISTRY

from fenxiao.accounts.tokens import token_pair_issue
from fenxiao.orders.models import Order
from fenxiao.promotions.api.seckill import TAKEN_TOKEN
from fenxiao.promotions.api.seckill_lane import SeckillLane, SoldOutMemo
from fenxiao.promotions.models import SeckillPurchase
from fenxiao.promotions.seckill import gate as seckill_gate
from fenxiao.promotions.seckill.activities import seckill_activity_update
from tests.promotions.seckill.support import (
    address_of,
    gate_held,
    redis_gate,
    refusal,
    remaining,
    seeded_activity,
    token_of,
)
from tests.support import Api

__all__ = ["redis_gate", "refusal"]  # fixtures
pytestmark = pytest.mark.django_db

ROUTE = "api/v1/seckill/<activity_id>/orders"


class Answer:
    def __init__(self, status: str, headers: list[tuple[str, str]], body: bytes):
        self.status_code = int(status.split(" ", 1)[0])
        self.headers = dict(headers)
        self.body = body

    def json(self) -> dict[str, Any]:
        return json.loads(self.body)


class Django:
    """Django's WSGI handler as gunicorn runs it, counting the requests that reached it. Like the
    test client, it keeps the test's database connection open across requests."""

    def __init__(self):
        self.handler = WSGIHandler()
        self.calls = 0

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        self.calls += 1
        return self.handler(environ, start_response)


@pytest.fixture
def django_app() -> Iterable[Django]:
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield Django()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def call(app, activity_id: int, *, token: str | None, body: Any = None, raw: bytes | None = None, **extra) -> Answer:
    data = raw if raw is not None else json.dumps(body if body is not None else {}).encode()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    environ = (
        RequestFactory()
        .generic("POST", f"/api/v1/seckill/{activity_id}/orders", data, "application/json", **headers, **extra)
        .environ
    )
    seen: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info=None):
        seen.update(status=status, headers=headers)

    body_out = b"".join(app(environ, start_response))
    assert TAKEN_TOKEN not in environ  # a taken unit is always either bought or given back
    return Answer(seen["status"], seen["headers"], body_out)


def refused_count(reason: str) -> float:
    return REGISTRY.get_sample_value("fenxiao_seckill_refused_total", {"reason": reason}) or 0.0


def observed(status: str) -> float:
    labels = {"method": "POST", "route": ROUTE, "status": status}
    return REGISTRY.get_sample_value("fenxiao_http_request_duration_seconds_count", labels) or 0.0


def test_a_refusal_is_answered_by_the_lane_as_django_answers_it(refusal, buyer, django_app, django_assert_num_queries):
    activity, code = refusal.activity, refusal.code
    before, refusals, timed = remaining(activity), refused_count(code), observed("4xx")
    lane, token, body = SeckillLane(django_app), token_of(buyer), address_of(buyer)

    with time_machine.travel(refusal.at, tick=False):
        with django_assert_num_queries(0):
            answer = call(lane, activity.pk, token=token, body=body)
        reference = Api(token).post(f"/api/v1/seckill/{activity.pk}/orders", body)

    assert django_app.calls == 0  # answered without Django's request cycle
    assert answer.status_code == 409 == reference.status_code
    assert answer.json()["code"] == code and answer.body == reference.content
    ignored = {"X-Request-ID"}
    assert {k: v for k, v in answer.headers.items() if k not in ignored} == {
        k: v for k, v in reference.headers.items() if k not in ignored
    }
    assert len(answer.headers["X-Request-ID"]) == 32
    assert remaining(activity) == before  # a refusal takes nothing
    assert refused_count(code) == refusals + 2  # the lane's and the reference's
    assert observed("4xx") >= timed + 1


def test_the_lane_echoes_a_sane_request_id(redis_gate, sku, commit, buyer, django_app):
    activity = seeded_activity(commit, sku, stock=0)

    answer = call(
        SeckillLane(django_app), activity.pk, token=token_of(buyer), body={}, HTTP_X_REQUEST_ID="nginx-1234567890"
    )

    assert answer.status_code == 409 and answer.headers["X-Request-ID"] == "nginx-1234567890"


def test_a_winner_is_handed_to_django_with_its_unit_taken_and_buys_it_once(redis_gate, sku, commit, buyer, django_app):
    activity = seeded_activity(commit, sku, stock=3)

    with commit():
        answer = call(SeckillLane(django_app), activity.pk, token=token_of(buyer), body=address_of(buyer))

    assert answer.status_code == 201 and django_app.calls == 1
    order = Order.objects.get(pk=answer.json()["id"])
    assert order.buyer_id == buyer.pk and order.payable_fen == 990 + order.shipping_fen
    assert SeckillPurchase.objects.filter(activity=activity, user=buyer).count() == 1
    assert remaining(activity) == (2, 2)  # one unit, taken once at the gate and once in the database
    assert gate_held(activity.pk) == {buyer.pk: 1}
    assert seckill_gate.redis_client().zcard(seckill_gate.flight_key(activity.pk)) == 0  # ended on commit


def test_a_unit_taken_for_a_request_django_refuses_before_the_view_is_given_back(
    redis_gate, sku, commit, buyer, monkeypatch
):
    activity = seeded_activity(commit, sku, stock=3)

    def answers_before_the_view(environ, start_response):
        assert environ[TAKEN_TOKEN]  # the lane took a unit for it
        start_response("503 Service Unavailable", [("Content-Type", "application/json")])
        return [b'{"code": "UNAVAILABLE"}']

    answer = call(SeckillLane(answers_before_the_view), activity.pk, token=token_of(buyer), body=address_of(buyer))

    assert answer.status_code == 503
    assert remaining(activity) == (3, 3) and gate_held(activity.pk) == {}
    assert seckill_gate.redis_client().zcard(seckill_gate.flight_key(activity.pk)) == 0


def test_a_unit_taken_for_a_request_that_raises_is_given_back(redis_gate, sku, commit, buyer):
    activity = seeded_activity(commit, sku, stock=3)

    def crashes(environ, start_response):
        raise RuntimeError("worker fault")

    with pytest.raises(RuntimeError):
        call(SeckillLane(crashes), activity.pk, token=token_of(buyer), body=address_of(buyer))

    assert remaining(activity) == (3, 3) and gate_held(activity.pk) == {}


@pytest.mark.parametrize(
    ("case", "status", "code"),
    [
        ("no_token", 401, None),
        ("forged_token", 401, "TOKEN_INVALID"),
        ("refresh_token", 401, "TOKEN_INVALID"),
        ("bad_body", 422, "VALIDATION_ERROR"),
        ("array_body", 422, "VALIDATION_ERROR"),
        ("nul_in_body", 422, "INVALID_CHARACTER"),
    ],
)
def test_unusual_requests_go_to_django_and_take_nothing(redis_gate, sku, commit, buyer, django_app, case, status, code):
    activity = seeded_activity(commit, sku, stock=0)  # sold out: the lane would refuse a well-formed request
    token: str | None = token_of(buyer)
    body: Any = address_of(buyer)
    raw = None
    if case == "no_token":
        token = None
    elif case == "forged_token":
        token = token[:-4] + "AAAA"
    elif case == "refresh_token":
        token = token_pair_issue(user_id=buyer.pk, scope="user").refresh
    elif case == "bad_body":
        body = {"address_id": "第一个"}
    elif case == "array_body":
        raw = b"[]"
    elif case == "nul_in_body":
        raw = b'{"remark": "a\\u0000b"}'

    answer = call(SeckillLane(django_app), activity.pk, token=token, body=body, raw=raw)

    assert django_app.calls == 1 and answer.status_code == status
    if code:
        assert answer.json()["code"] == code
    assert remaining(activity) == (0, 0) and gate_held(activity.pk) == {}


def test_without_redis_every_request_goes_to_django(settings, sku, commit, buyer, django_app):
    settings.REDIS_URL = ""
    activity = seeded_activity(commit, sku, stock=0)

    answer = call(SeckillLane(django_app), activity.pk, token=token_of(buyer), body=address_of(buyer))

    assert django_app.calls == 1
    assert answer.status_code == 409 and answer.json()["code"] == "SECKILL_SOLD_OUT"


def test_an_unseeded_gate_is_seeded_by_django_and_the_next_refusal_stays_in_the_lane(
    redis_gate, sku, commit, buyer, django_app
):
    activity = seeded_activity(commit, sku, stock=0)
    seckill_gate.redis_client().delete(*seckill_gate.keys(activity.pk))
    lane = SeckillLane(django_app)

    first = call(lane, activity.pk, token=token_of(buyer), body=address_of(buyer))
    second = call(lane, activity.pk, token=token_of(buyer), body=address_of(buyer))

    assert first.status_code == second.status_code == 409
    assert django_app.calls == 1  # only the first, which seeded the gate
    assert seckill_gate.gate_remaining(activity.pk) == 0


def test_when_redis_fails_at_the_gate_the_database_decides(redis_gate, sku, commit, buyer, django_app, monkeypatch):
    activity = seeded_activity(commit, sku, stock=2)

    def unreachable(**_: Any):
        raise redis.ConnectionError("gate down")

    monkeypatch.setattr(seckill_gate, "gate_take", unreachable)
    with commit():
        answer = call(SeckillLane(django_app), activity.pk, token=token_of(buyer), body=address_of(buyer))

    assert answer.status_code == 201 and django_app.calls == 1
    activity.refresh_from_db()
    assert activity.sold == 1 and SeckillPurchase.objects.filter(activity=activity).count() == 1


def test_other_routes_and_methods_pass_straight_through(redis_gate, sku, commit, buyer, django_app):
    activity = seeded_activity(commit, sku, stock=0)
    lane = SeckillLane(django_app)
    environ = RequestFactory().get(f"/api/v1/seckill/{activity.pk}").environ
    environ["HTTP_AUTHORIZATION"] = f"Bearer {token_of(buyer)}"
    statuses: list[str] = []

    b"".join(lane(environ, lambda status, headers, exc_info=None: statuses.append(status)))

    assert statuses == ["200 OK"] and django_app.calls == 1


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_process_remembers_sold_out_briefly_and_asks_the_gate_again_after(
    redis_gate, sku, commit, buyer, django_app, settings, monkeypatch
):
    settings.SECKILL_SOLD_OUT_MEMO_MS = 1000
    activity = seeded_activity(commit, sku, stock=0)
    clock = Clock()
    lane = SeckillLane(django_app, SoldOutMemo(clock))
    token, body = token_of(buyer), address_of(buyer)
    assert call(lane, activity.pk, token=token, body=body).json()["code"] == "SECKILL_SOLD_OUT"  # asks the gate
    takes: list[int] = []
    real_take = seckill_gate.gate_take
    monkeypatch.setattr(seckill_gate, "gate_take", lambda **kw: takes.append(kw["activity_id"]) or real_take(**kw))
    with commit():
        seckill_activity_update(activity_id=activity.pk, fields={"stock": 1})  # a unit comes back

    clock.now += 0.9
    within = call(lane, activity.pk, token=token, body=body)
    asked_within = list(takes)
    clock.now += 0.2
    with commit():
        after = call(lane, activity.pk, token=token, body=body)

    assert within.status_code == 409 and within.json()["code"] == "SECKILL_SOLD_OUT" and asked_within == []
    assert after.status_code == 201 and takes == [activity.pk]  # the gate is asked again
    assert remaining(activity) == (0, 0)


def test_with_the_memo_off_every_refusal_asks_the_gate(redis_gate, sku, commit, buyer, django_app, settings):
    settings.SECKILL_SOLD_OUT_MEMO_MS = 0
    activity = seeded_activity(commit, sku, stock=0)
    lane = SeckillLane(django_app, SoldOutMemo(Clock()))
    token, body = token_of(buyer), address_of(buyer)
    call(lane, activity.pk, token=token, body=body)
    with commit():
        seckill_activity_update(activity_id=activity.pk, fields={"stock": 1})

    with commit():
        assert call(lane, activity.pk, token=token, body=body).status_code == 201


def test_the_memo_is_per_activity(redis_gate, sku, commit, buyer, django_app, settings):
    settings.SECKILL_SOLD_OUT_MEMO_MS = 60_000
    gone, open_one = seeded_activity(commit, sku, stock=0), seeded_activity(commit, sku, stock=1)
    lane = SeckillLane(django_app, SoldOutMemo(Clock()))
    token, body = token_of(buyer), address_of(buyer)

    assert call(lane, gone.pk, token=token, body=body).status_code == 409
    with commit():
        assert call(lane, open_one.pk, token=token, body=body).status_code == 201
