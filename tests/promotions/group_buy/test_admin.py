"""The group-buy console as an operator: the form checks the same rules as the API and saves
through the service, pausing is an action, the list shows the success rate, groups are read only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from fenxiao.accounts.models import User
from fenxiao.promotions.models import GroupBuyActivity
from tests.promotions.group_buy.support import make_activity, open_group, shopper

pytestmark = pytest.mark.django_db


@pytest.fixture
def console(db) -> Client:
    client = Client()
    client.force_login(User.objects.create(username="boss", is_staff=True, is_superuser=True))
    return client


def form(sku, **fields) -> dict:
    now = timezone.localtime()
    return {
        "name": "三人团",
        "sku": str(sku.pk),
        "group_size": "3",
        "group_price_fen": "5900",
        "leader_price_fen": "",
        "time_limit_minutes": "1440",
        "payment_minutes": "15",
        "max_quantity": "1",
        "max_groups": "",
        "starts_at_0": (now - timedelta(minutes=1)).strftime("%Y-%m-%d"),
        "starts_at_1": (now - timedelta(minutes=1)).strftime("%H:%M:%S"),
        "ends_at_0": (now + timedelta(days=3)).strftime("%Y-%m-%d"),
        "ends_at_1": (now + timedelta(days=3)).strftime("%H:%M:%S"),
        "commission_allowed": "on",
        **fields,
    }


def test_add_and_change_through_the_form(console, sku):
    res = console.post(reverse("admin:promotions_groupbuyactivity_add"), form(sku))
    assert res.status_code == 302, res.context["adminform"].form.errors if res.context else res
    a = GroupBuyActivity.objects.get()
    assert (a.name, a.group_size, a.group_price_fen, a.leader_price_fen) == ("三人团", 3, 5900, None)

    res = console.post(reverse("admin:promotions_groupbuyactivity_change", args=[a.pk]), form(sku, name="改名"))
    assert res.status_code == 302
    assert GroupBuyActivity.objects.get().name == "改名"


def test_the_form_shows_every_broken_rule(console, sku):
    res = console.post(
        reverse("admin:promotions_groupbuyactivity_add"),
        form(sku, group_price_fen="999999", leader_price_fen="9999999", payment_minutes="2000"),
    )
    assert res.status_code == 200
    errors = " ".join(res.context["adminform"].form.non_field_errors())
    for text in ("拼团价不能高于售价", "团长价须在 0 与拼团价之间", "支付时限不能长于成团时限"):
        assert text in errors
    assert not GroupBuyActivity.objects.exists()


def test_pause_action_and_pages(console, sku):
    a = make_activity(sku)
    open_group(shopper("leader"), a)
    res = console.post(
        reverse("admin:promotions_groupbuyactivity_changelist"),
        {"action": "pause_selected", "_selected_action": [a.pk]},
    )
    assert res.status_code == 302
    assert GroupBuyActivity.objects.get().status == "paused"
    listing = console.get(reverse("admin:promotions_groupbuyactivity_changelist"))
    assert "成团率" in listing.content.decode() and "0.00%" in listing.content.decode()
    detail = console.get(reverse("admin:promotions_groupbuyactivity_change", args=[a.pk]))
    assert "已开团 0" in detail.content.decode()
    groups = console.get(reverse("admin:promotions_groupbuygroup_changelist"))
    assert groups.status_code == 200 and "待团长付款" in groups.content.decode()
    group_page = console.get(reverse("admin:promotions_groupbuygroup_change", args=[a.groups.get().pk]))
    assert group_page.status_code == 200 and "拼团成员" in group_page.content.decode()
