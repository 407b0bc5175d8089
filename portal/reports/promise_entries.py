"""A report's progress on promises: one entry per promise of the akim's programme.

An entry names a promise of the report's own term (any other is refused), the akim's claim, a
short text and an evidence link. Entries are written while the report is a draft and are
frozen with it once it is submitted or published.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal import audit
from portal.extensions import db
from portal.promises.models import Promise, PromiseStatus
from portal.reports.models import Report, ReportPromiseEntry
from portal.reports.services import ReportError

if TYPE_CHECKING:
    from portal.accounts.models import User


def programme_of(report: Report) -> list[Promise]:
    """The promises an entry of this report may name: its term's programme, in order."""
    return list(db.session.scalars(
        select(Promise).where(Promise.term_id == report.term_id).order_by(Promise.number)))


def entries_of(report_id: int) -> list[ReportPromiseEntry]:
    """A report's entries with their promises, in the programme's order. One query."""
    return list(db.session.scalars(
        select(ReportPromiseEntry).options(joinedload(ReportPromiseEntry.promise))
        .join(Promise, Promise.id == ReportPromiseEntry.promise_id)
        .where(ReportPromiseEntry.report_id == report_id).order_by(Promise.number)))


def save_entry(report: Report, promise: Promise | None, claim: str, text: str,
               evidence_url: str, actor: User | str | None) -> ReportPromiseEntry:
    """Add or replace the report's entry for one promise of its term's programme."""
    errors: dict[str, Any] = {}
    if not report.is_draft:
        errors[""] = _l("Progress on promises can be changed only while the report is a draft.")
    if promise is None or promise.term_id != report.term_id:
        errors["promise_id"] = _l("Choose a promise of this term's programme.")
    if claim not in {status.value for status in PromiseStatus}:
        errors["claim"] = _l("Choose the status you claim for the promise.")
    text = (text or "").strip()
    if len(text) < 10:
        errors["text"] = _l("Say in a sentence what was done (10 characters at least).")
    evidence_url = (evidence_url or "").strip()
    if evidence_url and urlsplit(evidence_url).scheme not in ("http", "https"):
        errors["evidence_url"] = _l("Enter a full web address starting with https:// or "
                                    "http://.")
    if errors:
        raise ReportError(errors)
    assert promise is not None  # noqa: S101 - checked above
    entry = db.session.scalar(select(ReportPromiseEntry).where(
        ReportPromiseEntry.report_id == report.id, ReportPromiseEntry.promise_id == promise.id))
    before = None if entry is None else {"claim": entry.claim, "text": entry.text}
    if entry is None:
        entry = ReportPromiseEntry(report=report, promise=promise)
        db.session.add(entry)
    entry.claim, entry.text, entry.evidence_url = claim, text, evidence_url
    db.session.flush()
    audit.record(actor, "report.promise_entry", report, before,
                 {"promise_id": promise.id, "claim": claim, "text": text})
    return entry
