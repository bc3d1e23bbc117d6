"""The 18-digit resident ID number of GB 11643-1999, checked without a database: six digits of
region (the first two a province-level code), eight of birth date, three of sequence and a check
character (ISO 7064 MOD 11-2, ``X`` standing for 10). A pure function so that every rule has its
own table of cases (tests/unit/test_identity_rules.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
SHAPE = re.compile(r"[0-9]{17}[0-9X]")
# Province-level codes of GB/T 2260, plus 81/82/83 used by the residence permits of Hong Kong,
# Macao and Taiwan residents (same 18-digit format and checksum).
PROVINCES = frozenset(
    {
        "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
        "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
        "65", "71", "81", "82", "83",
    }
)  # fmt: skip
EARLIEST_BIRTH = date(1900, 1, 1)


@dataclass(frozen=True)
class IdProblem:
    code: str
    message: str


LENGTH = IdProblem("IDENTITY_NUMBER_FORMAT", "身份证号应为 18 位，前 17 位为数字，最后一位为数字或 X")
REGION = IdProblem("IDENTITY_NUMBER_REGION", "身份证号的地区码无效")
BIRTH = IdProblem("IDENTITY_NUMBER_BIRTH_DATE", "身份证号中的出生日期无效")
CHECKSUM = IdProblem("IDENTITY_NUMBER_CHECKSUM", "身份证号校验位不正确，请核对")


def normalise_id_number(raw: str) -> str:
    """What people type: spaces dropped, a lower-case ``x`` is the check character ``X``."""
    return "".join(raw.split()).upper()


def check_char(first17: str) -> str:
    total = sum(int(digit) * weight for digit, weight in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


def birth_date(number: str) -> date | None:
    try:
        return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def resident_id_problem(number: str, *, today: date) -> IdProblem | None:
    """None when ``number`` (already normalised) is a well-formed resident ID number; otherwise
    the first rule it breaks, in the order a person would fix them."""
    if not SHAPE.fullmatch(number):
        return LENGTH
    if number[:2] not in PROVINCES:
        return REGION
    born = birth_date(number)
    if born is None or not EARLIEST_BIRTH <= born <= today:
        return BIRTH
    if check_char(number[:17]) != number[17]:
        return CHECKSUM
    return None


def mask_id_number(number: str) -> str:
    """``110101199003071234 -> 1101**********1234``: the region and the last four, enough to tell
    two people apart in a list, not enough to use the number."""
    if len(number) <= 8:
        return "*" * len(number)
    return f"{number[:4]}{'*' * (len(number) - 8)}{number[-4:]}"
