"""The only ways a promise's status changes: an akim's claim, a verifier's verdict, a reopening.

Each writes a timeline entry (who, when, note, evidence), updates the denormalised current
values on the promise, flushes and audits. The caller commits, then may notify followers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlsplit

from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

from portal import audit
from portal.accounts.models import Role, User
from portal.extensions import db
from portal.modeling import snapshot, utcnow
from portal.notifications import signals
from portal.promises import rules
from portal.promises.errors import PromiseError
from portal.promises.models import (
    BrokenReason,
    Promise,
    PromiseEvidence,
    PromiseStatus,
    PromiseUpdate,
    UpdateKind,
)
from portal.promises.programme import is_frozen
from portal.reports.timeliness import local_today
from portal.uploads import UploadError, store_upload

NOTE_MAX = 5_000
SOURCE_MAX = 500
URL_MAX = 500
MAX_LINKS = 5
MAX_FILES = 3
_STATE = ("claimed_status", "claimed_progress", "claimed_broken_reason", "verified_status",
          "verified_broken_reason", "status")


@dataclass
class Evidence:
    """Links and uploaded files offered with an update (either may be empty)."""

    links: list[str] = field(default_factory=list)
    files: Sequence[FileStorage] = ()

    @property
    def files_given(self) -> list[FileStorage]:
        return [upload for upload in self.files if upload and upload.filename]

    def is_empty(self) -> bool:
        return not self.links and not self.files_given


def post_claim(promise: Promise, actor: User, *, status: PromiseStatus, progress: int,
               note: str, broken_reason: BrokenReason | None = None,
               evidence: Evidence | None = None, today: date | None = None) -> PromiseUpdate:
    """The akim's progress update or status claim."""
    today = today or local_today()
    evidence = evidence or Evidence()
    if not is_frozen(promise.term, today):
        raise PromiseError(_("Register the programme before posting updates: until then it "
                             "can still change."))
    if not rules.claim_allowed(promise.claimed_status, status):
        raise PromiseError(_("A promise that is “%(current)s” cannot be claimed as "
                             "“%(new)s”.", current=_status_label(promise.claimed_status),
                             new=_status_label(status)), "status")
    if not isinstance(progress, int) or not 0 <= progress <= 100:
        raise PromiseError(_("Progress is a whole number from 0 to 100."), "progress")
    note = _note(note, required=True)
    _check_reason(status, broken_reason)
    _check_evidence(promise, status, evidence, today, verdict=False)
    before = snapshot(promise, _STATE)
    update = PromiseUpdate(
        promise=promise, kind=UpdateKind.CLAIM, status=status,
        previous_status=promise.claimed_status, progress=progress,
        broken_reason=broken_reason if status is PromiseStatus.BROKEN else None, note=note,
        author_id=actor.id, author_role=_role(actor, Role.AKIM),
    )
    db.session.add(update)
    _attach(update, evidence, actor)
    promise.claimed_status, promise.claimed_progress = status, progress
    promise.claimed_broken_reason = update.broken_reason
    promise.claimed_at = update.created_at = utcnow()
    # A new claim is what residents now answer: the counts start again.
    promise.confirm_count = promise.dispute_count = 0
    _refresh(promise)
    db.session.flush()
    audit.record(actor, "promise.claim", promise, before,
                 dict(snapshot(promise, _STATE), update_id=update.id))
    if update.is_status_change:
        signals.promise_status_changed.send(promise, update=update, actor=actor)
    return update


def record_verdict(promise: Promise, actor: User, *, status: PromiseStatus, source: str,
                   note: str = "", broken_reason: BrokenReason | None = None,
                   evidence: Evidence | None = None,
                   today: date | None = None) -> PromiseUpdate:
    """An independent verdict by a moderator or parliamentary staff, with its source."""
    today = today or local_today()
    evidence = evidence or Evidence()
    if status not in rules.VERDICTS:
        raise PromiseError(_("Choose a verdict."), "status")
    source = (source or "").strip()
    if not source:
        raise PromiseError(_("Say where the verdict comes from: a document, a visit, a "
                             "link."), "source")
    if len(source) > SOURCE_MAX:
        raise PromiseError(_("The source can have at most %(max)d characters.",
                             max=SOURCE_MAX), "source")
    note = _note(note, required=False)
    _check_reason(status, broken_reason)
    _check_evidence(promise, status, evidence, today, verdict=True)
    before = snapshot(promise, _STATE)
    update = PromiseUpdate(
        promise=promise, kind=UpdateKind.VERDICT, status=status,
        previous_status=promise.verified_status,
        broken_reason=broken_reason if status is PromiseStatus.BROKEN else None, note=note,
        source=source, author_id=actor.id, author_role=_role(actor, Role.MODERATOR),
    )
    db.session.add(update)
    _attach(update, evidence, actor)
    promise.verified_status = status
    promise.verified_broken_reason = update.broken_reason
    promise.verified_at = update.created_at = utcnow()
    _refresh(promise)
    db.session.flush()
    audit.record(actor, "promise.verdict", promise, before,
                 dict(snapshot(promise, _STATE), update_id=update.id))
    signals.verdict_recorded.send(promise, update=update, actor=actor)
    return update


def reopen_claim(promise: Promise, actor: User, note: str) -> PromiseUpdate:
    """A verifier sets a closed claim (kept, broken, withdrawn) back to "in progress"."""
    if promise.claimed_status not in rules.CLOSED:
        raise PromiseError(_("Only a kept, broken or withdrawn claim can be reopened."))
    note = _note(note, required=True)
    before = snapshot(promise, _STATE)
    update = PromiseUpdate(
        promise=promise, kind=UpdateKind.REOPEN, status=PromiseStatus.IN_PROGRESS,
        previous_status=promise.claimed_status, note=note, author_id=actor.id,
        author_role=_role(actor, Role.MODERATOR),
    )
    db.session.add(update)
    promise.claimed_status = PromiseStatus.IN_PROGRESS
    promise.claimed_broken_reason = None
    promise.claimed_at = update.created_at = utcnow()
    promise.confirm_count = promise.dispute_count = 0  # the old claim is no longer current
    _refresh(promise)
    db.session.flush()
    audit.record(actor, "promise.reopen", promise, before,
                 dict(snapshot(promise, _STATE), update_id=update.id))
    signals.promise_status_changed.send(promise, update=update, actor=actor)
    return update


def _refresh(promise: Promise) -> None:
    promise.status = rules.effective_status(promise.claimed_status, promise.verified_status)
    promise.updated_at = utcnow()


def _note(note: str | None, *, required: bool) -> str:
    text = (note or "").strip()
    if required and not text:
        raise PromiseError(_("Say what was done, or why the status changes."), "note")
    if len(text) > NOTE_MAX:
        raise PromiseError(_("The note can have at most %(max)d characters.", max=NOTE_MAX),
                           "note")
    return text


def _check_reason(status: PromiseStatus, reason: BrokenReason | None) -> None:
    if status is PromiseStatus.BROKEN and reason is None:
        raise PromiseError(_("A broken promise needs exactly one reason: choose it."),
                           "broken_reason")


def _check_evidence(promise: Promise, status: PromiseStatus, evidence: Evidence, today: date,
                    *, verdict: bool) -> None:
    if len(evidence.links) > MAX_LINKS:
        raise PromiseError(_("Give at most %(max)d links.", max=MAX_LINKS), "evidence_links")
    for link in evidence.links:
        if not is_web_link(link):
            raise PromiseError(_("Each link must be a full web address starting with "
                                 "https:// or http://."), "evidence_links")
    if len(evidence.files_given) > MAX_FILES:
        raise PromiseError(_("Attach at most %(max)d files.", max=MAX_FILES), "evidence_files")
    if not evidence.is_empty() or not rules.evidence_required(status, promise.deadline, today,
                                                              verdict=verdict):
        return
    if status is PromiseStatus.BROKEN:
        raise PromiseError(_("Before its deadline a promise can be marked broken only with "
                             "evidence: add a link or a file."), "evidence_links")
    raise PromiseError(_("A claim that the work is done needs evidence: add a link or a "
                         "file."), "evidence_links")


def is_web_link(value: str) -> bool:
    parts = urlsplit(value)
    return (parts.scheme in ("http", "https") and bool(parts.netloc) and len(value) <= URL_MAX
            and not any(character.isspace() for character in value))


def _attach(update: PromiseUpdate, evidence: Evidence, actor: User) -> None:
    """Links, then files: files last, once every other check has passed."""
    for link in evidence.links:
        update.evidence.append(PromiseEvidence(url=link))
    for upload in evidence.files_given:
        try:
            stored = store_upload(upload, actor)
        except UploadError as error:
            raise PromiseError(str(error), "evidence_files") from error
        update.evidence.append(PromiseEvidence(file=stored))


def _role(actor: User, preferred: Role) -> Role:
    """The role shown on the timeline instead of a person's name."""
    if actor.has_role(preferred):
        return preferred
    for role in (Role.STAFF, Role.MODERATOR, Role.ADMIN, Role.AKIM):
        if actor.has_role(role):
            return role
    return preferred


def _status_label(status: PromiseStatus) -> str:
    from portal.labels import label

    return label(status)
