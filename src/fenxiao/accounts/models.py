from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q


class User(AbstractUser):
    """One person: a shopper who logged in through WeChat, or staff with a password, or both.

    WeChat users get a generated ``username`` (``wx_<openid>``) and no usable password."""

    openid = models.CharField("OpenID", max_length=64, unique=True, null=True, blank=True)
    unionid = models.CharField("UnionID", max_length=64, blank=True, default="", db_index=True)
    phone = models.CharField("手机号", max_length=20, blank=True, default="", db_index=True)
    phone_country_code = models.CharField("国家区号", max_length=8, blank=True, default="")
    nickname = models.CharField("昵称", max_length=64, blank=True, default="")
    avatar_url = models.URLField("头像", max_length=500, blank=True, default="")
    # Kept server-side only: it decrypts WeChat payloads and must never reach a client.
    wechat_session_key = models.CharField(max_length=64, blank=True, default="", editable=False)
    last_wechat_login_at = models.DateTimeField("最近微信登录", null=True, blank=True)
    # Every token carries the version it was issued under; bumping it (logout, a stolen phone)
    # revokes all of the user's tokens at once without a token table.
    token_version = models.PositiveIntegerField("登录凭证版本", default=0, editable=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    @property
    def display_name(self) -> str:
        return self.nickname or self.get_full_name() or self.username


class Address(models.Model):
    """A shipping address from the user's address book (中国大陆 province/city/district)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="addresses", verbose_name="用户")
    receiver = models.CharField("收货人", max_length=32)
    phone = models.CharField("手机号", max_length=20)
    province = models.CharField("省", max_length=32)
    city = models.CharField("市", max_length=32)
    district = models.CharField("区/县", max_length=32)
    detail = models.CharField("详细地址", max_length=200)
    postal_code = models.CharField("邮编", max_length=10, blank=True, default="")
    tag = models.CharField("标签", max_length=16, blank=True, default="")
    is_default = models.BooleanField("默认地址", default=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "收货地址"
        verbose_name_plural = "收货地址"
        ordering = ["-is_default", "-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user"], condition=Q(is_default=True), name="address_one_default_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.receiver} {self.province}{self.city}{self.district}{self.detail}"


class LoginThrottle(models.Model):
    """Password attempts for one username from one client address, counted before the password
    is checked (so that thirty tries at once still check only the allowed few). It lives in the
    database, beside the users it guards: a throttle can be no more available than the login."""

    username = models.CharField("用户名", max_length=150)
    address = models.CharField("来源地址", max_length=64)
    attempts = models.PositiveIntegerField("尝试次数", default=0)
    # The end of the counting window, or of the lockout once the attempts reach the limit.
    expires_at = models.DateTimeField("到期时间")

    class Meta:
        verbose_name = "登录限制"
        verbose_name_plural = "登录限制"
        constraints = [models.UniqueConstraint(fields=["username", "address"], name="login_throttle_one_row_per_pair")]
        indexes = [models.Index(fields=["expires_at"], name="login_throttle_expires")]

    def __str__(self) -> str:
        return f"{self.username} @ {self.address}"


class RefreshFamily(models.Model):
    """One login on one device: the chain of refresh tokens that rotate from it. Each refresh token
    names its family and generation; only the current generation refreshes, so a stolen token
    that is used twice (by the thief and by its owner) is noticed and the whole login ends."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="refresh_families", verbose_name="用户")
    generation = models.PositiveIntegerField("代数", default=0)
    # When the current generation was issued: the grace for its predecessor counts from here.
    rotated_at = models.DateTimeField("最近刷新")
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)
    created_at = models.DateTimeField("登录时间", auto_now_add=True)

    class Meta:
        verbose_name = "登录会话"
        verbose_name_plural = "登录会话"
        indexes = [models.Index(fields=["rotated_at"], name="refresh_family_rotated")]

    def __str__(self) -> str:
        return f"{self.user_id}/{self.id.hex[:8]}"
