"""The pure rules behind real name and the tax report: GB 11643 resident ID numbers, their masks,
GB 32100 unified social credit codes and the quarters a report covers (local dates)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from fenxiao.core.masking import mask_name
from fenxiao.distribution.identity.gate import identity_needed
from fenxiao.distribution.identity.idcard import (
    BIRTH,
    CHECKSUM,
    LENGTH,
    REGION,
    check_char,
    mask_id_number,
    normalise_id_number,
    resident_id_problem,
)
from fenxiao.distribution.tax.quarters import parse_quarter, parse_year, previous_quarter, quarter_of
from fenxiao.distribution.tax.uscc import normalise_uscc, uscc_check_char, uscc_problem

TODAY = date(2026, 12, 7)


def with_check(first17: str) -> str:
    return first17 + check_char(first17)


@pytest.mark.parametrize(
    ("number", "problem"),
    [
        ("11010519491231002X", None),  # the standard's own example: check character X
        ("110101199003071233", None),
        (with_check("44030420000229001"), None),  # 29 February of a leap year
        (with_check("81000019800101001"), None),  # Hong Kong residents' permit
        ("11010519491231002", LENGTH),  # 17 characters
        ("1101051949123100200", LENGTH),  # 19
        ("11010519491231002Y", LENGTH),  # only X may stand for 10
        ("1101051949123100X2", LENGTH),  # X only last
        ("", LENGTH),
        ("１１０１０５１９４９１２３１００２X", LENGTH),  # full-width digits are not digits here
        (with_check("00010519491231002"), REGION),
        (with_check("99010519491231002"), REGION),
        (with_check("11010519490231002"), BIRTH),  # 31 February... 1949-02-31
        (with_check("11010520010229001"), BIRTH),  # 2001 is not a leap year
        (with_check("11010518991231001"), BIRTH),  # before 1900
        (with_check("11010520270101001"), BIRTH),  # born after today
        (with_check("11010519901301001"), BIRTH),  # month 13
        ("110105194912310021", CHECKSUM),
        ("110101199003071234", CHECKSUM),
    ],
)
def test_resident_id_number_rules(number, problem):
    assert resident_id_problem(number, today=TODAY) == problem


def test_each_check_character_follows_iso_7064():
    # the seventeen digits of the standard's example: sum of weighted digits mod 11 = 2 → X
    assert check_char("11010519491231002") == "X"
    assert check_char("11010119900307123") == "3"


@pytest.mark.parametrize(
    ("raw", "clean"), [(" 1101 0519 4912 3100 2x ", "11010519491231002X"), ("110101199003071233", "110101199003071233")]
)
def test_what_people_type_is_normalised(raw, clean):
    assert normalise_id_number(raw) == clean


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("110101199003071234", "1101**********1234"),
        ("11010519491231002X", "1101**********002X"),
        ("12345678", "********"),
        ("", ""),
    ],
)
def test_id_numbers_are_masked_to_region_and_last_four(number, masked):
    assert mask_id_number(number) == masked


@pytest.mark.parametrize(("name", "masked"), [("张三", "张*"), ("张三丰", "张**"), ("欧阳娜娜", "欧***")])
def test_names_are_masked_to_the_family_name(name, masked):
    assert mask_name(name) == masked


@pytest.mark.parametrize(
    ("withdrawn", "amount", "threshold", "needed"),
    [
        (0, 500_000, 500_000, False),  # reaching the threshold exactly is still allowed
        (0, 500_001, 500_000, True),
        (499_999, 2, 500_000, True),
        (400_000, 100_000, 500_000, False),
        (0, 1, 0, True),  # 0: every withdrawal needs real name
    ],
)
def test_real_name_is_needed_once_cumulative_withdrawals_pass_the_threshold(withdrawn, amount, threshold, needed):
    assert identity_needed(withdrawn_fen=withdrawn, amount_fen=amount, threshold_fen=threshold) is needed


@pytest.mark.parametrize(
    ("code", "ok"),
    [
        ("91110000802100433B", True),
        ("91440300708461136T", True),
        ("91350100M000100Y43", True),
        ("91110000802100433C", False),  # check character
        ("9111000080210043B", False),  # 17 characters
        ("91110000802100433BB", False),
        ("9111000080210O433B", False),  # O is not in the alphabet
        ("91110000802I00433B", False),
    ],
)
def test_unified_social_credit_code_rules(code, ok):
    assert (uscc_problem(code) is None) is ok


def test_uscc_check_character_may_be_zero_and_input_is_normalised():
    assert uscc_check_char("91110000802100433") == "B"
    assert normalise_uscc(" 9111 0000 8021 0043 3b ") == "91110000802100433B"


@pytest.mark.parametrize(
    ("raw", "first", "after"),
    [
        ("2026Q4", date(2026, 10, 1), date(2027, 1, 1)),
        ("2026q1", date(2026, 1, 1), date(2026, 4, 1)),
        ("2027Q2", date(2027, 4, 1), date(2027, 7, 1)),
        (" 2026Q3 ", date(2026, 7, 1), date(2026, 10, 1)),
    ],
)
def test_quarters_parse_to_local_dates(raw, first, after):
    period = parse_quarter(raw)
    assert (period.first, period.after) == (first, after)


@pytest.mark.parametrize("raw", ["2026Q5", "2026Q0", "2026-Q4", "26Q4", "Q4", "", "2026", "1999Q4", "２０２６Q4"])
def test_bad_quarters_are_refused(raw):
    assert parse_quarter(raw) is None


def test_a_quarter_starts_at_local_midnight_in_the_shop_zone(settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    q2 = parse_quarter("2026Q2")
    # 1 April 00:00 in Beijing is 31 March 16:00 UTC
    assert q2.start == datetime(2026, 3, 31, 16, 0, tzinfo=UTC)
    assert q2.end == datetime(2026, 6, 30, 16, 0, tzinfo=UTC)


@pytest.mark.parametrize(("raw", "ok"), [("2026", True), ("1999", False), ("20x6", False), ("", False)])
def test_years(raw, ok):
    assert (parse_year(raw) is not None) is ok


def test_the_quarter_to_file_is_the_one_before_today():
    assert quarter_of(date(2027, 1, 15)).label == "2027Q1"
    assert previous_quarter(date(2027, 1, 15)).label == "2026Q4"
    assert previous_quarter(date(2026, 5, 31)).label == "2026Q1"
