"""WeChat's side of merchant transfer for the sandbox: a stand-in of the transfer-bill API behind an
httpx transport. It checks the merchant's request signature, answers signed with the sandbox's
"WeChat" key, decrypts the payee's name with it, keeps bills in ``transfers/`` under the sandbox
folder (one JSON file each, so every worker sees the same bill) and builds the encrypted, signed
MCHTRANSFER.BILL.FINISHED notifications. ``sandbox.SandboxWechatTransfer`` wires it to the live
client."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
import time
from pathlib import Path
from typing import Any

import httpx

from fenxiao.integrations.wechat.pay import crypto as pay_crypto
from fenxiao.integrations.wechat.pay.crypto import PayCryptoError
from fenxiao.integrations.wechat.pay.errors import REJECTED
from fenxiao.integrations.wechat.pay.sandbox_keys import SandboxKeys
from fenxiao.integrations.wechat.pay.sandbox_notifications import _now_text, build_notification
from fenxiao.integrations.wechat.pay.sandbox_server import SandboxPayServer, _Answer
from fenxiao.integrations.wechat.pay.signatures import sign_message
from fenxiao.integrations.wechat.pay.types import SignedMessage
from fenxiao.integrations.wechat.transfer.client import BILLS_PATH, OUT_BILL_NO
from fenxiao.integrations.wechat.transfer.errors import TransferError, TransferNotFound
from fenxiao.integrations.wechat.transfer.types import EVENT_BILL_FINISHED, ORIGINAL_TYPE, TransferState

# Report items WeChat requires per scene (the subset the sandbox checks).
REQUIRED_REPORT_INFOS = {"1005": ("岗位类型", "报酬说明"), "1000": ("活动名称", "奖励说明")}
# How the next create may end: the answer lost in transit, a 5xx, an ACCEPTED answer with no
# package_info yet (a later query or create finds WAIT_USER_CONFIRM), a definite NOT_ENOUGH.
CREATE_OUTCOMES = ("timeout", "server_error", "accepted", "not_enough")
WAITING = (TransferState.ACCEPTED, TransferState.PROCESSING, TransferState.WAIT_USER_CONFIRM)


class SandboxTransferServer(SandboxPayServer):
    """WeChat's side of merchant transfer: checks the merchant's signature, keeps bills in files and
    answers, signed, the way the live API does."""

    def __init__(self, *, keys: SandboxKeys, mchid: str, appid: str, folder: Path, user_name_min_fen: int):
        super().__init__(keys=keys, mchid=mchid, appid=appid, folder=folder)
        (folder / "transfers").mkdir(parents=True, exist_ok=True, mode=0o700)
        self.user_name_min_fen = user_name_min_fen

    # -- faults ----------------------------------------------------------------------------------

    def _faults_path(self) -> Path:
        return self.folder / "transfer-next-create.json"

    def set_next_create(self, outcome: str, *, bill_created: bool) -> None:
        if outcome not in CREATE_OUTCOMES:
            raise ValueError(f"outcome must be one of {CREATE_OUTCOMES}")
        with self._locked():
            self._faults_path().write_text(json.dumps({"outcome": outcome, "bill_created": bill_created}))

    def _take_next_create(self) -> dict[str, Any]:
        with self._locked():
            path = self._faults_path()
            if not path.exists():
                return {"outcome": "", "bill_created": True}
            fault = json.loads(path.read_text())
            path.unlink()
            return fault

    # -- the HTTP face ---------------------------------------------------------------------------

    def handle(self, request: httpx.Request) -> httpx.Response:
        body = request.content.decode("utf-8")
        outcome = ""
        try:
            self._check_signature(request, body)
            payload = json.loads(body) if body else {}
            if request.method == "POST" and request.url.path == BILLS_PATH:
                fault = self._take_next_create()
                outcome = fault["outcome"]
                if outcome == "not_enough":
                    raise _Answer(403, "NOT_ENOUGH", "商户运营账户资金不足，请充值后原单重试")
                if outcome in ("timeout", "server_error") and not fault["bill_created"]:
                    status, data = 500, None
                else:
                    status, data = 200, self._create(request, payload, accepted_only=outcome == "accepted")
            else:
                status, data = self._transfer_route(request.method, request.url.path)
        except _Answer as answer:
            status, data = answer.status, {"code": answer.code, "message": answer.message}
        if outcome == "timeout":
            raise httpx.ReadTimeout("wechatpay sandbox: the answer was lost", request=request)
        if outcome == "server_error":
            status, data = 500, {"code": "SYSTEM_ERROR", "message": "系统繁忙，请稍后重试"}
        return self._signed_answer(status, data)

    def _signed_answer(self, status: int, data: dict[str, Any] | None) -> httpx.Response:
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

    def _transfer_route(self, method: str, path: str) -> tuple[int, dict[str, Any]]:
        prefix = f"{BILLS_PATH}/out-bill-no/"
        if path.startswith(prefix):
            rest = path[len(prefix) :]
            if method == "GET" and "/" not in rest:
                return 200, self.query_view(self._bill_or_404(rest))
            if method == "POST" and rest.endswith("/cancel") and rest.count("/") == 1:
                return 200, self._cancel(rest.removesuffix("/cancel"))
        raise _Answer(404, "NOT_FOUND", "接口不存在")

    # -- bills -----------------------------------------------------------------------------------

    def bill(self, out_bill_no: str) -> dict[str, Any] | None:
        record = self._load("transfers", out_bill_no)
        if record is not None and record["state"] == TransferState.ACCEPTED:
            # An accepted bill is ready for the payee by the time anyone looks again.
            record.update(state=TransferState.WAIT_USER_CONFIRM, update_time=_now_text())
            self._save("transfers", out_bill_no, record)
        return record

    def _bill_or_404(self, out_bill_no: str) -> dict[str, Any]:
        if not OUT_BILL_NO.fullmatch(out_bill_no):
            raise _Answer(400, "PARAM_ERROR", "商户单号格式不正确")
        with self._locked():
            record = self.bill(out_bill_no)
        if record is None:
            raise _Answer(404, "NOT_FOUND", "记录不存在")
        return record

    def _check_create(self, request: httpx.Request, payload: dict[str, Any]) -> dict[str, Any]:
        """The checks WeChat makes, returning the terms that identify the request."""
        amount = payload.get("transfer_amount")
        remark = payload.get("transfer_remark")
        scene = str(payload.get("transfer_scene_id") or "")
        if payload.get("appid") != self.appid:
            raise _Answer(400, "PARAM_ERROR", "appid 与 mchid 不匹配")
        if not OUT_BILL_NO.fullmatch(str(payload.get("out_bill_no", ""))):
            raise _Answer(400, "PARAM_ERROR", "商户单号格式不正确")
        if not scene or not payload.get("openid"):
            raise _Answer(400, "PARAM_ERROR", "转账场景ID和收款用户OpenID必填")
        if not isinstance(amount, int) or isinstance(amount, bool) or amount < 1:
            raise _Answer(400, "PARAM_ERROR", "转账金额不正确")
        if not isinstance(remark, str) or not 0 < len(remark) <= 32:
            raise _Answer(400, "PARAM_ERROR", "转账备注必填，最多32个字符")
        infos = payload.get("transfer_scene_report_infos") or []
        types = {item.get("info_type") for item in infos if isinstance(item, dict) and item.get("info_content")}
        if not infos or not set(REQUIRED_REPORT_INFOS.get(scene, ())) <= types:
            raise _Answer(400, "PARAM_ERROR", "需传入转账场景报备信息，请检查")
        notify_url = payload.get("notify_url")
        if notify_url is not None and not re.fullmatch(r"https://[^?#\s]+", str(notify_url)):
            raise _Answer(400, "PARAM_ERROR", "通知地址必须为 https 且不能携带参数")
        name_digest = ""
        if payload.get("user_name"):
            if request.headers.get("Wechatpay-Serial") != self.keys.public_key_id:
                raise _Answer(400, "PARAM_ERROR", "Wechatpay-Serial 与加密公钥不一致")
            try:
                name = pay_crypto.decrypt_sensitive(self.keys.wechatpay_key, str(payload["user_name"]))
            except PayCryptoError as exc:
                raise _Answer(400, "PARAM_ERROR", "收款用户姓名解密失败") from exc
            name_digest = hashlib.sha256(name.encode()).hexdigest()
        elif amount >= self.user_name_min_fen:
            raise _Answer(400, "PARAM_ERROR", "转账金额达到限额时收款用户姓名必填")
        return {
            "openid": payload["openid"],
            "amount": amount,
            "remark": remark,
            "scene_id": scene,
            "name_digest": name_digest,
        }

    def _create(self, request: httpx.Request, payload: dict[str, Any], *, accepted_only: bool) -> dict[str, Any]:
        terms = self._check_create(request, payload)
        out_bill_no = payload["out_bill_no"]
        with self._locked():
            record = self.bill(out_bill_no)
            if record is not None:  # WeChat is idempotent on out_bill_no
                if {key: record[key] for key in terms} != terms:
                    raise _Answer(400, "INVALID_REQUEST", "商户单号重复，且请求参数与原单不一致")
                return self._create_view(record)
            digest = int(hashlib.sha256(f"{self.mchid}:{out_bill_no}".encode()).hexdigest(), 16)
            now = _now_text()
            record = {
                "out_bill_no": out_bill_no,
                "transfer_bill_no": f"1330{digest % 10**30:030d}",
                "state": TransferState.ACCEPTED if accepted_only else TransferState.WAIT_USER_CONFIRM,
                "package_info": base64.b64encode(b"FXSANDBOX" + secrets.token_bytes(87)).decode(),
                "fail_reason": "",
                "create_time": now,
                "update_time": now,
                **terms,
            }
            self._save("transfers", out_bill_no, record)
        return self._create_view(record)

    @staticmethod
    def _create_view(record: dict[str, Any]) -> dict[str, Any]:
        view = {
            "out_bill_no": record["out_bill_no"],
            "transfer_bill_no": record["transfer_bill_no"],
            "create_time": record["create_time"],
            "state": record["state"],
        }
        if record["state"] == TransferState.WAIT_USER_CONFIRM:
            view["package_info"] = record["package_info"]
        if record["fail_reason"]:
            view["fail_reason"] = record["fail_reason"]
        return view

    def query_view(self, record: dict[str, Any]) -> dict[str, Any]:
        view = {
            "mch_id": self.mchid,
            "out_bill_no": record["out_bill_no"],
            "transfer_bill_no": record["transfer_bill_no"],
            "appid": self.appid,
            "state": record["state"],
            "transfer_amount": record["amount"],
            "transfer_remark": record["remark"],
            "openid": record["openid"],
            "create_time": record["create_time"],
            "update_time": record["update_time"],
        }
        if record["fail_reason"]:
            view["fail_reason"] = record["fail_reason"]
        return view

    def _cancel(self, out_bill_no: str) -> dict[str, Any]:
        self._bill_or_404(out_bill_no)
        try:
            record, started = self._move(out_bill_no, to=TransferState.CANCELING, allowed_from=WAITING)
        except TransferError as exc:
            record = self._bill_or_404(out_bill_no)
            if record["state"] != TransferState.CANCELLED:
                raise _Answer(400, "INVALID_REQUEST", "当前单据状态不允许撤销") from exc
            started = False
        if started:
            # WeChat finishes the cancel a moment later and announces it.
            done, _ = self._move(out_bill_no, to=TransferState.CANCELLED, allowed_from=(TransferState.CANCELING,))
            self.post(self.notification(done))
        return self._cancel_view(record)

    @staticmethod
    def _cancel_view(record: dict[str, Any]) -> dict[str, Any]:
        return {key: record[key] for key in ("out_bill_no", "transfer_bill_no", "state", "update_time")}

    # -- the payee's side ------------------------------------------------------------------------

    def _move(
        self, out_bill_no: str, *, to: str, allowed_from: tuple[str, ...], fail_reason: str = ""
    ) -> tuple[dict[str, Any], bool]:
        """One state change under the lock; True when it happened, False when the bill was already
        there (doing it again is a no-op). Any other state is refused."""
        with self._locked():
            record = self.bill(out_bill_no) if OUT_BILL_NO.fullmatch(out_bill_no or "") else None
            if record is None:
                raise TransferNotFound()
            if record["state"] == to and record["fail_reason"] == fail_reason:
                return record, False
            if record["state"] not in allowed_from:
                raise TransferError(REJECTED, wechat_code="INVALID_REQUEST", wechat_message="当前单据状态不允许该操作")
            record.update(state=to, fail_reason=fail_reason, update_time=_now_text())
            self._save("transfers", out_bill_no, record)
        return record, True

    def settle(
        self, out_bill_no: str, *, state: str, fail_reason: str = ""
    ) -> tuple[dict[str, Any], SignedMessage | None]:
        """Move a waiting or transferring bill to SUCCESS or FAIL as the payee's side would, with
        the notification to deliver (None when the bill was already there)."""
        record, moved = self._move(
            out_bill_no, to=state, allowed_from=(*WAITING, TransferState.TRANSFERING), fail_reason=fail_reason
        )
        return record, self.notification(record) if moved else None

    def final_notification(self, out_bill_no: str) -> SignedMessage:
        with self._locked():
            record = self.bill(out_bill_no) if OUT_BILL_NO.fullmatch(out_bill_no or "") else None
        if record is None:
            raise TransferNotFound()
        if record["state"] not in TransferState.FINAL:
            raise TransferError(REJECTED, wechat_code="INVALID_REQUEST", wechat_message="单据尚未到终态")
        return self.notification(record)

    def notification(self, record: dict[str, Any]) -> SignedMessage:
        """The MCHTRANSFER.BILL.FINISHED notification for a bill in its current state."""
        resource: dict[str, Any] = {
            "mchid": self.mchid,
            "out_bill_no": record["out_bill_no"],
            "transfer_bill_no": record["transfer_bill_no"],
            "state": record["state"],
            "transfer_amount": record["amount"],
            "openid": record["openid"],
            "create_time": record["create_time"],
            "update_time": record["update_time"],
        }
        if record["fail_reason"]:
            resource["fail_reason"] = record["fail_reason"]
        return build_notification(
            wechatpay_key=self.keys.wechatpay_key,
            serial=self.keys.public_key_id,
            api_v3_key=self.keys.api_v3_key,
            event_type=EVENT_BILL_FINISHED,
            summary="商家转账单据终态通知",
            original_type=ORIGINAL_TYPE,
            resource=resource,
        )
