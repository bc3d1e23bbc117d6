"""`make lint`'s check of the deployment files that needs no Docker daemon (CI has none):
deploy/compose.yaml loaded with PyYAML and held to the house rules below, and, when nginx is
installed, ``nginx -t`` on deploy/nginx/fenxiao.conf rendered with local upstreams (compose's
``web`` resolves only inside Docker). tests/deploy checks that the files agree with the code.

Rules for compose.yaml: every service has a pinned image or is built from deploy/Dockerfile; the
app's services say their command and read fenxiao.env (whose template, env.example, exists); every
service states its health check (a test, or ``disable: true`` for one-shots and beat);
``depends_on`` names services that exist, waits for health only where there is a health check and
for the one-shot migrate to complete; named volumes are declared and mounted files exist."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
sys.path.insert(0, str(Path(__file__).resolve().parent))

from render_nginx import render  # noqa: E402

CONDITIONS = {"service_started", "service_healthy", "service_completed_successfully"}


def compose_problems(compose: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    services: dict[str, dict[str, Any]] = compose.get("services") or {}
    declared_volumes = set(compose.get("volumes") or {})
    if not services:
        return ["no services"]
    for name, service in services.items():
        where = f"services.{name}"
        build = service.get("build")
        if build:
            if (ROOT / "deploy" / build.get("context", ".") / build.get("dockerfile", "Dockerfile")).resolve() != (
                DEPLOY / "Dockerfile"
            ):
                problems.append(f"{where}: built from something else than deploy/Dockerfile")
            if not service.get("command"):
                problems.append(f"{where}: an app service says its command")
            if service.get("env_file") != "fenxiao.env":
                problems.append(f"{where}: an app service reads env_file fenxiao.env")
        else:
            image = str(service.get("image", ""))
            tag = image.rsplit(":", 1)[1] if ":" in image else ""
            if not tag or tag == "latest":
                problems.append(f"{where}: image {image!r} is not pinned by tag")
        if service.get("env_file") and service["env_file"] != "fenxiao.env":
            problems.append(f"{where}: env_file other than fenxiao.env")
        healthcheck = service.get("healthcheck")
        if not isinstance(healthcheck, dict) or not (healthcheck.get("test") or healthcheck.get("disable") is True):
            problems.append(f"{where}: no health check (give a test, or disable: true and say why)")
        for other, spec in (service.get("depends_on") or {}).items():
            condition = spec.get("condition") if isinstance(spec, dict) else None
            if other not in services:
                problems.append(f"{where}: depends on unknown service {other!r}")
                continue
            if condition not in CONDITIONS:
                problems.append(f"{where}: depends_on {other} needs a condition of {sorted(CONDITIONS)}")
            other_check = services[other].get("healthcheck") or {}
            if condition == "service_healthy" and not other_check.get("test"):
                problems.append(f"{where}: waits for {other} to be healthy, which has no health check")
            if services[other].get("restart") == "no" and condition != "service_completed_successfully":
                problems.append(f"{where}: waits for one-shot {other} by something else than completion")
        for mount in service.get("volumes") or []:
            source = str(mount).split(":", 1)[0]
            if source.startswith("."):
                path = DEPLOY / source
                if path.suffix and not path.exists():
                    problems.append(f"{where}: mounts missing file {source}")
            elif source not in declared_volumes and not source.startswith("/"):
                problems.append(f"{where}: volume {source!r} not declared")
    if not (DEPLOY / "env.example").exists():
        problems.append("deploy/env.example is missing")
    return problems


def nginx_problems() -> list[str]:
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if nginx is None:
        print("check_deploy: nginx not installed, nginx -t skipped")
        return []
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        conf = render(out, servers=["127.0.0.1:8101", "127.0.0.1:8102"], listen="127.0.0.1:8080", media_root=out)
        result = subprocess.run(
            [nginx, "-t", "-q", "-p", str(out), "-c", str(conf), "-e", str(out / "logs" / "error.log")],
            capture_output=True,
            text=True,
            check=False,
        )
    return [] if result.returncode == 0 else [f"nginx -t: {result.stderr.strip()}"]


def main() -> int:
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    problems = compose_problems(compose) + nginx_problems()
    for problem in problems:
        print(f"deploy/: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
