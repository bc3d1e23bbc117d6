"""PATCH /api/v1/auth/me: nickname and avatar."""

from __future__ import annotations

import pytest

from tests.accounts.support import assert_error

pytestmark = pytest.mark.django_db

ME = "/api/v1/auth/me"
AVATAR = "https://thirdwx.qlogo.cn/mmopen/vi_32/abc/132"


def test_update_nickname_and_avatar(shopper_api, shopper):
    response = shopper_api.patch(ME, {"nickname": "  小红  ", "avatar_url": AVATAR})

    assert response.status_code == 200, response.content
    assert response.json()["nickname"] == "小红"
    assert response.json()["avatar_url"] == AVATAR
    shopper.refresh_from_db()
    assert (shopper.nickname, shopper.avatar_url) == ("小红", AVATAR)


def test_omitted_or_null_fields_are_left_alone(shopper_api, shopper):
    shopper.avatar_url = AVATAR
    shopper.save()

    shopper_api.patch(ME, {"nickname": "小红"})
    shopper_api.patch(ME, {"avatar_url": None})
    shopper_api.patch(ME, {})

    shopper.refresh_from_db()
    assert (shopper.nickname, shopper.avatar_url) == ("小红", AVATAR)


def test_empty_strings_clear_the_fields(shopper_api, shopper):
    shopper.avatar_url = AVATAR
    shopper.save()

    response = shopper_api.patch(ME, {"nickname": "", "avatar_url": ""})

    assert response.status_code == 200
    shopper.refresh_from_db()
    assert (shopper.nickname, shopper.avatar_url) == ("", "")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"avatar_url": "javascript:alert(1)"}, "avatar_url"),
        ({"avatar_url": "ftp://example.com/a.png"}, "avatar_url"),
        ({"avatar_url": "wxfile://tmp_abc.jpg"}, "avatar_url"),
        ({"avatar_url": "https://"}, "avatar_url"),
        ({"avatar_url": "https://a b.com/x.png"}, "avatar_url"),
        ({"avatar_url": "https://a.com/" + "x" * 500}, "avatar_url"),
        ({"avatar_url": 123}, "avatar_url"),
        ({"nickname": "长" * 65}, "nickname"),
        ({"nickname": ["小红"]}, "nickname"),
        ({"nickname": "小\n红"}, "nickname"),
        ({"nickname": "小\u202e红\u0007"}, "nickname"),
    ],
)
def test_bad_profile_input_is_refused_and_nothing_changes(shopper_api, shopper, body, field):
    err = assert_error(shopper_api.patch(ME, {"nickname": "新名字", **body}), 422, "VALIDATION_ERROR")

    assert err["field"] == field
    assert field in err["message"]
    shopper.refresh_from_db()
    assert shopper.nickname == "爱丽丝"
    assert shopper.avatar_url == ""


def test_non_http_avatar_message_is_chinese(shopper_api):
    err = shopper_api.patch(ME, {"avatar_url": "javascript:alert(1)"}).json()

    assert "头像地址必须是 http(s) 链接" in err["message"]
    assert err["errors"] == [{"field": "avatar_url", "message": "头像地址必须是 http(s) 链接"}]


def test_profile_needs_login(anon, db):
    assert_error(anon.patch(ME, {"nickname": "x"}), 401, "UNAUTHORIZED")


def test_profile_with_invalid_json(shopper_api):
    response = shopper_api.patch(ME, raw="{nickname: 1")

    assert response.status_code in (400, 422)
    assert response.json()["code"] in ("BAD_REQUEST", "VALIDATION_ERROR")
