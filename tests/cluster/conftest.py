"""The cluster checks run only under the orchestrator (``make cluster-test``), which sets
``FENXIAO_CLUSTER_URL`` and gives them the live cluster as the ``cluster`` fixture; plain
``make test`` does not collect them."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

collect_ignore_glob = [] if os.environ.get("FENXIAO_CLUSTER_URL") else ["*.py"]

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT / "bench") not in sys.path:
    sys.path.append(str(ROOT / "bench"))  # the seckill bench's load and integrity checks


@pytest.fixture(autouse=True)
def _cluster_database(django_db_blocker):
    """The checks read the cluster's primary itself (no test database): the ORM, unblocked."""
    with django_db_blocker.unblock():
        yield
    from django.db import connections

    connections.close_all()
