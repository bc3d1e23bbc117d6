"""Giving, reading and re-encrypting a distributor's real-name identity.

- ``identity_submit``: the distributor gives (or corrects) their name and resident ID number;
  checked per GB 11643, refused when the same number already belongs to another distributor (one
  person, one account that earns), stored sealed, audit-logged with masks only.
- ``identity_masked``: what every screen shows (张* / 1101**********1234).
- ``identity_reveal``: the full text for staff holding ``distribution.reveal_identity``; every
  read writes an audit entry, refused ones too.
- ``identity_real_name``: the name the WeChat transfer needs for large payouts (the system, not a
  person, reads it; WeChat receives it encrypted again with its own key).
- ``identity_rotate_all``: every row re-encrypted under the newest key and its hash recomputed
  (``manage.py identity_rotate_keys``)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from fenxiao.accounts.models import User
from fenxiao.core.errors import Forbidden, NotFound
from fenxiao.core.masking import mask_name
from fenxiao.distribution.errors import DistributionConflict, DistributionError
from fenxiao.distribution.identity import vault
from fenxiao.distribution.identity.idcard import mask_id_number, normalise_id_number, resident_id_problem
from fenxiao.distribution.locks import lock_distributor_of_user
from fenxiao.distribution.models import DistributorIdentity, IdType
from fenxiao.distribution.network.enrolment import REAL_NAME
from fenxiao.risk.audit import audit_record

REVEAL_PERMISSION = "distribution.reveal_identity"
ROTATE_BATCH = 500


@dataclass(frozen=True)
class MaskedIdentity:
    id_type: str
    id_type_label: str
    name_masked: str
    number_masked: str
    verified_at: object


@dataclass(frozen=True)
class FullIdentity:
    id_type: str
    real_name: str
    id_number: str


def _clean(real_name: str, id_number: str) -> tuple[str, str]:
    name = " ".join(real_name.split())
    if not REAL_NAME.match(name):
        raise DistributionError("IDENTITY_NAME_INVALID", "请填写身份证上的姓名（2-32 个汉字或字母）", field="real_name")
    number = normalise_id_number(id_number)
    problem = resident_id_problem(number, today=timezone.localdate())
    if problem is not None:
        raise DistributionError(problem.code, problem.message, field="id_number")
    return name, number


@transaction.atomic
def identity_submit(*, user_id: int, real_name: str, id_number: str) -> DistributorIdentity:
    name, number = _clean(real_name, id_number)
    distributor = lock_distributor_of_user(user_id)
    taken = (
        DistributorIdentity.objects.filter(number_hash__in=vault.number_hashes(number))
        .exclude(distributor_id=distributor.id)
        .exists()
    )
    if taken:
        raise DistributionConflict("IDENTITY_NUMBER_TAKEN", "该身份证号已用于其他分销商账号，如有疑问请联系客服")
    values = {
        "id_type": IdType.RESIDENT_ID,
        "name_sealed": vault.seal(name),
        "number_sealed": vault.seal(number),
        "number_hash": vault.number_hash(number),
        "name_masked": mask_name(name),
        "number_masked": mask_id_number(number),
    }
    identity = DistributorIdentity.objects.filter(distributor_id=distributor.id).first()
    before = {"name": identity.name_masked, "number": identity.number_masked} if identity else {}
    if identity is None:
        identity = DistributorIdentity.objects.create(distributor_id=distributor.id, **values)
    else:
        for field, value in values.items():
            setattr(identity, field, value)
        identity.save()
    audit_record(
        actor_id=user_id,
        action="distribution.identity_submit",
        target_type="distribution.distributor",
        target_id=distributor.id,
        summary=f"分销商 {distributor.code} {'更新' if before else '提交'}实名信息",
        changes={"from": before, "to": {"name": identity.name_masked, "number": identity.number_masked}},
    )
    return identity


def identity_masked(*, distributor_id: int) -> MaskedIdentity | None:
    identity = DistributorIdentity.objects.filter(distributor_id=distributor_id).first()
    if identity is None:
        return None
    return MaskedIdentity(
        id_type=identity.id_type,
        id_type_label=IdType(identity.id_type).label,
        name_masked=identity.name_masked,
        number_masked=identity.number_masked,
        verified_at=identity.updated_at,
    )


def identity_has(distributor_id: int) -> bool:
    return DistributorIdentity.objects.filter(distributor_id=distributor_id).exists()


def _open(identity: DistributorIdentity) -> FullIdentity:
    return FullIdentity(
        id_type=identity.id_type,
        real_name=vault.unseal(identity.name_sealed),
        id_number=vault.unseal(identity.number_sealed),
    )


def identity_reveal(*, identity_id: int, actor: User, reason: str = "") -> FullIdentity:
    """The full name and number for an operator: refused (and the refusal logged) without the
    permission; logged with who, whose and why when allowed."""
    identity = DistributorIdentity.objects.select_related("distributor").filter(pk=identity_id).first()
    if identity is None:
        raise NotFound("IDENTITY_NOT_FOUND", "实名信息不存在")
    allowed = actor.is_active and actor.is_staff and actor.has_perm(REVEAL_PERMISSION)
    audit_record(
        actor_id=actor.id,
        action="distribution.identity_reveal" if allowed else "distribution.identity_reveal_refused",
        target_type="distribution.distributor",
        target_id=identity.distributor_id,
        summary=f"查看分销商 {identity.distributor.code} 实名信息全文"
        + ("" if allowed else "（无权限，已拒绝）")
        + (f"：{reason}" if reason else ""),
    )
    if not allowed:
        raise Forbidden("IDENTITY_REVEAL_FORBIDDEN", "您没有查看实名信息全文的权限")
    return _open(identity)


def identities_for_filing(distributor_ids: list[int]) -> dict[int, FullIdentity]:
    """Full identities for the tax filing (the export that uses them is audit-logged by its
    caller, once for the whole file)."""
    rows = DistributorIdentity.objects.filter(distributor_id__in=distributor_ids)
    return {row.distributor_id: _open(row) for row in rows}


def identity_real_name(distributor_id: int) -> str | None:
    identity = DistributorIdentity.objects.filter(distributor_id=distributor_id).first()
    return vault.unseal(identity.name_sealed) if identity else None


def identity_rotate_all() -> int:
    """Re-encrypt every identity under the newest key, in batches of short transactions; safe to
    run again (a row already under the newest key is rewritten the same way)."""
    done = 0
    last_id = 0
    while True:
        with transaction.atomic():
            rows = list(
                DistributorIdentity.objects.select_for_update().filter(pk__gt=last_id).order_by("pk")[:ROTATE_BATCH]
            )
            if not rows:
                return done
            for row in rows:
                number = vault.unseal(row.number_sealed)
                row.name_sealed = vault.reseal(row.name_sealed)
                row.number_sealed = vault.reseal(row.number_sealed)
                row.number_hash = vault.number_hash(number)
            DistributorIdentity.objects.bulk_update(rows, ["name_sealed", "number_sealed", "number_hash"])
            done += len(rows)
            last_id = rows[-1].pk
