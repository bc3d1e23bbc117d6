"""What every bench script shares: where things are, the one host ever loaded, the setup error
(printed without a traceback, exit status 2) and how figures are printed."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BENCH_DIR = ROOT / "bench"
VENV_BIN = Path(sys.executable).parent
HOST = "127.0.0.1"  # the only address the benches ever send requests to


class BenchError(Exception):
    """A setup problem: printed without a traceback, exit status 2."""


def venv_tool(name: str) -> str:
    candidate = VENV_BIN / name
    if candidate.exists():
        return str(candidate)
    found = shutil.which(name)
    if not found:
        raise BenchError(f"{name} not found next to {sys.executable} nor on PATH (pip install -e '.[dev]')")
    return found


def git_revision() -> str:
    try:
        out = subprocess.run(
            ["git", "-C", str(ROOT), "describe", "--always", "--dirty"], capture_output=True, text=True, timeout=10
        )
        return out.stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def fmt_ms(us: float) -> str:
    return f"{us / 1000:.1f}"


def fmt_opt(value: float | None, spec: str = ".2f") -> str:
    return "n/a" if value is None else format(value, spec)


def run_main(main: Callable[[], int]) -> None:
    """Run a bench's ``main`` as a script: its status, 2 on a setup error, 130 on Ctrl-C."""
    try:
        sys.exit(main())
    except BenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)
