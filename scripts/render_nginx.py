"""Render deploy/nginx/fenxiao.conf for nginx on a host: a folder holding a complete nginx.conf
(pid, temp folders and logs inside the folder, so nginx runs without root), fenxiao.conf with its
four "rendered" lines changed, and fenxiao/upstream.conf listing the web nodes. `make lint` renders
it to run ``nginx -t``; `make cluster-test` renders it for its nodes and starts nginx with

    python scripts/render_nginx.py OUT --listen 8080 --server 127.0.0.1:8101 --server 127.0.0.1:8102 \\
        --media-root var/media
    nginx -p OUT -c OUT/nginx.conf -e OUT/logs/error.log

compose mounts the same fenxiao.conf unchanged, with deploy/nginx/upstream.conf. Started as
root, nginx's workers run as nobody: OUT's parents must let them through (not a 0700 folder)."""

from __future__ import annotations

import argparse
import re
from collections.abc import Sequence
from pathlib import Path

DEPLOY = Path(__file__).resolve().parents[1] / "deploy" / "nginx"

MAIN = """# Rendered by scripts/render_nginx.py: nginx for Fenxiao, everything under {out}.
worker_processes {workers};
pid {out}/nginx.pid;
error_log {logs}/error.log warn;

events {{
    worker_connections 1024;
}}

http {{
    types {{
        text/html html;
        text/css css;
        application/javascript js;
        application/json json;
        image/jpeg jpg jpeg;
        image/png png;
        image/webp webp;
        image/gif gif;
        image/svg+xml svg;
    }}
    default_type application/octet-stream;
    sendfile on;
    client_body_temp_path {out}/temp/client_body;
    proxy_temp_path {out}/temp/proxy;
    fastcgi_temp_path {out}/temp/fastcgi;
    uwsgi_temp_path {out}/temp/uwsgi;
    scgi_temp_path {out}/temp/scgi;
    include {out}/fenxiao.conf;
}}
"""


def rendered_site(*, out: Path, listen: str, media_root: Path, logs: Path) -> str:
    """fenxiao.conf with its four marked lines pointed at ``out``; any other change is refused so
    that the file compose mounts and the file hosts run stay the same file."""
    text = (DEPLOY / "fenxiao.conf").read_text()
    replacements = {
        r"include \S+;  # rendered": f"include {out}/fenxiao/upstream.conf;",
        r"listen \S+;  # rendered": f"listen {listen};",
        r"access_log \S+ fenxiao_json;  # rendered": f"access_log {logs}/access.log fenxiao_json;",
        r"alias \S+;  # rendered": f"alias {media_root}/;",
    }
    for pattern, line in replacements.items():
        text, count = re.subn(pattern, line, text)
        if count != 1:
            raise ValueError(f"deploy/nginx/fenxiao.conf: expected one line matching {pattern!r}, found {count}")
    return text


def render(
    out: Path,
    *,
    servers: Sequence[str],
    listen: str,
    media_root: Path,
    workers: int = 1,
    server_options: str = "max_fails=3 fail_timeout=10s",
) -> Path:
    """Write the folder; returns the nginx.conf to start nginx with. ``listen`` is written as given
    (``8080``, ``127.0.0.1:8080 backlog=2048``); ``server_options`` follow each node's address."""
    out = out.resolve()
    logs = out / "logs"
    temp = [out / "temp" / name for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")]
    for folder in (logs, out / "fenxiao", *temp):
        folder.mkdir(parents=True, exist_ok=True)
    for folder in temp:
        # Started as root, nginx's workers run as nobody and buffer large bodies and answers here.
        folder.chmod(0o777)
    upstream = "".join(f"server {server} {server_options};\n" for server in servers)
    (out / "fenxiao" / "upstream.conf").write_text(upstream)
    (out / "fenxiao.conf").write_text(rendered_site(out=out, listen=listen, media_root=media_root.resolve(), logs=logs))
    main = out / "nginx.conf"
    main.write_text(MAIN.format(out=out, logs=logs, workers=workers))
    return main


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="folder to write (created)")
    parser.add_argument("--server", action="append", required=True, help="a web node, host:port (repeat)")
    parser.add_argument("--listen", default="8080", help="nginx's listen address or port")
    parser.add_argument("--media-root", type=Path, default=Path("var/media"), help="MEDIA_ROOT of the nodes")
    parser.add_argument("--workers", type=int, default=1, help="nginx worker processes")
    parser.add_argument("--server-options", default="max_fails=3 fail_timeout=10s", help="after each node")
    args = parser.parse_args(argv)
    conf = render(
        args.out,
        servers=args.server,
        listen=args.listen,
        media_root=args.media_root,
        workers=args.workers,
        server_options=args.server_options,
    )
    print(conf)


if __name__ == "__main__":
    main()
