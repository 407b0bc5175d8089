"""Two factors: a TOTP code from an authenticator app (RFC 6238, pyotp) after the password,
and one-time recovery codes for a lost phone.

Required for accounts with power (akims, moderators, staff, administrators) wherever
`TWO_FACTOR_REQUIRED` is on, which production forces; optional for residents. Off by default
in development, so the demo accounts sign in with their password alone (SPEC.md).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from typing import Any

import pyotp
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, func, select

from portal import audit
from portal.accounts.models import RecoveryCode, Role, User
from portal.extensions import db
from portal.modeling import utcnow

ISSUER = "Akim accountability portal"
POWERFUL_ROLES = frozenset({Role.AKIM, Role.MODERATOR, Role.STAFF, Role.ADMIN})
RECOVERY_CODES = 10
STEP_SECONDS = 30
# A code from the step before or after the current one is accepted (clocks drift).
DRIFT_STEPS = 1


class TwoFactorError(ValueError):
    """A code that does not do: the message is for the person typing it."""


def required_for(user: User) -> bool:
    """Whether this account must use two factors to sign in here."""
    return bool(current_app.config.get("TWO_FACTOR_REQUIRED")) and bool(
        user.roles & POWERFUL_ROLES)


def is_enabled(user: User) -> bool:
    return user.totp_enabled_at is not None and user.totp_secret is not None


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user: User, secret: str) -> str:
    """The otpauth:// address an authenticator app reads (typed, or from a QR code)."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def _digits(code: str) -> str:
    return "".join(character for character in code if not character.isspace() and
                   character != "-")


def _matching_step(secret: str, code: str, now: float | None = None) -> int | None:
    """The time step whose code this is (within the allowed drift), or None."""
    typed = _digits(code)
    if not (len(typed) == 6 and typed.isascii() and typed.isdigit()):
        return None
    totp = pyotp.TOTP(secret)
    current = int((now if now is not None else time.time()) // STEP_SECONDS)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.at(step * STEP_SECONDS), typed):
            return step
    return None


def enable(user: User, secret: str, code: str) -> list[str]:
    """Turn two factors on with the secret shown and a first code from the app; returns the
    recovery codes, shown once."""
    step = _matching_step(secret, code)
    if step is None:
        raise TwoFactorError(_("This code does not match. Check the time on your phone and "
                               "type the six digits the app shows now."))
    user.totp_secret = secret
    user.totp_enabled_at = utcnow()
    user.totp_last_step = step
    codes = _new_recovery_codes(user)
    audit.record(user, "account.two_factor_enable", user)
    return codes


def disable(user: User, actor: User) -> None:
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    _drop_recovery_codes(user)
    audit.record(actor, "account.two_factor_disable", user)


def check(user: User, code: str) -> bool:
    """A code from the app, never one used before; or an unused recovery code (used up)."""
    if not is_enabled(user):
        return False
    assert user.totp_secret is not None  # noqa: S101 - is_enabled
    step = _matching_step(user.totp_secret, code)
    if step is not None:
        if user.totp_last_step is not None and step <= user.totp_last_step:
            return False  # replayed, or older than one already used
        user.totp_last_step = step
        return True
    return _use_recovery_code(user, code)


def _hash(code: str) -> str:
    return hashlib.sha256(_digits(code).lower().encode()).hexdigest()


def _drop_recovery_codes(user: User) -> None:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


def _new_recovery_codes(user: User) -> list[str]:
    _drop_recovery_codes(user)
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _ in range(RECOVERY_CODES)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_hash(code)) for code in codes)
    db.session.flush()
    return codes


def renew_recovery_codes(user: User) -> list[str]:
    codes = _new_recovery_codes(user)
    audit.record(user, "account.recovery_codes_renew", user)
    return codes


def _use_recovery_code(user: User, code: str) -> bool:
    row = db.session.scalar(select(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _hash(code),
        RecoveryCode.used_at.is_(None)))
    if row is None:
        return False
    row.used_at = utcnow()
    audit.record(user, "account.recovery_code_use", user)
    return True


def recovery_codes_left(user: User) -> int:
    return db.session.scalar(select(func.count()).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))) or 0


def pending(user: User, next_url: str | None) -> dict[str, Any]:
    """What the session keeps between the password and the code (never the password)."""
    return {"id": secrets.token_urlsafe(12), "user_id": user.id,
            "version": user.session_version, "at": int(time.time()), "next": next_url}
