"""The cluster orchestrator's pure parts (scripts/cluster): deploy/nginx/fenxiao.conf rendered with
the cluster's nodes (valid for Debian's nginx), a node taken out of the upstream, which node served a
request, and the one environment every node shares."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from scripts.cluster import nginx
from scripts.cluster.broker import Broker
from scripts.cluster.postgres import Instance, Replication
from scripts.cluster.topology import NGINX_PORT, base_env


def _rendered(folder: Path, servers: list[str]) -> Path:
    folder.chmod(0o755)  # nginx's workers go through it when it is started as root
    return nginx.write_config(
        folder / "nginx", listen="127.0.0.1:18080 backlog=2048", servers=servers, media_root=folder / "media"
    )


def test_the_cluster_runs_the_deploy_config_with_its_own_nodes(tmp_path):
    conf = _rendered(tmp_path, ["127.0.0.1:18001", "127.0.0.1:18002"])

    site = (tmp_path / "nginx" / "fenxiao.conf").read_text()
    assert f"include {tmp_path}/nginx/fenxiao/upstream.conf;" in site
    assert "listen 127.0.0.1:18080 backlog=2048;" in site
    assert (tmp_path / "nginx" / "fenxiao" / "upstream.conf").read_text().splitlines() == [
        "server 127.0.0.1:18001 max_fails=1 fail_timeout=2s;",
        "server 127.0.0.1:18002 max_fails=1 fail_timeout=2s;",
    ]
    assert conf == tmp_path / "nginx" / "nginx.conf"


def test_taking_a_node_out_rewrites_only_the_upstream_include(tmp_path):
    _rendered(tmp_path, ["127.0.0.1:18001", "127.0.0.1:18002"])
    site = (tmp_path / "nginx" / "fenxiao.conf").read_text()

    nginx.write_upstream(tmp_path / "nginx", ["127.0.0.1:18001"])

    assert (tmp_path / "nginx" / "fenxiao" / "upstream.conf").read_text() == (
        "server 127.0.0.1:18001 max_fails=1 fail_timeout=2s;\n"
    )
    assert (tmp_path / "nginx" / "fenxiao.conf").read_text() == site


def test_the_node_that_served_a_request_is_read_from_the_json_access_log(tmp_path):
    logs = tmp_path / "logs"
    logs.mkdir()
    lines = [
        {"method": "POST", "uri": "/api/v1/payments/wechat/notify", "upstream": "127.0.0.1:18002"},
        {"method": "GET", "uri": "/api/v1/payments/wechat/notify", "upstream": "127.0.0.1:18001"},
        {"method": "POST", "uri": "/api/v1/orders", "upstream": "127.0.0.1:18001"},
        {"method": "POST", "uri": "/api/v1/payments/wechat/notify", "upstream": "127.0.0.1:18001"},
    ]
    (logs / "access.log").write_text("".join(json.dumps(line) + "\n" for line in lines))

    assert nginx.served_by(tmp_path, "POST", "/api/v1/payments/wechat/notify") == ["127.0.0.1:18002", "127.0.0.1:18001"]


@pytest.mark.skipif(not Path(nginx.NGINX).exists(), reason="Debian's nginx is not installed")
def test_debian_nginx_accepts_the_cluster_config(tmp_path):
    conf = _rendered(tmp_path, ["127.0.0.1:18001", "127.0.0.1:18002"])
    argv = nginx.nginx_argv(conf, tmp_path / "nginx")  # -t parses and opens the logs; it binds no port

    checked = subprocess.run([*argv, "-t"], capture_output=True, text=True, timeout=30)

    assert checked.returncode == 0, checked.stderr
    assert argv[-1].startswith("daemon off;")


def test_every_process_shares_one_environment_and_nothing_of_the_callers(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://elsewhere/other")
    monkeypatch.setenv("WECHATPAY_SANDBOX_NOTIFY_URL", "http://elsewhere/")
    replication = Replication(
        primary=Instance("primary", tmp_path / "p", 55432, tmp_path / "p.log"),
        replica=Instance("replica", tmp_path / "r", 55433, tmp_path / "r.log"),
    )
    env = base_env(tmp_path, replication, Broker(url="amqp://guest:guest@127.0.0.1:5672/x", kind="rabbitmq"))

    assert env["DATABASE_URL"] == "postgres://postgres@127.0.0.1:55432/fenxiao"
    assert env["DATABASE_REPLICA_URL"] == "postgres://postgres@127.0.0.1:55433/fenxiao"
    assert env["WECHATPAY_SANDBOX_NOTIFY_URL"] == f"http://127.0.0.1:{NGINX_PORT}/api/v1/payments/wechat/notify"
    assert env["FENXIAO_VAR_DIR"] == str(tmp_path / "var")  # the sandbox's WeChat Pay keys: one set
    assert env["SWEEP_IN_PROCESS"] == "false"  # beat runs the sweeps, not the web processes
