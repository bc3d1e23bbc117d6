"""The platform's details at the head of the tax report: read for the report and the admin,
changed only here so that the credit code is checked (GB 32100) and the change audit-logged."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.forms.models import model_to_dict

from fenxiao.distribution.errors import DistributionError
from fenxiao.distribution.models import TaxPlatform
from fenxiao.distribution.tax.uscc import normalise_uscc, uscc_problem
from fenxiao.risk.audit import audit_record, changed_fields

PLATFORM_FIELDS = ("domain", "business_type", "operator_name", "uscc")
MAX_LENGTHS = {"domain": 200, "business_type": 100, "operator_name": 200, "uscc": 18}


def tax_platform_get() -> TaxPlatform:
    row = TaxPlatform.objects.filter(pk=1).first()
    return row if row is not None else TaxPlatform.objects.get_or_create(pk=1)[0]


def tax_platform_values(row: TaxPlatform | None = None) -> dict[str, str]:
    row = row or tax_platform_get()
    return {name: getattr(row, name) for name in PLATFORM_FIELDS}


def _clean(changes: Mapping[str, Any]) -> dict[str, str]:
    values = {name: " ".join(str(changes[name]).split()) for name in PLATFORM_FIELDS if name in changes}
    for name, value in values.items():
        if len(value) > MAX_LENGTHS[name]:
            message = f"内容过长（最多 {MAX_LENGTHS[name]} 字）"
            raise DistributionError("TAX_PLATFORM_FIELD_TOO_LONG", message, field=name)
    if values.get("uscc"):
        values["uscc"] = normalise_uscc(values["uscc"])
        problem = uscc_problem(values["uscc"])
        if problem:
            raise DistributionError("TAX_USCC_INVALID", problem, field="uscc")
    return values


@transaction.atomic
def tax_platform_update(*, actor_id: int, changes: Mapping[str, Any]) -> TaxPlatform:
    values = _clean(changes)
    row = TaxPlatform.objects.select_for_update().filter(pk=1).first() or tax_platform_get()
    before = model_to_dict(row, fields=PLATFORM_FIELDS)
    for name, value in values.items():
        setattr(row, name, value)
    row.updated_by_id = actor_id
    row.save()
    diff = changed_fields(before, model_to_dict(row, fields=PLATFORM_FIELDS))
    if diff:
        audit_record(
            actor_id=actor_id,
            action="distribution.tax_platform_update",
            target_type="distribution.taxplatform",
            target_id=1,
            summary="修改涉税报送平台信息：" + "、".join(TaxPlatform._meta.get_field(n).verbose_name for n in diff),
            changes=diff,
        )
    return row
