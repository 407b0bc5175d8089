"""IIN validation: the check digit of DOMAIN.md, and messages a person can act on."""

from __future__ import annotations

import pytest

from portal.accounts import iin

NEVER_ISSUED = "900215300850"  # both check-digit passes give 10: no IIN has these digits


@pytest.mark.parametrize("number", ["791028302728", "061211600012", "7910 2830 2728"])
def test_known_valid_numbers(number: str) -> None:
    assert iin.validate(number) == number.replace(" ", "")


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("791028302729", "check digit of this IIN is wrong"),
        ("79102830272", "exactly 12 digits"),
        ("7910283027281", "exactly 12 digits"),
        ("79102830272a", "digits only"),
        ("IIN791028302", "digits only"),
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
        first_eleven = f"8501013{serial:04d}"
        digits = [int(c) for c in first_eleven]
        if sum(d * w for d, w in zip(digits, iin.FIRST_WEIGHTS, strict=True)) % 11 != 10:
            continue
        completed = iin.with_check_digit(first_eleven)
        if completed is not None:
            assert iin.is_valid(completed)
            return
    pytest.fail("no eleven digits exercise the second pass")


def test_keyed_hash_depends_on_the_key_and_hides_the_number() -> None:
    one = iin.keyed_hash("791028302728", "key-one")
    assert one == iin.keyed_hash("7910 2830 2728", "key-one")
    assert one != iin.keyed_hash("791028302728", "key-two")
    assert "791028302728" not in one and len(one) == 64
