"""Pure validation of the distribution settings a merchant edits (DESIGN §5, §7). The admin form
and the API both call ``settings_violations``: configuration that breaks a rule is refused with
every broken rule named at once, so the merchant fixes the form in one pass. ``settings_warnings``
lists what is legal but risky. No database here (tests/unit/test_settings_rules.py)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from fenxiao.core.money import fen_to_yuan

MAX_LEVELS = 3
BPS_WHOLE = 10_000
WARN_RATE_SUM_BPS = 2000
# Ceilings far above any real mall and far below the columns (int, bigint), so a typo or a fuzzer
# is named as a rule instead of failing in the database. 10**12 fen is also the most a single
# withdrawal may ask for (WithdrawIn).
MAX_AMOUNT_FEN = 10**12
MAX_AMOUNT_WORDS = "100亿元"
MAX_DAYS = 3650  # ten years: a freeze or a rebind wait longer than that is a typo
MAX_FIXED_UNIT_FEN = 10**9  # a fixed commission of more than 1000万元 per unit is certainly a mistake
MAX_FIXED_UNIT_WORDS = "1000万元"
MAX_TIER_RANK = 999
MAX_TIER_COUNT = 10_000_000  # customers or orders needed for an upgrade

BECOME_POLICIES = ("everyone", "apply", "spend")
BINDING_POLICIES = ("first_touch", "rebind_after_days", "last_touch")
BIND_ON_CHOICES = ("visit", "first_order")


@dataclass(frozen=True)
class TierRates:
    name: str
    level_bps: tuple[int, ...]  # always 3 entries, level 1 first; levels not enabled are 0


DEFAULT_TIERS = (
    TierRates(name="普通", level_bps=(1000, 500, 0)),
    TierRates(name="银牌", level_bps=(1200, 600, 0)),
    TierRates(name="金牌", level_bps=(1500, 500, 0)),
)


def _default_activity_commission() -> dict[str, bool]:
    return {"seckill": False, "group_buy": True, "invite": True}


@dataclass(frozen=True, kw_only=True)
class SettingsInput:
    """Everything a merchant edits on the distribution settings page. The defaults mirror the
    model defaults (distribution/models/config.py) and pass every rule."""

    become_policy: str = "apply"
    spend_threshold_fen: int = 0
    binding_policy: str = "first_touch"
    rebind_after_days: int = 30
    bind_on: str = "visit"
    levels: int = 2
    level3_enabled: bool = False
    cap_bps: int = 3000
    self_purchase_commission: bool = False
    freeze_days: int = 7
    withdraw_min_fen: int = 100
    withdraw_fee_bps: int = 0
    withdraw_fee_min_fen: int = 0
    withdraw_daily_limit_fen: int = 500_000
    withdraw_auto_approve_max_fen: int = 20_000
    identity_required_over_fen: int = 500_000
    activity_commission: Mapping[str, bool] = field(default_factory=_default_activity_commission)
    entry_fee_fen: int = 0  # must stay 0: an entry fee is illegal (禁止传销条例 第七条)
    purchase_required: bool = False  # must stay False for the same reason
    tiers: tuple[TierRates, ...] = DEFAULT_TIERS


@dataclass(frozen=True)
class RuleViolation:
    code: str
    message: str
    field: str | None


def bps_percent(bps: int) -> str:
    """Basis points as a percentage for people, exact without floats: 2550 → "25.5%", 3000 → "30%"."""
    sign = "-" if bps < 0 else ""
    whole, part = divmod(abs(bps), 100)
    decimals = f"{part:02d}".rstrip("0")
    return f"{sign}{whole}.{decimals}%" if decimals else f"{sign}{whole}%"


def enabled_levels(s: SettingsInput) -> int:
    """How many levels the rates are checked over: the configured count, held within 0..3 so a
    count that is itself refused does not also produce a cascade of rate errors."""
    return max(0, min(s.levels, MAX_LEVELS))


def _levels_violations(s: SettingsInput) -> list[RuleViolation]:
    found = []
    if s.levels > MAX_LEVELS:
        found.append(
            RuleViolation(
                "DIST_LEVELS_MAX",
                f"分销层级为{s.levels}级：最多三级分销，超过三级属于传销（《禁止传销条例》第七条）",
                "levels",
            )
        )
    if s.levels < 1:
        found.append(RuleViolation("DIST_LEVELS_MIN", "分销层级至少为一级", "levels"))
    if s.levels == MAX_LEVELS and not s.level3_enabled:
        found.append(
            RuleViolation(
                "DIST_LEVEL3_SWITCH", "启用三级分销须先打开“三级分销”开关并确认合规风险提示", "level3_enabled"
            )
        )
    if not 0 <= s.cap_bps <= BPS_WHOLE:
        found.append(
            RuleViolation("DIST_CAP_INVALID", f"佣金总比例上限{bps_percent(s.cap_bps)}须在0%到100%之间", "cap_bps")
        )
    return found


def _tier_violations(s: SettingsInput) -> list[RuleViolation]:
    if not s.tiers:
        return [RuleViolation("DIST_NO_TIERS", "至少需要一个分销等级", "tiers")]
    found = []
    seen: set[str] = set()
    enabled = enabled_levels(s)
    for tier in s.tiers:
        name = tier.name.strip()
        if not name:
            found.append(RuleViolation("DIST_TIER_NAME_EMPTY", "分销等级名称不能为空", "tiers"))
        elif name in seen:
            found.append(RuleViolation("DIST_TIER_NAME_DUPLICATE", f"分销等级名称「{name}」重复", "tiers"))
        seen.add(name)
        found.extend(_tier_rate_violations(tier, enabled=enabled, cap_bps=s.cap_bps))
    return found


def _tier_rate_violations(tier: TierRates, *, enabled: int, cap_bps: int) -> list[RuleViolation]:
    name = tier.name.strip()
    rates = tier.level_bps
    if len(rates) != MAX_LEVELS:
        return [RuleViolation("DIST_TIER_RATES_LENGTH", f"分销等级「{name}」须填写一至三级的佣金比例", "tiers")]
    found = []
    for level, rate in enumerate(rates, start=1):
        if rate < 0:
            found.append(RuleViolation("DIST_RATE_NEGATIVE", f"分销等级「{name}」{level}级佣金比例不能为负", "tiers"))
        elif rate > 0 and level > enabled:
            found.append(
                RuleViolation(
                    "DIST_DISABLED_LEVEL_RATE",
                    f"分销等级「{name}」{level}级未启用，其佣金比例须为0（当前{bps_percent(rate)}）",
                    "tiers",
                )
            )
    for level in range(2, enabled + 1):
        upper, lower = rates[level - 2], rates[level - 1]
        # An indirect level that pays nothing cannot reward recruiting, so 0 under 0 is allowed.
        if lower > 0 and lower >= upper:
            found.append(
                RuleViolation(
                    "DIST_INDIRECT_RATE_NOT_LOWER",
                    f"分销等级「{name}」{level}级佣金比例（{bps_percent(lower)}）须低于"
                    f"{level - 1}级（{bps_percent(upper)}）：间接佣金不得高于或等于直接佣金",
                    "tiers",
                )
            )
    total = sum(rates[:enabled])
    if total > cap_bps:
        found.append(
            RuleViolation(
                "DIST_RATE_SUM_OVER_CAP",
                f"分销等级「{name}」各级佣金比例合计{bps_percent(total)}，超过平台上限{bps_percent(cap_bps)}",
                "tiers",
            )
        )
    return found


def _membership_violations(s: SettingsInput) -> list[RuleViolation]:
    found = []
    if s.become_policy not in BECOME_POLICIES:
        found.append(RuleViolation("DIST_BECOME_POLICY_INVALID", "成为分销商的方式无效", "become_policy"))
    if s.become_policy == "spend" and s.spend_threshold_fen == 0:
        found.append(
            RuleViolation(
                "DIST_SPEND_THRESHOLD_INVALID", "按累计消费成为分销商时，消费门槛须大于0元", "spend_threshold_fen"
            )
        )
    if s.spend_threshold_fen < 0 or s.spend_threshold_fen > MAX_AMOUNT_FEN:
        found.append(
            RuleViolation(
                "DIST_SPEND_THRESHOLD_INVALID",
                f"累计消费门槛须在0元到{MAX_AMOUNT_WORDS}之间",
                "spend_threshold_fen",
            )
        )
    fee_message = "不得收取入门费或以购买商品作为成为分销商的条件（《禁止传销条例》第七条）"
    if s.entry_fee_fen != 0:
        found.append(RuleViolation("DIST_ENTRY_FEE_FORBIDDEN", fee_message, "entry_fee_fen"))
    if s.purchase_required:
        found.append(RuleViolation("DIST_ENTRY_FEE_FORBIDDEN", fee_message, "purchase_required"))
    if s.binding_policy not in BINDING_POLICIES:
        found.append(RuleViolation("DIST_BINDING_POLICY_INVALID", "客户绑定规则无效", "binding_policy"))
    if s.rebind_after_days < 0:
        found.append(RuleViolation("DIST_REBIND_DAYS_INVALID", "换绑间隔天数不能为负数", "rebind_after_days"))
    elif s.rebind_after_days > MAX_DAYS:
        found.append(
            RuleViolation("DIST_REBIND_DAYS_INVALID", f"换绑间隔天数不能超过{MAX_DAYS}天", "rebind_after_days")
        )
    elif s.binding_policy == "rebind_after_days" and s.rebind_after_days == 0:
        found.append(RuleViolation("DIST_REBIND_DAYS_INVALID", "允许换绑时，换绑间隔天数须大于0", "rebind_after_days"))
    if s.bind_on not in BIND_ON_CHOICES:
        found.append(RuleViolation("DIST_BIND_ON_INVALID", "绑定时机无效", "bind_on"))
    return found


_WITHDRAW_AMOUNT_LABELS = {
    "withdraw_min_fen": "最低提现金额",
    "withdraw_fee_min_fen": "最低手续费",
    "withdraw_daily_limit_fen": "每日提现上限",
    "withdraw_auto_approve_max_fen": "免审核提现上限",
    "identity_required_over_fen": "实名认证门槛",
}


def _withdraw_violations(s: SettingsInput) -> list[RuleViolation]:
    found = [
        RuleViolation("DIST_WITHDRAW_NEGATIVE", f"{label}不能为负数", name)
        for name, label in _WITHDRAW_AMOUNT_LABELS.items()
        if getattr(s, name) < 0
    ]
    found.extend(
        RuleViolation("DIST_WITHDRAW_AMOUNT_TOO_LARGE", f"{label}不能超过{MAX_AMOUNT_WORDS}", name)
        for name, label in _WITHDRAW_AMOUNT_LABELS.items()
        if getattr(s, name) > MAX_AMOUNT_FEN
    )
    if not 0 <= s.withdraw_fee_bps <= BPS_WHOLE:
        found.append(
            RuleViolation(
                "DIST_WITHDRAW_FEE_INVALID",
                f"提现手续费比例{bps_percent(s.withdraw_fee_bps)}须在0%到100%之间",
                "withdraw_fee_bps",
            )
        )
    if s.withdraw_daily_limit_fen < s.withdraw_min_fen:
        found.append(
            RuleViolation(
                "DIST_WITHDRAW_DAILY_BELOW_MIN",
                f"每日提现上限{fen_to_yuan(s.withdraw_daily_limit_fen)}元低于最低提现金额"
                f"{fen_to_yuan(s.withdraw_min_fen)}元，分销商将无法提现",
                "withdraw_daily_limit_fen",
            )
        )
    return found


def _freeze_violations(s: SettingsInput) -> list[RuleViolation]:
    if s.freeze_days < 0:
        return [RuleViolation("DIST_FREEZE_DAYS_INVALID", "佣金冻结期不能为负数", "freeze_days")]
    if s.freeze_days > MAX_DAYS:
        return [RuleViolation("DIST_FREEZE_DAYS_INVALID", f"佣金冻结期不能超过{MAX_DAYS}天", "freeze_days")]
    return []


def settings_violations(s: SettingsInput) -> list[RuleViolation]:
    """Every rule the settings break, in form order; empty when they may be saved."""
    return [
        *_membership_violations(s),
        *_levels_violations(s),
        *_tier_violations(s),
        *_withdraw_violations(s),
        *_freeze_violations(s),
    ]


def tier_field_violations(
    *, rank: int | None, min_sales_fen: int, min_customers: int, min_orders: int
) -> list[RuleViolation]:
    """A tier's own numbers besides its rates (those are checked with the settings, above)."""
    found = []
    if rank is None or not 0 <= rank <= MAX_TIER_RANK:
        found.append(RuleViolation("DIST_TIER_RANK_INVALID", f"等级顺序须为0到{MAX_TIER_RANK}之间的整数", "rank"))
    if not 0 <= min_sales_fen <= MAX_AMOUNT_FEN:
        found.append(
            RuleViolation(
                "DIST_TIER_THRESHOLD_INVALID", f"升级所需结算销售额须在0元到{MAX_AMOUNT_WORDS}之间", "min_sales_fen"
            )
        )
    counts = (("min_customers", "升级所需付款客户数", min_customers), ("min_orders", "升级所需订单数", min_orders))
    for name, label, value in counts:
        if not 0 <= value <= MAX_TIER_COUNT:
            found.append(RuleViolation("DIST_TIER_THRESHOLD_INVALID", f"{label}须在0到{MAX_TIER_COUNT}之间", name))
    return found


OVERRIDE_RATE_FIELDS = ("level1_bps", "level2_bps", "level3_bps")
OVERRIDE_FIXED_FIELDS = ("level1_fixed_fen", "level2_fixed_fen", "level3_fixed_fen")


def override_amount_violations(*, mode: str, values: Mapping[str, int]) -> list[RuleViolation]:
    """A product override's numbers: none may be negative or absurd whatever the mode, so a later
    switch of mode never brings a bad stored number to life. In ``rate`` mode the rates are judged
    like a tier's by ``settings_violations`` (sign, cap, indirect below direct), so only the fixed
    amounts are judged here."""
    found = []
    for level, name in enumerate(OVERRIDE_FIXED_FIELDS, start=1):
        if values[name] < 0:
            found.append(RuleViolation("DIST_OVERRIDE_NEGATIVE", f"{level}级每件固定佣金不能为负数", name))
        elif values[name] > MAX_FIXED_UNIT_FEN:
            found.append(
                RuleViolation(
                    "DIST_OVERRIDE_FIXED_TOO_LARGE", f"{level}级每件固定佣金不能超过{MAX_FIXED_UNIT_WORDS}", name
                )
            )
    if mode == "rate":
        return found
    for level, name in enumerate(OVERRIDE_RATE_FIELDS, start=1):
        if values[name] < 0:
            found.append(RuleViolation("DIST_RATE_NEGATIVE", f"{level}级佣金比例不能为负", name))
        elif values[name] > BPS_WHOLE:
            found.append(
                RuleViolation(
                    "DIST_OVERRIDE_RATE_INVALID", f"{level}级佣金比例{bps_percent(values[name])}须在0%到100%之间", name
                )
            )
    return found


def settings_warnings(s: SettingsInput) -> list[RuleViolation]:
    """Legal but risky settings the operator must see before saving (DESIGN §5: level 3, a rate sum
    above 20%)."""
    found = []
    if s.levels == MAX_LEVELS and s.level3_enabled:
        found.append(
            RuleViolation(
                "DIST_LEVEL3_RISK",
                "三级分销合规风险提示：三级为允许的最高层级，请确保佣金只来自真实商品销售，不奖励发展下线",
                "levels",
            )
        )
    enabled = enabled_levels(s)
    for tier in s.tiers:
        total = sum(r for r in tier.level_bps[:enabled] if r > 0)
        if total > WARN_RATE_SUM_BPS:
            found.append(
                RuleViolation(
                    "DIST_RATE_SUM_HIGH",
                    f"分销等级「{tier.name.strip()}」各级佣金比例合计{bps_percent(total)}，"
                    f"超过{bps_percent(WARN_RATE_SUM_BPS)}提示：请确认商品毛利足以支付佣金",
                    "tiers",
                )
            )
    return found
