"""The operating data, kept as rollups so that a dashboard never scans orders (issue: "fast at
millions of orders").

The rollups are maintained from the order, payment, refund and commission events
(``rollups.facts``) and can be rebuilt from the source rows for any day (``rollups.rebuild``);
the reconciliation sweep rebuilds the latest days and proves them equal. Rows hold plain ids, not
foreign keys: they are derived data, and a foreign key would make every order payment check
``orders_order`` once more (the cost issue 22 measured) for no integrity gain.

All days are local dates in the shop's time zone (``settings.TIME_ZONE``)."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import models

# Who may read the data centre (its page, its API, the home page's glance).
DATACENTRE_PERMISSION = "analytics.view_datacentre"

# 消费者转分销商: a new buyer converted when they became a distributor within this long after
# paying their first order (joining before it is not a conversion by buying).
CONVERSION_WINDOW = timedelta(days=30)

# ``BuyerReturnMonth.prev_month`` of a buyer's first paid day: there is no previous one.
FIRST_PURCHASE = date(1900, 1, 1)


class BuyerSource(models.TextChoices):
    DISTRIBUTION = "distribution", "分销推荐"
    INVITE = "invite", "邀请有礼"
    ORGANIC = "organic", "自然流量"


class OrderFact(models.Model):
    """What one paid order contributed to the rollups, so that a replayed event adds nothing and a
    later change (commission reversed by a refund) moves the rollups by exactly the difference."""

    order_id = models.BigIntegerField("订单 ID", primary_key=True)
    day = models.DateField("付款日", db_index=True)
    buyer_id = models.BigIntegerField("买家 ID")
    distributor_id = models.BigIntegerField("一级推荐人 ID", null=True, blank=True)
    referred = models.BooleanField("有推荐人", default=False)
    gmv_fen = models.BigIntegerField("实付(分)")
    units = models.IntegerField("件数")
    commission_fen = models.BigIntegerField("佣金净额(分)", default=0)

    class Meta:
        verbose_name = "订单统计事实"
        verbose_name_plural = verbose_name
        permissions = [("view_datacentre", "查看数据中心")]

    def __str__(self) -> str:
        return f"订单 {self.order_id} @ {self.day}"


class RefundFact(models.Model):
    """A succeeded refund of a paid order, counted once on the day it succeeded."""

    refund_id = models.BigIntegerField("退款单 ID", primary_key=True)
    order_id = models.BigIntegerField("订单 ID", db_index=True)
    day = models.DateField("退款成功日", db_index=True)
    amount_fen = models.BigIntegerField("退款金额(分)")

    class Meta:
        verbose_name = "退款统计事实"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"退款 {self.refund_id} @ {self.day}"


class SalesDay(models.Model):
    """One local day of the shop: every additive figure, so a period is one ``SUM`` over its days."""

    day = models.DateField("日期", primary_key=True)
    gmv_fen = models.BigIntegerField("GMV(分)", default=0)
    paid_orders = models.IntegerField("付款订单", default=0)
    units = models.IntegerField("件数", default=0)
    buyers = models.IntegerField("当日付款人数", default=0)
    referred_gmv_fen = models.BigIntegerField("分销 GMV(分)", default=0)
    commission_fen = models.BigIntegerField("佣金净额(分)", default=0)
    refund_fen = models.BigIntegerField("退款(分)", default=0)
    new_buyers = models.IntegerField("新付款用户", default=0)
    new_buyers_distribution = models.IntegerField("分销带来的新付款用户", default=0)
    new_buyers_invite = models.IntegerField("邀请带来的新付款用户", default=0)
    new_buyers_organic = models.IntegerField("自然新付款用户", default=0)
    new_buyer_commission_fen = models.BigIntegerField("分销新客首单佣金(分)", default=0)
    # New buyers of the day (their first paid order fell on it) who became distributors within
    # ``CONVERSION_WINDOW`` after paying it: counted on the first-paid day when they join.
    converted_buyers = models.IntegerField("首单后 30 天内成为分销商", default=0)

    class Meta:
        verbose_name = "每日经营汇总"
        verbose_name_plural = verbose_name
        ordering = ["day"]

    def __str__(self) -> str:
        return str(self.day)


class BuyerProfile(models.Model):
    """A paying user's first paid order: when, and how they came (the acquisition source)."""

    buyer_id = models.BigIntegerField("买家 ID", primary_key=True)
    first_order_id = models.BigIntegerField("首单 ID", null=True, blank=True)
    first_paid_at = models.DateTimeField("首单付款时间", null=True, blank=True)
    first_day = models.DateField("首单付款日", null=True, blank=True, db_index=True)
    source = models.CharField("来源", max_length=16, choices=BuyerSource.choices, blank=True, default="")
    # Whether ``SalesDay.converted_buyers`` of ``first_day`` counts this buyer, so a replayed
    # "distributor joined" event or a moved first order changes the count exactly once.
    converted = models.BooleanField("首单后 30 天内成为分销商", default=False)

    class Meta:
        verbose_name = "付款用户档案"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"用户 {self.buyer_id}"


class BuyerDay(models.Model):
    """A day on which a user paid, with the user's previous paid day.

    ``prev_day`` is what makes distinct buyers cheap: the users who paid in ``[a, b]`` are exactly
    the rows in ``[a, b]`` whose previous paid day is before ``a`` (each such user has one), and
    the buyers of month M who paid again in M+1 are the rows of M+1 whose previous day is in M."""

    buyer_id = models.BigIntegerField("买家 ID")
    day = models.DateField("付款日")
    prev_day = models.DateField("上次付款日", null=True, blank=True)
    orders = models.IntegerField("订单数", default=0)
    gmv_fen = models.BigIntegerField("实付(分)", default=0)

    class Meta:
        verbose_name = "用户付款日"
        verbose_name_plural = verbose_name
        constraints = [models.UniqueConstraint(fields=["buyer_id", "day"], name="buyer_day_unique")]
        indexes = [
            models.Index(fields=["day", "prev_day"], name="buyer_day_day_prev"),
            models.Index(fields=["prev_day", "day"], name="buyer_day_prev_day"),
        ]

    def __str__(self) -> str:
        return f"用户 {self.buyer_id} @ {self.day}"


class BuyerReturnMonth(models.Model):
    """How many buyers of ``day`` had last paid in ``prev_month`` (its first day;
    ``FIRST_PURCHASE`` for a first purchase). Summing these answers "distinct buyers of a long
    period" from a few thousand rows instead of one row per buyer and day."""

    day = models.DateField("日期")
    prev_month = models.DateField("上次付款月")
    buyers = models.IntegerField("人数", default=0)

    class Meta:
        verbose_name = "回购间隔汇总"
        verbose_name_plural = verbose_name
        constraints = [models.UniqueConstraint(fields=["day", "prev_month"], name="buyer_return_month_unique")]

    def __str__(self) -> str:
        return f"{self.day} ← {self.prev_month}"


class SoldMonth(models.Model):
    """The days of one month on which a distributor (level 1) or a product sold, as bits of
    ``days`` (bit 0 = the 1st). "Who sold at least once in a period" then reads at most one row
    per entity and month: whole months by their row, the period's partial first and last month by
    a bit test, where the day rows would be one per entity and day."""

    class Kind(models.TextChoices):
        DISTRIBUTOR = "distributor", "分销商"
        PRODUCT = "product", "商品"

    kind = models.CharField("类型", max_length=16, choices=Kind.choices)
    entity_id = models.BigIntegerField("分销商或商品 ID")
    month = models.DateField("月份（当月 1 日）")
    days = models.BigIntegerField("有销售的日期（按位）", default=0)

    class Meta:
        verbose_name = "月度动销"
        verbose_name_plural = verbose_name
        constraints = [models.UniqueConstraint(fields=["kind", "month", "entity_id"], name="sold_month_unique")]

    def __str__(self) -> str:
        return f"{self.kind} {self.entity_id} @ {self.month:%Y-%m}"


class SoldYear(models.Model):
    """The months of one calendar year in which a distributor or a product sold (bit 0 =
    January), kept with ``SoldMonth``: a month's bit is set while its row has any day set. "Who
    sold in a year's period" then reads at most two of these per entity for the whole months and
    the ``SoldMonth`` rows of the period's two edge months, where the month rows alone were
    thirteen per entity."""

    kind = models.CharField("类型", max_length=16, choices=SoldMonth.Kind.choices)
    entity_id = models.BigIntegerField("分销商或商品 ID")
    year = models.DateField("年份（当年 1 月 1 日）")
    months = models.IntegerField("有销售的月份（按位）", default=0)

    class Meta:
        verbose_name = "年度动销"
        verbose_name_plural = verbose_name
        constraints = [models.UniqueConstraint(fields=["kind", "year", "entity_id"], name="sold_year_unique")]

    def __str__(self) -> str:
        return f"{self.kind} {self.entity_id} @ {self.year:%Y}"


class DistributorDay(models.Model):
    """Paid orders a distributor referred at level 1 (the order's snapshot) on one day."""

    distributor_id = models.BigIntegerField("分销商 ID")
    day = models.DateField("日期")
    orders = models.IntegerField("订单数", default=0)
    units = models.IntegerField("件数", default=0)
    gmv_fen = models.BigIntegerField("实付(分)", default=0)

    class Meta:
        verbose_name = "分销商每日业绩"
        verbose_name_plural = verbose_name
        constraints = [models.UniqueConstraint(fields=["distributor_id", "day"], name="distributor_day_unique")]
        indexes = [models.Index(fields=["day"], name="distributor_day_day")]

    def __str__(self) -> str:
        return f"分销商 {self.distributor_id} @ {self.day}"


class ProductDay(models.Model):
    """Units of a product paid for on one day and what the buyers paid for them (line amounts
    after discounts, without shipping)."""

    product_id = models.BigIntegerField("商品 ID")
    day = models.DateField("日期")
    orders = models.IntegerField("订单数", default=0)
    units = models.IntegerField("件数", default=0)
    gmv_fen = models.BigIntegerField("实付(分)", default=0)

    class Meta:
        verbose_name = "商品每日销售"
        verbose_name_plural = verbose_name
        constraints = [models.UniqueConstraint(fields=["product_id", "day"], name="product_day_unique")]
        indexes = [models.Index(fields=["day"], name="product_day_day")]

    def __str__(self) -> str:
        return f"商品 {self.product_id} @ {self.day}"


class DataCentre(OrderFact):
    """No data of its own: the admin lists models, so the 数据中心 page hangs on this proxy to get
    its place in the admin's navigation (``analytics/admin.py``). Who may open it is decided by
    the ``view_datacentre`` permission above, so the proxy has no permissions of its own."""

    class Meta:
        proxy = True
        verbose_name = "数据中心"
        verbose_name_plural = verbose_name
        default_permissions = ()
