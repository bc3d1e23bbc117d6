"""nginx (Debian's) in front of the app nodes, configured by deploy/nginx/fenxiao.conf itself as
scripts/render_nginx.py renders it for a host (the file compose mounts is the file tested here),
with this cluster's nodes in its upstream include; run in the foreground as a child of the
orchestrator. Its JSON access log names the node (``upstream``) that served each request."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from scripts.render_nginx import render

NGINX = "/usr/sbin/nginx"
# A node that refuses a connection is left out for two seconds: a killed node costs a request
# one extra connect, not a 10 s outage.
SERVER_OPTIONS = "max_fails=1 fail_timeout=2s"


def write_config(folder: Path, *, listen: str, servers: Sequence[str], media_root: Path) -> Path:
    """Render the deploy config into ``folder``; returns the nginx.conf to start nginx with."""
    return render(folder, servers=servers, listen=listen, media_root=media_root, server_options=SERVER_OPTIONS)


def write_upstream(folder: Path, servers: Sequence[str]) -> None:
    """The upstream include, as render_nginx writes it, listing only ``servers`` (then reload)."""
    (folder / "fenxiao" / "upstream.conf").write_text("".join(f"server {s} {SERVER_OPTIONS};\n" for s in servers))


def nginx_argv(conf: Path, folder: Path) -> list[str]:
    """In the foreground; a second error log at ``notice`` records each (re)start of the workers,
    which is how a reload is seen to have happened."""
    logs = folder / "logs"
    return [
        NGINX,
        "-p",
        str(folder),
        "-c",
        str(conf),
        "-e",
        str(logs / "error.log"),
        "-g",
        f"daemon off; error_log {logs / 'notice.log'} notice;",
    ]


def access_log(folder: Path) -> Path:
    return folder / "logs" / "access.log"


def worker_starts(folder: Path) -> int:
    path = folder / "logs" / "notice.log"
    return path.read_text(errors="replace").count("start worker process") if path.exists() else 0


def served_by(folder: Path, method: str, uri_prefix: str) -> list[str]:
    """The node (upstream address) nginx passed each matching request to, in log order."""
    path = access_log(folder)
    if not path.exists():
        return []
    nodes = []
    for line in path.read_text(errors="replace").splitlines():
        entry = json.loads(line)
        if entry["method"] == method and entry["uri"].startswith(uri_prefix) and entry["upstream"]:
            nodes.append(entry["upstream"])
    return nodes
