"""Shared factory_boy factories. Accounts first; catalogue factories live in catalog_factories.py.

Factories write rows directly and skip service rules (one default address, the 20-address limit):
build the state a test needs with them, then exercise the rules through the API or services."""

from __future__ import annotations

import factory

from fenxiao.accounts.models import Address, User

STAFF_PASSWORD = "Yunying-2024-pass"


class UserFactory(factory.django.DjangoModelFactory):
    """A shopper who logged in through WeChat (sandbox openid, no usable password)."""

    class Meta:
        model = User

    openid = factory.Sequence(lambda n: f"sandbox-user{n}")
    username = factory.LazyAttribute(lambda o: f"wx_{o.openid}")
    nickname = factory.Sequence(lambda n: f"用户{n}")
    password = factory.django.Password(None)  # unusable: WeChat users never log in with a password


class StaffUserFactory(factory.django.DjangoModelFactory):
    """An operator with a password (``STAFF_PASSWORD`` unless ``password=`` is given)."""

    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"operator{n}")
    openid = None
    is_staff = True
    nickname = "运营"
    password = factory.django.Password(STAFF_PASSWORD)


class AddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Address

    user = factory.SubFactory(UserFactory)
    receiver = "张三"
    phone = "13800138000"
    province = "广东省"
    city = "深圳市"
    district = "南山区"
    detail = factory.Sequence(lambda n: f"科技园南区 {n + 1} 号")
    postal_code = "518000"
    tag = ""
    is_default = False
