"""Moving rollup counters: ``UPDATE ... SET n = n + d`` (never read-modify-write), creating the row
first when it does not exist yet. A concurrent creator loses nothing: the insert ignores the
conflict and both updates apply."""

from __future__ import annotations

from typing import Any

from django.db.models import F, Model


def bump(model: type[Model], key: dict[str, Any], **deltas: int) -> bool:
    """True when the row did not exist yet: the first contribution to it (a concurrent first
    may say so too)."""
    moves = {name: F(name) + delta for name, delta in deltas.items() if delta}
    if not moves:
        return False
    if model.objects.filter(**key).update(**moves):
        return False
    model.objects.bulk_create([model(**key)], ignore_conflicts=True)
    model.objects.filter(**key).update(**moves)
    return True
