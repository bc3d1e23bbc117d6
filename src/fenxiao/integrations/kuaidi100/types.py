"""A parcel's trace as 快递100 describes it, parsed from its JSON (query answer or push)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from fenxiao.integrations.kuaidi100.codes import STATUS_WORDS

# The provider writes local China time without an offset ("2024-05-01 12:30:00").
CHINA = ZoneInfo("Asia/Shanghai")


class Kuaidi100Error(Exception):
    """A refusal (bad sign, bad key, unknown carrier...) or a transport failure (``code`` "-1")."""

    def __init__(self, code: str, message: str):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


@dataclass(frozen=True)
class TraceEvent:
    time: datetime  # aware
    context: str
    location: str
    state: str  # the provider's state number for this event ("" when it did not say)


@dataclass(frozen=True)
class Trace:
    company: str
    number: str
    state: str  # the parcel's state number
    signed: bool  # ischeck: the provider considers the parcel delivered
    events: tuple[TraceEvent, ...]  # newest first


def _time(value: str) -> datetime:
    try:
        return datetime.strptime(value.strip(), "%Y-%m-%d %H:%M:%S").replace(tzinfo=CHINA)
    except (ValueError, AttributeError):
        raise Kuaidi100Error("bad_data", f"无法识别的时间：{value!r}") from None


def trace_parse(data: dict[str, Any]) -> Trace:
    """One ``lastResult`` / query answer. Events come back newest first whatever order they had."""
    events = []
    for item in data.get("data") or []:
        word = str(item.get("status") or "")
        events.append(
            TraceEvent(
                time=_time(str(item.get("ftime") or item.get("time") or "")),
                context=str(item.get("context") or "").strip(),
                location=str(item.get("areaName") or item.get("location") or "").strip(),
                state=STATUS_WORDS.get(word, ""),
            )
        )
    events.sort(key=lambda e: e.time, reverse=True)
    return Trace(
        company=str(data.get("com") or ""),
        number=str(data.get("nu") or ""),
        state=str(data.get("state") if data.get("state") is not None else ""),
        signed=str(data.get("ischeck") or "0") == "1",
        events=tuple(events),
    )
