"""The cluster orchestrator's pure parts (scripts/cluster): the nginx configuration it renders —
valid for Debian's nginx, balancing over exactly the nodes given — and the one environment every
node shares."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from scripts.cluster import nginx
from scripts.cluster.broker import Broker
from scripts.cluster.postgres import Instance, Replication
from scripts.cluster.topology import NGINX_PORT, base_env


def test_the_upstream_names_each_node_once_and_drops_a_dead_one_quickly():
    text = nginx.upstream_conf(["127.0.0.1:18001", "127.0.0.1:18002"])

    assert text.splitlines() == [
        "server 127.0.0.1:18001 max_fails=1 fail_timeout=2s;",
        "server 127.0.0.1:18002 max_fails=1 fail_timeout=2s;",
    ]


def test_the_config_proxies_everything_to_the_upstream_include_and_logs_the_node(tmp_path):
    conf = nginx.write_config(tmp_path, listen="127.0.0.1:18080", servers=["127.0.0.1:18001"])
    text = conf.read_text()

    assert f"include {tmp_path}/upstream.conf;" in text
    assert "listen 127.0.0.1:18080" in text and "proxy_pass http://fenxiao;" in text
    assert "upstream=$upstream_addr" in text  # how a check tells which node served a request
    assert "pid " not in text  # given on the command line, with daemon off
    assert (tmp_path / "upstream.conf").read_text() == nginx.upstream_conf(["127.0.0.1:18001"])


@pytest.mark.skipif(not Path(nginx.NGINX).exists(), reason="Debian's nginx is not installed")
def test_debian_nginx_accepts_the_rendered_config(tmp_path):
    tmp_path.chmod(0o755)
    conf = nginx.write_config(tmp_path, listen="127.0.0.1:18080", servers=["127.0.0.1:18001", "127.0.0.1:18002"])
    argv = nginx.nginx_argv(conf, tmp_path)  # -t parses and opens the logs; it binds no port

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
