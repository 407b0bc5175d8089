"""Password hashing with argon2id; parameters come from configuration."""

from __future__ import annotations

import contextlib

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import current_app

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
