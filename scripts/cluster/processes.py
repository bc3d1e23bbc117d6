"""Long-running children of the orchestrator: each in a session (process group) of its own, so a
kill -9 reaches a gunicorn master and its workers at once, with its output in a log file of the
cluster's folder, and a tail of that log to print when something goes wrong."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Service:
    """One process group: start, kill -9 (the whole group), stop (TERM, then KILL), start again."""

    name: str
    argv: list[str]
    env: dict[str, str]
    log: Path
    cwd: Path
    proc: subprocess.Popen | None = field(default=None, repr=False)
    starts: int = 0

    def start(self) -> Service:
        if self.alive:
            raise RuntimeError(f"{self.name} is already running")
        with self.log.open("a") as out:
            out.write(
                f"\n==== {self.name} start #{self.starts + 1} at {time.strftime('%H:%M:%S', time.gmtime())} UTC ====\n"
            )
            out.flush()
            self.proc = subprocess.Popen(
                self.argv, env=self.env, cwd=self.cwd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.starts += 1
        return self

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc is not None else None

    def kill9(self) -> None:
        """SIGKILL to the whole group: the master and every worker die at the same instant."""
        if self.proc is None:
            return
        self._signal_group(signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self, timeout: float = 15.0) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self._signal_group(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self._signal_group(signal.SIGKILL)
                self.proc.wait(timeout=10)
        # A group member that outlived its leader (a worker mid-task) goes too.
        self._signal_group(signal.SIGKILL)

    def _signal_group(self, sig: int) -> None:
        assert self.proc is not None
        with contextlib.suppress(ProcessLookupError):  # the group this orchestrator created, nothing else
            os.killpg(self.proc.pid, sig)

    def tail(self, lines: int = 30) -> str:
        return log_tail(self.log, lines)


def log_tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def wait_until(what: str, check, *, timeout: float, interval: float = 0.25):
    """Poll ``check()`` until it returns something truthy (returned) or ``timeout`` seconds pass."""
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        try:
            result = check()
        except Exception as exc:  # the thing polled is not up yet
            last_error = exc
        else:
            if result:
                return result
        time.sleep(interval)
    raise TimeoutError(f"{what}: not within {timeout:.0f}s" + (f" (last error: {last_error})" if last_error else ""))


def run(argv: list[str], *, env: dict[str, str] | None = None, cwd: Path | None = None, timeout: float = 300) -> str:
    """A short command that must succeed; its output on failure is in the exception."""
    done = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed ({done.returncode}):\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
    return done.stdout
