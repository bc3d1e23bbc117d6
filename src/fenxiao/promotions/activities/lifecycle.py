"""The create / update / pause / resume steps every activity goes through, around its kind's rules:
an operator's draft is checked as a whole (every broken rule in one error), changes happen on the
locked row, and only the fields the kind declares editable are ever written. The kind's services
wrap these in their transaction and add what is theirs (the seckill gate, group-buy's locked terms).

These functions open no transaction of their own: they run inside the caller's."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import models

from fenxiao.core.errors import DomainError, NotFound

A = TypeVar("A", bound=models.Model)


@dataclass(frozen=True)
class ActivityKind(Generic[A]):
    """What the shared steps need to know about one kind of activity."""

    model: type[A]
    editable: tuple[str, ...]
    problems: Callable[[A], list[str]]
    invalid: Callable[[str], DomainError]  # the kind's error for a draft that breaks its rules
    not_found: Callable[[], NotFound]
    lock: Callable[[int], A | None]  # from promotions.locks

    def check(self, a: A) -> None:
        problems = self.problems(a)
        if problems:
            raise self.invalid("；".join(problems))

    def locked(self, activity_id: int) -> A:
        a = self.lock(activity_id)
        if a is None:
            raise self.not_found()
        return a

    def create(self, fields: dict[str, Any]) -> A:
        a = self.model(**{k: v for k, v in fields.items() if k in self.editable})
        self.check(a)
        a.save()
        return a

    def apply(self, a: A, fields: dict[str, Any]) -> A:
        """Write the editable ``fields`` onto the locked row, check it whole, save it."""
        for k, v in fields.items():
            if k in self.editable:
                setattr(a, k, v)
        self.check(a)
        a.save()
        return a

    def set_status(self, activity_id: int, status: str) -> A:
        a = self.locked(activity_id)
        a.status = status
        a.save(update_fields=["status", "updated_at"])
        return a
