"""What 快递100 calls things: carrier codes (its 编码表, lower case) and its ``state`` numbers."""

from __future__ import annotations

# The domestic carriers a mall ships with most, from the provider's code list.
CARRIER_CODES: dict[str, str] = {
    "shunfeng": "顺丰速运",
    "zhongtong": "中通快递",
    "yuantong": "圆通速递",
    "yunda": "韵达快递",
    "shentong": "申通快递",
    "jd": "京东物流",
    "ems": "EMS",
    "youzhengguonei": "邮政快递包裹",
    "jtexpress": "极兔速递",
    "debangkuaidi": "德邦快递",
}


class State:
    """``state`` of a parcel as the provider reports it (the whole parcel, not one event)."""

    IN_TRANSIT = "0"  # 在途
    COLLECTED = "1"  # 揽收
    TROUBLE = "2"  # 疑难
    SIGNED = "3"  # 签收
    RETURN_SIGNED = "4"  # 退签
    DELIVERING = "5"  # 派件
    RETURNING = "6"  # 退回
    FORWARDED = "7"  # 转单/转投
    CUSTOMS_WAITING = "10"
    CUSTOMS = "11"
    CUSTOMS_CLEARED = "12"
    CUSTOMS_TROUBLE = "13"
    REFUSED = "14"  # 拒签


# Per-event status words (``resultv2=1``) back to the state number they stand for.
STATUS_WORDS: dict[str, str] = {
    "在途": State.IN_TRANSIT,
    "揽收": State.COLLECTED,
    "疑难": State.TROUBLE,
    "签收": State.SIGNED,
    "退签": State.RETURN_SIGNED,
    "派件": State.DELIVERING,
    "退回": State.RETURNING,
    "转投": State.FORWARDED,
    "转单": State.FORWARDED,
    "清关": State.CUSTOMS,
    "拒签": State.REFUSED,
}
