"""Statement-sized slices: every ``IN (...)`` list stays under SQLite's variable limit."""

from __future__ import annotations

from fenxiao.core.limits import SQL_VARIABLES_PER_STATEMENT, chunks, is_row_id_text


def test_chunks_cover_every_item_once_in_order_and_never_exceed_the_limit():
    items = list(range(2 * SQL_VARIABLES_PER_STATEMENT + 1))
    pieces = list(chunks(items))
    assert [len(p) for p in pieces] == [SQL_VARIABLES_PER_STATEMENT, SQL_VARIABLES_PER_STATEMENT, 1]
    assert [x for p in pieces for x in p] == items
    assert SQL_VARIABLES_PER_STATEMENT < 999


def test_chunks_of_nothing_is_no_statement_and_a_smaller_size_is_honoured():
    assert list(chunks([])) == []
    assert list(chunks("abcde", 2)) == ["ab", "cd", "e"]


def test_row_id_text_is_ascii_digits_a_bigint_holds():
    assert is_row_id_text("9223372036854775807")
    assert not is_row_id_text("9223372036854775808")
    assert not is_row_id_text("١٢")  # Arabic-Indic digits are digits, not ASCII
    assert not is_row_id_text("1" * 5000)
