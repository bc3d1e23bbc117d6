"""Sentry only with ``SENTRY_DSN``, and what it is sent names nobody: no headers (Authorization,
cookies), no body, no query string, no user, and mobile numbers masked in what remains."""

from __future__ import annotations

import sentry_sdk

from fenxiao.core.observability.sentry import scrub, sentry_init


def test_without_a_dsn_nothing_is_started(monkeypatch):
    monkeypatch.delenv("SENTRY_DSN", raising=False)
    called = []
    monkeypatch.setattr(sentry_sdk, "init", lambda **kw: called.append(kw))
    assert sentry_init() is False
    assert called == []


def test_with_a_dsn_it_starts_without_personal_data(monkeypatch):
    monkeypatch.setenv("SENTRY_DSN", "https://public@sentry.example.com/1")
    monkeypatch.setenv("SENTRY_ENVIRONMENT", "staging")
    monkeypatch.setenv("SENTRY_RELEASE", "fenxiao@1.2.3")
    monkeypatch.setenv("SENTRY_TRACES_SAMPLE_RATE", "0.05")
    called = []
    monkeypatch.setattr(sentry_sdk, "init", lambda **kw: called.append(kw))

    assert sentry_init() is True

    [options] = called
    assert options["send_default_pii"] is False
    assert options["include_local_variables"] is False
    assert options["before_send"] is scrub
    assert (options["environment"], options["release"], options["traces_sample_rate"]) == (
        "staging",
        "fenxiao@1.2.3",
        0.05,
    )
    names = {type(integration).__name__ for integration in options["integrations"]}
    assert names == {"DjangoIntegration", "CeleryIntegration"}


def test_the_traces_sample_rate_defaults_to_none_sent(monkeypatch):
    monkeypatch.setenv("SENTRY_DSN", "https://public@sentry.example.com/1")
    monkeypatch.delenv("SENTRY_TRACES_SAMPLE_RATE", raising=False)
    called = []
    monkeypatch.setattr(sentry_sdk, "init", lambda **kw: called.append(kw))
    sentry_init()
    assert called[0]["traces_sample_rate"] == 0


def test_an_event_loses_headers_body_and_phone_numbers():
    event = {
        "request": {
            "url": "https://mall.example.com/api/v1/auth/phone",
            "method": "POST",
            "headers": {"Authorization": "Bearer eyJhbGciOi.secret", "Cookie": "sessionid=abc"},
            "cookies": {"sessionid": "abc"},
            "data": {"phone": "13800138000", "code": "wx-code"},
            "query_string": "token=abc",
            "env": {"REMOTE_ADDR": "203.0.113.9"},
        },
        "user": {"id": 7, "ip_address": "203.0.113.9"},
        "message": "no address for 13912345678",
        "logentry": {
            "message": "phone %s refused",
            "formatted": "phone 13700001111 refused",
            "params": ["13700001111"],
        },
        "exception": {"values": [{"type": "DomainError", "value": "手机号 15012345678 已绑定"}]},
        "breadcrumbs": {"values": [{"message": "SELECT ... 18612345678", "data": {"params": ["18612345678"]}}]},
    }

    scrubbed = scrub(event, {})

    assert scrubbed["request"] == {"url": "https://mall.example.com/api/v1/auth/phone", "method": "POST"}
    assert "user" not in scrubbed
    text = repr(scrubbed)
    for phone in ("13800138000", "13912345678", "13700001111", "15012345678", "18612345678"):
        assert phone not in text
    assert "Bearer" not in text and "sessionid" not in text
    assert scrubbed["exception"]["values"][0]["value"] == "手机号 1********** 已绑定"
    assert "order 20261207123456789" in scrub({"message": "order 20261207123456789"})["message"]
