"""Each figure of the data centre: its name, unit, the one-line definition the operator reads
beside it (tooltip and API), and its health band where the article behind the mall gives one.
The functions that compute them (``figures``) say the same in their docstrings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Unit = Literal["fen", "count", "bps", "milli", "sources"]
Health = Literal["green", "amber"]


@dataclass(frozen=True)
class MetricDefinition:
    key: str
    label: str
    unit: Unit
    definition: str
    # Inclusive bounds in the metric's own unit; ``None`` on one side means open.
    band_low: int | None = None
    band_high: int | None = None

    @property
    def has_band(self) -> bool:
        return self.band_low is not None or self.band_high is not None

    def health(self, value: int | None) -> Health | None:
        """Green inside the band, amber outside; none without a band or a value."""
        if not self.has_band or value is None:
            return None
        low_ok = self.band_low is None or value >= self.band_low
        high_ok = self.band_high is None or value <= self.band_high
        return "green" if low_ok and high_ok else "amber"


_ALL = (
    MetricDefinition(
        "gmv_fen", "GMV", "fen", "期内付款订单的实付金额（含运费、已扣优惠），按付款日计，不扣除之后的退款"
    ),
    MetricDefinition("paid_orders", "付款订单数", "count", "期内付款的订单数"),
    MetricDefinition("buyers", "付款人数", "count", "期内至少付款一笔订单的用户数（去重）"),
    MetricDefinition("aov_fen", "客单价", "fen", "GMV ÷ 付款人数，四舍五入到分"),
    MetricDefinition("per_order_fen", "笔单价", "fen", "GMV ÷ 付款订单数，四舍五入到分"),
    MetricDefinition("refund_fen", "退款金额", "fen", "期内退款成功的金额（按退款成功日计，仅含已付款订单的退款）"),
    MetricDefinition(
        "distributor_activity_bps",
        "分销商动销率",
        "bps",
        "期末正常状态的分销商中，期内至少有一笔付款订单（订单快照的一级推荐人是他）的比例",
        2000,
        4000,
    ),
    MetricDefinition("commission_fen", "佣金", "fen", "期内付款订单的各级佣金合计，已扣除退款冲减与追回"),
    MetricDefinition("commission_share_bps", "佣金占比", "bps", "佣金 ÷ 这些订单的 GMV", 1000, 2000),
    MetricDefinition("distribution_gmv_share_bps", "分销 GMV 占比", "bps", "有推荐人的订单 GMV ÷ GMV"),
    MetricDefinition(
        "conversion_bps",
        "消费者转分销商比例",
        "bps",
        "首单付款在期内、且首单后 30 天内成为分销商的用户 ÷ 首单付款在期内的用户（近 30 天的数字仍会增长）",
        1500,
        2500,
    ),
    MetricDefinition(
        "k_factor_milli",
        "裂变系数 K",
        "milli",
        "期内经分销推荐或接受邀请而来的新付款用户 ÷ 上一等长周期的付款人数（×1000）",
        200,
        None,
    ),
    MetricDefinition("new_buyers", "新付款用户", "count", "首单付款在期内的用户数"),
    MetricDefinition(
        "new_buyer_sources",
        "新付款用户来源",
        "sources",
        "新付款用户按来源分：分销（首单带推荐链）、邀请（首单前接受了邀请）、自然",
    ),
    MetricDefinition(
        "cac_fen", "分销获客成本", "fen", "分销带来的新付款用户首单所付佣金合计 ÷ 这些用户数，四舍五入到分"
    ),
    MetricDefinition(
        "product_activity_bps", "商品动销率", "bps", "当前上架商品中，期内至少卖出一件（已付款）的商品比例"
    ),
)

METRICS: dict[str, MetricDefinition] = {m.key: m for m in _ALL}

REPURCHASE = MetricDefinition(
    "repurchase_bps", "次月复购率", "bps", "某月付款的用户中，下个月再次付款的比例", 3000, 4000
)

# What a trend can draw: every metric that is one number.
TREND_METRICS = tuple(m.key for m in _ALL if m.unit != "sources")
