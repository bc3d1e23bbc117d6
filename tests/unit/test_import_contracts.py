"""Our import-linter contract types (lint/fenxiao_contracts.py) on a small made-up project: a
face may show another app's data, app code may not climb a layer or import a face, and a circle
through app code is found. `make lint` runs the same contracts on the real code."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = shutil.which("lint-imports") or str(Path(sys.executable).with_name("lint-imports"))

CONFIG = """
[tool.importlinter]
root_package = "shop"
contract_types = [
    "app_layers: fenxiao_contracts.AppLayersContract",
    "app_acyclic_siblings: fenxiao_contracts.AppAcyclicSiblingsContract",
]

[[tool.importlinter.contracts]]
name = "layers"
type = "app_layers"
faces = ["api", "admin"]
layers = ["shop.upper", "shop.lower"]

[[tool.importlinter.contracts]]
name = "faces"
type = "protected"
protected_modules = ["shop.*.api", "shop.*.admin"]
allowed_importers = ["shop.*.api", "shop.*.admin"]

[[tool.importlinter.contracts]]
name = "circles"
type = "app_acyclic_siblings"
faces = ["api", "admin"]
ancestors = ["shop"]
"""


def _project(tmp_path: Path, files: dict[str, str]) -> Path:
    base = {
        "shop/__init__.py": "",
        "shop/upper/__init__.py": "",
        "shop/upper/rules.py": "from shop.lower import models\n",
        "shop/lower/__init__.py": "",
        "shop/lower/models.py": "",
        "shop/lower/api.py": "from shop.lower import models\nfrom shop.upper import rules\n",
    }
    for name, text in {**base, **files}.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    (tmp_path / "pyproject.toml").write_text(CONFIG)
    return tmp_path


def _lint(project: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": f"{project}{os.pathsep}{ROOT / 'lint'}"}
    return subprocess.run(
        [LINT_IMPORTS, "--no-cache"], cwd=project, env=env, capture_output=True, text=True, timeout=120
    )


def test_a_face_may_show_a_higher_apps_data(tmp_path):
    result = _lint(_project(tmp_path, {}))
    assert result.returncode == 0, result.stdout


@pytest.mark.parametrize(
    ("files", "broken"),
    [
        ({"shop/lower/models.py": "from shop.upper import rules\n"}, "layers"),
        ({"shop/upper/rules.py": "from shop.lower import api\n"}, "faces"),
        ({"shop/lower/a.py": "from shop.lower import b\n", "shop/lower/b.py": "from shop.lower import a\n"}, "circles"),
    ],
    ids=["app code climbs a layer", "app code imports a face", "app code in a circle"],
)
def test_what_each_contract_refuses(tmp_path, files, broken):
    result = _lint(_project(tmp_path, files))
    assert result.returncode == 1
    assert f"{broken} BROKEN" in result.stdout, result.stdout
