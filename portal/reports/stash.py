"""Keeping text an akim sent from a browser whose sign-in had expired, until they sign in again.

The editor's POST arrives without a user: rather than drop the text, it is stored, and the
browser goes to the sign-in page and back to the editor, where the text is restored into the
form (with a notice to check it; it is never saved without the akim pressing Save).

A stash belongs to the browser that wrote it, never to a link (issue 24, finding 4: a link
carrying the stash let anyone plant text that an akim then took for their own):

- it is kept only for a browser that opened this report's editor while signed in (a mark in
  its signed session cookie) and whose post carries that session's CSRF token, so a stranger,
  or another site posting through the akim's browser, keeps nothing;
- it is filed under a random key in a cookie of its own (`STASH_COOKIE`, HttpOnly, only for
  /reports/), which outlives the fresh session that signing in starts; only a hash is stored;
- one stash per browser and report, replaced by that browser's next, so no post evicts
  another browser's. A stash lives a week and goes once the report is saved.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from flask import current_app, request, session
from flask_wtf.csrf import ValidationError, validate_csrf
from sqlalchemy import delete, select
from werkzeug.wrappers import Response

from portal.extensions import db
from portal.modeling import utcnow
from portal.reports.models import CONTENT_FIELDS, SECTION_MAX_CHARS, Report, ReportTextStash

STASH_FIELDS = (*CONTENT_FIELDS, "budget_table", "reason")
KEEP_FOR = timedelta(days=7)
STASH_COOKIE = "report_stash"
COOKIE_PATH = "/reports/"
#: Session key: the reports whose editor this browser opened while signed in, newest first.
OPENED = "editors_opened"
OPENED_KEPT = 10


def _hash(browser: str, report_id: int) -> str:
    return hashlib.sha256(f"{browser}:{report_id}".encode()).hexdigest()


def remember_editor(report: Report) -> None:
    """This browser, signed in and allowed, has the report's editor open."""
    opened = session.get(OPENED)
    if not isinstance(opened, list):
        opened = []
    if opened[:1] != [report.id]:  # unchanged: the session cookie is not sent again
        session[OPENED] = [report.id, *(n for n in opened if n != report.id)][:OPENED_KEPT]


def may_keep(report_id: int, form: Mapping[str, Any]) -> bool:
    """Whether a signed-out post comes from this browser's own editor of this report."""
    opened = session.get(OPENED)
    if not isinstance(opened, list) or report_id not in opened:
        return False
    try:
        validate_csrf(form.get("csrf_token"))
    except ValidationError:
        return False
    return True


def browser_key() -> str | None:
    value = request.cookies.get(STASH_COOKIE)
    if value and 20 <= len(value) <= 64 and value.replace("-", "").replace("_", "").isalnum():
        return value
    return None


def stash_text(report: Report, form: Mapping[str, str], browser: str) -> None:
    """Store the posted text fields (as typed, unvalidated strings) for this browser."""
    values = {name: str(form.get(name, ""))[:SECTION_MAX_CHARS] for name in STASH_FIELDS
              if name in form}
    key = _hash(browser, report.id)
    db.session.execute(delete(ReportTextStash).where(
        (ReportTextStash.created_at < utcnow() - KEEP_FOR) | (ReportTextStash.token_hash == key)))
    db.session.add(ReportTextStash(token_hash=key, report_id=report.id, values=values))
    db.session.flush()


def new_browser_key() -> str:
    return secrets.token_urlsafe(24)


def set_cookie(response: Response, browser: str) -> Response:
    response.set_cookie(STASH_COOKIE, browser, max_age=int(KEEP_FOR.total_seconds()),
                        path=COOKIE_PATH, httponly=True, samesite="Lax",
                        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")))
    return response


def stashed_text(report: Report) -> dict[str, Any] | None:
    """The text this browser stored for this report, if it is still kept."""
    browser = browser_key()
    if browser is None:
        return None
    stash = db.session.scalar(
        select(ReportTextStash).where(ReportTextStash.token_hash == _hash(browser, report.id),
                                      ReportTextStash.report_id == report.id,
                                      ReportTextStash.created_at >= utcnow() - KEEP_FOR)
    )
    return dict(stash.values) if stash is not None else None
