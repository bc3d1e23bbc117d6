"""``LOG_FORMAT=json``: one JSON object per line, for a log shipper (Loki, ELK, Aliyun SLS) to
index without parsing text. Fields: ``timestamp`` (ISO 8601, UTC), ``level``, ``logger``,
``message``, ``request_id`` (``request_id.RequestIdLogFilter`` on the handler sets it),
``exc_info`` (the traceback, when there is one), and whatever ``extra`` a call passed.

Built on python-json-logger. The ``request`` extra Django's own request logger passes is left
out: its text is the full path with the query string, where tokens may travel."""

from __future__ import annotations

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter


class JsonLogFormatter(JsonFormatter):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(
            "{levelname}{name}{message}{request_id}",
            style="{",
            rename_fields={"levelname": "level", "name": "logger"},
            reserved_attrs=[*RESERVED_ATTRS, "request"],
            timestamp=True,
            json_ensure_ascii=False,
        )
