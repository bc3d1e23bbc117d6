from __future__ import annotations

from django.db import models


class CachedAccessToken(models.Model):
    """The database copy of WeChat's stable access_token, used when no Redis is configured, so that
    every worker shares one token instead of each fetching its own and hitting the daily quota."""

    appid = models.CharField(max_length=64, unique=True)
    token = models.CharField(max_length=512)
    expires_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "微信 access_token 缓存"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.appid} 至 {self.expires_at:%Y-%m-%d %H:%M}"
