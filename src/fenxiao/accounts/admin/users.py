"""Users and addresses in the operator console. Phones are masked in lists (the console is shared
by many operators); the WeChat session key is never shown anywhere."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db import models

from fenxiao.accounts.admin.login import ThrottledAdminLoginForm
from fenxiao.accounts.models import Address, User
from fenxiao.core.admin_columns import clipped, name_column, time_column
from fenxiao.core.masking import mask_phone

# One throttle for both staff doors: the login page checks passwords as staff-login does.
admin.site.login_form = ThrottledAdminLoginForm


class AddressInline(admin.TabularInline):
    """The user's own address book, shown for support; edited by the user, not by operators."""

    model = Address
    fields = ("receiver", "masked_phone", "province", "city", "district", "detail", "is_default")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="手机号")
    def masked_phone(self, obj: Address) -> str:
        return mask_phone(obj.phone)


@admin.register(User)
class FenxiaoUserAdmin(UserAdmin):
    list_display = ("username", "short_nickname", "masked_phone", "short_openid", "is_staff", "is_active", "joined")
    list_filter = ("is_staff", "is_superuser", "is_active", "groups")
    search_fields = ("username", "nickname", "phone", "openid", "unionid", "email")
    ordering = ("-id",)
    fieldsets = (
        *UserAdmin.fieldsets,
        (
            "微信",
            {
                "fields": (
                    "nickname",
                    "avatar_url",
                    "phone_country_code",
                    "phone",
                    "openid",
                    "unionid",
                    "last_wechat_login_at",
                )
            },
        ),
    )
    # Identities come from WeChat; editing them by hand would detach the person from their account.
    readonly_fields = ("openid", "unionid", "last_wechat_login_at", "last_login", "date_joined")
    inlines = (AddressInline,)
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    @admin.display(description="手机号", ordering="phone")
    def masked_phone(self, obj: User) -> str:
        return mask_phone(obj.phone)

    @admin.display(description="OpenID", ordering="openid")
    def short_openid(self, obj: User) -> str:
        return clipped(obj.openid, width_em=8)

    short_nickname = name_column("nickname", "昵称", ordering="nickname")
    joined = time_column("date_joined", "加入时间")


@admin.register(Address)
class AddressAdmin(admin.ModelAdmin):
    list_display = ("receiver", "masked_phone", "user", "province", "city", "district", "is_default", "updated_at")
    list_filter = ("is_default", "province")
    list_select_related = ("user",)
    search_fields = ("receiver", "phone", "user__username", "user__nickname", "detail")
    raw_id_fields = ("user",)

    @admin.display(description="手机号", ordering="phone")
    def masked_phone(self, obj: Address) -> str:
        return mask_phone(obj.phone)
