"""PostgreSQL guards for the book, beside the Python ones: nothing commits an unbalanced or empty
transaction, and nothing edits or deletes a transaction or a leg (TRUNCATE stays possible: the
test suite flushes with it). SQLite gets none of this (Django's flush there uses DELETE), and
``ledger_check`` is what watches it.

The balance check is a deferred constraint trigger per leg, so the legs of one transaction may
arrive in several statements. Summing a 20,000-leg transaction once per leg would be quadratic,
so the first leg of a transaction to be checked at commit remembers it (a transaction-local
setting) and that transaction's other legs skip the sum; any later INSERT into the legs forgets
it, so ``SET CONSTRAINTS ... IMMEDIATE`` followed by more legs is still checked at commit.

Accounts are stored half-full (fillfactor 50): a settlement moves the cached balance of thousands
of accounts in one UPDATE, and free room in each page lets PostgreSQL write the new row versions
as heap-only tuples, without touching the indexes (measured: about 5x less WAL and time)."""

from django.db import migrations

FORWARD = """
CREATE FUNCTION ledger_leg_check_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    total numeric;
BEGIN
    IF current_setting('fenxiao.ledger_balanced_transaction', true) = NEW.transaction_id::text THEN
        RETURN NULL;
    END IF;
    SELECT COALESCE(SUM(amount_fen), 0) INTO total FROM ledger_leg WHERE transaction_id = NEW.transaction_id;
    IF total <> 0 THEN
        RAISE EXCEPTION 'ledger transaction % is unbalanced: its legs sum to % fen', NEW.transaction_id, total
            USING ERRCODE = 'check_violation';
    END IF;
    PERFORM set_config('fenxiao.ledger_balanced_transaction', NEW.transaction_id::text, true);
    RETURN NULL;
END
$$;

CREATE FUNCTION ledger_leg_forget_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM set_config('fenxiao.ledger_balanced_transaction', '', true);
    RETURN NULL;
END
$$;

CREATE FUNCTION ledger_transaction_check_legs() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM ledger_leg WHERE transaction_id = NEW.id) THEN
        RAISE EXCEPTION 'ledger transaction % (%) has no legs', NEW.id, NEW.reference
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END
$$;

CREATE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused (post a reversal instead)', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'restrict_violation';
END
$$;

CREATE CONSTRAINT TRIGGER ledger_leg_balanced
    AFTER INSERT ON ledger_leg DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION ledger_leg_check_balanced();

CREATE TRIGGER ledger_leg_inserted
    AFTER INSERT ON ledger_leg
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_leg_forget_balanced();

CREATE CONSTRAINT TRIGGER ledger_transaction_has_legs
    AFTER INSERT ON ledger_ledgertransaction DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION ledger_transaction_check_legs();

CREATE TRIGGER ledger_leg_append_only
    BEFORE UPDATE OR DELETE ON ledger_leg
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();

CREATE TRIGGER ledger_transaction_append_only
    BEFORE UPDATE OR DELETE ON ledger_ledgertransaction
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();

ALTER TABLE ledger_account SET (fillfactor = 50);
"""

BACKWARD = """
ALTER TABLE ledger_account RESET (fillfactor);
DROP TRIGGER ledger_transaction_append_only ON ledger_ledgertransaction;
DROP TRIGGER ledger_leg_append_only ON ledger_leg;
DROP TRIGGER ledger_transaction_has_legs ON ledger_ledgertransaction;
DROP TRIGGER ledger_leg_inserted ON ledger_leg;
DROP TRIGGER ledger_leg_balanced ON ledger_leg;
DROP FUNCTION ledger_refuse_change();
DROP FUNCTION ledger_transaction_check_legs();
DROP FUNCTION ledger_leg_forget_balanced();
DROP FUNCTION ledger_leg_check_balanced();
"""


def _run(schema_editor, sql: str) -> None:
    # A cursor without parameters: the PL/pgSQL uses % placeholders of its own.
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(sql)


def forward(apps, schema_editor):
    _run(schema_editor, FORWARD)


def backward(apps, schema_editor):
    _run(schema_editor, BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
