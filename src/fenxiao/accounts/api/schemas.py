from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated

from ninja import Field, Schema
from pydantic import AfterValidator, StringConstraints, field_validator

from fenxiao.accounts.models import User

# [0-9], not \d: \d also accepts full-width and other Unicode digits, which no courier can dial.
MOBILE = re.compile(r"^1[3-9][0-9]{9}$")
POSTAL_CODE = r"^([0-9]{6})?$"
HTTP_URL = re.compile(r"^https?://[^\s/?#]+[^\s]*$")

CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _one_line(value: str) -> str:
    """A name or an address is printed on a parcel label and shown to staff: a tab, a line break
    or another control character in it is a mistake or an attack on whoever reads it."""
    if CONTROL.search(value):
        raise ValueError("不能包含换行或控制字符")
    return value


OneLine = AfterValidator(_one_line)
Text32 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32), OneLine]
Detail = Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=200), OneLine]
Tag = Annotated[str, StringConstraints(strip_whitespace=True, max_length=16), OneLine]


class WechatLoginIn(Schema):
    code: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=128)]


class RefreshIn(Schema):
    refresh: Annotated[str, StringConstraints(min_length=1, max_length=2048)]


class StaffLoginIn(Schema):
    username: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=150)]
    password: Annotated[str, StringConstraints(min_length=1, max_length=256)]


class PhoneBindIn(Schema):
    code: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=128)]


class ProfileIn(Schema):
    nickname: Annotated[str, StringConstraints(strip_whitespace=True, max_length=64), OneLine] | None = None
    avatar_url: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] | None = None

    @field_validator("avatar_url")
    @classmethod
    def _https(cls, value: str | None) -> str | None:
        if value and not HTTP_URL.fullmatch(value):
            raise ValueError("头像地址必须是 http(s) 链接")
        return value


class UserOut(Schema):
    id: int
    nickname: str
    avatar_url: str
    phone: str
    has_phone: bool
    is_staff: bool
    created_at: datetime

    @staticmethod
    def resolve_has_phone(obj: User) -> bool:
        return bool(obj.phone)


class TokenOut(Schema):
    access: str
    refresh: str
    token_type: str = "Bearer"
    expires_in: int
    user: UserOut


class AddressIn(Schema):
    receiver: Text32
    phone: Annotated[str, StringConstraints(strip_whitespace=True)]
    province: Text32
    city: Text32
    district: Text32
    detail: Detail
    postal_code: Annotated[str, StringConstraints(strip_whitespace=True, pattern=POSTAL_CODE)] = ""
    tag: Tag = ""
    is_default: bool = False

    @field_validator("phone")
    @classmethod
    def _mobile(cls, value: str) -> str:
        if not MOBILE.fullmatch(value):
            raise ValueError("请输入 11 位手机号")
        return value


class AddressPatch(Schema):
    receiver: Text32 | None = None
    phone: Annotated[str, StringConstraints(strip_whitespace=True)] | None = None
    province: Text32 | None = None
    city: Text32 | None = None
    district: Text32 | None = None
    detail: Detail | None = None
    postal_code: Annotated[str, StringConstraints(strip_whitespace=True, pattern=POSTAL_CODE)] | None = None
    tag: Tag | None = None
    is_default: bool | None = None

    @field_validator("phone")
    @classmethod
    def _mobile(cls, value: str | None) -> str | None:
        if value is not None and not MOBILE.fullmatch(value):
            raise ValueError("请输入 11 位手机号")
        return value


class AddressOut(Schema):
    id: int
    receiver: str
    phone: str
    province: str
    city: str
    district: str
    detail: str
    postal_code: str
    tag: str
    is_default: bool
    full_address: str = Field(..., description="省市区 + 详细地址")

    @staticmethod
    def resolve_full_address(obj) -> str:
        return f"{obj.province}{obj.city}{obj.district}{obj.detail}"
