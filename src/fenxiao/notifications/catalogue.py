"""What the mall tells people, by kind: the wording in the message centre, the variables a
subscription message's fields may use, and the moment (scene) the client asks for consent.

The operator sets, per kind, WeChat's template id and which variable fills which keyword
(``NotificationTemplate``); ``fields_validate`` and ``message_data`` are the pure rules that check
such a mapping and fill it, with the keyword rules of ``keywords.py``."""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass

from fenxiao.notifications.keywords import KeywordError, keyword_type, keyword_value

SHOPPER = "shopper"
DISTRIBUTOR = "distributor"

# Where the clients ask for consent (``wx.requestSubscribeMessage``): after paying, when asking
# for a withdrawal, when applying to become a distributor, after filing a complaint.
SCENES = ("pay", "withdraw", "apply", "complaint")
# WeChat takes at most three template ids in one request.
MAX_TEMPLATES_PER_REQUEST = 3
MAX_KEYWORDS = 20


@dataclass(frozen=True)
class Kind:
    code: str
    label: str
    audience: str
    scene: str
    body: str  # the message centre's text, with {variables}
    variables: Mapping[str, str]  # name -> what it is, for the operator


_ORDER = {"order_no": "订单号", "product": "商品（首件商品名，多件带“等N件”）"}

KINDS: dict[str, Kind] = {
    k.code: k
    for k in (
        Kind(
            "order_shipped",
            "订单已发货",
            SHOPPER,
            "pay",
            "您的订单 {order_no}（{product}）已交由{carrier}发出，运单号 {tracking_no}。",
            {**_ORDER, "carrier": "快递公司", "tracking_no": "运单号", "time": "发货时间"},
        ),
        Kind(
            "refund_done",
            "退款成功",
            SHOPPER,
            "pay",
            "订单 {order_no} 的退款 {amount} 已原路退回，请注意查收。",
            {**_ORDER, "amount": "退款金额（如 12.50元）", "time": "退款时间"},
        ),
        Kind(
            "group_buy_succeeded",
            "拼团成功",
            SHOPPER,
            "pay",
            "您参加的拼团（{product}，{group_size}人团）已成团，我们会尽快发货。",
            {**_ORDER, "group_size": "成团人数", "time": "成团时间"},
        ),
        Kind(
            "group_buy_failed",
            "拼团未成功",
            SHOPPER,
            "pay",
            "您参加的拼团（{product}）未在时限内成团，货款 {amount} 将原路退回。",
            {**_ORDER, "amount": "退款金额", "time": "截止时间", "reason": "原因"},
        ),
        Kind(
            "commission_booked",
            "佣金入账",
            DISTRIBUTOR,
            "apply",
            "您推广的订单 {order_no} 已付款，预计佣金 {amount}（待结算），确认收货且售后期结束后可提现。",
            {**_ORDER, "amount": "佣金金额", "time": "入账时间", "status": "状态（待结算）"},
        ),
        Kind(
            "commission_settled",
            "佣金已结算",
            DISTRIBUTOR,
            "withdraw",
            "您有 {count} 笔佣金共 {amount} 已结算，可以提现了。",
            {"amount": "结算金额", "count": "笔数", "time": "结算时间", "status": "状态（已结算）"},
        ),
        Kind(
            "withdrawal_paid",
            "提现到账",
            DISTRIBUTOR,
            "withdraw",
            "您的提现 {amount}（手续费 {fee}）已到账，单号 {bill_no}。",
            {"amount": "提现金额", "fee": "手续费", "net": "实际到账", "bill_no": "提现单号", "time": "到账时间"},
        ),
        Kind(
            "withdrawal_failed",
            "提现未成功",
            DISTRIBUTOR,
            "withdraw",
            "您的提现 {amount} 未成功：{reason}。金额已退回可提现余额。",
            {"amount": "提现金额", "reason": "原因", "bill_no": "提现单号", "time": "时间"},
        ),
        Kind(
            "application_approved",
            "分销商申请已通过",
            DISTRIBUTOR,
            "apply",
            "恭喜，您已成为分销商，推广码 {code}。快去分享商品赚佣金吧。",
            {"code": "推广码", "result": "结果（已通过）", "time": "审核时间"},
        ),
        Kind(
            "application_rejected",
            "分销商申请未通过",
            DISTRIBUTOR,
            "apply",
            "很抱歉，您的分销商申请未通过：{reason}。",
            {"reason": "驳回原因", "result": "结果（未通过）", "time": "审核时间"},
        ),
        Kind(
            "complaint_answered",
            "投诉有新进展",
            SHOPPER,
            "complaint",
            "您的投诉 {complaint_no}（{status}）：{content}",
            {"complaint_no": "投诉单号", "status": "状态", "content": "回复或处理说明", "time": "时间"},
        ),
    )
}

KIND_CHOICES = [(k.code, k.label) for k in KINDS.values()]


def kinds_for_scene(scene: str) -> list[Kind]:
    return [k for k in KINDS.values() if k.scene == scene]


def _placeholders(text: str) -> list[str]:
    try:
        return [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]
    except ValueError as exc:
        raise KeywordError(f"“{text}”的花括号不成对") from exc


def fields_validate(kind: str, fields: Mapping[str, object]) -> list[str]:
    """Every problem of an operator's mapping ``{"thing1": "{product}", ...}`` for ``kind``, in
    Chinese; an empty list means it is good. Each key must be a WeChat keyword, each value a text
    whose ``{variables}`` the kind provides."""
    spec = KINDS.get(kind)
    if spec is None:
        return [f"未知的消息类型 {kind}"]
    if not isinstance(fields, Mapping):
        return ["字段映射必须是 {关键词: 内容} 形式"]
    problems: list[str] = []
    if len(fields) > MAX_KEYWORDS:
        problems.append(f"关键词最多 {MAX_KEYWORDS} 个")
    for key, text in fields.items():
        try:
            keyword_type(str(key))
        except KeywordError as exc:
            problems.append(str(exc))
            continue
        if not isinstance(text, str) or not text.strip():
            problems.append(f"{key} 的内容不能为空")
            continue
        try:
            names = _placeholders(text)
        except KeywordError as exc:
            problems.append(f"{key}：{exc}")
            continue
        unknown = [n for n in names if n not in spec.variables]
        if unknown:
            problems.append(f"{key} 用了不存在的变量 {', '.join(unknown)}（可用：{', '.join(spec.variables)}）")
    return problems


def centre_text(kind: str, context: Mapping[str, str]) -> str:
    """The message centre's sentence for ``kind``; a missing variable shows as empty."""
    return string.Formatter().vformat(KINDS[kind].body, (), _Defaulting(context))


class _Defaulting(dict):
    def __init__(self, context: Mapping[str, str]):
        super().__init__(context)

    def __missing__(self, key: str) -> str:
        return ""


def message_data(fields: Mapping[str, str], context: Mapping[str, str]) -> dict[str, dict[str, str]]:
    """The ``data`` of ``subscribeMessage.send``: each keyword's text filled from ``context`` and
    made to fit its type (``{"thing1": {"value": "..."}}``). Raises ``KeywordError`` naming the
    keyword whose value WeChat would refuse."""
    data: dict[str, dict[str, str]] = {}
    for key, text in fields.items():
        kind = keyword_type(key)
        filled = string.Formatter().vformat(text, (), _Defaulting(context))
        try:
            data[key] = {"value": keyword_value(kind, filled)}
        except KeywordError as exc:
            raise KeywordError(f"{key}：{exc}") from None
    return data
