"""Reading the deployment files in deploy/ the way Docker, compose and a shell read them, for the
tests that hold them to the code: which variables env.example lists, which the code reads, what
compose sets and runs."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
SOURCE = ROOT / "src" / "fenxiao"

# `NAME=value` (set) and `#NAME=value` (optional, default shown); prose comments have "# ".
EXAMPLE_LINE = re.compile(r"^(#?)([A-Z][A-Z0-9_]*)=(.*)$")
# The settings' parsers (core/env.py) and os.environ's own ways of reading a variable.
READERS = {"env_bool", "env_int", "env_list", "get", "getenv"}
SHELL_VARIABLE = re.compile(r"\$\$?\{?([A-Z][A-Z0-9_]*)")


def env_example() -> dict[str, tuple[bool, str]]:
    """Each variable env.example names: (set rather than commented, its value)."""
    found: dict[str, tuple[bool, str]] = {}
    for line in (DEPLOY / "env.example").read_text().splitlines():
        if match := EXAMPLE_LINE.match(line):
            commented, name, value = match.groups()
            found[name] = (not commented, value)
    return found


def variables_read(path: Path) -> set[str]:
    """Names a module reads from the environment: ``os.environ.get("X")``, ``os.getenv("X")``,
    ``os.environ["X"]`` and the settings' ``env_bool/env_int/env_list("X", ...)``."""
    names: set[str] = set()
    tree = ast.parse(path.read_text(), filename=str(path))
    # A bare ``environ`` is the process environment only where ``from os import environ`` put it
    # there; elsewhere it is a WSGI request's environ (``promotions/api/seckill_lane.py``).
    bare = any(
        isinstance(n, ast.ImportFrom) and n.module == "os" and any(a.name == "environ" for a in n.names)
        for n in ast.walk(tree)
    )
    environs = {"os.environ", "environ"} if bare else {"os.environ"}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            environ = not isinstance(func, ast.Attribute) or ast.unparse(func.value) in environs | {"os"}
            if called in READERS and environ and isinstance(node.args[0].value, str):
                names.add(node.args[0].value)
        elif (
            isinstance(node, ast.Subscript)
            and ast.unparse(node.value) in environs
            and isinstance(node.slice, ast.Constant)
            and isinstance(node.slice.value, str)
        ):
            names.add(node.slice.value)
    return {name for name in names if re.fullmatch(r"[A-Z][A-Z0-9_]*", name)}


def compose() -> dict[str, Any]:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def command_text(service: dict[str, Any]) -> str:
    command = service.get("command", "")
    return " ".join(command) if isinstance(command, list) else str(command)


def environment_names(service: dict[str, Any]) -> set[str]:
    """The variables compose sets for a service: its ``environment`` (mapping or list) and those
    its command and health check read in a shell."""
    environment = service.get("environment") or {}
    names = set(environment) if isinstance(environment, dict) else {item.split("=", 1)[0] for item in environment}
    test = (service.get("healthcheck") or {}).get("test") or []
    shell = command_text(service) + " " + (" ".join(test) if isinstance(test, list) else str(test))
    return names | set(SHELL_VARIABLE.findall(shell))
