"""Each compliance rule as a pure function over plain values: it answers ✓ or ✗ with the evidence
an operator (or an inspector) reads. No database here (tests/unit/test_compliance_rules.py).

The rules judge what is configured *and* what the data shows, because a rule kept only in a form
can be bypassed by old rows or a bug: "commission only on paid sales" is proven by counting the
records that would break it, not by pointing at the code."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from fenxiao.core.money import fen_to_yuan
from fenxiao.distribution.config.rules import MAX_LEVELS, bps_percent

# 直销管理条例 第二十四条: a direct seller's remuneration may not exceed 30% of the sale.
LEGAL_CAP_BPS = 3000

LEVEL_NAMES = {1: "一级", 2: "二级", 3: "三级"}

BECOME_POLICY_WORDS = {
    "everyone": "所有人均可成为分销商",
    "apply": "申请并经审核成为分销商",
    "spend": "累计消费满额自动成为分销商（也可申请）",
}

# What a tier upgrade may count: the distributor's own real sales (tier_progress counts level-1
# settled commission only). A criterion outside this table is judged to be about recruiting.
SALES_CRITERIA = {
    "min_sales_fen": "结算销售额",
    "min_customers": "付款客户数",
    "min_orders": "订单数",
}


@dataclass(frozen=True)
class CheckResult:
    key: str
    title: str
    basis: str  # the law or rule the check holds the mall to
    passed: bool
    evidence: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class RateTable:
    """Rates or fixed amounts per level, level 1 first, from a tier or a product override."""

    label: str  # 「金牌」等级, 商品「…」
    values: tuple[int, ...]
    unit: str = "bps"  # "bps" for a rate, "fen" for a fixed amount per unit


def _shown(value: int, unit: str) -> str:
    return bps_percent(value) if unit == "bps" else f"每件{fen_to_yuan(value)}元"


def check_levels(*, levels: int, level3_enabled: bool) -> CheckResult:
    """At most three levels, the third only behind the operator's explicit switch."""
    evidence = [f"当前分销层级：{levels}级", f"三级分销开关：{'已开启' if level3_enabled else '关闭'}"]
    passed = 1 <= levels <= MAX_LEVELS and (levels < MAX_LEVELS or level3_enabled)
    if levels > MAX_LEVELS:
        evidence.append(f"超过{MAX_LEVELS}级，属于传销层级结构")
    elif levels == MAX_LEVELS and not level3_enabled:
        evidence.append("三级分销未经开关确认即生效")
    elif levels == MAX_LEVELS:
        evidence.append("三级为允许的最高层级，已由运营人员开关确认")
    return CheckResult(
        key="levels",
        title="分销层级不超过三级（三级须单独开启）",
        basis="《禁止传销条例》第七条；分销层级不超过三级",
        passed=passed,
        evidence=tuple(evidence),
    )


def check_indirect_rates(*, levels: int, tables: Sequence[RateTable]) -> CheckResult:
    """Each indirect level pays less than the level above it, over the levels that pay. An
    indirect level paying nothing cannot reward recruiting, so 0 under 0 is fine (as in
    ``config.rules``)."""
    broken = []
    for table in tables:
        for level in range(2, min(levels, MAX_LEVELS) + 1):
            upper, lower = _at(table.values, level - 1), _at(table.values, level)
            if lower > 0 and lower >= upper:
                broken.append(
                    f"{table.label}：{LEVEL_NAMES[level]}{_shown(lower, table.unit)}"
                    f"不低于{LEVEL_NAMES[level - 1]}{_shown(upper, table.unit)}"
                )
    evidence = broken or [f"已检查{len(tables)}项佣金设置（分销等级与商品佣金），间接佣金均低于上一级"]
    return CheckResult(
        key="indirect_rates",
        title="间接佣金低于上一级佣金",
        basis="《禁止传销条例》第七条：收入来自本人销售，而非下线",
        passed=not broken,
        evidence=tuple(evidence),
    )


def check_total_cap(*, levels: int, cap_bps: int, tables: Sequence[RateTable]) -> CheckResult:
    """The platform cap itself within 30%, and every rate table's levels together within it.
    Fixed amounts per unit cannot be compared with a percentage before a sale; booking trims every
    line's commission to the cap, which the evidence says."""
    evidence = [f"平台佣金总比例上限：{bps_percent(cap_bps)}（法定上限{bps_percent(LEGAL_CAP_BPS)}）"]
    passed = cap_bps <= LEGAL_CAP_BPS
    if not passed:
        evidence.append(f"平台上限高于《直销管理条例》第二十四条的{bps_percent(LEGAL_CAP_BPS)}")
    limit = min(cap_bps, LEGAL_CAP_BPS)
    fixed = 0
    for table in tables:
        if table.unit != "bps":
            fixed += 1
            continue
        total = sum(_at(table.values, level) for level in range(1, min(levels, MAX_LEVELS) + 1))
        if total > limit:
            passed = False
            evidence.append(f"{table.label}：各级合计{bps_percent(total)}，超过{bps_percent(limit)}")
    if fixed:
        evidence.append(f"{fixed}项按件固定佣金：计佣时每一订单行的佣金合计按平台上限截断")
    return CheckResult(
        key="total_cap",
        title=f"各级佣金合计不超过{bps_percent(LEGAL_CAP_BPS)}",
        basis="《直销管理条例》第二十四条",
        passed=passed,
        evidence=tuple(evidence),
    )


def check_no_entry_fee(
    *, become_policy: str, spend_threshold_fen: int, entry_fee_fen: int = 0, purchase_required: bool = False
) -> CheckResult:
    """No fee and no purchase as a condition to become a distributor. "Automatic after cumulative
    spend" passes: the spend only decides when someone becomes one without asking, it is not a
    condition to apply (anyone may still apply, DESIGN §5), and nothing is paid to the platform
    for the right."""
    words = BECOME_POLICY_WORDS.get(become_policy)
    evidence = [f"成为分销商方式：{words or become_policy}"]
    passed = words is not None and entry_fee_fen == 0 and not purchase_required
    if words is None:
        evidence.append("未知的成为分销商方式")
    if entry_fee_fen:
        evidence.append(f"收取入门费{fen_to_yuan(entry_fee_fen)}元")
    if purchase_required:
        evidence.append("以购买商品作为成为分销商的条件")
    if become_policy == "spend":
        evidence.append(
            f"累计消费满{fen_to_yuan(spend_threshold_fen)}元自动成为分销商，只是免申请的途径，"
            "并非申请条件：任何人仍可申请，无须购买"
        )
    if passed:
        evidence.append("不收取入门费、保证金或会员费，不要求购买指定商品")
    return CheckResult(
        key="no_entry_fee",
        title="成为分销商不收费、不以购买为条件",
        basis="《禁止传销条例》第七条（入门费）",
        passed=passed,
        evidence=tuple(evidence),
    )


def check_tiers_not_recruiting(*, tiers: Sequence[tuple[str, Mapping[str, int]]]) -> CheckResult:
    """Tier upgrades count only own sales. ``tiers`` gives each tier's upgrade criteria by field
    name (every ``min_*`` field of the tier): one outside ``SALES_CRITERIA`` that is in use counts
    something else, which for a tier can only be people."""
    broken, shown = [], []
    for name, criteria in tiers:
        foreign = sorted(k for k, v in criteria.items() if k not in SALES_CRITERIA and v)
        if foreign:
            broken.append(f"「{name}」的升级条件包含非销售指标：{'、'.join(foreign)}")
        parts = [
            f"{label}≥{fen_to_yuan(criteria[k]) + '元' if k.endswith('_fen') else criteria[k]}"
            for k, label in SALES_CRITERIA.items()
            if criteria.get(k)
        ]
        shown.append(f"「{name}」：{'、'.join(parts) if parts else '默认等级，无升级条件'}")
    evidence = [*broken, *shown, "升级只统计本人名下已结算的一级销售，不统计发展的下线人数"]
    return CheckResult(
        key="tiers_not_recruiting",
        title="分销等级不以发展人数为依据",
        basis="《禁止传销条例》第七条（以发展人员数量计酬）",
        passed=not broken,
        evidence=tuple(evidence),
    )


@dataclass(frozen=True)
class InviteFacts:
    """What the invite campaigns show (given by promotions through ``hooks``)."""

    campaigns: int
    rewards_issued: int
    rewards_without_paid_order: int  # rewards whose invitation has no first order paid before the reward
    reward_kind: str = "优惠券"


def check_invite_rewards(facts: InviteFacts | None) -> CheckResult:
    """An invitation earns only after the new user's real paid order: a reward without one is
    paying for a recruit."""
    if facts is None:
        evidence: tuple[str, ...] = ("未启用邀请有礼，没有邀请奖励",)
        passed = True
    else:
        passed = facts.rewards_without_paid_order == 0
        evidence = (
            f"邀请活动{facts.campaigns}个，已发放奖励{facts.rewards_issued}份（{facts.reward_kind}，非现金、非佣金）",
            "奖励在新用户首单付款并过售后期后才发放；全额退款的首单不发奖",
            f"没有已付款首单的奖励：{facts.rewards_without_paid_order}份",
        )
    return CheckResult(
        key="invite_rewards",
        title="邀请奖励只在被邀请人真实付款购买后发放",
        basis="《禁止传销条例》第七条（拉人头）",
        passed=passed,
        evidence=evidence,
    )


@dataclass(frozen=True)
class CommissionFacts:
    records: int
    records_on_unpaid_orders: int
    refunded_lines: int  # order lines with a refund and commission records
    refunded_lines_not_reversed: int  # of those, lines whose commission lags the refund


def check_commission_on_paid_sales(facts: CommissionFacts) -> CheckResult:
    """Commission only on paid sales, reversed on refunds, shown by the records themselves."""
    passed = facts.records_on_unpaid_orders == 0 and facts.refunded_lines_not_reversed == 0
    evidence = (
        f"佣金记录{facts.records}条，其中未付款订单上的{facts.records_on_unpaid_orders}条",
        f"有退款且计佣的订单行{facts.refunded_lines}个，其中佣金未按退款冲减或追回的{facts.refunded_lines_not_reversed}个",
        "佣金按顾客实付金额计算，不含运费；退款按比例冲减待结算佣金，已结算的追回",
    )
    return CheckResult(
        key="commission_on_paid_sales",
        title="佣金只来自已付款的真实销售，退款即冲减",
        basis="《禁止传销条例》第七条（收入来自真实商品销售）",
        passed=passed,
        evidence=evidence,
    )


def _at(values: Sequence[int], level: int) -> int:
    return values[level - 1] if level - 1 < len(values) else 0
