"""Emailed one-time tokens (confirm an address, reset a password) and keeping them out of logs.

A token is 32 random bytes shown once, in the email; the database keeps only its SHA-256, so
a leaked database cannot be used to take over accounts. Tokens are single use and expire.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
from collections.abc import MutableMapping
from datetime import timedelta
from typing import Any

from flask import Flask
from sqlalchemy import select, update

from portal.accounts.models import AccountToken, TokenPurpose, User
from portal.extensions import db
from portal.modeling import as_utc, utcnow

LIFETIMES = {
    TokenPurpose.CONFIRM_EMAIL: timedelta(hours=48),
    TokenPurpose.RESET_PASSWORD: timedelta(hours=1),
}


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(user: User, purpose: TokenPurpose) -> str:
    """A fresh token for `user`; earlier unused tokens of the same purpose stop working."""
    db.session.execute(
        update(AccountToken)
        .where(AccountToken.user_id == user.id, AccountToken.purpose == purpose,
               AccountToken.used_at.is_(None))
        .values(used_at=utcnow())
    )
    token = secrets.token_urlsafe(32)
    now = utcnow()
    db.session.add(AccountToken(
        user_id=user.id, purpose=purpose, token_hash=digest(token), created_at=now,
        expires_at=now + LIFETIMES[purpose],
    ))
    db.session.flush()
    return token


def peek(token: str, purpose: TokenPurpose) -> AccountToken | None:
    """The live token row (unused, unexpired, of this purpose) without using it up."""
    if not token or len(token) > 100:
        return None
    row = db.session.scalar(
        select(AccountToken).where(AccountToken.token_hash == digest(token),
                                   AccountToken.purpose == purpose)
    )
    if row is None or row.used_at is not None:
        return None
    expires_at = as_utc(row.expires_at)
    if expires_at is None or expires_at <= utcnow():
        return None
    return row


def consume(token: str, purpose: TokenPurpose) -> User | None:
    """Use a token up and return its user, or None when it is unknown, used or expired.

    The UPDATE ... WHERE used_at IS NULL makes a double submit (or two tabs) use it once only.
    """
    row = peek(token, purpose)
    if row is None:
        return None
    result = db.session.execute(
        update(AccountToken)
        .where(AccountToken.id == row.id, AccountToken.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return None
    return db.session.get(User, row.user_id)


# --------------------------------------------------------------------------- log redaction

# Paths that carry a token: /register/confirm/<token>, /password/reset/<token>.
_TOKEN_IN_PATH = re.compile(r"(/(?:register/confirm|password/reset)/)[A-Za-z0-9_\-]+")
# Twelve digits look like an IIN (someone may paste one into a search box), in a row or
# grouped by spaces or dashes as people type them; in an address a space is "+" or "%20".
_IIN_LIKE = re.compile(r"(?<!\d)\d(?:(?:[ \-+]|%20)?\d){11}(?!\d)")


def redact(text: str) -> str:
    return _IIN_LIKE.sub("[12 digits]", _TOKEN_IN_PATH.sub(r"\1[token]", text))


class TokenRedactingFilter(logging.Filter):
    """Access logs (werkzeug, gunicorn) print request lines; the token there must not persist."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        args: Any = record.args
        if isinstance(args, tuple):
            record.args = tuple(redact(arg) if isinstance(arg, str) else arg for arg in args)
        elif isinstance(args, MutableMapping):
            # gunicorn's access log passes a mapping of atoms; change it in place so its
            # own class (which answers "-" for missing atoms) is kept.
            for key in list(args):
                if isinstance(args[key], str):
                    args[key] = redact(args[key])
        return True


def install_log_redaction(app: Flask) -> None:
    """Filter the loggers that print request paths. Idempotent (one filter per logger)."""
    for name in ("werkzeug", "gunicorn.access", "gunicorn.error", app.logger.name):
        logger = logging.getLogger(name)
        if not any(isinstance(f, TokenRedactingFilter) for f in logger.filters):
            logger.addFilter(TokenRedactingFilter())
