"""``GET /metrics``: who may read it (a bearer token, or private addresses when no token is
set, judged behind proxies as the rest of the app judges them), what it shows, and request
figures labelled by route template, never by a path with ids in it."""

from __future__ import annotations

import pytest
from django.test import Client
from prometheus_client import REGISTRY

from fenxiao.core.observability.endpoint import metrics_registry
from fenxiao.core.observability.gunicorn_hooks import child_exit, on_starting

HISTOGRAM = "fenxiao_http_request_duration_seconds"


def scrape(client: Client | None = None, **extra):
    return (client or Client()).get("/metrics", **extra)


def test_with_a_token_only_the_bearer_of_it_reads(settings):
    settings.METRICS_TOKEN = "s3cret-scrape-token"
    assert scrape().status_code == 403  # even from 127.0.0.1
    assert scrape(headers={"Authorization": "Bearer wrong"}).status_code == 403
    assert scrape(headers={"Authorization": "Basic s3cret-scrape-token"}).status_code == 403
    ok = scrape(headers={"Authorization": "Bearer s3cret-scrape-token"}, REMOTE_ADDR="203.0.113.9")
    assert ok.status_code == 200
    assert ok["Content-Type"].startswith("text/plain")
    assert "fenxiao_orders_placed_total" in ok.content.decode()


@pytest.mark.parametrize(
    ("address", "status"),
    [("127.0.0.1", 200), ("::1", 200), ("10.1.2.3", 200), ("192.168.0.7", 200), ("203.0.113.9", 403)],
)
def test_without_a_token_only_local_and_private_addresses_read(settings, address, status):
    settings.METRICS_TOKEN = ""
    assert scrape(REMOTE_ADDR=address).status_code == status


def test_behind_a_trusted_proxy_the_visitor_is_judged_not_the_proxy(settings):
    settings.METRICS_TOKEN = ""
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    from_internet = scrape(REMOTE_ADDR="127.0.0.1", headers={"X-Forwarded-For": "203.0.113.9"})
    assert from_internet.status_code == 403
    assert scrape(REMOTE_ADDR="127.0.0.1", headers={"X-Forwarded-For": "10.0.0.8"}).status_code == 200


def test_only_get(settings):
    settings.METRICS_TOKEN = ""
    assert Client().post("/metrics").status_code == 405


def _route_labels() -> set[str]:
    return {
        sample.labels["route"]
        for metric in REGISTRY.collect()
        if metric.name == HISTOGRAM
        for sample in metric.samples
        if "route" in sample.labels
    }


def _count(method: str, route: str, status: str) -> float:
    value = REGISTRY.get_sample_value(f"{HISTOGRAM}_count", {"method": method, "route": route, "status": status})
    return value or 0.0


@pytest.mark.django_db
def test_requests_are_counted_by_route_template_method_and_status_class():
    before = _count("GET", "api/v1/orders/<int:order_id>", "4xx")
    client = Client()
    assert client.get("/api/v1/orders/987654321").status_code == 401
    assert client.get("/api/v1/orders/123456789").status_code == 401
    assert _count("GET", "api/v1/orders/<int:order_id>", "4xx") == before + 2

    unmatched = _count("GET", "<unmatched>", "4xx")
    client.get("/no/such/page/5550001")
    assert _count("GET", "<unmatched>", "4xx") == unmatched + 1
    client.generic("BREW", "/api/v1/health")
    assert REGISTRY.get_sample_value(
        f"{HISTOGRAM}_count", {"method": "OTHER", "route": "api/v1/health", "status": "4xx"}
    )

    labels = _route_labels()
    assert not any(digits in label for label in labels for digits in ("987654321", "123456789", "5550001"))


def test_one_registry_per_node_in_multiprocess_mode(monkeypatch, tmp_path):
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)
    assert metrics_registry() is REGISTRY
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    assert metrics_registry() is not REGISTRY


def test_gunicorn_hooks_start_empty_and_forget_dead_workers(monkeypatch, tmp_path):
    folder = tmp_path / "prom"
    folder.mkdir()
    (folder / "counter_41.db").write_bytes(b"left over from the last run")
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(folder))

    on_starting(server=None)
    assert list(folder.iterdir()) == []

    (folder / "gauge_livesum_4242.db").write_bytes(b"")
    (folder / "counter_4242.db").write_bytes(b"")

    class Worker:
        pid = 4242

    child_exit(server=None, worker=Worker())
    assert sorted(p.name for p in folder.iterdir()) == ["counter_4242.db"]  # counters stay in the sum


def test_gunicorn_hooks_do_nothing_without_the_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)
    on_starting(server=None)

    class Worker:
        pid = 1

    child_exit(server=None, worker=Worker())
