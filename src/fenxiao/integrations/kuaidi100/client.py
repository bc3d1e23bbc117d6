"""快递100 over httpx: the real-time query (``/poll/query.do``) and the subscription request
(``/poll``) that makes it push every change of a parcel to our callback.

Both are form posts whose ``param`` is a JSON text; the query is signed over that exact text, so
it is serialised once and the same string is signed and sent. "No record yet" is not an error: the
query answers an empty trace. Every call has a timeout; network failures raise
``Kuaidi100Error("-1")`` so callers handle one exception type. The provider asks for at most one
query per parcel every half hour, which the caller's cache keeps."""

from __future__ import annotations

import json
from typing import Any

import httpx

from fenxiao.integrations.kuaidi100.signing import query_sign
from fenxiao.integrations.kuaidi100.types import Kuaidi100Error, Trace, trace_parse

QUERY_PATH = "/poll/query.do"
SUBSCRIBE_PATH = "/poll"
# The query answers these when the carrier has nothing for the number (yet): an empty trace.
NO_RECORD = {"500"}
# The subscription answers 501 when the parcel is already subscribed: success for us.
SUBSCRIBED = {"200", "501"}


def _json(value: dict[str, Any]) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class Kuaidi100Client:
    def __init__(
        self,
        *,
        customer: str,
        key: str,
        base_url: str = "https://poll.kuaidi100.com",
        timeout: float = 5.0,
        transport: httpx.BaseTransport | None = None,
    ):
        self.customer = customer
        self._key = key
        self._http = httpx.Client(base_url=base_url, timeout=timeout, transport=transport)

    def _post(self, path: str, form: dict[str, str]) -> dict[str, Any]:
        try:
            response = self._http.post(path, data=form)
            response.raise_for_status()
            answer = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise Kuaidi100Error("-1", f"快递100 不可用：{exc}") from exc
        if not isinstance(answer, dict):
            raise Kuaidi100Error("-1", "快递100 返回了无法识别的内容")
        return answer

    def query(self, *, company: str, number: str, phone: str = "") -> Trace:
        """Where the parcel is now. ``phone``: the receiver's (or its last four digits); SF and ZTO
        refuse a query without it."""
        param: dict[str, Any] = {"com": company, "num": number, "resultv2": "1", "show": "0", "order": "desc"}
        if phone:
            param["phone"] = phone
        text = _json(param)
        sign = query_sign(param=text, key=self._key, customer=self.customer)
        answer = self._post(QUERY_PATH, {"customer": self.customer, "param": text, "sign": sign})
        if answer.get("result") is False or "returnCode" in answer:
            code = str(answer.get("returnCode") or "")
            if code in NO_RECORD:
                return Trace(company=company, number=number, state="", signed=False, events=())
            raise Kuaidi100Error(code or "error", str(answer.get("message") or "查询失败"))
        return trace_parse(answer)

    def subscribe(
        self, *, company: str, number: str, callback_url: str, salt: str, phone: str = "", to: str = ""
    ) -> None:
        """Ask the provider to push this parcel's changes to ``callback_url``, signed with ``salt``."""
        parameters: dict[str, str] = {"callbackurl": callback_url, "salt": salt, "resultv2": "1"}
        if phone:
            parameters["phone"] = phone
        param: dict[str, Any] = {"company": company, "number": number, "key": self._key, "parameters": parameters}
        if to:
            param["to"] = to
        answer = self._post(SUBSCRIBE_PATH, {"schema": "json", "param": _json(param)})
        code = str(answer.get("returnCode") or "")
        if code not in SUBSCRIBED:
            raise Kuaidi100Error(code or "error", str(answer.get("message") or "订阅失败"))
