"""A Ninja ``Schema`` that validates a plain dict as it is (issue 22).

Ninja's ``Schema`` wraps every input in a ``DjangoGetter`` so that an ORM object can be read as
attributes, with managers and querysets turned into lists, callables called and files turned into
URLs. Answers built as dicts of plain values (``order_dict``, ``quote_dict``) gain nothing from
it, yet paid for it at every field of every nested schema: validating the answer to a new order
cost about 0.3 ms of CPU, most of an order's response handling (bench/README.md, "Where an
order's CPU goes"). A ``PlainSchema`` hands such a dict straight to pydantic, whose answer is the
same, in a tenth of the time. Anything else (an ORM object, a dict holding a value the getter
would convert, a schema with resolvers or a strict config) takes Ninja's own path unchanged."""

from __future__ import annotations

from typing import Any

from django.db.models import Manager, QuerySet
from django.db.models.fields.files import FieldFile
from ninja import Schema
from pydantic import ModelWrapValidatorHandler, ValidationInfo, model_validator

# What ``DjangoGetter._convert_result`` would change; callables are checked apart.
_CONVERTED = (Manager, QuerySet, FieldFile)


def _plain(values: Any) -> bool:
    if type(values) is not dict:
        return False
    return not any(callable(value) or isinstance(value, _CONVERTED) for value in values.values())


class PlainSchema(Schema):
    @model_validator(mode="wrap")
    @classmethod
    def _run_root_validator(cls, values: Any, handler: ModelWrapValidatorHandler, info: ValidationInfo) -> Any:
        # Same name as Schema's validator, so it replaces it rather than running beside it.
        config = cls.model_config
        if (
            not cls._ninja_resolvers
            and config.get("extra") != "forbid"
            and not config.get("validate_assignment", False)
            and _plain(values)
        ):
            return handler(values)
        return Schema._run_root_validator.__func__(cls, values, handler, info)
