"""The Kazakh individual identification number (IIN): validation and keyed hashing."""

from __future__ import annotations

import hashlib
import hmac

from flask_babel import lazy_gettext as _l

FIRST_WEIGHTS = tuple(range(1, 12))
SECOND_WEIGHTS = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)
CENTURY_DIGITS = "123456"


class InvalidIIN(ValueError):
    """The text is not an IIN that could have been issued; the message says why."""


def check_digit(first_eleven: str) -> int | None:
    """The control digit for eleven digits, or None when no IIN can carry them."""
    digits = [int(char) for char in first_eleven]
    remainder = sum(d * w for d, w in zip(digits, FIRST_WEIGHTS, strict=True)) % 11
    if remainder == 10:
        remainder = sum(d * w for d, w in zip(digits, SECOND_WEIGHTS, strict=True)) % 11
    return None if remainder == 10 else remainder


def normalise(raw: str) -> str:
    """Strip the spaces people type between digit groups."""
    return "".join(raw.split())


def validate(raw: str) -> str:
    """Return the normalised IIN or raise InvalidIIN with a message for the person typing it."""
    iin = normalise(raw)
    if not iin.isdigit():
        raise InvalidIIN(_l("An IIN has digits only."))
    if len(iin) != 12:
        raise InvalidIIN(_l("An IIN has exactly 12 digits."))
    if iin[6] not in CENTURY_DIGITS or not _plausible_birth_date(iin):
        raise InvalidIIN(_l("The first seven digits of this IIN are not a valid birth date."))
    expected = check_digit(iin[:11])
    if expected is None:
        raise InvalidIIN(_l("This number is never issued as an IIN. Please check it."))
    if expected != int(iin[11]):
        raise InvalidIIN(_l("The check digit of this IIN is wrong. Please check the number."))
    return iin


def is_valid(raw: str) -> bool:
    try:
        validate(raw)
    except InvalidIIN:
        return False
    return True


def _plausible_birth_date(iin: str) -> bool:
    month, day = int(iin[2:4]), int(iin[4:6])
    return 1 <= month <= 12 and 1 <= day <= 31


def keyed_hash(iin: str, key: str) -> str:
    """HMAC-SHA256 of the normalised IIN: matchable, not reversible without the key."""
    return hmac.new(key.encode(), normalise(iin).encode(), hashlib.sha256).hexdigest()


def with_check_digit(first_eleven: str) -> str | None:
    """Complete eleven digits into an IIN (used by the synthetic seed)."""
    digit = check_digit(first_eleven)
    return None if digit is None else first_eleven + str(digit)
