"""The push 快递100 sends to our callback after a subscription: a form post of ``param`` (JSON
text) and ``sign`` = MD5(param + salt). Verified before anything is read; answered in the
provider's own shape (``push_answer``) so it stops, or retries on a refusal."""

from __future__ import annotations

import json
from dataclasses import dataclass

from fenxiao.integrations.kuaidi100.signing import push_sign_valid
from fenxiao.integrations.kuaidi100.types import Kuaidi100Error, Trace, trace_parse


class PushStatus:
    POLLING = "polling"  # being watched; more pushes will follow
    SHUTDOWN = "shutdown"  # finished (signed, or the provider stopped: no more pushes)
    ABORT = "abort"  # given up (no record for days, or no change for a long time)
    UPDATEALL = "updateall"


@dataclass(frozen=True)
class Push:
    status: str
    message: str
    trace: Trace


def push_parse(*, param: str, sign: str, salt: str) -> Push:
    """Raises ``Kuaidi100Error("bad_sign")`` unless the sign matches, ``bad_data`` on bad JSON."""
    if not salt or not push_sign_valid(param=param, sign=sign, salt=salt):
        raise Kuaidi100Error("bad_sign", "签名错误")
    try:
        body = json.loads(param)
        last = body["lastResult"]
        if not isinstance(last, dict):
            raise TypeError
    except (ValueError, KeyError, TypeError):
        raise Kuaidi100Error("bad_data", "推送内容无法识别") from None
    return Push(status=str(body.get("status") or ""), message=str(body.get("message") or ""), trace=trace_parse(last))


def push_answer(*, ok: bool, message: str) -> dict:
    return {"result": ok, "returnCode": "200" if ok else "500", "message": message}
