"""Login through the sandbox picker, redirects of pages that need login, and ``?ref=`` binding."""

from __future__ import annotations

import pytest
from django.test import Client

from fenxiao.accounts.models import User
from fenxiao.distribution.models import Referral
from tests.distribution.support import make_distributor
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path", ["/cart/", "/checkout/?from_cart=1", "/orders/", "/orders/1/", "/coupons/", "/me/", "/addresses/"]
)
def test_pages_that_need_a_shopper_send_visitors_to_login_and_back(path):
    response = Client().get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")
    from urllib.parse import parse_qs, urlsplit

    assert parse_qs(urlsplit(response["Location"]).query)["next"] == [path]


def test_sandbox_picker_logs_in_an_existing_shopper_and_returns_to_next():
    UserFactory(openid="sandbox-alice", nickname="小艾同学")
    client = Client()
    page = client.get("/login/?next=/orders/").content.decode()
    assert "小艾同学" in page and "wx.login" in page
    response = client.post("/login/", {"code": "sandbox-alice", "next": "/orders/"})
    assert response.status_code == 302 and response["Location"] == "/orders/"
    assert client.get("/orders/").status_code == 200


def test_a_new_sandbox_name_creates_the_shopper_like_a_first_wechat_login():
    client = Client()
    client.post("/login/", {"name": "frank", "next": "/"})
    assert User.objects.filter(openid="sandbox-frank").exists()
    assert client.get("/me/").status_code == 200


def test_a_bad_name_is_refused_in_chinese_and_nobody_is_signed_in():
    client = Client()
    response = client.post("/login/", {"name": "不行 的名字", "next": "/"})
    assert response.status_code == 400
    assert "请输入 1-40 位字母" in response.content.decode()
    assert client.get("/me/").status_code == 302


def test_next_pointing_off_site_is_ignored():
    UserFactory(openid="sandbox-bob")
    response = Client().post("/login/", {"code": "sandbox-bob", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_live_mode_explains_wechat_login_and_refuses_the_sandbox_picker(settings):
    settings.WECHAT_MODE = "live"
    UserFactory(openid="sandbox-alice")
    client = Client()
    page = client.get("/login/").content.decode()
    assert "请在微信中打开商城小程序完成登录" in page and "沙箱登录" not in page
    response = client.post("/login/", {"code": "sandbox-alice"})
    assert "请在微信小程序中登录" in response.content.decode()
    assert client.get("/me/").status_code == 302


def test_anonymous_visitor_with_ref_is_bound_right_after_login():
    distributor = make_distributor("dist")
    UserFactory(openid="sandbox-carol")
    client = Client()
    assert client.get(f"/?ref={distributor.code}").status_code == 200
    visitor = User.objects.get(openid="sandbox-carol")
    assert not Referral.objects.filter(user=visitor).exists()
    client.post("/login/", {"code": "sandbox-carol", "next": "/"})
    assert Referral.objects.get(user=visitor).distributor_id == distributor.id


def test_signed_in_shopper_with_ref_is_bound_at_once(browser, shopper):
    distributor = make_distributor("dist")
    browser.get(f"/search/?ref={distributor.code}")
    assert Referral.objects.get(user=shopper).distributor_id == distributor.id


def test_a_refused_code_is_ignored_silently(browser, shopper):
    assert browser.get("/?ref=NOSUCHCODE").status_code == 200
    own = make_distributor("self")
    client = Client()
    client.force_login(own.user)
    assert client.get(f"/?ref={own.code}").status_code == 200
    assert not Referral.objects.filter(user__in=[shopper, own.user]).exists()


def test_a_post_without_its_csrf_token_gets_a_chinese_page_and_changes_nothing():
    strict = Client(enforce_csrf_checks=True)
    res = strict.post("/login/", {"openid": "sandbox-nobody", "next": "/"})
    assert res.status_code == 403
    assert "页面已过期" in res.content.decode()
    assert not User.objects.filter(openid="sandbox-nobody").exists()
