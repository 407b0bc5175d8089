"""The Kazakh individual identification number (IIN): validation and keyed hashing."""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from datetime import date

from flask_babel import lazy_gettext as _l

from portal import clock

FIRST_WEIGHTS = tuple(range(1, 12))
SECOND_WEIGHTS = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)
CENTURY_DIGITS = "123456"
ADULT_AGE = 18
MAX_AGE_YEARS = 120


class InvalidIIN(ValueError):
    """The text is not an IIN that could have been issued; the message says why."""


def check_digit(first_eleven: str) -> int | None:
    """The control digit for eleven digits, or None when no IIN can carry them."""
    digits = [int(char) for char in first_eleven]
    remainder = sum(d * w for d, w in zip(digits, FIRST_WEIGHTS, strict=True)) % 11
    if remainder == 10:
        remainder = sum(d * w for d, w in zip(digits, SECOND_WEIGHTS, strict=True)) % 11
    return None if remainder == 10 else remainder


# People group the digits with spaces or dashes ("850315 401231", "8503-1540-1231").
_SEPARATORS = re.compile(r"[\s\-]+")
ASCII_DIGITS = frozenset("0123456789")


def normalise(raw: str) -> str:
    """NFKC (full-width "８" becomes "8"), then strip the spaces and dashes between groups.

    Only ASCII digits count afterwards: str.isdigit() and int() also accept Arabic-Indic
    digits and superscripts, which let one IIN register twice under two spellings.
    """
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", raw))


def validate(raw: str, today: date | None = None) -> str:
    """Return the normalised IIN or raise InvalidIIN with a message for the person typing it.

    The one validator for every place an IIN is typed (registration, the administrators'
    look-up, residents' registers), so one person has one spelling and one keyed hash.
    """
    iin = normalise(raw)
    if not iin or not set(iin) <= ASCII_DIGITS:
        raise InvalidIIN(_l("An IIN has the digits 0 to 9 only."))
    if len(iin) != 12:
        raise InvalidIIN(_l("An IIN has exactly 12 digits."))
    if birth_date(iin, today) is None:
        raise InvalidIIN(_l("The first seven digits of this IIN are not a valid birth date."))
    expected = check_digit(iin[:11])
    if expected is None:
        raise InvalidIIN(_l("This number is never issued as an IIN. Please check it."))
    if expected != int(iin[11]):
        raise InvalidIIN(_l("The check digit of this IIN is wrong. Please check the number."))
    return iin


def is_valid(raw: str, today: date | None = None) -> bool:
    try:
        validate(raw, today)
    except InvalidIIN:
        return False
    return True


def birth_date(iin: str, today: date | None = None) -> date | None:
    """The birth date of twelve ASCII digits, or None when no person could carry it.

    DOMAIN.md: YYMMDD, then the century (and sex) digit: 1/2 the 1800s, 3/4 the 1900s, 5/6
    the 2000s. Refused (a rule of ours): a day the calendar lacks (31 February), a day after
    today in Almaty, and a century digit that makes the person older than MAX_AGE_YEARS.
    """
    born = _calendar_date(iin)
    today = today or clock.today()
    if born is None or born > today or born.year < today.year - MAX_AGE_YEARS:
        return None
    return born


def _calendar_date(iin: str) -> date | None:
    if iin[6] not in CENTURY_DIGITS:
        return None
    century = 1800 + 100 * ((int(iin[6]) - 1) // 2)
    try:
        return date(century + int(iin[0:2]), int(iin[2:4]), int(iin[4:6]))
    except ValueError:
        return None


def adult_from(iin: str, registered_on: date) -> date:
    """What the portal keeps of a validated IIN besides its keyed hash: the first day the
    holder counts as an adult. For someone already adult, the registration day, which says
    nothing of their age; for a minor, the eighteenth birthday (and so the birth date, which
    is needed until then)."""
    return max(adult_on(iin), registered_on)


def adult_on(iin: str) -> date:
    """The day the holder of a valid IIN comes of age (Civil Code of the Republic of
    Kazakhstan, art. 17: full capacity at eighteen); born on 29 February, on 1 March."""
    born = _calendar_date(iin)
    assert born is not None  # noqa: S101 - only called on a validated IIN
    try:
        return born.replace(year=born.year + ADULT_AGE)
    except ValueError:
        return date(born.year + ADULT_AGE, 3, 1)


def keyed_hash(iin: str, key: str) -> str:
    """HMAC-SHA256 of the normalised IIN: matchable, not reversible without the key."""
    return hmac.new(key.encode(), normalise(iin).encode(), hashlib.sha256).hexdigest()


def with_check_digit(first_eleven: str) -> str | None:
    """Complete eleven digits into an IIN (used by the synthetic seed)."""
    digit = check_digit(first_eleven)
    return None if digit is None else first_eleven + str(digit)
