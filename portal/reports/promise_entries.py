"""A report's progress on promises: one entry per promise of the akim's programme.

An entry names a promise of the report's own term (any other is refused), the akim's claim, a
short text and an evidence link. Entries are written while the report is a draft and published
with it as version 1; afterwards an entry changes only through a correction (a new version
with its reason), which keeps the replaced entry for the earlier versions and the public
history of changes, as the text and files are kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from portal import audit
from portal.extensions import db
from portal.promises.models import Promise, PromiseStatus
from portal.reports import services
from portal.reports.models import Report, ReportPromiseEntry, ReportState, ReportVersion
from portal.reports.services import ReportError

if TYPE_CHECKING:
    from portal.accounts.models import User


def programme_of(report: Report) -> list[Promise]:
    """The promises an entry of this report may name: its term's programme, in order."""
    return list(db.session.scalars(
        select(Promise).where(Promise.term_id == report.term_id).order_by(Promise.number)))


def entries_of(report_id: int, version: int | None = None) -> list[ReportPromiseEntry]:
    """A report's entries with their promises, in the programme's order. One query.

    `version` None: the current entries (a draft's working set, or those of the latest
    version); a number: the entries version `version` published."""
    statement = (
        select(ReportPromiseEntry).options(joinedload(ReportPromiseEntry.promise))
        .join(Promise, Promise.id == ReportPromiseEntry.promise_id)
        .where(ReportPromiseEntry.report_id == report_id).order_by(Promise.number))
    if version is None:
        statement = statement.where(ReportPromiseEntry.until_version.is_(None))
    else:
        statement = statement.where(
            ReportPromiseEntry.since_version <= version,
            or_(ReportPromiseEntry.until_version.is_(None),
                ReportPromiseEntry.until_version > version))
    return list(db.session.scalars(statement))


@dataclass(frozen=True)
class EntryChange:
    """What a correction did to one promise's entry: `before` None when it added one."""

    promise: Promise
    before: ReportPromiseEntry | None
    after: ReportPromiseEntry


def changes_in(version: ReportVersion) -> list[EntryChange]:
    """The entries correction `version` added or replaced, in the programme's order. One
    query."""
    rows = db.session.scalars(
        select(ReportPromiseEntry).options(joinedload(ReportPromiseEntry.promise))
        .join(Promise, Promise.id == ReportPromiseEntry.promise_id)
        .where(ReportPromiseEntry.report_id == version.report_id,
               or_(ReportPromiseEntry.since_version == version.number,
                   ReportPromiseEntry.until_version == version.number))
        .order_by(Promise.number, ReportPromiseEntry.id))
    before: dict[int, ReportPromiseEntry] = {}
    after: dict[int, ReportPromiseEntry] = {}
    for row in rows:
        (after if row.since_version == version.number else before)[row.promise_id] = row
    return [EntryChange(entry.promise, before.get(promise_id), entry)
            for promise_id, entry in after.items()]


def _validate(report: Report, promise: Promise | None, claim: str, text: str,
              evidence_url: str) -> tuple[dict[str, Any], str, str]:
    errors: dict[str, Any] = {}
    if promise is None or promise.term_id != report.term_id:
        errors["promise_id"] = _l("Choose a promise of this term's programme: a report speaks "
                                  "only about the promises the akim made.")
    if claim not in {status.value for status in PromiseStatus}:
        errors["claim"] = _l("Choose the status you claim for the promise.")
    text = (text or "").strip()
    if len(text) < 10:
        errors["text"] = _l("Say in a sentence what was done (10 characters at least).")
    evidence_url = (evidence_url or "").strip()
    if evidence_url and urlsplit(evidence_url).scheme not in ("http", "https"):
        errors["evidence_url"] = _l("Enter a full web address starting with https:// or "
                                    "http://.")
    return errors, text, evidence_url


def _current(report: Report, promise: Promise) -> ReportPromiseEntry | None:
    return db.session.scalar(select(ReportPromiseEntry).where(
        ReportPromiseEntry.report_id == report.id, ReportPromiseEntry.promise_id == promise.id,
        ReportPromiseEntry.until_version.is_(None)))


def save_entry(report: Report, promise: Promise | None, claim: str, text: str,
               evidence_url: str, actor: User | str | None) -> ReportPromiseEntry:
    """Add or replace a draft's entry for one promise of its term's programme."""
    errors, text, evidence_url = _validate(report, promise, claim, text, evidence_url)
    if not report.is_draft:
        message = (_l("Progress on promises of a published report changes only through a "
                      "correction, with its reason.") if report.is_published else
                   _l("Progress on promises can be changed only while the report is a draft."))
        errors = {"": message}
    if errors:
        raise ReportError(errors)
    assert promise is not None  # noqa: S101 - checked above
    entry = _current(report, promise)
    before = None if entry is None else {"claim": entry.claim, "text": entry.text}
    if entry is None:
        entry = ReportPromiseEntry(report=report, promise=promise)
        db.session.add(entry)
    entry.claim, entry.text, entry.evidence_url = claim, text, evidence_url
    db.session.flush()
    audit.record(actor, "report.promise_entry", report, before,
                 {"promise_id": promise.id, "claim": claim, "text": text})
    return entry


def amend_entry(report: Report, promise: Promise | None, claim: str, text: str,
                evidence_url: str, reason: str, actor: User | str | None,
                now: datetime | None = None) -> ReportVersion:
    """Correct a published report's entry for one promise (or add one): a new version with
    the same text and the reason, shown in the report's public history of changes."""
    errors, text, evidence_url = _validate(report, promise, claim, text, evidence_url)
    if report.state != ReportState.PUBLISHED:
        errors = {"": _l("Only a published report is corrected; a draft's entries are "
                         "changed directly.")}
    elif len((reason or "").strip()) < 10:
        errors["reason"] = _l("Say in a sentence what was corrected and why (10 characters "
                              "at least).")
    if errors:
        raise ReportError(errors)
    assert promise is not None  # noqa: S101 - checked above
    current = _current(report, promise)
    if current is not None and (current.claim, current.text, current.evidence_url) == (
            claim, text, evidence_url):
        raise ReportError({"": _l("Nothing was changed, so there is no correction to "
                                  "publish.")})
    previous = services.latest_version(report)
    version = services.amend(report, previous.content(), reason, actor, now=now,
                             other_changes=[f"promise_entry:{promise.id}"])
    if current is not None:
        current.until_version = version.number
        db.session.flush()  # the replaced row leaves the partial unique index first
    db.session.add(ReportPromiseEntry(report=report, promise=promise, claim=claim, text=text,
                                      evidence_url=evidence_url,
                                      since_version=version.number))
    db.session.flush()
    audit.record(actor, "report.promise_entry", report,
                 None if current is None else {"claim": current.claim, "text": current.text},
                 {"promise_id": promise.id, "claim": claim, "text": text,
                  "version": version.number})
    return version
