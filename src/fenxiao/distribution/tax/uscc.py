"""The unified social credit code (统一社会信用代码) of GB 32100-2015, checked without a database:
18 characters from a 31-character alphabet (digits and capitals without I, O, Z, S, V), the last
one a check character over the first 17 (weights 3^i mod 31). The operator's own code heads the
quarterly tax report (国务院令第810号), so a typo is refused when it is typed, not at the tax office."""

from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
LENGTH = 18


def uscc_check_char(first17: str) -> str:
    total = sum(ALPHABET.index(char) * weight for char, weight in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def normalise_uscc(raw: str) -> str:
    return "".join(raw.split()).upper()


def uscc_problem(code: str) -> str | None:
    """None when ``code`` (normalised) is a valid code; otherwise a Chinese message naming the rule."""
    if len(code) != LENGTH:
        return "统一社会信用代码应为 18 位"
    if any(char not in ALPHABET for char in code):
        return "统一社会信用代码只能包含数字和大写字母（不含 I、O、Z、S、V）"
    if uscc_check_char(code[:17]) != code[17]:
        return "统一社会信用代码校验位不正确，请核对"
    return None
