"""IIN validation: the check digit of DOMAIN.md, and messages a person can act on."""

from __future__ import annotations

from datetime import date

import pytest

from portal.accounts import iin

NEVER_ISSUED = "900215300850"  # both check-digit passes give 10: no IIN has these digits


@pytest.mark.parametrize("number", ["791028302728", "061211600012", "7910 2830 2728"])
def test_known_valid_numbers(number: str) -> None:
    assert iin.validate(number) == number.replace(" ", "")


FULL_WIDTH = "".join(chr(0xFF10 + int(d)) for d in "791028302728")
DEVANAGARI = "".join(chr(0x0966 + int(d)) for d in "791028302728")


def _completed(first_seven: str) -> str:
    return next(n for s in range(100) if (n := iin.with_check_digit(f"{first_seven}{s:04d}")))


@pytest.mark.parametrize("typed", [FULL_WIDTH, "791028-302728", "7910\u00a02830\u20092728"])
def test_other_spellings_normalise_to_one_number(typed: str) -> None:
    """Full-width digits (NFKC), dashes and other spaces: the same IIN, the same hash."""
    assert iin.validate(typed) == "791028302728"
    assert iin.keyed_hash(typed, "k") == iin.keyed_hash("791028302728", "k")


@pytest.mark.parametrize(
    ("number", "today"),
    [
        ("990231300123", date(2026, 1, 1)),  # 31 February
        ("010229500123", date(2026, 1, 1)),  # 29 February 2001 (not a leap year)
        ("261208500123", date(2026, 12, 7)),  # born tomorrow
        ("850315100123", date(2026, 1, 1)),  # century digit 1: born 1885, older than anyone
        ("850315500123", date(2026, 1, 1)),  # century digit 5: born 2085
    ],
)
def test_impossible_birth_dates_are_refused(number: str, today: date) -> None:
    candidate = iin.with_check_digit(number[:11])
    assert candidate is not None
    with pytest.raises(iin.InvalidIIN) as error:
        iin.validate(candidate, today=today)
    assert "not a valid birth date" in str(error.value)


def test_born_today_and_leap_days_are_accepted() -> None:
    today = date(2026, 12, 7)
    for first_seven in ("2612075", "0002295", "8402293"):
        number = _completed(first_seven)
        assert iin.validate(number, today=today) == number


@pytest.mark.parametrize(
    ("first_seven", "adult"),
    [("0812075", date(2026, 12, 7)), ("0802295", date(2026, 3, 1)), ("8503153", date(2003, 3, 15))],
)
def test_adult_on_is_the_eighteenth_birthday(first_seven: str, adult: date) -> None:
    number = _completed(first_seven)
    assert iin.adult_on(number) == adult


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("791028302729", "check digit of this IIN is wrong"),
        ("79102830272", "exactly 12 digits"),
        ("7910283027281", "exactly 12 digits"),
        ("79102830272a", "digits 0 to 9 only"),
        ("IIN791028302", "digits 0 to 9 only"),
        ("79102830272\u0668", "digits 0 to 9 only"),  # Arabic-Indic eight: isdigit() says yes
        (DEVANAGARI, "digits 0 to 9 only"),
        ("", "digits 0 to 9 only"),
        (NEVER_ISSUED, "never issued"),
        ("791328302728", "not a valid birth date"),
        ("791028902728", "not a valid birth date"),
    ],
)
def test_invalid_numbers_say_why(number: str, message: str) -> None:
    with pytest.raises(iin.InvalidIIN) as error:
        iin.validate(number)
    assert message in str(error.value)


def test_second_weights_rescue_a_first_pass_of_ten() -> None:
    # Find eleven digits whose first pass is 10 but second is not, and check completion.
    for serial in range(10_000):
        first_seven = f"8501013{serial:04d}"
        digits = [int(c) for c in first_seven]
        if sum(d * w for d, w in zip(digits, iin.FIRST_WEIGHTS, strict=True)) % 11 != 10:
            continue
        completed = iin.with_check_digit(first_seven)
        if completed is not None:
            assert iin.is_valid(completed)
            return
    pytest.fail("no eleven digits exercise the second pass")


def test_keyed_hash_depends_on_the_key_and_hides_the_number() -> None:
    one = iin.keyed_hash("791028302728", "key-one")
    assert one == iin.keyed_hash("7910 2830 2728", "key-one")
    assert one != iin.keyed_hash("791028302728", "key-two")
    assert "791028302728" not in one and len(one) == 64
