"""Report transitions: save a draft, submit, return to draft, publish, correct; attachments.

Each function validates, changes, flushes and records an audit event; the caller commits.
Errors meant for people are `ReportError`s carrying translated messages per form field.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select
from werkzeug.datastructures import FileStorage

from portal import audit
from portal.extensions import db
from portal.formats import date_text
from portal.labels import label
from portal.modeling import utcnow
from portal.notifications import signals
from portal.reports import changes
from portal.reports.models import (
    CONTENT_FIELDS,
    MARKDOWN_SECTIONS,
    Report,
    ReportAttachment,
    ReportPromiseEntry,
    ReportState,
    ReportTextStash,
    ReportVersion,
)
from portal.reports.timeliness import covers_period, days_late, local_date, local_today
from portal.uploads import UploadError, store_upload

if TYPE_CHECKING:
    from portal.accounts.models import User

MAX_ATTACHMENTS = 20
REQUIRED_TO_SUBMIT = ("summary", "promises_progress", "budget_execution", "meeting_held_on",
                      "meeting_place", "meeting_attendance", "meeting_questions", "next_plans")


class ReportError(ValueError):
    """The change cannot be made. `errors` maps form fields (or "" for the whole form) to
    translated messages for the person making it."""

    def __init__(self, errors: Mapping[str, Any]) -> None:
        self.errors = {field: str(message) for field, message in errors.items()}
        super().__init__("; ".join(self.errors.values()))


def _require_state(report: Report, *states: ReportState) -> None:
    if report.state not in states:
        raise ReportError({"": _l("This report's status is “%(state)s”, so it cannot be changed "
                                  "this way.", state=label(report.state))})


def normalise(values: Mapping[str, Any]) -> dict[str, Any]:
    """Form data to stored values: line endings unified, outer blank lines and spaces dropped."""
    result: dict[str, Any] = {}
    for name in CONTENT_FIELDS:
        value = values.get(name)
        if name in MARKDOWN_SECTIONS:
            value = (value or "").replace("\r\n", "\n").replace("\r", "\n").strip("\n")
            value = value if value.strip() else ""
        elif name in ("meeting_place", "meeting_broadcast_url"):
            value = (value or "").strip()
        result[name] = value
    return result


def save_draft(report: Report, values: Mapping[str, Any], actor: User | str | None,
               now: datetime | None = None) -> list[str]:
    """Store the typed sections of a draft; returns the names of the fields that changed."""
    _require_state(report, ReportState.DRAFT)
    new = normalise(values)
    changed = [name for name in CONTENT_FIELDS if getattr(report, name) != new[name]]
    if changed:
        before = {name: _audit_value(getattr(report, name)) for name in changed}
        for name in changed:
            setattr(report, name, new[name])
        report.updated_at = now or utcnow()
        db.session.flush()
        audit.record(actor, "report.save_draft", report, before,
                     {name: _audit_value(new[name]) for name in changed})
    # Text kept for a signed-out browser is no longer needed once a save went through.
    db.session.execute(delete(ReportTextStash).where(ReportTextStash.report_id == report.id))
    return changed


def _audit_value(value: Any) -> Any:
    """Dates and short facts as they are; long text as its length (versions keep the text)."""
    if value is None or isinstance(value, int):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    text = str(value)
    return text if len(text) <= 200 else f"[{len(text)} characters]"


def completeness_errors(report: Report, values: Mapping[str, Any],
                        now: datetime | None = None) -> dict[str, Any]:
    """What a report needs before it can be submitted or corrected, per field."""
    errors: dict[str, Any] = {}
    for name in REQUIRED_TO_SUBMIT:
        value = values.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            errors[name] = _l("Fill this in before submitting the report.")
    held = values.get("meeting_held_on")
    if held is not None:
        if held < report.period_start:
            errors["meeting_held_on"] = _l(
                "The meeting must be held on or after the start of the period (%(day)s).",
                day=date_text(report.period_start))
        elif held > local_today(now):
            errors["meeting_held_on"] = _l("The meeting cannot be in the future.")
    return errors


def submit(report: Report, actor: User | str | None, now: datetime | None = None) -> None:
    """Draft → submitted: the text is final and locked until published or returned."""
    _require_state(report, ReportState.DRAFT)
    errors = completeness_errors(report, report.content(), now)
    if errors:
        raise ReportError(errors)
    report.state = ReportState.SUBMITTED
    report.submitted_at = now or utcnow()
    db.session.flush()
    audit.record(actor, "report.submit", report, {"state": "draft"}, {"state": "submitted"})


def return_to_draft(report: Report, actor: User | str | None) -> None:
    """Submitted → draft, to change something before publication."""
    _require_state(report, ReportState.SUBMITTED)
    report.state = ReportState.DRAFT
    report.submitted_at = None
    db.session.flush()
    audit.record(actor, "report.return_to_draft", report, {"state": "submitted"},
                 {"state": "draft"})


def publish(report: Report, actor: User | str | None,
            now: datetime | None = None) -> ReportVersion:
    """Submitted → published: freeze version 1 and record when, and how late, it came."""
    _require_state(report, ReportState.SUBMITTED)
    moment = now or utcnow()
    published_on = local_date(moment)
    version = ReportVersion(report=report, number=1, reason=None, published_at=moment,
                            author_id=getattr(actor, "id", None), **report.content())
    db.session.add(version)
    report.state = ReportState.PUBLISHED
    report.first_published_at = moment
    report.first_published_on = published_on
    _cover(report, published_on)
    report.current_version = 1
    for attachment in report.attachments:
        attachment.added_in_version = 1
    for entry in db.session.scalars(select(ReportPromiseEntry).where(
            ReportPromiseEntry.report_id == report.id,
            ReportPromiseEntry.since_version.is_(None))):
        entry.since_version = 1
    db.session.flush()
    audit.record(actor, "report.publish", report, {"state": "submitted"},
                 {"state": "published", "version": 1, "days_late": report.days_late,
                  "interim": report.covered_on is None})
    signals.report_published.send(report, actor=actor)
    return version


def _cover(report: Report, published_on: date) -> None:
    """Record that the period is discharged, if this publication covers all of it (rule 5 of
    `portal.reports.policy`): published after the period's last day, and the first such."""
    if report.covered_on is None and covers_period(report.period_end, published_on):
        report.covered_on = published_on
        report.days_late = days_late(report.due_on, published_on)


def latest_version(report: Report) -> ReportVersion:
    versions = report.versions
    if not versions:
        raise ReportError({"": _l("This report has no published version.")})
    return versions[-1]


def amend(report: Report, values: Mapping[str, Any], reason: str, actor: User | str | None,
          uploads: Iterable[FileStorage] = (), now: datetime | None = None,
          other_changes: Sequence[str] = ()) -> ReportVersion:
    """Publish a correction: a new version with a reason. Earlier versions stay as they were.

    `other_changes` names what the caller changes besides the text and files, in the same
    version (`portal.reports.promise_entries.amend_entry`: "promise_entry:<promise id>"); it
    counts as a change and goes into the audit event."""
    _require_state(report, ReportState.PUBLISHED)
    reason = (reason or "").strip()
    new = normalise(values)
    errors = completeness_errors(report, new, now)
    if len(reason) < 10:
        errors["reason"] = _l("Say in a sentence what was corrected and why (10 characters "
                              "at least).")
    if errors:
        raise ReportError(errors)
    previous = latest_version(report)
    changed = [name for name in CONTENT_FIELDS if getattr(previous, name) != new[name]]
    changed += other_changes
    files = [upload for upload in uploads if upload and upload.filename]
    if not changed and not files:
        raise ReportError({"": _l("Nothing was changed, so there is no correction to publish.")})
    number = previous.number + 1
    moment = now or utcnow()
    version = ReportVersion(report=report, number=number, reason=reason,
                            published_at=moment, author_id=getattr(actor, "id", None),
                            **new)
    db.session.add(version)
    for upload in files:
        _attach(report, upload, actor, added_in_version=number, field="attachment")
    report.current_version = number
    was_interim = report.covered_on is None
    _cover(report, local_date(moment))
    db.session.flush()
    changes.mark_after_commit(db.session(), version)
    db.session.execute(delete(ReportTextStash).where(ReportTextStash.report_id == report.id))
    audit.record(actor, "report.amend", report, {"version": previous.number},
                 {"version": number, "reason": reason, "changed": changed,
                  "files_added": len(files),
                  "covers_period": was_interim and report.covered_on is not None})
    signals.report_amended.send(report, version=version, actor=actor)
    return version


def add_attachment(report: Report, upload: FileStorage,
                   actor: User | str | None) -> ReportAttachment:
    """Attach a file to a draft (checked by content, at most 10 MB)."""
    _require_state(report, ReportState.DRAFT)
    return _attach(report, upload, actor, added_in_version=None, field="attachment")


def add_attachments(report: Report, uploads: Iterable[FileStorage],
                    actor: User | str | None) -> list[ReportAttachment]:
    """Attach several files to a draft in one save, each checked by content on its own.

    The files that pass are attached (flushed) whatever happens to the others; if any is
    refused, a `ReportError` on the form's "attachment" field names each refused file and why,
    so the caller can commit the rest and show the message beside the field."""
    _require_state(report, ReportState.DRAFT)
    attached: list[ReportAttachment] = []
    refused: list[str] = []
    for upload in uploads:
        if not (upload and upload.filename):
            continue
        try:
            attached.append(_attach(report, upload, actor, added_in_version=None,
                                    field="attachment"))
        except ReportError as error:
            refused.append(str(_l("“%(name)s” was not attached: %(reason)s",
                                  name=_shown_name(upload.filename),
                                  reason=error.errors["attachment"])))
    if refused:
        raise ReportError({"attachment": " ".join(refused)})
    return attached


def _shown_name(filename: str) -> str:
    """The name of a refused file as the person chose it (its last part, not too long)."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1].strip() or "?"
    return name if len(name) <= 80 else f"{name[:79]}…"


def _attach(report: Report, upload: FileStorage, actor: User | str | None,
            added_in_version: int | None, field: str) -> ReportAttachment:
    if len(report.attachments) >= MAX_ATTACHMENTS:
        raise ReportError({field: _l("A report can have at most %(count)d files.",
                                     count=MAX_ATTACHMENTS)})
    try:
        stored = store_upload(upload, actor)
    except UploadError as error:
        raise ReportError({field: str(error)}) from error
    attachment = ReportAttachment(report=report, stored_file=stored,
                                  added_in_version=added_in_version)
    db.session.add(attachment)
    db.session.flush()
    audit.record(actor, "report.attach", report, None,
                 {"attachment_id": attachment.id, "file_id": stored.id, "kind": stored.kind,
                  "version": added_in_version})
    return attachment


def remove_attachment(attachment: ReportAttachment, actor: User | str | None) -> None:
    """Take a file off a draft. Files of a published report stay."""
    report = attachment.report
    if attachment.is_published or report.state != ReportState.DRAFT:
        raise ReportError({"": _l("Files of a submitted or published report cannot be "
                                  "removed.")})
    details = {"attachment_id": attachment.id, "file_id": attachment.stored_file_id}
    db.session.delete(attachment)
    db.session.flush()
    audit.record(actor, "report.detach", report, details, None)
