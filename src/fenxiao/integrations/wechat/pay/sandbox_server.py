"""WeChat Pay's side of the sandbox: a stand-in of the payment and refund API behind an httpx
transport. It checks the merchant's request signature, answers signed with the sandbox's "WeChat"
key, and keeps trades and refunds under the sandbox folder, one JSON file each, so a query in one
worker sees a payment made through another. ``sandbox.SandboxWechatPay`` wires it to the live
client; the transfer sandbox's server builds on it."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import secrets
import threading
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

from fenxiao.integrations.wechat.pay import crypto as pay_crypto
from fenxiao.integrations.wechat.pay.errors import NOT_FOUND, REJECTED, WechatPayError
from fenxiao.integrations.wechat.pay.sandbox_keys import SandboxKeys
from fenxiao.integrations.wechat.pay.sandbox_notifications import CHINA, _now_text, build_notification
from fenxiao.integrations.wechat.pay.signatures import sign_message
from fenxiao.integrations.wechat.pay.types import SignedMessage, parse_time

try:  # POSIX; elsewhere the sandbox still works, without cross-process locking of its state
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None  # type: ignore[assignment]

SAFE_NO = re.compile(r"^[A-Za-z0-9_\-|*@]{1,64}$")


class _Answer(Exception):
    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


class SandboxPayServer:
    """WeChat Pay's side: checks the merchant's signature, keeps trades and refunds in files and
    answers, signed, the way the live API does (the subset the mall uses)."""

    def __init__(self, *, keys: SandboxKeys, mchid: str, appid: str, folder: Path):
        self.keys, self.mchid, self.appid, self.folder = keys, mchid, appid, folder
        (folder / "trades").mkdir(parents=True, exist_ok=True, mode=0o700)
        (folder / "refunds").mkdir(parents=True, exist_ok=True, mode=0o700)
        self._outbox = threading.local()

    # -- notifications ---------------------------------------------------------------------------

    def post(self, message: SignedMessage) -> None:
        """Keep a notification this call produced, for its caller to deliver after commit.

        The outbox is per thread: the client calls the server in the caller's own thread, and a
        shared list let two concurrent refunds take or drop each other's notification (a refund
        then stayed "processing" until the sweep asked)."""
        self._thread_outbox().append(message)

    def take_outbox(self) -> list[SignedMessage]:
        """The notifications this thread's calls produced since it last asked, and forget them."""
        messages = self._thread_outbox()
        self._outbox.messages = []
        return messages

    def _thread_outbox(self) -> list[SignedMessage]:
        messages = getattr(self._outbox, "messages", None)
        if messages is None:
            messages = self._outbox.messages = []
        return messages

    # -- storage ---------------------------------------------------------------------------------

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        if fcntl is None:  # pragma: no cover
            yield
            return
        with open(self.folder / "state.lock", "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _path(self, kind: str, number: str) -> Path:
        if not SAFE_NO.fullmatch(number):
            raise _Answer(400, "PARAM_ERROR", "单号格式不正确")
        return self.folder / kind / f"{number}.json"

    def _load(self, kind: str, number: str) -> dict[str, Any] | None:
        path = self._path(kind, number)
        return json.loads(path.read_text()) if path.exists() else None

    def _save(self, kind: str, number: str, record: dict[str, Any]) -> None:
        path = self._path(kind, number)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        tmp.write_text(json.dumps(record, ensure_ascii=False))
        os.replace(tmp, path)

    def trade(self, out_trade_no: str) -> dict[str, Any] | None:
        return self._load("trades", out_trade_no)

    # -- the HTTP face ---------------------------------------------------------------------------

    def handle(self, request: httpx.Request) -> httpx.Response:
        body = request.content.decode("utf-8")
        try:
            self._check_signature(request, body)
            payload = json.loads(body) if body else {}
            status, data = self._route(request.method, request.url.path, payload)
        except _Answer as answer:
            status, data = answer.status, {"code": answer.code, "message": answer.message}
        text = "" if data is None else json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        headers = sign_message(
            private_key=self.keys.wechatpay_key,
            serial=self.keys.public_key_id,
            timestamp=int(time.time()),
            nonce=secrets.token_hex(16),
            body=text,
        )
        if text:
            headers["Content-Type"] = "application/json"
        return httpx.Response(status, headers=headers, content=text.encode())

    def _check_signature(self, request: httpx.Request, body: str) -> None:
        header = request.headers.get("Authorization", "")
        if not header.startswith(pay_crypto.AUTH_SCHEMA + " "):
            raise _Answer(401, "SIGN_ERROR", "缺少签名")
        fields = dict(re.findall(r'(\w+)="([^"]*)"', header))
        if fields.get("mchid") != self.mchid or fields.get("serial_no") != self.keys.merchant_serial:
            raise _Answer(401, "SIGN_ERROR", "商户号或证书序列号不正确")
        timestamp = int(fields["timestamp"]) if fields.get("timestamp", "").isdigit() else 0
        if abs(int(time.time()) - timestamp) > pay_crypto.TIMESTAMP_TOLERANCE_SECONDS:
            raise _Answer(401, "SIGN_ERROR", "请求时间戳已过期")
        message = pay_crypto.request_message(
            request.method, request.url.raw_path.decode("ascii"), timestamp, fields.get("nonce_str", ""), body
        )
        if not pay_crypto.verify(self.keys.merchant_key.public_key(), message, fields.get("signature", "")):
            raise _Answer(401, "SIGN_ERROR", "签名错误")

    def _route(self, method: str, path: str, payload: dict[str, Any]) -> tuple[int, dict[str, Any] | None]:
        if method == "POST" and path == "/v3/pay/transactions/jsapi":
            return 200, self._prepay(payload)
        if (match := re.fullmatch(r"/v3/pay/transactions/out-trade-no/([^/]+)", path)) and method == "GET":
            return 200, self._transaction_view(self._trade_or_404(match.group(1)))
        if (match := re.fullmatch(r"/v3/pay/transactions/out-trade-no/([^/]+)/close", path)) and method == "POST":
            self._close(match.group(1))
            return 204, None
        if method == "POST" and path == "/v3/refund/domestic/refunds":
            return 200, self._refund(payload)
        if (match := re.fullmatch(r"/v3/refund/domestic/refunds/([^/]+)", path)) and method == "GET":
            record = self._load("refunds", match.group(1))
            if record is None:
                raise _Answer(404, "RESOURCE_NOT_EXISTS", "退款单不存在")
            return 200, record
        raise _Answer(404, "NOT_FOUND", "接口不存在")

    def _trade_or_404(self, out_trade_no: str) -> dict[str, Any]:
        trade = self.trade(out_trade_no)
        if trade is None:
            raise _Answer(404, "ORDER_NOT_EXIST", "订单不存在")
        return trade

    def _prepay(self, payload: dict[str, Any]) -> dict[str, Any]:
        out_trade_no = str(payload.get("out_trade_no", ""))
        total = (payload.get("amount") or {}).get("total")
        openid = (payload.get("payer") or {}).get("openid")
        if payload.get("mchid") != self.mchid or payload.get("appid") != self.appid:
            raise _Answer(400, "PARAM_ERROR", "appid 与 mchid 不匹配")
        if not isinstance(total, int) or total < 1 or not openid or not parse_time(payload.get("time_expire")):
            raise _Answer(400, "PARAM_ERROR", "参数错误")
        terms = {"amount": total, "openid": openid, "description": payload.get("description", "")}
        with self._locked():
            trade = self.trade(out_trade_no)
            if trade is not None:
                if trade["state"] == "SUCCESS":
                    raise _Answer(400, "ORDERPAID", "该订单已支付")
                if trade["state"] == "CLOSED":
                    raise _Answer(400, "ORDER_CLOSED", "订单已关闭")
                if {k: trade[k] for k in terms} != terms:
                    raise _Answer(400, "INVALID_REQUEST", "商户订单号重复且参数不一致")
            else:
                trade = {
                    "out_trade_no": out_trade_no,
                    "state": "NOTPAY",
                    "transaction_id": "",
                    "success_time": "",
                    **terms,
                }
            trade["time_expire"] = payload["time_expire"]
            trade["prepay_id"] = f"wx{datetime.now(CHINA):%d%H%M%S}{secrets.token_hex(12)}"
            self._save("trades", out_trade_no, trade)
        return {"prepay_id": trade["prepay_id"]}

    def _transaction_view(self, trade: dict[str, Any]) -> dict[str, Any]:
        view: dict[str, Any] = {
            "appid": self.appid,
            "mchid": self.mchid,
            "out_trade_no": trade["out_trade_no"],
            "trade_type": "JSAPI",
            "trade_state": trade["state"],
            "trade_state_desc": {"SUCCESS": "支付成功", "CLOSED": "已关闭", "NOTPAY": "未支付"}[trade["state"]],
            "payer": {"openid": trade["openid"]},
            "amount": {"total": trade["amount"], "currency": "CNY"},
        }
        if trade["state"] == "SUCCESS":
            view.update(
                transaction_id=trade["transaction_id"],
                bank_type="OTHERS",
                success_time=trade["success_time"],
                amount={
                    "total": trade["amount"],
                    "payer_total": trade["amount"],
                    "currency": "CNY",
                    "payer_currency": "CNY",
                },
            )
        return view

    def _close(self, out_trade_no: str) -> None:
        with self._locked():
            trade = self._trade_or_404(out_trade_no)
            if trade["state"] == "SUCCESS":
                raise _Answer(400, "ORDERPAID", "该订单已支付")
            trade["state"] = "CLOSED"
            self._save("trades", out_trade_no, trade)

    def pay(self, out_trade_no: str, *, timestamp: int | None = None, racing_close: bool = False) -> SignedMessage:
        """The buyer pays: the trade succeeds and WeChat's TRANSACTION.SUCCESS notification is
        returned for delivery. Paying a paid trade again yields the same notification content.

        ``racing_close`` plays the race WeChat warns merchants about: a buyer already in the payment
        sheet completes it although the merchant has just closed the trade. The merchant must
        refund such money, so the sandbox lets a developer produce it."""
        with self._locked():
            trade = self.trade(out_trade_no)
            if trade is None:
                raise WechatPayError(NOT_FOUND, wechat_code="ORDER_NOT_EXIST")
            if trade["state"] == "CLOSED" and not racing_close:
                raise WechatPayError(REJECTED, wechat_code="ORDER_CLOSED", wechat_message="订单已关闭")
            if trade["state"] != "SUCCESS":
                # Transaction ids are derived, not random, so the same trade always has the same id.
                digest = int(hashlib.sha256(f"{self.mchid}:{out_trade_no}".encode()).hexdigest(), 16)
                trade.update(
                    state="SUCCESS", transaction_id=f"4200{digest % 10**24:024d}", success_time=_now_text(timestamp)
                )
                self._save("trades", out_trade_no, trade)
        return self._notification(
            "TRANSACTION.SUCCESS", "支付成功", "transaction", self._transaction_view(trade), timestamp
        )

    def _refund(self, payload: dict[str, Any]) -> dict[str, Any]:
        out_refund_no = str(payload.get("out_refund_no", ""))
        amount = payload.get("amount") or {}
        refund_fen, total_fen = amount.get("refund"), amount.get("total")
        with self._locked():
            existing = self._load("refunds", out_refund_no)
            if existing is not None:
                return existing  # WeChat deduplicates by out_refund_no
            trade = self._trade_or_404(str(payload.get("out_trade_no", "")))
            if trade["state"] != "SUCCESS":
                raise _Answer(400, "INVALID_REQUEST", "订单未支付，不能退款")
            if not isinstance(refund_fen, int) or refund_fen < 1 or total_fen != trade["amount"]:
                raise _Answer(400, "PARAM_ERROR", "退款金额或订单金额不正确")
            refunded = sum(trade.get("refunds", {}).values())
            if refunded + refund_fen > trade["amount"]:
                raise _Answer(400, "INVALID_REQUEST", "退款金额超过订单可退金额")
            trade.setdefault("refunds", {})[out_refund_no] = refund_fen
            self._save("trades", trade["out_trade_no"], trade)
            digest = int(hashlib.sha256(f"{self.mchid}:{out_refund_no}".encode()).hexdigest(), 16)
            record = {
                "refund_id": f"5030{digest % 10**24:024d}",
                "out_refund_no": out_refund_no,
                "transaction_id": trade["transaction_id"],
                "out_trade_no": trade["out_trade_no"],
                "channel": "ORIGINAL",
                "user_received_account": "支付用户零钱",
                "create_time": _now_text(),
                "status": "PROCESSING",
                "amount": {
                    "total": trade["amount"],
                    "refund": refund_fen,
                    "payer_total": trade["amount"],
                    "payer_refund": refund_fen,
                    "currency": "CNY",
                },
            }
            self._save("refunds", out_refund_no, record)
        self.post(self._refund_succeeds(out_refund_no))
        return record

    def _refund_succeeds(self, out_refund_no: str) -> SignedMessage:
        with self._locked():
            record = self._load("refunds", out_refund_no) or {}
            record.update(status="SUCCESS", success_time=_now_text())
            self._save("refunds", out_refund_no, record)
        resource = {
            "mchid": self.mchid,
            "out_trade_no": record["out_trade_no"],
            "transaction_id": record["transaction_id"],
            "out_refund_no": out_refund_no,
            "refund_id": record["refund_id"],
            "refund_status": "SUCCESS",
            "success_time": record["success_time"],
            "user_received_account": record["user_received_account"],
            "amount": {k: record["amount"][k] for k in ("total", "refund", "payer_total", "payer_refund")},
        }
        return self._notification("REFUND.SUCCESS", "退款成功", "refund", resource, None)

    def _notification(
        self, event_type: str, summary: str, original_type: str, resource: dict[str, Any], timestamp: int | None
    ) -> SignedMessage:
        return build_notification(
            wechatpay_key=self.keys.wechatpay_key,
            serial=self.keys.public_key_id,
            api_v3_key=self.keys.api_v3_key,
            event_type=event_type,
            summary=summary,
            original_type=original_type,
            resource=resource,
            timestamp=timestamp,
        )
