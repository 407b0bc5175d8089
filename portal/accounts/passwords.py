"""Password hashing with argon2id (parameters from configuration) and the password policy."""

from __future__ import annotations

import contextlib

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import current_app
from flask_babel import lazy_gettext as _l

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 512

# Long passwords that still top every leaked-password list; a length rule alone lets them in.
COMMON_PASSWORDS = frozenset({
    "1234567890", "12345678910", "123456789a", "1234567890a", "0987654321", "1q2w3e4r5t",
    "1qaz2wsx3edc", "qwertyuiop", "qwerty1234", "qwerty12345", "qwertyuiop123", "password1",
    "password12", "password123", "password1234", "passw0rd123", "iloveyou12", "asdfghjkl1",
    "abcdefghij", "abcd123456", "aaaaaaaaaa", "1111111111", "0000000000", "zaq12wsxcde",
    "йцукенгшщз", "qazwsxedcrfv", "kazakhstan", "kazakhstan1", "astana2024", "almaty2024",
    "parol12345", "parolparol", "administrator", "demo-pass-2026",
})


def password_problem(password: str, email: str | None = None) -> str | None:
    """Why a new password is not acceptable, or None. Length first, then easy guesses."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return str(_l("Use at least %(min)d characters.", min=MIN_PASSWORD_LENGTH))
    if len(password) > MAX_PASSWORD_LENGTH:
        return str(_l("Use at most %(max)d characters.", max=MAX_PASSWORD_LENGTH))
    lowered = password.lower()
    if lowered in COMMON_PASSWORDS or len(set(lowered)) <= 2:
        return str(_l("This password is too easy to guess. Try a few unrelated words."))
    if email:
        local = email.strip().lower().split("@")[0]
        if lowered == email.strip().lower() or (len(local) >= 4 and local in lowered):
            return str(_l("Do not use your email address in your password."))
    return None


# A real hash of a random password, verified against when no account matches, so that a
# missing account costs the same time as a wrong password (no enumeration by timing).
_DUMMY_PASSWORD = "timing-equaliser-not-a-real-password"  # noqa: S105


def _hasher() -> PasswordHasher:
    params = current_app.config["PASSWORD_HASH_PARAMS"]
    return PasswordHasher(**params)


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    hasher = _hasher()
    if not stored_hash:
        _burn_time(hasher, password)
        return False
    try:
        return hasher.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return _hasher().check_needs_rehash(stored_hash)


def _burn_time(hasher: PasswordHasher, password: str) -> None:
    dummy = current_app.extensions.setdefault("portal_dummy_hash", hasher.hash(_DUMMY_PASSWORD))
    with contextlib.suppress(VerifyMismatchError, VerificationError, InvalidHashError):
        hasher.verify(dummy, password)
