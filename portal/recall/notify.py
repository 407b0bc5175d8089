"""Emails to akims: a new flag on their term (with the response window) and a review decision.
Sent after the commit, so nobody hears of a flag that was not saved; a mail failure never
undoes the flag."""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime
from typing import Any

from flask import current_app, has_request_context, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from portal import mail
from portal.accounts.models import User
from portal.akims.models import Term
from portal.extensions import db
from portal.modeling import utcnow
from portal.recall.models import Flag

log = logging.getLogger(__name__)

UNDELIVERABLE_SUFFIX = ".invalid"  # synthetic accounts of the seed


def _link(endpoint: str, **values: Any) -> str:
    """An absolute link, also from the CLI and the job worker (no request there)."""
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    if has_request_context():
        return base + url_for(endpoint, **values)
    with current_app.test_request_context():
        return base + url_for(endpoint, **values)


def _accounts_of(akim_ids: set[int]) -> dict[int, list[User]]:
    users = db.session.scalars(
        select(User).where(User.akim_id.in_(akim_ids), User.is_active_account.is_(True))
        .order_by(User.id))
    result: dict[int, list[User]] = defaultdict(list)
    for user in users:
        if user.akim_id is not None and not user.email.endswith(UNDELIVERABLE_SUFFIX):
            result[user.akim_id].append(user)
    return result


def flags_raised(flag_ids: list[int], now: datetime | None = None) -> int:
    """One email per akim account listing its new flags; marks them notified. Returns the
    number of emails sent. Three queries whatever the number of flags."""
    if not flag_ids:
        return 0
    flags = list(db.session.scalars(
        select(Flag).options(joinedload(Flag.term).joinedload(Term.akim))
        .where(Flag.id.in_(flag_ids), Flag.notified_at.is_(None)).order_by(Flag.id)))
    by_akim: dict[int, list[Flag]] = defaultdict(list)
    for flag in flags:
        by_akim[flag.term.akim_id].append(flag)
    accounts = _accounts_of(set(by_akim))
    sent = 0
    notified: list[int] = []
    for akim_id, akim_flags in by_akim.items():
        for user in accounts.get(akim_id, []):
            language = user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]
            items = [(flag, _link("recall.respond", flag_id=flag.id)) for flag in akim_flags]
            try:
                mail.send(user.email, _l("A recall-trigger flag was raised on your record"),
                          "recall/flag_raised", language, akim=akim_flags[0].term.akim,
                          items=items, methodology=_link("recall.methodology"))
            except OSError:
                log.exception("could not send a recall flag notice (akim %s)", akim_id)
                continue
            sent += 1
            notified.extend(flag.id for flag in akim_flags)
    if notified:
        db.session.execute(update(Flag).where(Flag.id.in_(notified))
                           .values(notified_at=now or utcnow())
                           .execution_options(synchronize_session=False))
    return sent


def flag_decided(flag: Flag) -> int:
    """Tell the akim's account(s) of a review decision on their flag."""
    sent = 0
    for user in _accounts_of({flag.term.akim_id}).get(flag.term.akim_id, []):
        language = user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]
        try:
            mail.send(user.email, _l("The portal's moderators decided on a flag on your record"),
                      "recall/flag_decided", language, flag=flag,
                      link=_link("recall.flag", flag_id=flag.id))
        except OSError:
            log.exception("could not send a recall decision notice (flag %s)", flag.id)
            continue
        sent += 1
    return sent
