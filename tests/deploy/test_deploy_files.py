"""The deployment files agree with the code: the worker consumes every queue tasks are routed to,
env.example lists every variable the mall, gunicorn and compose read (and commits no secret),
nginx forwards what the app believes and takes the largest upload the app accepts, and the image
runs what compose and the health check expect. A setting added without its line in env.example,
or a queue no worker listens to, fails here rather than in a deployment."""

from __future__ import annotations

import importlib
import ipaddress
import os
import re
import runpy
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings

from tests.deploy.files import (
    DEPLOY,
    ROOT,
    SOURCE,
    command_text,
    compose,
    env_example,
    environment_names,
    variables_read,
)

QUEUES = {"default", "payments", "notifications", "reports"}
APP_SERVICES = ("migrate", "web", "worker", "beat")
# Set by Docker in every container, not by us.
DOCKER_PROVIDED = {"HOSTNAME", "PATH", "HOME"}
SECRETS = (
    "SECRET_KEY",
    "FENXIAO_IDENTITY_KEYS",
    "POSTGRES_PASSWORD",
    "WECHAT_SECRET",
    "WECHATPAY_APIV3_KEY",
    "WECHATPAY_PRIVATE_KEY",
    "JWT_SIGNING_KEY",
    "KUAIDI100_KEY",
    "METRICS_TOKEN",
    "SENTRY_DSN",
)


def declared_queues() -> set[str]:
    """The queues tasks are routed to: the settings' ``CELERY_TASK_QUEUES`` (names, kombu Queues or
    a mapping; plus the default queue and the routes' targets), else ``core.task_routing.QUEUES``,
    else the four of issue 21."""
    declared = getattr(settings, "CELERY_TASK_QUEUES", None)
    if not declared:
        try:
            return set(importlib.import_module("fenxiao.core.task_routing").QUEUES)
        except (ImportError, AttributeError):
            return QUEUES
    items = declared.keys() if isinstance(declared, dict) else declared
    names = {item if isinstance(item, str) else item.name for item in items}
    if default := getattr(settings, "CELERY_TASK_DEFAULT_QUEUE", ""):
        names.add(default)
    routes = getattr(settings, "CELERY_TASK_ROUTES", None) or {}
    if isinstance(routes, dict):
        names |= {route["queue"] for route in routes.values() if isinstance(route, dict) and "queue" in route}
    return names


def test_the_worker_consumes_every_queue_the_tasks_are_routed_to():
    worker = command_text(compose()["services"]["worker"])
    consumed = re.search(r"(?:-Q|--queues)[ =](\S+)", worker)
    assert consumed, "the worker names its queues with -Q"
    assert declared_queues() <= set(consumed.group(1).split(",")), worker


def test_every_variable_the_mall_reads_is_in_env_example():
    listed = set(env_example())
    missing = {
        str(module.relative_to(ROOT)): sorted(unlisted)
        for module in sorted(SOURCE.rglob("*.py"))
        if (unlisted := variables_read(module) - listed - {"DJANGO_SETTINGS_MODULE"})
    }
    assert not missing, f"read by the code, not listed in deploy/env.example: {missing}"


def test_every_variable_gunicorn_and_the_health_check_read_is_in_env_example():
    listed = set(env_example())
    for module in (DEPLOY / "gunicorn.conf.py", DEPLOY / "healthcheck.py"):
        assert variables_read(module) <= listed, module.name


def test_every_variable_compose_sets_or_reads_is_in_env_example():
    listed = set(env_example())
    for name, service in compose()["services"].items():
        missing = environment_names(service) - listed - DOCKER_PROVIDED
        assert not missing, f"compose service {name} uses {sorted(missing)}, not in deploy/env.example"


def test_env_example_commits_no_secret_and_lists_each_variable_once():
    lines = [line for line in (DEPLOY / "env.example").read_text().splitlines() if re.match(r"^#?[A-Z_]+=", line)]
    names = [line.lstrip("#").split("=", 1)[0] for line in lines]
    assert len(names) == len(set(names)), sorted({n for n in names if names.count(n) > 1})
    example = env_example()
    for name in SECRETS:
        assert name in example, name
        assert example[name][1] == "", f"env.example gives {name} a value: secrets are filled in, never committed"
    set_here = {name for name, (is_set, _) in example.items() if is_set}
    assert {"SECRET_KEY", "FENXIAO_REQUIRE_SECRET_KEY", "DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"} <= set_here


def test_env_example_as_filled_in_starts_the_settings(tmp_path):
    """The set lines of env.example, secrets filled in, are values the settings accept (a live
    server's checks included): an example that does not start teaches nothing."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_", "CELERY_", "WECHAT"))}
    env |= {name: value for name, (is_set, value) in env_example().items() if is_set}
    env |= {
        "SECRET_KEY": "s" * 60,
        "FENXIAO_IDENTITY_KEYS": "GmoJ9kK3mB0n1f1m8cH0cz3Yv0eM1g7bJc6w8kqvW2c=",
        "POSTGRES_PASSWORD": "pw",
        "WECHAT_APPID": "wx0123456789abcdef",
        "WECHAT_SECRET": "secret",
        "WECHATPAY_MCHID": "1900000001",
        "WECHATPAY_SERIAL_NO": "5157F09EFDC096DE15EBE81A47057A7232F1B8E1",
        "WECHATPAY_APIV3_KEY": "0123456789abcdef0123456789abcdef",
        "WECHATPAY_PUBLIC_KEY_ID": "PUB_KEY_ID_0000000000000000000000000000000001",
        "FENXIAO_VAR_DIR": str(tmp_path),
        # The image creates /tmp/prometheus; here a folder of the test's own.
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "prometheus"),
        "DJANGO_SETTINGS_MODULE": "fenxiao.settings",
        "PYTHONPATH": str(ROOT / "src"),
    }
    (tmp_path / "prometheus").mkdir()
    script = "import django; django.setup(); from django.conf import settings as s; print(s.TRUSTED_PROXIES)"
    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert env_example()["TRUSTED_PROXIES"][1] in result.stdout


def test_the_app_trusts_exactly_the_nginx_container_as_its_proxy():
    services = compose()
    nginx = services["services"]["nginx"]["networks"]["fenxiao"]["ipv4_address"]
    subnet = ipaddress.ip_network(services["networks"]["fenxiao"]["ipam"]["config"][0]["subnet"])
    assert ipaddress.ip_address(nginx) in subnet
    assert env_example()["TRUSTED_PROXIES"][1].split(",") == [nginx]


def test_web_worker_and_beat_start_only_after_the_migrations_ran():
    services = compose()["services"]
    assert services["migrate"]["restart"] == "no"
    assert "migrate" in command_text(services["migrate"])
    for name in ("web", "worker", "beat"):
        assert services[name]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}, name
    assert services["nginx"]["depends_on"]["web"] == {"condition": "service_healthy"}


def test_every_app_service_runs_the_one_image_with_the_one_environment():
    services = compose()["services"]
    for name in APP_SERVICES:
        assert services[name]["build"]["dockerfile"] == "deploy/Dockerfile", name
        assert services[name]["env_file"] == "fenxiao.env", name
    assert "beat -s /var/lib/fenxiao/celerybeat-schedule" in command_text(services["beat"])


def test_compose_runs_gunicorn_as_the_image_does():
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    cmd = re.search(r"^CMD (\[.*\])$", dockerfile, re.M)
    assert cmd, "the Dockerfile's CMD is exec form"
    assert eval(cmd.group(1)) == compose()["services"]["web"]["command"]  # a JSON list literal
    copied = re.search(r"^COPY deploy/gunicorn\.conf\.py deploy/healthcheck\.py (\S+)$", dockerfile, re.M)
    workdir = re.findall(r"^WORKDIR (\S+)$", dockerfile, re.M)[-1]
    assert copied and copied.group(1) == "./" and f"{workdir}/gunicorn.conf.py" in cmd.group(1)
    assert f'"{workdir}/healthcheck.py"' in dockerfile


def test_the_docker_build_context_holds_every_file_the_dockerfile_copies():
    allowed = [line[1:] for line in (ROOT / ".dockerignore").read_text().splitlines() if line.startswith("!")]
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    for sources in re.findall(r"^COPY (?!--from)(.+) \S+$", dockerfile, re.M):
        for source in sources.split():
            assert (ROOT / source).exists(), source
            assert any(source == a or source.startswith(f"{a}/") for a in allowed), f".dockerignore leaves out {source}"


@pytest.fixture
def gunicorn_conf(monkeypatch):
    def load(**env: str) -> dict:
        for name in ("WEB_CONCURRENCY", "PROMETHEUS_MULTIPROC_DIR", "FORWARDED_ALLOW_IPS", "TRUSTED_PROXIES"):
            monkeypatch.delenv(name, raising=False)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        return runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))

    return load


def test_gunicorn_takes_its_workers_from_the_environment_with_a_capped_default(gunicorn_conf):
    assert gunicorn_conf(WEB_CONCURRENCY="3")["workers"] == 3
    conf = gunicorn_conf()
    assert conf["workers"] == min(2 * (os.cpu_count() or 1) + 1, 12)
    assert conf["worker_class"] == "sync"
    assert conf["forwarded_allow_ips"] == "127.0.0.1"
    assert gunicorn_conf(TRUSTED_PROXIES="172.28.0.10")["forwarded_allow_ips"] == "172.28.0.10"


def test_gunicorn_child_exit_does_nothing_without_a_metrics_directory(gunicorn_conf):
    conf = gunicorn_conf()
    conf["child_exit"](None, SimpleNamespace(pid=4242))


def test_gunicorn_tells_prometheus_a_worker_died_and_starts_on_a_clean_directory(gunicorn_conf, tmp_path):
    pytest.importorskip("prometheus_client")
    metrics = tmp_path / "prometheus"
    conf = gunicorn_conf(PROMETHEUS_MULTIPROC_DIR=str(metrics))
    conf["on_starting"](None)
    (metrics / "counter_77.db").write_bytes(b"")
    conf["on_starting"](None)
    assert not list(metrics.iterdir()), "a new master starts on an empty directory"
    (metrics / "gauge_livesum_4242.db").write_bytes(b"")
    (metrics / "counter_4242.db").write_bytes(b"")
    conf["child_exit"](None, SimpleNamespace(pid=4242))
    assert sorted(p.name for p in metrics.iterdir()) == ["counter_4242.db"], "its counters still count"


@pytest.mark.parametrize(
    ("allowed_hosts", "host"),
    [
        ("mall.example.com,www.example.com", "mall.example.com"),
        (".example.com", "example.com"),
        ("*, mall.example.com", "mall.example.com"),
        ("", "127.0.0.1"),
    ],
)
def test_the_health_check_names_a_host_django_accepts(allowed_hosts, host):
    healthcheck = runpy.run_path(str(DEPLOY / "healthcheck.py"))
    assert healthcheck["host_header"](allowed_hosts) == host
    assert healthcheck["port"]("[::]:8001") == "8001"


def nginx_site(tmp_path: Path) -> str:
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        from render_nginx import render
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    render(tmp_path, servers=["127.0.0.1:8101", "127.0.0.1:8102"], listen="8080", media_root=tmp_path / "media")
    assert (tmp_path / "fenxiao" / "upstream.conf").read_text().count("server 127.0.0.1:81") == 2
    return (tmp_path / "fenxiao.conf").read_text()


def test_nginx_takes_the_largest_upload_the_mall_accepts(tmp_path):
    from fenxiao.accounts.uploads import MAX_UPLOAD_BYTES
    from fenxiao.catalog.sheet import MAX_FILE_BYTES
    from fenxiao.catalog.uploads import MAX_IMAGE_BYTES

    site = nginx_site(tmp_path)
    limit = int(re.search(r"client_max_body_size (\d+)m;", site).group(1)) * 1024 * 1024
    largest = max(MAX_UPLOAD_BYTES, MAX_FILE_BYTES, MAX_IMAGE_BYTES, settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    # Above the largest file, with room for the multipart framing, so the app's own 413 answers.
    assert largest < limit <= largest + 2 * 1024 * 1024


def test_nginx_passes_on_what_the_app_reads_and_never_retries_a_post(tmp_path):
    site = nginx_site(tmp_path)
    for header in ("X-Request-ID $fenxiao_request_id", "X-Forwarded-For $proxy_add_x_forwarded_for"):
        assert f"proxy_set_header {header};" in site
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in site
    assert re.search(r"^\s*proxy_next_upstream error timeout;", site, re.M)
    assert "non_idempotent" not in re.sub(r"#.*", "", site)
    assert "listen 8080;" in site and f"alias {tmp_path / 'media'}/;" in site
