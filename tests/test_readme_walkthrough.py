"""The README's sandbox walkthroughs, run as a new user runs them: the two bash blocks pasted into a
shell against ``fenxiao runserver`` on a fresh embedded database with the demo data, twice (a second
run must work too). A README that drifts from the API fails here, not in a merchant's terminal."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TITLES = ("### Buying in the sandbox, step by step", "### Distribution in the sandbox, step by step")

pytestmark = [
    pytest.mark.skipif(shutil.which("curl") is None, reason="the walkthrough is curl commands"),
    # It runs `make run`'s embedded default whatever the suite's database: once per CI run is enough.
    pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="walks the embedded default (the SQLite pass)"),
]


def walkthrough_script() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = []
    for title in TITLES:
        section = readme[readme.index(title) :]
        blocks.append(re.search(r"```bash\n(.*?)```", section, re.S).group(1))
    return "set -euo pipefail\n" + "\n".join(blocks)


@pytest.fixture(scope="module")
def mall(tmp_path_factory) -> Iterator[tuple[str, dict[str, str], Path]]:
    """``make run`` in miniature: migrate, a small demo seed, the development server on a free port;
    the same environment for the ``.venv/bin/fenxiao`` commands the README runs."""
    var = tmp_path_factory.mktemp("walkthrough-var")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_", "CELERY_", "WECHAT"))}
    env |= {"FENXIAO_VAR_DIR": str(var), "WECHAT_SANDBOX_ALLOWED": "true", "SWEEP_IN_PROCESS": "false"}
    env |= {"PYTHONUNBUFFERED": "1", "DJANGO_SETTINGS_MODULE": "fenxiao.settings"}
    cli = [sys.executable, "-m", "fenxiao.cli"]
    for step in (["migrate", "--noinput"], ["seed_demo", "--skus", "200", "--history-days", "0"]):
        subprocess.run([*cli, *step], env=env, check=True, capture_output=True, timeout=300)
    server = subprocess.Popen(
        [*cli, "runserver", "127.0.0.1:0", "--noreload"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert server.stdout is not None
    port, said = None, []
    for line in server.stdout:
        said.append(line)
        if found := re.search(r"Starting development server at http://127\.0\.0\.1:(\d+)/", line):
            port = found.group(1)
            break
    threading.Thread(target=server.stdout.read, daemon=True).start()
    # The README calls `.venv/bin/fenxiao`: a folder whose .venv/bin/fenxiao is this interpreter's CLI.
    home = tmp_path_factory.mktemp("walkthrough-home")
    (home / ".venv" / "bin").mkdir(parents=True)
    launcher = home / ".venv" / "bin" / "fenxiao"
    launcher.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m fenxiao.cli "$@"\n')
    launcher.chmod(0o755)
    try:
        assert port, "the development server did not start:\n" + "".join(said)
        yield port, env, home
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.mark.parametrize("run", [1, 2])
def test_the_readme_walkthroughs_run_as_written(mall, run):
    port, env, home = mall
    script = walkthrough_script().replace("http://127.0.0.1:8000", f"http://127.0.0.1:{port}")

    done = subprocess.run(["bash", "-c", script], cwd=home, env=env, capture_output=True, text=True, timeout=300)

    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    out = done.stdout
    assert '"outcome": "paid"' in out  # the sandbox payment
    assert "\ncompleted\n" in out  # the order after the after-sales window
    assert "distribution.settle_commission: 1" in out  # fang's order settled bob's commission
    assert '"status": "paid"' in out  # bob's WeChat withdrawal, confirmed
    assert "账本检查通过" in out  # ledger-check
