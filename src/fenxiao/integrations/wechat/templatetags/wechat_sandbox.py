"""``{% wechat_sandbox as on %}``: whether WeChat login and payment are faked here, so the admin and
the H5 login and payment pages can say so in red (a shop run in sandbox by mistake is seen at once)."""

from __future__ import annotations

from django import template

from fenxiao.integrations.wechat.sandbox_guard import sandbox_active

register = template.Library()


@register.simple_tag
def wechat_sandbox() -> bool:
    return sandbox_active()
