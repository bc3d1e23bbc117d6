"""``manage.py identity_rotate_keys``: after putting a new key first in ``FENXIAO_IDENTITY_KEYS``,
re-encrypt every stored real name and ID number with it; then the old key may be removed."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from fenxiao.distribution.identity.services import identity_rotate_all
from fenxiao.risk.audit import audit_record


class Command(BaseCommand):
    help = "用最新密钥重新加密全部分销商实名信息（轮换 FENXIAO_IDENTITY_KEYS 后运行）"

    def handle(self, *args, **options) -> None:
        count = identity_rotate_all()
        audit_record(
            actor_id=None,
            action="distribution.identity_rotate_keys",
            target_type="distribution.distributoridentity",
            summary=f"实名信息已用最新密钥重新加密 {count} 条",
        )
        self.stdout.write(f"re-encrypted {count} identities with the newest key")
