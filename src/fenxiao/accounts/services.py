"""Writes for users: WeChat login, phone binding, staff login, and the address book."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.contrib.auth import authenticate
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from fenxiao.accounts import login_throttle, sessions
from fenxiao.accounts.avatars import MAX_AVATAR_BYTES, avatar_name, avatar_redraw, owned_avatar_name, too_large
from fenxiao.accounts.errors import wechat_error_to_domain
from fenxiao.accounts.locks import lock_address, lock_user
from fenxiao.accounts.models import Address, User
from fenxiao.accounts.selectors import token_user
from fenxiao.accounts.tokens import TokenPair, token_decode
from fenxiao.core.errors import DomainError, NotFound, Unauthorized
from fenxiao.integrations.wechat.miniprogram import gateway
from fenxiao.integrations.wechat.miniprogram.errors import WechatError

logger = logging.getLogger(__name__)
MAX_ADDRESSES_PER_USER = 20


def user_login_wechat(*, code: str) -> tuple[User, TokenPair]:
    """Exchange a ``wx.login`` code for our tokens, creating the user on first login.

    The WeChat call happens before any transaction: no row is locked while we wait on WeChat."""
    try:
        session = gateway.code2session(code)
    except WechatError as exc:
        logger.warning("wechat login failed: %s", exc)
        raise wechat_error_to_domain(exc) from exc
    user = _user_upsert_from_wechat(openid=session.openid, unionid=session.unionid, session_key=session.session_key)
    if not user.is_active:
        raise DomainError("USER_DISABLED", "账号已被停用，请联系客服", status=403)
    return user, sessions.refresh_family_start(user=user, scope="user")


def _user_upsert_from_wechat(*, openid: str, unionid: str, session_key: str) -> User:
    now = timezone.now()
    fields = {"wechat_session_key": session_key, "last_wechat_login_at": now}
    if unionid:
        fields["unionid"] = unionid
    # .update() skips auto_now, so updated_at is set by hand.
    updated = User.objects.filter(openid=openid).update(**fields, updated_at=now)
    if not updated:
        try:
            with transaction.atomic():
                user = User(username=f"wx_{openid}"[:150], openid=openid, **fields)
                user.set_unusable_password()
                user.save()
                return user
        except IntegrityError:
            # Two first logins raced; the other one created the row.
            User.objects.filter(openid=openid).update(**fields, updated_at=now)
    return User.objects.get(openid=openid)


def token_refresh(*, refresh: str) -> tuple[User, TokenPair]:
    """New tokens for a refresh token, which then stops working (``accounts.sessions``)."""
    claims = token_decode(refresh, expected_type="refresh")
    user = token_user(claims)
    if claims.scope == "staff" and not user.is_staff:
        raise Unauthorized("TOKEN_INVALID", "登录凭证无效，请重新登录")
    return user, sessions.refresh_family_rotate(user=user, claims=claims)


@transaction.atomic
def user_logout_everywhere(*, user: User) -> None:
    """Revoke every token the user holds, on every device (access and refresh alike)."""
    User.objects.filter(pk=user.pk).update(token_version=F("token_version") + 1, updated_at=timezone.now())
    sessions.refresh_families_revoke(user=user)


def staff_password_check(*, username: str, password: str, ip: str) -> User:
    """The active staff member with this username and password, or ``Unauthorized``; both doors
    (``staff-login`` and the admin's login page) come through here, behind one throttle
    (``accounts.login_throttle``) that takes the attempt before the password is checked."""
    login_throttle.login_attempt_begin(username=username, ip=ip)
    user = authenticate(username=username, password=password)
    if user is None or not user.is_staff:
        login_throttle.login_attempt_failed(username=username, ip=ip)
        raise Unauthorized("LOGIN_FAILED", "用户名或密码错误")
    login_throttle.login_attempt_succeeded(username=username, ip=ip)
    return user


def staff_login(*, username: str, password: str, ip: str) -> tuple[User, TokenPair]:
    """Password login for the operator API."""
    user = staff_password_check(username=username, password=password, ip=ip)
    User.objects.filter(pk=user.pk).update(last_login=timezone.now())
    return user, sessions.refresh_family_start(user=user, scope="staff")


def user_bind_phone(*, user: User, code: str) -> User:
    """Exchange a ``getPhoneNumber`` button code for the user's phone number."""
    try:
        phone = gateway.user_phone_number(code)
    except WechatError as exc:
        logger.warning("wechat phone binding failed for user %s: %s", user.pk, exc)
        raise wechat_error_to_domain(exc, purpose="phone") from exc
    user.phone = phone.pure_phone_number
    user.phone_country_code = phone.country_code
    user.save(update_fields=["phone", "phone_country_code", "updated_at"])
    return user


def user_update_profile(*, user: User, nickname: str | None, avatar_url: str | None) -> User:
    fields = []
    if nickname is not None:
        user.nickname = nickname
        fields.append("nickname")
    if avatar_url is not None:
        user.avatar_url = avatar_url
        fields.append("avatar_url")
    if fields:
        user.save(update_fields=[*fields, "updated_at"])
    return user


def user_avatar_upload(*, user: User, upload: UploadedFile, public_url: Callable[[str], str]) -> User:
    """Make the uploaded picture the user's avatar: redrawn (``accounts.avatars``), stored, and
    ``avatar_url`` set to ``public_url(name)``, the absolute URL every client loads it from. The
    avatar it replaces is deleted after commit when it was this user's own upload."""
    if upload.size is not None and upload.size > MAX_AVATAR_BYTES:
        raise too_large()
    data = upload.read(MAX_AVATAR_BYTES + 1)
    if len(data) > MAX_AVATAR_BYTES:
        raise too_large()
    name = default_storage.save(avatar_name(user_id=user.pk), ContentFile(avatar_redraw(data)))
    try:
        with transaction.atomic():
            # Locked, so two uploads at once each delete the avatar the other replaced, never theirs.
            lock_user(user.pk)
            previous = User.objects.filter(pk=user.pk).values_list("avatar_url", flat=True).first() or ""
            user.avatar_url = public_url(name)
            user.save(update_fields=["avatar_url", "updated_at"])
            stale = owned_avatar_name(previous, user_id=user.pk)
            if stale and stale != name:
                transaction.on_commit(lambda: default_storage.delete(stale))
    except BaseException:
        default_storage.delete(name)  # nobody points at it
        raise
    return user


ADDRESS_FIELDS = ("receiver", "phone", "province", "city", "district", "detail", "postal_code", "tag")


@transaction.atomic
def address_create(*, user: User, data: dict, is_default: bool) -> Address:
    # Lock the user row so two concurrent creates cannot both pass the limit or both become default.
    lock_user(user.pk)
    count = Address.objects.filter(user=user).count()
    if count >= MAX_ADDRESSES_PER_USER:
        raise DomainError("ADDRESS_LIMIT", f"最多保存 {MAX_ADDRESSES_PER_USER} 个收货地址")
    make_default = is_default or count == 0
    if make_default:
        Address.objects.filter(user=user, is_default=True).update(is_default=False)
    return Address.objects.create(
        user=user, is_default=make_default, **{k: data[k] for k in ADDRESS_FIELDS if k in data}
    )


def _address_for_owner(*, user: User, address_id: int, lock: bool = False) -> Address:
    address = (
        lock_address(user=user, address_id=address_id)
        if lock
        else Address.objects.filter(user=user, pk=address_id).first()
    )
    if address is None:
        raise NotFound("ADDRESS_NOT_FOUND", "收货地址不存在")
    return address


@transaction.atomic
def address_update(*, user: User, address_id: int, data: dict) -> Address:
    lock_user(user.pk)
    address = _address_for_owner(user=user, address_id=address_id, lock=True)
    for key in ADDRESS_FIELDS:
        if key in data and data[key] is not None:
            setattr(address, key, data[key])
    if data.get("is_default") is True and not address.is_default:
        Address.objects.filter(user=user, is_default=True).update(is_default=False)
        address.is_default = True
    elif data.get("is_default") is False and address.is_default:
        # The book always has a default while it has addresses: hand it to the newest other one.
        other = Address.objects.filter(user=user).exclude(pk=address.pk).order_by("-updated_at", "-id").first()
        if other is not None:
            address.is_default = False
            address.save(update_fields=["is_default"])
            Address.objects.filter(pk=other.pk).update(is_default=True)
    address.save()
    return address


@transaction.atomic
def address_delete(*, user: User, address_id: int) -> None:
    lock_user(user.pk)
    address = _address_for_owner(user=user, address_id=address_id, lock=True)
    was_default = address.is_default
    address.delete()
    if was_default:
        other = Address.objects.filter(user=user).order_by("-updated_at", "-id").first()
        if other is not None:
            Address.objects.filter(pk=other.pk).update(is_default=True)
