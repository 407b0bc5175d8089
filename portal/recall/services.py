"""Due process on a flag (the akim's response, the moderators' review and decision) and saving
a new rule version. Each function validates, changes, flushes and audits; the caller commits."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _

from portal import audit
from portal.accounts.models import User
from portal.extensions import db
from portal.modeling import as_utc, snapshot, utcnow
from portal.notifications import signals
from portal.permissions import Permission, acting_role
from portal.recall.models import UNDECIDED, Flag, FlagStatus, RuleSetVersion, RuleSource
from portal.recall.ruleset import RuleSet, current_rules, ensure_current_version, save_version

RESPONSE_MAX = 5_000
REASON_MIN = 10
REASON_MAX = 2_000
NOTE_MAX = 500
_STATE = ("status", "public_from", "response", "decision_reason", "review_started_by_role",
          "decided_by_role")


class RecallError(Exception):
    """A refused action, with a message for the user and the form field it concerns."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def respond(flag: Flag, actor: User, text: str, now: datetime | None = None) -> Flag:
    """The akim's public response. It makes a pending flag public at once (the response window
    exists so the akim can answer first). Editable until a reviewer decides."""
    now = now or utcnow()
    text = (text or "").strip()
    if not text:
        raise RecallError(_("Write your response."), "response")
    if len(text) > RESPONSE_MAX:
        raise RecallError(_("The response can have at most %(max)d characters.",
                            max=RESPONSE_MAX), "response")
    if flag.status not in UNDECIDED:
        raise RecallError(_("This flag is closed: a response can no longer be added."))
    actor_id = actor.id  # read before any change: a refresh would flush a half-made change
    before = snapshot(flag, _STATE)
    flag.response, flag.responded_at, flag.responded_by_id = text, now, actor_id
    if flag.status == FlagStatus.OPEN:
        flag.status = FlagStatus.AKIM_RESPONDED
    public_from = as_utc(flag.public_from)
    if public_from is None or public_from > now:
        flag.public_from = now
    db.session.flush()
    audit.record(actor, "recall.flag.respond", flag, before, snapshot(flag, _STATE))
    signals.flag_responded.send(flag, actor=actor)
    return flag


def start_review(flag: Flag, actor: User, now: datetime | None = None) -> Flag:
    """A moderator takes the flag up: "under review" tells the akim and the public someone is
    on it."""
    if flag.status not in (FlagStatus.OPEN, FlagStatus.AKIM_RESPONDED):
        raise RecallError(_("Only an open flag can be taken under review."))
    actor_id, role = actor.id, acting_role(actor, Permission.FLAGS_REVIEW)
    before = snapshot(flag, _STATE)
    flag.status = FlagStatus.UNDER_REVIEW
    flag.review_started_at, flag.review_started_by_id = now or utcnow(), actor_id
    flag.review_started_by_role = role
    db.session.flush()
    audit.record(actor, "recall.flag.review", flag, before, snapshot(flag, _STATE))
    return flag


def decide(flag: Flag, actor: User, decision: FlagStatus, reason: str,
           now: datetime | None = None) -> Flag:
    """Uphold or dismiss, with a public reason. Not before the akim has had the chance to
    respond: the flag must be public (window over, or the akim responded)."""
    now = now or utcnow()
    if decision not in (FlagStatus.UPHELD, FlagStatus.DISMISSED):
        raise RecallError(_("Choose to uphold or to dismiss the flag."), "decision")
    if flag.status not in UNDECIDED:
        raise RecallError(_("This flag has already been decided or has cleared."))
    if not flag.is_public(now):
        raise RecallError(_("The akim may respond until %(moment)s; decide after that, or once "
                            "they have responded.", moment=_moment(flag.public_from)))
    reason = (reason or "").strip()
    if len(reason) < REASON_MIN:
        raise RecallError(_("Give the reason for the decision (at least %(min)d characters): "
                            "it is published with it.", min=REASON_MIN), "reason")
    if len(reason) > REASON_MAX:
        raise RecallError(_("The reason can have at most %(max)d characters.", max=REASON_MAX),
                          "reason")
    actor_id, role = actor.id, acting_role(actor, Permission.FLAGS_REVIEW)
    before = snapshot(flag, _STATE)
    flag.status, flag.decision_reason = decision, reason
    flag.decided_at, flag.decided_by_id, flag.decided_by_role = now, actor_id, role
    db.session.flush()
    audit.record(actor, "recall.flag.decide", flag, before, snapshot(flag, _STATE))
    signals.flag_decided.send(flag, actor=actor)
    return flag


def _moment(value: datetime) -> str:
    from portal.web.templating import moment

    return moment(value)


def save_rules(rules: RuleSet, actor: User, note: str) -> RuleSetVersion:
    """A new version from the administrators' page. The configured rules are recorded first
    (when they were not yet), so that every version has the one before it to compare with."""
    note = (note or "").strip()
    if not note:
        raise RecallError(_("Say why the rules change: the note is kept with the version."),
                          "note")
    if len(note) > NOTE_MAX:
        raise RecallError(_("The note can have at most %(max)d characters.", max=NOTE_MAX),
                          "note")
    _number, current = ensure_current_version(actor)
    if rules.fingerprint() == current.fingerprint():
        raise RecallError(_("Nothing changed: these are the current rules."))
    return save_version(rules, actor, RuleSource.ADMIN, note)


__all__ = ["RecallError", "current_rules", "decide", "respond", "save_rules", "start_review"]
