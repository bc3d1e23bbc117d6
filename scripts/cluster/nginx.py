"""nginx (Debian's) in front of the app nodes: the configuration rendered into the cluster's
folder — an upstream of the nodes, the access log naming the node that served each request — and
the command that runs it in the foreground as a child of the orchestrator."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

NGINX = "/usr/sbin/nginx"

# $upstream_addr is how a check tells which node served a request (the payment notification).
LOG_FORMAT = (
    "'$remote_addr [$time_iso8601] \"$request\" $status $body_bytes_sent '\n"
    "        'upstream=$upstream_addr upstream_status=$upstream_status rt=$request_time'"
)


def upstream_conf(servers: Sequence[str]) -> str:
    """The upstream block's servers, one line each: a node that refuses connections is left out
    for two seconds, so a killed node costs one failed attempt, not every request."""
    return "".join(f"server {server} max_fails=1 fail_timeout=2s;\n" for server in servers)


def nginx_conf(*, listen: str, upstream_file: Path, folder: Path) -> str:
    """A whole nginx.conf: one worker, everything it writes under ``folder``, every request proxied
    to the nodes of ``upstream_file``. A request that failed to connect to one node is tried on the
    other; a POST already sent to a node that then died is not (nginx never repeats a non-idempotent
    request), so the client sees that failure as a WeChat client would."""
    return f"""worker_processes 1;
error_log {folder}/nginx-error.log notice;

events {{
    worker_connections 1024;
}}

http {{
    log_format cluster {LOG_FORMAT};
    access_log {folder}/nginx-access.log cluster;
    client_body_temp_path {folder}/nginx-tmp/body;
    proxy_temp_path {folder}/nginx-tmp/proxy;
    fastcgi_temp_path {folder}/nginx-tmp/fastcgi;
    uwsgi_temp_path {folder}/nginx-tmp/uwsgi;
    scgi_temp_path {folder}/nginx-tmp/scgi;
    client_max_body_size 10m;

    upstream fenxiao {{
        include {upstream_file};
        keepalive 32;
    }}

    server {{
        listen {listen} backlog=2048;
        location / {{
            proxy_pass http://fenxiao;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_connect_timeout 2s;
            proxy_read_timeout 60s;
            proxy_next_upstream error timeout;
        }}
    }}
}}
"""


def write_config(folder: Path, *, listen: str, servers: Sequence[str]) -> Path:
    """Render the upstream include and nginx.conf into ``folder``; returns nginx.conf's path."""
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (folder / "nginx-tmp" / sub).mkdir(parents=True, exist_ok=True, mode=0o777)
        (folder / "nginx-tmp" / sub).chmod(0o777)  # nginx's workers drop root
    upstream = folder / "upstream.conf"
    upstream.write_text(upstream_conf(servers))
    conf = folder / "nginx.conf"
    conf.write_text(nginx_conf(listen=listen, upstream_file=upstream, folder=folder))
    return conf


def nginx_argv(conf: Path, folder: Path) -> list[str]:
    return [NGINX, "-c", str(conf), "-p", str(folder), "-g", f"daemon off; pid {folder}/nginx.pid;"]
