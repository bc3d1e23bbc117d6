from __future__ import annotations

from ninja import Schema


class JsapiParams(Schema):
    """Exactly the object ``wx.requestPayment`` takes."""

    appId: str  # WeChat's names, as wx.requestPayment wants them
    timeStamp: str
    nonceStr: str
    package: str
    signType: str
    paySign: str


class PayOut(Schema):
    payment_no: str
    params: JsapiParams


class NotifyAck(Schema):
    code: str
    message: str


class SandboxPaidOut(Schema):
    order_no: str
    order_status: str
    payment_no: str
    payment_status: str
    outcome: str
