"""What a new user reads in a fresh clone must be there: every file the README and the design
notes link to, the licence pyproject.toml declares, and the WeChat Pay test vectors."""

from __future__ import annotations

import re
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
