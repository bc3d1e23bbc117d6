"""The address book: CRUD, the one-default rule, the 20-address limit and owner isolation."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from fenxiao.accounts.models import Address
from fenxiao.accounts.services import MAX_ADDRESSES_PER_USER
from tests.accounts.support import Api, access_for, assert_error
from tests.factories import AddressFactory, UserFactory
from tests.support import HOME_ADDRESS

pytestmark = pytest.mark.django_db

ADDRESSES = "/api/v1/addresses"

HOME = HOME_ADDRESS
OFFICE = HOME | {"receiver": "张三（公司）", "detail": "腾讯滨海大厦 20 楼", "tag": "公司"}


def url(address_id: int) -> str:
    return f"{ADDRESSES}/{address_id}"


def defaults_of(user) -> list[int]:
    return list(Address.objects.filter(user=user, is_default=True).values_list("pk", flat=True))


def create(api: Api, body: dict) -> dict:
    response = api.post(ADDRESSES, body)
    assert response.status_code == 201, response.content.decode()
    return response.json()


# --- create, read --------------------------------------------------------------------------------


def test_first_address_becomes_default_even_if_not_asked(shopper_api, shopper):
    body = create(shopper_api, HOME | {"is_default": False})

    assert body["is_default"] is True
    assert body["full_address"] == "广东省深圳市南山区科技园南区 1 栋 101"
    assert {k: body[k] for k in HOME} == HOME
    assert defaults_of(shopper) == [body["id"]]


def test_second_address_is_not_default_unless_asked(shopper_api, shopper):
    home = create(shopper_api, HOME)
    office = create(shopper_api, OFFICE)

    assert office["is_default"] is False
    assert defaults_of(shopper) == [home["id"]]


def test_new_default_address_takes_over_the_default(shopper_api, shopper):
    home = create(shopper_api, HOME)

    office = create(shopper_api, OFFICE | {"is_default": True})

    assert office["is_default"] is True
    assert defaults_of(shopper) == [office["id"]]
    assert shopper_api.get(url(home["id"])).json()["is_default"] is False


def test_list_shows_only_mine_default_first(shopper_api, shopper):
    AddressFactory(user=UserFactory(), is_default=True)  # somebody else's
    home = create(shopper_api, HOME)
    office = create(shopper_api, OFFICE)
    third = create(shopper_api, HOME | {"detail": "第三个地址"})

    listed = shopper_api.get(ADDRESSES).json()

    assert [a["id"] for a in listed] == [home["id"], third["id"], office["id"]]
    assert [a["is_default"] for a in listed] == [True, False, False]


def test_get_one(shopper_api):
    home = create(shopper_api, HOME)

    response = shopper_api.get(url(home["id"]))

    assert response.status_code == 200
    assert response.json() == home


def test_optional_fields_default_to_empty(shopper_api):
    body = create(shopper_api, {k: v for k, v in HOME.items() if k not in ("postal_code", "tag")})

    assert body["postal_code"] == ""
    assert body["tag"] == ""


def test_text_is_trimmed_and_limits_are_inclusive(shopper_api):
    body = create(
        shopper_api,
        HOME | {"receiver": "  " + "李" * 32 + " ", "phone": " 19912345678 ", "detail": "路" * 200, "tag": "标" * 16},
    )

    assert body["receiver"] == "李" * 32
    assert body["phone"] == "19912345678"
    assert len(body["detail"]) == 200


# --- update ---------------------------------------------------------------------------------------


def test_patch_changes_only_the_given_fields(shopper_api):
    home = create(shopper_api, HOME)

    response = shopper_api.patch(url(home["id"]), {"receiver": "李四", "phone": "13900139000"})

    assert response.status_code == 200, response.content
    body = response.json()
    assert body == home | {"receiver": "李四", "phone": "13900139000"}
    assert shopper_api.get(url(home["id"])).json() == body


def test_patch_makes_another_address_default(shopper_api, shopper):
    home = create(shopper_api, HOME)
    office = create(shopper_api, OFFICE)

    body = shopper_api.patch(url(office["id"]), {"is_default": True}).json()

    assert body["is_default"] is True
    assert defaults_of(shopper) == [office["id"]]
    assert shopper_api.get(url(home["id"])).json()["is_default"] is False


def test_patch_default_to_false_hands_the_default_to_another(shopper_api, shopper):
    home = create(shopper_api, HOME)
    office = create(shopper_api, OFFICE)

    body = shopper_api.patch(url(home["id"]), {"is_default": False}).json()

    assert body["is_default"] is False
    assert defaults_of(shopper) == [office["id"]]


def test_only_address_stays_default(shopper_api, shopper):
    home = create(shopper_api, HOME)

    body = shopper_api.patch(url(home["id"]), {"is_default": False}).json()

    assert body["is_default"] is True
    assert defaults_of(shopper) == [home["id"]]


def test_patch_with_nulls_and_empty_body_changes_nothing(shopper_api):
    home = create(shopper_api, HOME)

    assert shopper_api.patch(url(home["id"]), {}).json() == home
    assert shopper_api.patch(url(home["id"]), {"receiver": None, "is_default": None}).json() == home


def test_put_replaces_the_whole_address(shopper_api):
    home = create(shopper_api, HOME)
    replacement = {k: v for k, v in OFFICE.items() if k not in ("postal_code", "tag")}

    response = shopper_api.put(url(home["id"]), replacement | {"is_default": True})

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["receiver"] == OFFICE["receiver"]
    assert body["detail"] == OFFICE["detail"]
    assert body["postal_code"] == "" and body["tag"] == ""  # omitted optional fields are cleared
    assert body["is_default"] is True


def test_put_needs_every_required_field(shopper_api):
    home = create(shopper_api, HOME)

    err = assert_error(shopper_api.put(url(home["id"]), {"receiver": "李四"}), 422, "VALIDATION_ERROR")

    assert err["field"] == "phone"
    assert shopper_api.get(url(home["id"])).json() == home


# --- delete ---------------------------------------------------------------------------------------


def test_delete(shopper_api, shopper):
    home = create(shopper_api, HOME)
    office = create(shopper_api, OFFICE)

    response = shopper_api.delete(url(office["id"]))

    assert response.status_code == 204
    assert response.content == b""
    assert_error(shopper_api.get(url(office["id"])), 404, "ADDRESS_NOT_FOUND")
    assert defaults_of(shopper) == [home["id"]]


def test_deleting_the_default_hands_it_to_the_most_recently_updated(shopper_api, shopper):
    home = create(shopper_api, HOME)
    office = create(shopper_api, OFFICE)
    third = create(shopper_api, HOME | {"detail": "第三个地址"})
    shopper_api.patch(url(office["id"]), {"tag": "公司2"})  # office is now the most recently touched

    shopper_api.delete(url(home["id"]))

    assert defaults_of(shopper) == [office["id"]]
    assert [a["id"] for a in shopper_api.get(ADDRESSES).json()] == [office["id"], third["id"]]


def test_deleting_the_last_address_empties_the_book(shopper_api, shopper):
    home = create(shopper_api, HOME)

    shopper_api.delete(url(home["id"]))

    assert shopper_api.get(ADDRESSES).json() == []
    again = create(shopper_api, OFFICE)
    assert again["is_default"] is True


def test_deleting_twice_is_not_found(shopper_api):
    home = create(shopper_api, HOME)
    shopper_api.delete(url(home["id"]))

    assert_error(shopper_api.delete(url(home["id"])), 404, "ADDRESS_NOT_FOUND")


# --- the limit -----------------------------------------------------------------------------------


def test_twenty_addresses_is_the_limit(shopper_api, shopper):
    AddressFactory(user=shopper, is_default=True)
    AddressFactory.create_batch(MAX_ADDRESSES_PER_USER - 2, user=shopper)
    create(shopper_api, HOME)  # the 20th is fine

    response = shopper_api.post(ADDRESSES, OFFICE | {"is_default": True})

    body = assert_error(response, 400, "ADDRESS_LIMIT")
    assert "20" in body["message"]
    assert Address.objects.filter(user=shopper).count() == MAX_ADDRESSES_PER_USER
    assert not Address.objects.filter(user=shopper, detail=OFFICE["detail"]).exists()
    assert len(defaults_of(shopper)) == 1


def test_after_deleting_one_there_is_room_again(shopper_api, shopper):
    first = AddressFactory(user=shopper, is_default=True)
    AddressFactory.create_batch(MAX_ADDRESSES_PER_USER - 1, user=shopper)
    shopper_api.delete(url(first.pk))

    assert shopper_api.post(ADDRESSES, HOME).status_code == 201


def test_the_limit_is_per_user(shopper_api, shopper):
    other = UserFactory()
    AddressFactory(user=other, is_default=True)
    AddressFactory.create_batch(MAX_ADDRESSES_PER_USER - 1, user=other)

    assert shopper_api.post(ADDRESSES, HOME).status_code == 201


# --- owner isolation -----------------------------------------------------------------------------


@pytest.fixture
def bobs_address(db):
    return AddressFactory(user=UserFactory(openid="sandbox-bob"), receiver="鲍勃", is_default=True)


@pytest.mark.parametrize(
    ("method", "body"),
    [("get", None), ("patch", {"receiver": "黑客"}), ("put", HOME | {"is_default": True}), ("delete", None)],
)
def test_someone_elses_address_is_not_found(shopper_api, bobs_address, method, body):
    args = (url(bobs_address.pk),) if body is None else (url(bobs_address.pk), body)

    response = getattr(shopper_api, method)(*args)

    body = assert_error(response, 404, "ADDRESS_NOT_FOUND")
    assert body["message"] == "收货地址不存在"
    bobs_address.refresh_from_db()
    assert bobs_address.receiver == "鲍勃"
    assert bobs_address.is_default is True


def test_my_new_default_leaves_someone_elses_default_alone(shopper_api, bobs_address):
    create(shopper_api, HOME | {"is_default": True})

    bobs_address.refresh_from_db()
    assert bobs_address.is_default is True


@pytest.mark.parametrize("address_id", ["999999", "99999999999999999999999"])
def test_unknown_address_is_not_found(shopper_api, address_id):
    assert_error(shopper_api.get(f"{ADDRESSES}/{address_id}"), 404, "ADDRESS_NOT_FOUND")


def test_address_id_must_be_a_number(shopper_api):
    err = assert_error(shopper_api.get(f"{ADDRESSES}/abc"), 422, "VALIDATION_ERROR")
    assert err["field"] == "address_id"


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", ADDRESSES), ("post", ADDRESSES), ("get", url(1)), ("patch", url(1)), ("put", url(1)), ("delete", url(1))],
)
def test_address_book_needs_login(anon, db, method, path):
    args = (path,) if method in ("get", "delete") else (path, HOME)

    assert_error(getattr(anon, method)(*args), 401, "UNAUTHORIZED")


# --- the invariant under any sequence of operations -----------------------------------------------

operation = st.one_of(
    st.tuples(st.just("create"), st.booleans()),
    st.tuples(st.just("make_default"), st.integers(0, 30)),
    st.tuples(st.just("unset_default"), st.integers(0, 30)),
    st.tuples(st.just("delete"), st.integers(0, 30)),
)


@hsettings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=st.lists(operation, max_size=12))
def test_a_non_empty_book_always_has_exactly_one_default(db, ops):
    user = UserFactory()
    api = Api(access_for(user))
    for op, arg in ops:
        ids = sorted(Address.objects.filter(user=user).values_list("pk", flat=True))
        if op == "create":
            api.post(ADDRESSES, HOME | {"is_default": arg})
        elif ids and op == "make_default":
            assert api.patch(url(ids[arg % len(ids)]), {"is_default": True}).status_code == 200
        elif ids and op == "unset_default":
            assert api.patch(url(ids[arg % len(ids)]), {"is_default": False}).status_code == 200
        elif ids and op == "delete":
            assert api.delete(url(ids[arg % len(ids)])).status_code == 204
        count = Address.objects.filter(user=user).count()
        assert len(defaults_of(user)) == (1 if count else 0)
