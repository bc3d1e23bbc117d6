"""Shopper and staff login, profile and address book (``/api/v1/auth``, ``/api/v1/addresses``)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import File, Router, Status, UploadedFile
from ninja.throttling import AuthRateThrottle

from fenxiao.accounts import selectors, services
from fenxiao.accounts.api.schemas import (
    AddressIn,
    AddressOut,
    AddressPatch,
    PhoneBindIn,
    ProfileIn,
    RefreshIn,
    StaffLoginIn,
    TokenOut,
    UserOut,
    WechatLoginIn,
)
from fenxiao.accounts.auth import user_auth
from fenxiao.accounts.models import User
from fenxiao.accounts.tokens import TokenPair
from fenxiao.core.client_address import client_ip
from fenxiao.core.media import media_url
from fenxiao.core.openapi_errors import answers

auth_router = Router(tags=["auth"])
addresses_router = Router(tags=["addresses"], auth=user_auth)


def _token_out(user: User, pair: TokenPair) -> dict:
    return {"access": pair.access, "refresh": pair.refresh, "expires_in": pair.access_expires_in, "user": user}


@auth_router.post("/wechat-login", response=TokenOut, auth=None, summary="微信小程序登录")
@answers(403, 429, 502)
def wechat_login(request: HttpRequest, body: WechatLoginIn):
    user, pair = services.user_login_wechat(code=body.code)
    return _token_out(user, pair)


@auth_router.post("/refresh", response=TokenOut, auth=None, summary="刷新登录凭证")
@answers(401)
def refresh(request: HttpRequest, body: RefreshIn):
    user, pair = services.token_refresh(refresh=body.refresh)
    return _token_out(user, pair)


@auth_router.post("/staff-login", response=TokenOut, auth=None, summary="运营人员登录")
@answers(401, 429)
def staff_login(request: HttpRequest, body: StaffLoginIn):
    user, pair = services.staff_login(username=body.username, password=body.password, ip=client_ip(request))
    return _token_out(user, pair)


@auth_router.post("/logout", response={204: None}, auth=user_auth, summary="退出登录（所有设备）")
def logout(request: HttpRequest):
    services.user_logout_everywhere(user=request.auth)
    return Status(204, None)


@auth_router.get("/me", response=UserOut, auth=user_auth, summary="我的资料")
def me(request: HttpRequest):
    return request.auth


@auth_router.patch("/me", response=UserOut, auth=user_auth, summary="修改昵称头像")
def update_me(request: HttpRequest, body: ProfileIn):
    return services.user_update_profile(user=request.auth, nickname=body.nickname, avatar_url=body.avatar_url)


@auth_router.post(
    "/avatar",
    response=UserOut,
    auth=user_auth,
    summary="上传头像",
    description="multipart/form-data，图片字段 `file`（JPG/PNG/WebP/GIF，不超过 2MB），"
    "即 `wx.uploadFile({name: 'file'})` 发送的内容；保存为不超过 512×512 的 JPEG，`avatar_url` 返回其绝对地址。",
    # Each upload is decoded and redrawn: a bound on how much of that one user can ask for.
    throttle=[AuthRateThrottle("30/h")],
)
@answers(400, 413)
def upload_avatar(request: HttpRequest, file: File[UploadedFile]):
    return services.user_avatar_upload(user=request.auth, upload=file, public_url=lambda name: media_url(name, request))


@auth_router.post("/phone", response=UserOut, auth=user_auth, summary="绑定微信手机号")
@answers(429, 502)
def bind_phone(request: HttpRequest, body: PhoneBindIn):
    return services.user_bind_phone(user=request.auth, code=body.code)


@addresses_router.get("", response=list[AddressOut], summary="收货地址列表")
def address_list(request: HttpRequest):
    return list(selectors.address_list(user=request.auth))


@addresses_router.post("", response={201: AddressOut}, summary="新增收货地址")
def address_create(request: HttpRequest, body: AddressIn):
    data = body.dict(exclude={"is_default"})
    return Status(201, services.address_create(user=request.auth, data=data, is_default=body.is_default))


@addresses_router.get("/{address_id}", response=AddressOut, summary="收货地址详情")
def address_get(request: HttpRequest, address_id: int):
    return selectors.address_get(user=request.auth, address_id=address_id)


@addresses_router.patch("/{address_id}", response=AddressOut, summary="修改收货地址")
def address_update(request: HttpRequest, address_id: int, body: AddressPatch):
    return services.address_update(user=request.auth, address_id=address_id, data=body.dict(exclude_unset=True))


@addresses_router.put("/{address_id}", response=AddressOut, summary="替换收货地址")
def address_replace(request: HttpRequest, address_id: int, body: AddressIn):
    return services.address_update(user=request.auth, address_id=address_id, data=body.dict())


@addresses_router.delete("/{address_id}", response={204: None}, summary="删除收货地址")
def address_delete(request: HttpRequest, address_id: int):
    services.address_delete(user=request.auth, address_id=address_id)
    return Status(204, None)
