"""``GET /metrics`` for Prometheus.

Who may read it: a scraper presenting ``Authorization: Bearer <METRICS_TOKEN>`` when the token is
set; with no token, only a client on a loopback, RFC 1918 or IPv6 unique-local address, the client
as ``core/client_address.py`` judges it (so behind nginx with ``TRUSTED_PROXIES`` a visitor from the
internet is refused even though nginx's own address is local). Anyone else gets 403. The figures
name no person, but they tell a competitor the shop's sales by the minute.

With ``PROMETHEUS_MULTIPROC_DIR`` set the answer sums every process of the node (gunicorn
workers, Celery children) from their files; otherwise it is this process's registry."""

from __future__ import annotations

import hmac
import ipaddress
import os

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest, multiprocess

from fenxiao.core.client_address import client_ip

BEARER = "Bearer "


def _token_matches(request: HttpRequest, token: str) -> bool:
    given = request.META.get("HTTP_AUTHORIZATION", "")
    if not given.startswith(BEARER):
        return False
    return hmac.compare_digest(given[len(BEARER) :].strip().encode(), token.encode())


# Loopback, RFC 1918 and IPv6 unique-local: where a scraper inside the operator's network sits.
# Not Python's ``is_private``, which also counts the documentation ranges and other reserved ones.
PRIVATE_NETWORKS = tuple(
    ipaddress.ip_network(n)
    for n in ("127.0.0.0/8", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "::1/128", "fc00::/7")
)


def _from_private_address(request: HttpRequest) -> bool:
    try:
        address = ipaddress.ip_address(client_ip(request))
    except ValueError:
        return False
    return any(address.version == network.version and address in network for network in PRIVATE_NETWORKS)


def metrics_allowed(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    return _token_matches(request, token) if token else _from_private_address(request)


def metrics_registry() -> CollectorRegistry:
    """Every process of the node in multiprocess mode (a fresh registry per scrape, as
    prometheus_client documents), else this process's default registry."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return registry
    return REGISTRY


@require_GET
def metrics_view(request: HttpRequest) -> HttpResponse:
    if not metrics_allowed(request):
        return HttpResponse("forbidden\n", status=403, content_type="text/plain; charset=utf-8")
    return HttpResponse(generate_latest(metrics_registry()), content_type=CONTENT_TYPE_LATEST)
