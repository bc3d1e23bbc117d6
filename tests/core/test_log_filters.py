"""The logging configuration keeps business refusals (409) out of the request warnings."""

from __future__ import annotations

import logging

from django.utils.log import log_response


class _Answer:
    def __init__(self, status_code: int) -> None:
        self.status_code = status_code
        self._has_been_logged = False


def test_a_409_is_not_logged_but_other_client_errors_are(caplog, rf):
    request = rf.post("/api/v1/seckill/1/orders")
    with caplog.at_level(logging.WARNING, logger="django.request"):
        log_response("Conflict: %s", request.path, response=_Answer(409), request=request)
        log_response("Not Found: %s", request.path, response=_Answer(404), request=request)
        log_response("Bad Request: %s", request.path, response=_Answer(400), request=request)

    assert [r.getMessage() for r in caplog.records if r.name == "django.request"] == [
        "Not Found: /api/v1/seckill/1/orders",
        "Bad Request: /api/v1/seckill/1/orders",
    ]
