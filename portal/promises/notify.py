"""Emails to followers and the owning akim when a promise's status changes (after commit)."""

from __future__ import annotations

import logging

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from portal import mail
from portal.accounts.models import User
from portal.extensions import db
from portal.promises.models import Promise, PromiseFollower, PromiseUpdate

log = logging.getLogger(__name__)

# Synthetic residents of the seed have addresses that can never receive mail.
UNDELIVERABLE_SUFFIX = ".invalid"


def recipients(promise: Promise, actor: User | None) -> list[User]:
    """Followers and the akim's own account(s), each once, never the person who acted."""
    followers = select(PromiseFollower.user_id).where(PromiseFollower.promise_id == promise.id)
    users = db.session.scalars(
        select(User).where(
            or_(User.id.in_(followers), User.akim_id == promise.term.akim_id),
            User.is_active_account.is_(True),
        ).order_by(User.id)
    )
    return [user for user in users
            if (actor is None or user.id != actor.id)
            and not user.email.endswith(UNDELIVERABLE_SUFFIX)]


def status_changed(promise: Promise, update: PromiseUpdate, actor: User | None) -> int:
    """Send one email per recipient; returns how many were sent. Call after the commit, so
    nobody is told about a change that did not happen. A mail failure never undoes it."""
    if not update.is_status_change:
        return 0
    link = current_app.config["PUBLIC_BASE_URL"].rstrip("/") + url_for(
        "promises.page", promise_id=promise.id)
    sent = 0
    for user in recipients(promise, actor):
        language = user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]
        try:
            mail.send(user.email, _l("A promise's status has changed"),
                      "promise_status_changed", language, promise=promise, update=update,
                      link=link, is_akim=user.akim_id == promise.term.akim_id)
        except OSError:
            # Logged without the address: the status change itself is saved and shown.
            log.exception("could not send a promise status email (promise %s)", promise.id)
            continue
        sent += 1
    return sent
