"""The same read load (wrk, 10 s: the product list, product pages, the categories — a journey
without a POST) through nginx with one node behind it, then with both. The figures are
printed, not judged: on two cores shared by nginx, wrk, PostgreSQL and both nodes, a second node
cannot double anything. Asserted: no error, no non-2xx answer."""

from __future__ import annotations

import shutil

import httpx
from scripts.cluster.topology import NGINX_PORT, NODE_PORTS

DURATION = 10
CONNECTIONS = 16


def _paths() -> list[str]:
    from fenxiao.catalog.models import Product

    ids = list(Product.objects.filter(is_on_shelf=True).order_by("id").values_list("id", flat=True)[:20])
    journey = ["/api/v1/products", "/api/v1/products?sort=sales&page=2", "/api/v1/categories"]
    return journey + [f"/api/v1/products/{i}" for i in ids]


def test_throughput_one_node_then_two(cluster):
    from common.loaders import run_wrk

    paths = _paths()
    for path in paths:  # every path answers 200 before it is loaded
        answer = httpx.get(f"{cluster.url}{path}", timeout=30)
        assert answer.status_code == 200, (path, answer.status_code, answer.text[:300])
    path_file = cluster.folder / "throughput-paths.txt"
    path_file.write_text("\n".join(paths) + "\n")
    wrk = shutil.which("wrk")
    # Each node warmed on its own port first: a node restarted by the kill test has cold workers
    # (imports, caches, prepared statements), and nginx's short warm-up reaches only some of them.
    for port in NODE_PORTS:
        run_wrk(wrk, port, path_file, 3, CONNECTIONS, 2, 10)
    figures = {}
    try:
        for label, ports in (("one node", NODE_PORTS[:1]), ("two nodes", NODE_PORTS)):
            cluster.use_nodes(ports)
            run_wrk(wrk, NGINX_PORT, path_file, 2, CONNECTIONS, 2, 10)  # warm-up
            r = run_wrk(wrk, NGINX_PORT, path_file, DURATION, CONNECTIONS, 2, 10)
            errors = sum(r[k] for k in ("connect_errors", "read_errors", "write_errors", "timeouts"))
            assert errors == 0 and r["non_2xx_3xx"] == 0, r
            figures[label] = r["requests"] / (r["duration_us"] / 1e6)
            p50, p99 = r["p50_us"] / 1000, r["p99_us"] / 1000
            cluster.note("throughput", f"{label}: {figures[label]:.0f} req/s, p50 {p50:.1f} ms, p99 {p99:.1f} ms")
    finally:
        cluster.use_nodes(NODE_PORTS)
    cluster.note(
        "throughput",
        f"two nodes / one node = {figures['two nodes'] / figures['one node']:.2f} (2 cores shared by everything)",
    )
