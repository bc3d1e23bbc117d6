"""What a new user reads in a fresh clone must be there: every file the README and the design
notes link to, the licence pyproject.toml declares, and the WeChat Pay test vectors; and nothing
in it may point at a machine it was not made on (no committed symbolic link)."""

from __future__ import annotations

import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINK = re.compile(r"\]\(([^)\s#]+)(?:#[^)]*)?\)")
DOCUMENTS = [
    "README.md",
    "bench/README.md",
    *sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "docs").glob("*.md")),
]


@pytest.mark.parametrize("document", DOCUMENTS)
def test_every_relative_link_points_into_the_repository(document):
    text = (ROOT / document).read_text(encoding="utf-8")
    targets = [t for t in LINK.findall(text) if not re.match(r"^[a-z]+:", t)]
    for target in targets:
        resolved = (ROOT / document).parent.joinpath(target).resolve()
        assert resolved.is_relative_to(ROOT), f"{document} links outside the repository: {target}"
        assert resolved.exists(), f"{document} links to a missing file: {target}"


def test_the_design_notes_live_in_the_repository():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "../shared" not in readme
    assert (ROOT / "docs" / "DESIGN.md").exists() and (ROOT / "docs" / "STYLE.md").exists()


def test_the_licence_pyproject_declares_is_shipped():
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["license"]
    assert declared == "MIT"
    assert (ROOT / "LICENSE").read_text().startswith("MIT License")


def test_the_wechat_pay_vectors_ship_with_the_tests():
    assert (ROOT / "tests" / "integrations" / "vectors" / "wechatpay-v3.json").exists()


def test_no_symbolic_link_is_committed():
    """A worktree links ``.venv`` and ``node_modules`` to the main checkout; once such a link was
    committed, and on a fresh machine it pointed at itself and ``npm install`` failed. Git records
    a link as mode 120000: none may be tracked. Outside a git checkout (an sdist) there is nothing
    to check."""
    git = shutil.which("git")
    if git is None:
        pytest.skip("git is not installed")
    top = subprocess.run(
        [git, "-C", str(ROOT), "rev-parse", "--show-toplevel"], capture_output=True, text=True, timeout=30
    )
    if top.returncode != 0 or Path(top.stdout.strip()).resolve() != ROOT.resolve():
        pytest.skip("not a git checkout of this repository")
    listed = subprocess.run(
        [git, "-C", str(ROOT), "ls-files", "-s", "-z"], capture_output=True, text=True, timeout=30, check=True
    )
    # Each entry: "<mode> <object> <stage>\t<path>", NUL-terminated (-z: paths unquoted).
    links = [entry.split("\t", 1)[1] for entry in listed.stdout.split("\0") if entry.startswith("120000 ")]
    assert links == [], f"symbolic links are tracked (git rm --cached them and name them in .gitignore): {links}"
