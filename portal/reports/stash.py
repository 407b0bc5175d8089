"""Keeping text an akim sent from a browser whose sign-in had expired, until they sign in again.

The editor's POST arrives without a user: rather than drop the text, it is stored under a random
token, and the browser goes to the sign-in page with `next` pointing back at the editor with
that token. Signing in starts a fresh session (so the token rides in `next`, not the session);
back in the editor, the text is restored into the form only for someone allowed to edit that
report, with a notice to check it, and it is never saved without the akim pressing Save.
Only a hash of the token is stored; a stash lives a week and goes once the report is saved.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select

from portal.extensions import db
from portal.modeling import utcnow
from portal.reports.models import CONTENT_FIELDS, SECTION_MAX_CHARS, Report, ReportTextStash

STASH_FIELDS = (*CONTENT_FIELDS, "reason")
KEEP_FOR = timedelta(days=7)
MAX_STASHES_PER_REPORT = 20


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def stash_text(report: Report, form: Mapping[str, str]) -> str:
    """Store the posted text fields (as typed, unvalidated strings); return the token."""
    values = {name: str(form.get(name, ""))[:SECTION_MAX_CHARS] for name in STASH_FIELDS
              if name in form}
    token = secrets.token_urlsafe(24)
    cutoff = utcnow() - KEEP_FOR
    db.session.execute(delete(ReportTextStash).where(ReportTextStash.created_at < cutoff))
    # A flood of anonymous posts must not grow the table without bound.
    old_ids = list(db.session.scalars(
        select(ReportTextStash.id).where(ReportTextStash.report_id == report.id)
        .order_by(ReportTextStash.created_at.desc()).offset(MAX_STASHES_PER_REPORT - 1)
    ))
    if old_ids:
        db.session.execute(delete(ReportTextStash).where(ReportTextStash.id.in_(old_ids)))
    db.session.add(ReportTextStash(token_hash=_hash(token), report_id=report.id, values=values))
    db.session.flush()
    return token


def stashed_text(report: Report, token: str | None) -> dict[str, Any] | None:
    """The text stored under `token` for this report, if it is still kept."""
    if not token or len(token) > 100:
        return None
    stash = db.session.scalar(
        select(ReportTextStash).where(ReportTextStash.token_hash == _hash(token),
                                      ReportTextStash.report_id == report.id,
                                      ReportTextStash.created_at >= utcnow() - KEEP_FOR)
    )
    return dict(stash.values) if stash is not None else None
