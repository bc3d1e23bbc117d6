"""Whose address a request comes from: REMOTE_ADDR, unless a proxy we trust says otherwise."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from fenxiao.core.client_address import client_ip

NGINX = "10.0.0.2"


def _request(remote: str, forwarded: str | None = None):
    headers = {"X-Forwarded-For": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, headers=headers)


@pytest.mark.parametrize(
    ("trusted", "remote", "forwarded", "client"),
    [
        pytest.param([], "203.0.113.9", None, "203.0.113.9", id="direct"),
        pytest.param([], "203.0.113.9", "198.51.100.1", "203.0.113.9", id="no-trusted-proxy-ignores-the-header"),
        pytest.param([], NGINX, "198.51.100.1", NGINX, id="an-untrusted-proxy-is-the-client"),
        pytest.param([NGINX], NGINX, "198.51.100.1", "198.51.100.1", id="behind-nginx"),
        pytest.param([NGINX], NGINX, "1.2.3.4, 198.51.100.1", "198.51.100.1", id="a-forged-entry-left-of-the-real-one"),
        pytest.param([NGINX], "192.0.2.50", "198.51.100.1", "192.0.2.50", id="not-from-the-trusted-proxy"),
        pytest.param(
            ["10.0.0.0/8"], "10.1.1.1", "1.2.3.4, 198.51.100.1, 10.9.9.9", "198.51.100.1", id="chain-of-proxies-by-cidr"
        ),
        pytest.param(["10.0.0.0/8"], "10.1.1.1", "10.3.3.3, 10.2.2.2", "10.3.3.3", id="all-hops-trusted-leftmost"),
        pytest.param([NGINX], NGINX, None, NGINX, id="trusted-proxy-without-header"),
        pytest.param([NGINX], NGINX, "", NGINX, id="trusted-proxy-with-empty-header"),
        pytest.param(
            ["10.0.0.0/8"], "10.1.1.1", "198.51.100.1, not-an-ip, 10.2.2.2", "10.2.2.2", id="garbage-stops-the-walk"
        ),
        pytest.param(["fd00::/8"], "fd00::1", "2001:db8::7", "2001:db8::7", id="ipv6"),
        pytest.param([NGINX], f"::ffff:{NGINX}", "198.51.100.1", "198.51.100.1", id="ipv4-mapped-proxy"),
        pytest.param([], "::ffff:203.0.113.9", None, "203.0.113.9", id="ipv4-mapped-client"),
    ],
)
def test_client_address(settings, trusted, remote, forwarded, client):
    settings.TRUSTED_PROXIES = trusted

    assert client_ip(_request(remote, forwarded)) == client
