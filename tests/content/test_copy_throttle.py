"""One person tapping 复制 again and again counts once a minute: ``copy_count`` tells operators
which materials get used, so it must not be inflatable by one account."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from fenxiao.content.models import Material
from tests.content.support import api_for, distributor_user, material

pytestmark = pytest.mark.django_db


def next_minute():
    """The start of a minute just ahead, so tokens issued now are valid there."""
    return (timezone.now() + timedelta(minutes=1)).replace(second=0, microsecond=0)


def copied(api, m: Material):
    return api.post(f"/api/v1/content/materials/{m.id}/copied")


def test_repeated_taps_count_once_a_minute_and_still_answer_the_total():
    shown, other = material(title="早安文案"), material(title="晚安文案")
    alice, _ = distributor_user("小艾")
    bob, _ = distributor_user("小波")
    alice_api, bob_api = api_for(alice), api_for(bob)

    with time_machine.travel(next_minute(), tick=False) as clock:
        first = copied(alice_api, shown)
        again = [copied(alice_api, shown) for _ in range(5)]
        assert first.status_code == 200 and first.json()["copy_count"] == 1
        assert all(
            r.status_code == 200 and r.json() == {"id": shown.id, "copy_count": 1, "message": "已复制"} for r in again
        )

        # another person, or another material, is another count
        assert copied(bob_api, shown).json()["copy_count"] == 2
        assert copied(alice_api, other).json()["copy_count"] == 1

        clock.shift(timedelta(seconds=59))
        assert copied(alice_api, shown).json()["copy_count"] == 2  # 59 s in: still the first minute
        clock.shift(timedelta(seconds=1))
        assert copied(alice_api, shown).json()["copy_count"] == 3

    assert Material.objects.get(pk=shown.id).copy_count == 3


def test_a_withdrawn_material_is_still_a_404_for_a_repeated_tap():
    shown = material()
    user, _ = distributor_user()
    api = api_for(user)
    with time_machine.travel(next_minute(), tick=False):
        assert copied(api, shown).status_code == 200
        Material.objects.filter(pk=shown.id).update(is_published=False, published_at=None)
        response = copied(api, shown)
    assert response.status_code == 404 and response.json()["code"] == "MATERIAL_NOT_FOUND"


@pytest.fixture
def redis_down(settings):
    """The shared cache points at a port nothing listens on: every call to it fails."""
    original = settings.CACHES
    settings.CACHES = {
        "default": {"BACKEND": "fenxiao.core.cache_backend.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    }
    yield
    settings.CACHES = original  # before the autouse fixture clears the cache on the way out


def test_with_the_cache_down_a_tap_still_counts(redis_down):
    # the once-a-minute rule is a hint for operators, not a guard: without its cache the copy
    # counts (perhaps twice) rather than the distributor's tap failing
    shown = material(copy_count=7)
    user, _ = distributor_user()

    response = copied(api_for(user), shown)

    assert response.status_code == 200, response.content
    assert response.json()["copy_count"] == 8
