"""The coupon console through Django's test client as an operator: the form checks the same rules
as the API, saving goes through the service, pausing is an action, user coupons are read only."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from fenxiao.accounts.models import User
from fenxiao.promotions.models import CouponTemplate, UserCoupon
from tests.catalog_factories import CategoryFactory
from tests.promotions.coupons.support import claim, make_template

pytestmark = pytest.mark.django_db


@pytest.fixture
def console(db) -> Client:
    client = Client()
    client.force_login(User.objects.create(username="boss", is_staff=True, is_superuser=True))
    return client


FORM = {
    "name": "满100减20",
    "kind": "fixed",
    "amount_fen": "2000",
    "percent_bps": "0",
    "threshold_fen": "10000",
    "scope": "categories",
    "valid_days_after_claim": "7",
    "total_quantity": "100",
    "per_user_limit": "1",
    "public": "on",
}


def test_add_through_the_form(console):
    category = CategoryFactory()
    res = console.post(reverse("admin:promotions_coupontemplate_add"), {**FORM, "categories": [category.pk]})
    assert res.status_code == 302, res.context["adminform"].form.errors if res.context else res
    t = CouponTemplate.objects.get()
    assert (t.name, list(t.categories.values_list("pk", flat=True))) == ("满100减20", [category.pk])

    change = reverse("admin:promotions_coupontemplate_change", args=[t.pk])
    res = console.post(change, {**FORM, "name": "改名", "scope": "all"})
    assert res.status_code == 302
    t.refresh_from_db()
    assert (t.name, t.scope, t.categories.count(), CouponTemplate.objects.count()) == ("改名", "all", 0, 1)


def test_the_form_shows_every_broken_rule(console):
    res = console.post(reverse("admin:promotions_coupontemplate_add"), {**FORM, "threshold_fen": "100"})
    assert res.status_code == 200
    errors = res.context["adminform"].form.non_field_errors()
    assert "满减券的门槛不能低于减免金额" in errors and "请选择适用分类" in errors
    assert not CouponTemplate.objects.exists()


def test_pause_action_and_read_only_user_coupons(console, buyer):
    t = make_template()
    uc = claim(buyer, t)
    url = reverse("admin:promotions_coupontemplate_changelist")
    res = console.post(url, {"action": "pause_selected", "_selected_action": [t.pk]})
    assert res.status_code == 302
    t.refresh_from_db()
    assert t.status == "paused"
    assert console.get(reverse("admin:promotions_usercoupon_changelist")).status_code == 200
    assert console.get(reverse("admin:promotions_usercoupon_change", args=[uc.pk])).status_code == 200
    assert console.post(reverse("admin:promotions_usercoupon_change", args=[uc.pk]), {}).status_code == 403
    assert UserCoupon.objects.get(pk=uc.pk).status == "unused"
