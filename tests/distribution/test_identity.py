"""Real name before money leaves (issue 19 §3), through the services: the identity is sealed at
rest and opens again, one number cannot serve two accounts, keys rotate, every full read is
audit-logged, and withdrawals past the threshold wait for it; the large payout's transfer carries
the verified name to WeChat (the sandbox decrypts it as WeChat would)."""

from __future__ import annotations

import hashlib
import itertools

import pytest
from cryptography.fernet import Fernet
from django.contrib.auth.models import Permission
from django.core.management import call_command

from fenxiao.core.errors import DomainError
from fenxiao.distribution import ledger_accounts
from fenxiao.distribution.config.settings import settings_update
from fenxiao.distribution.identity import vault
from fenxiao.distribution.identity.services import identity_reveal, identity_submit
from fenxiao.distribution.models import DistributorIdentity, Withdrawal, WithdrawalStatus
from fenxiao.distribution.withdrawals.requests import withdrawal_request
from fenxiao.distribution.withdrawals.review import withdrawal_approve, withdrawal_reject
from fenxiao.integrations.wechat.transfer.factory import reset_transfer_gateway, transfer_gateway
from fenxiao.ledger.services import ledger_post
from fenxiao.risk.models import AuditEntry
from tests.distribution.support import make_distributor
from tests.factories import StaffUserFactory

pytestmark = pytest.mark.django_db
ID_NUMBER = "11010519491231002X"
OTHER_NUMBER = "110101199003071233"
_seq = itertools.count()


@pytest.fixture(autouse=True)
def _fresh_transfer_gateway(sandbox_dir):
    reset_transfer_gateway()
    yield
    reset_transfer_gateway()


def fund(distributor, fen: int) -> None:
    ledger_post(
        kind="test_seed",
        reference=f"test:identity-fund:{distributor.id}:{next(_seq)}",
        legs=[(ledger_accounts.available(distributor.id), fen), (ledger_accounts.COMMISSION_EXPENSE, -fen)],
    )


@pytest.fixture
def dist(db):
    d = make_distributor("wang", real_name="王五")
    fund(d, 2_000_000)
    return d


@pytest.fixture
def staff(db):
    return StaffUserFactory()


def test_identity_is_sealed_at_rest_and_opens_for_a_permitted_operator(dist, staff):
    identity = identity_submit(user_id=dist.user_id, real_name=" 张三丰 ", id_number="11010519491231002x")

    row = DistributorIdentity.objects.get(pk=identity.pk)
    assert "张三丰" not in row.name_sealed and ID_NUMBER not in row.number_sealed
    assert (row.name_masked, row.number_masked) == ("张**", "1101**********002X")
    assert row.number_hash == vault.number_hash(ID_NUMBER) and ID_NUMBER not in row.number_hash

    staff.user_permissions.add(Permission.objects.get(codename="reveal_identity"))
    staff = type(staff).objects.get(pk=staff.pk)  # permissions are cached per instance
    full = identity_reveal(identity_id=row.pk, actor=staff, reason="税务报送核对")

    assert (full.real_name, full.id_number) == ("张三丰", ID_NUMBER)
    entry = AuditEntry.objects.get(action="distribution.identity_reveal")
    assert entry.actor_id == staff.id and entry.target_id == str(dist.id) and "税务报送核对" in entry.summary
    submitted = AuditEntry.objects.get(action="distribution.identity_submit")
    assert ID_NUMBER not in str(submitted.changes) and "1101**********002X" in str(submitted.changes)


def test_an_operator_without_the_permission_is_refused_and_the_attempt_logged(dist, staff):
    identity = identity_submit(user_id=dist.user_id, real_name="张三", id_number=ID_NUMBER)

    with pytest.raises(DomainError) as refused:
        identity_reveal(identity_id=identity.pk, actor=staff)

    assert refused.value.code == "IDENTITY_REVEAL_FORBIDDEN"
    assert AuditEntry.objects.filter(action="distribution.identity_reveal_refused", actor_id=staff.id).exists()


@pytest.mark.parametrize(
    ("name", "number", "code"),
    [
        ("张", ID_NUMBER, "IDENTITY_NAME_INVALID"),
        ("张三", "110105194912310021", "IDENTITY_NUMBER_CHECKSUM"),
        ("张三", "12345", "IDENTITY_NUMBER_FORMAT"),
    ],
)
def test_bad_identities_are_refused_with_the_rule(dist, name, number, code):
    with pytest.raises(DomainError) as refused:
        identity_submit(user_id=dist.user_id, real_name=name, id_number=number)
    assert refused.value.code == code
    assert not DistributorIdentity.objects.exists()


def test_one_id_number_cannot_serve_two_distributors_but_its_owner_may_correct_it(dist):
    other = make_distributor("li", real_name="李四")
    identity_submit(user_id=dist.user_id, real_name="张三", id_number=ID_NUMBER)

    with pytest.raises(DomainError) as refused:
        identity_submit(user_id=other.user_id, real_name="李四", id_number=ID_NUMBER)
    assert refused.value.code == "IDENTITY_NUMBER_TAKEN"

    identity_submit(user_id=dist.user_id, real_name="张三", id_number=OTHER_NUMBER)
    assert DistributorIdentity.objects.get().number_masked == "1101**********1233"


def test_rotation_reencrypts_every_row_under_the_newest_key(dist, settings):
    old_key = settings.IDENTITY_KEYS[0]
    identity_submit(user_id=dist.user_id, real_name="张三", id_number=ID_NUMBER)
    new_key = Fernet.generate_key().decode()
    settings.IDENTITY_KEYS = [new_key, old_key]
    # with the new key in front the old rows still open, and the old hash still finds duplicates
    other = make_distributor("li", real_name="李四")
    with pytest.raises(DomainError):
        identity_submit(user_id=other.user_id, real_name="李四", id_number=ID_NUMBER)

    call_command("identity_rotate_keys")

    settings.IDENTITY_KEYS = [new_key]  # the old key is gone: the rows must open without it
    row = DistributorIdentity.objects.get()
    assert vault.unseal(row.name_sealed) == "张三" and vault.unseal(row.number_sealed) == ID_NUMBER
    assert row.number_hash == vault.number_hash(ID_NUMBER)
    assert AuditEntry.objects.filter(action="distribution.identity_rotate_keys").exists()


def test_a_row_no_key_opens_is_an_error_not_garbage(dist, settings):
    identity_submit(user_id=dist.user_id, real_name="张三", id_number=ID_NUMBER)
    settings.IDENTITY_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(vault.VaultError):
        vault.unseal(DistributorIdentity.objects.get().name_sealed)


def ask(dist, amount_fen):
    return withdrawal_request(user_id=dist.user_id, amount_fen=amount_fen, method="bank", bank=BANK)


BANK = {"bank_name": "招商银行", "bank_account_name": "王五", "bank_account_no": "6225880212345678"}


def test_withdrawals_past_the_threshold_wait_for_real_name(dist, staff):
    changes = {"identity_required_over_fen": 300_000, "withdraw_daily_limit_fen": 10**7}
    settings_update(actor_id=staff.id, changes=changes)
    first = ask(dist, 200_000)  # in flight, counted
    rejected = ask(dist, 100_000)
    withdrawal_reject(withdrawal_id=rejected.id, actor_id=staff.id, reason="测试")  # given back: not counted

    with pytest.raises(DomainError) as refused:
        ask(dist, 100_001)
    assert refused.value.code == "WITHDRAW_IDENTITY_REQUIRED" and refused.value.status == 409
    assert "3000.00" in refused.value.message
    assert Withdrawal.objects.count() == 2  # nothing written, no money moved

    ask(dist, 100_000)  # exactly at the threshold
    identity_submit(user_id=dist.user_id, real_name="王五", id_number=ID_NUMBER)
    assert ask(dist, 500_000).status == WithdrawalStatus.REVIEWING
    assert first.amount_fen == 200_000


def test_a_large_wechat_payout_sends_the_verified_name(commit, dist, staff):
    settings_update(actor_id=staff.id, changes={"identity_required_over_fen": 0, "withdraw_daily_limit_fen": 10**7})
    identity_submit(user_id=dist.user_id, real_name="张三丰", id_number=ID_NUMBER)
    withdrawal = withdrawal_request(user_id=dist.user_id, amount_fen=300_000, method="wechat")

    with commit():
        withdrawal_approve(withdrawal_id=withdrawal.id, actor_id=staff.id)

    withdrawal.refresh_from_db()
    assert withdrawal.status == WithdrawalStatus.PAYING and withdrawal.package_info
    bill = transfer_gateway().server.bill(withdrawal.out_bill_no)
    # the sandbox decrypted user_name with WeChat's key: the real name, not the application's 王五
    assert bill["name_digest"] == hashlib.sha256("张三丰".encode()).hexdigest()
