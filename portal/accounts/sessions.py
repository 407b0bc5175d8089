"""Sessions on the server: each signed-in browser is a `UserSession` row that signing out ends.

The cookie (signed by Flask) names the user, the account's session version and a random
session token. A request is signed in only while that token's row is live, the version is the
account's and the account is active: signing out ends this browser's row; a password change,
a deactivation or "sign out everywhere" bumps the version and ends every row at once.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import MutableMapping
from datetime import timedelta
from typing import Any

from flask import Flask, current_app, g, has_request_context, request, session
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response

from portal.accounts.models import User, UserSession
from portal.accounts.tokens import install_log_redaction
from portal.extensions import db
from portal.modeling import as_utc, utcnow
from portal.transactions import commit_with_retry

SESSION_KEY = "_sid"
# last_seen_at is written at most this often (a write per request would be wasteful).
SEEN_EVERY = timedelta(minutes=5)
DEFAULT_MAX_AGE_DAYS = 30
_ROW_WRITE = "_portal_session_row_write"  # g: (row id, values) for write_session_row


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(user: User) -> str:
    """A new session row for `user`; returns the token for the browser's cookie."""
    token = secrets.token_urlsafe(32)
    agent = request.headers.get("User-Agent", "")[:160] if has_request_context() else ""
    db.session.add(UserSession(user_id=user.id, token_hash=_digest(token),
                               user_agent=agent or None))
    db.session.flush()
    return token


def end(token: str | None) -> None:
    """End one session (signing out of this browser)."""
    if token:
        db.session.execute(update(UserSession).where(
            UserSession.token_hash == _digest(token), UserSession.ended_at.is_(None))
            .values(ended_at=utcnow()))


def end_every_session(user: User) -> None:
    """Sign the account out everywhere: every cookie it ever had stops working."""
    user.session_version += 1
    db.session.execute(update(UserSession).where(
        UserSession.user_id == user.id, UserSession.ended_at.is_(None))
        .values(ended_at=utcnow()))


def live_sessions(user: User) -> list[UserSession]:
    return list(db.session.scalars(
        select(UserSession).where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
        .order_by(UserSession.last_seen_at.desc())))


def current_token() -> str | None:
    value = session.get(SESSION_KEY)
    return value if isinstance(value, str) else None


def is_current(row: UserSession) -> bool:
    token = current_token()
    return token is not None and row.token_hash == _digest(token)


def sign_in_cookie(cookie: MutableMapping[str, Any], user: User) -> None:
    """What signing in leaves in a browser's session, for tests and benchmarks that start
    signed in (committed, so other connections see the row)."""
    cookie[SESSION_KEY] = start(user)
    cookie["_user_id"] = user.get_id()
    cookie["_fresh"] = True
    db.session.commit()


def load_user(session_id: str) -> User | None:
    user_id, _, version = session_id.partition(":")
    token = current_token() if has_request_context() else None
    if not (user_id.isascii() and user_id.isdigit() and version.isascii() and version.isdigit()
            and token):
        return None
    found = db.session.execute(
        select(User, UserSession).join(UserSession, UserSession.user_id == User.id)
        .where(User.id == int(user_id), UserSession.token_hash == _digest(token),
               UserSession.ended_at.is_(None))
        # The roles come with the user: every signed-in page asks for them (one read less).
        .options(joinedload(User.role_rows))
    ).unique().first()
    if found is None:
        return None
    user, row = found
    if user.session_version != int(version) or not user.is_active:
        return None
    now = utcnow()
    max_age = timedelta(days=int(current_app.config.get("SESSION_MAX_AGE_DAYS")
                                 or DEFAULT_MAX_AGE_DAYS))
    if now - as_utc(row.created_at) > max_age:  # type: ignore[operator]
        g.setdefault(_ROW_WRITE, (row.id, {"ended_at": now}))
        return None
    if now - as_utc(row.last_seen_at) > SEEN_EVERY:  # type: ignore[operator]
        g.setdefault(_ROW_WRITE, (row.id, {"last_seen_at": now}))
    return user


def write_session_row(response: Response) -> Response:
    """After the view: the session row's write that `load_user` noted (an end past the
    maximum age, or the time last seen). Not in the loader, which runs wherever a view first
    asks who is signed in: a commit there would commit the view's unfinished work, and on
    SQLite a read followed by a write fails when another process has written in between, so
    it is retried (`commit_with_retry`) here, where the request's own work is done."""
    pending = g.pop(_ROW_WRITE, None)
    if pending is not None:
        row_id, values = pending
        commit_with_retry(lambda: db.session.execute(
            update(UserSession).where(UserSession.id == row_id).values(**values)))
    return response


def init_login(app: Flask, login_manager: LoginManager) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please sign in to continue.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_user)
    app.after_request(write_session_row)
    # Emailed links carry tokens in their path; request logs must not keep them.
    install_log_redaction(app)
