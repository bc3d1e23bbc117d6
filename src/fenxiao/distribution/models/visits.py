"""How often a distributor's shares are opened (DESIGN §5 "insights": when to share): one counter
per distributor, local day, local hour and channel, moved by one conditional ``UPDATE`` per open.

Counters rather than a row per open: a popular link is opened thousands of times a day, and the
insights only ever ask "how many, when, by which channel", so an open costs one indexed update and
the table grows by at most 24 × channels rows per distributor per day. Who opened is not kept:
the insights show aggregates, never people."""

from __future__ import annotations

from django.db import models

from fenxiao.distribution.models.distributors import Distributor


class OpenChannel(models.TextChoices):
    LINK = "link", "H5 链接"
    SHARE = "share", "小程序分享"
    SCENE = "scene", "小程序码"
    POSTER = "poster", "海报"


class ShareOpen(models.Model):
    # The unique counter key starts with the distributor, so it serves as their index too.
    distributor = models.ForeignKey(
        Distributor, on_delete=models.CASCADE, related_name="+", verbose_name="分销商", db_index=False
    )
    day = models.DateField("日期（本地）")
    hour = models.PositiveSmallIntegerField("小时（本地，0-23）")
    channel = models.CharField("渠道", max_length=16, choices=OpenChannel.choices)
    opens = models.PositiveIntegerField("打开次数", default=0)

    class Meta:
        verbose_name = "分享打开统计"
        verbose_name_plural = "分享打开统计"
        constraints = [
            models.UniqueConstraint(fields=["distributor", "day", "hour", "channel"], name="share_open_one_counter"),
            models.CheckConstraint(condition=models.Q(hour__gte=0, hour__lte=23), name="share_open_hour_in_day"),
        ]

    def __str__(self) -> str:
        return f"{self.distributor_id} {self.day} {self.hour}:00 {self.channel} ×{self.opens}"
