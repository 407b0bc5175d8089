"""Scheduling a meeting, recording it once held, questions raised and their follow-up.

Each function validates, changes, flushes and records an audit event; the caller commits.
Errors meant for people are `MeetingError`s carrying translated messages per form field.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import FileStorage

from portal import audit
from portal.akims.models import Term
from portal.clock import local_date
from portal.extensions import db
from portal.geo.models import Settlement
from portal.meetings.models import Meeting, MeetingQuestion, MeetingStatus, QuestionStatus
from portal.modeling import as_utc, utcnow
from portal.notifications import signals
from portal.uploads import UploadError, store_upload

if TYPE_CHECKING:
    from portal.accounts.models import User

# Residents learn of a meeting at least this long before it starts: the portal's own rule
# (the decree asks for meetings to be announced, without a figure).
NOTICE = timedelta(days=3)


class MeetingError(ValueError):
    """The change cannot be made. `errors` maps form fields (or "" for the whole form) to
    translated messages for the person making it."""

    def __init__(self, errors: Mapping[str, Any]) -> None:
        self.errors = {field: str(message) for field, message in errors.items()}
        super().__init__("; ".join(self.errors.values()))


def _place_and_time_errors(term: Term, settlement: Settlement | None, place: str,
                           starts: datetime, moment: datetime,
                           check_notice: bool = True) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    if settlement is None or settlement.rural_district_id != term.rural_district_id:
        errors["settlement_id"] = _l("Choose a village of the rural district.")
    if not place:
        errors["place"] = _l("Say where in the village the meeting is held.")
    if check_notice and starts < moment + NOTICE:
        errors["starts_at"] = _l("Announce a meeting at least %(days)d days before it starts.",
                                 days=NOTICE.days)
    elif local_date(starts) > term.last_day:
        errors["starts_at"] = _l("The meeting must fall within the term.")
    return errors


def schedule(term: Term, settlement: Settlement | None, place: str, starts_at: datetime,
             actor: User | str | None, now: datetime | None = None) -> Meeting:
    """Announce a meeting in a village of the term's rural district, at least `NOTICE` ahead."""
    moment = now or utcnow()
    starts = as_utc(starts_at)  # stored in UTC by the column type (portal.modeling.UTCDateTime)
    assert starts is not None  # noqa: S101 - a datetime in
    place = (place or "").strip()
    errors = _place_and_time_errors(term, settlement, place, starts, moment)
    if errors:
        raise MeetingError(errors)
    meeting = Meeting(term=term, settlement=settlement, place=place, starts_at=starts,
                      announced_at=moment, status=MeetingStatus.SCHEDULED)
    db.session.add(meeting)
    db.session.flush()
    audit.record(actor, "meeting.schedule", meeting, None,
                 {"term_id": term.id, "settlement_id": meeting.settlement_id,
                  "starts_at": starts.isoformat(), "place": place})
    signals.meeting_scheduled.send(meeting, actor=actor)
    return meeting


def change(meeting: Meeting, settlement: Settlement | None, place: str, starts_at: datetime,
           actor: User | str | None, now: datetime | None = None) -> None:
    """Move an announced meeting that has not started: another time (again at least `NOTICE`
    ahead), village or place. Followers are told; the page says it was changed."""
    moment = now or utcnow()
    starts = as_utc(starts_at)
    assert starts is not None  # noqa: S101 - a datetime in
    place = (place or "").strip()
    if not meeting.is_scheduled:
        raise MeetingError({"": _l("Only an announced meeting can be changed; a held or "
                                   "cancelled one stays as recorded.")})
    if meeting.starts <= moment:
        raise MeetingError({"": _l("The meeting has already started: record it as held, or "
                                   "cancel it with the reason.")})
    moved = starts != meeting.starts
    errors = _place_and_time_errors(meeting.term, settlement, place, starts, moment,
                                    check_notice=moved)
    if not errors and not moved and settlement is meeting.settlement \
            and place == meeting.place:
        errors[""] = _l("Nothing was changed.")
    if errors:
        raise MeetingError(errors)
    assert settlement is not None  # noqa: S101 - checked above
    before = {"settlement_id": meeting.settlement_id, "place": meeting.place,
              "starts_at": meeting.starts.isoformat()}
    meeting.settlement, meeting.place, meeting.starts_at = settlement, place, starts
    meeting.changed_at = moment
    meeting.sequence += 1
    db.session.flush()
    audit.record(actor, "meeting.change", meeting, before,
                 {"settlement_id": meeting.settlement_id, "place": place,
                  "starts_at": starts.isoformat()})
    signals.meeting_changed.send(meeting, change="changed", actor=actor)


def cancel(meeting: Meeting, reason: str, actor: User | str | None,
           now: datetime | None = None) -> None:
    """Announced → cancelled, with the reason. The meeting stays on its page, the region's
    calendar, the feeds and the API, marked cancelled; it is never deleted."""
    reason = (reason or "").strip()
    errors: dict[str, Any] = {}
    if not meeting.is_scheduled:
        errors[""] = _l("Only an announced meeting can be cancelled; a held meeting stays on "
                        "record.")
    if len(reason) < 10:
        errors["reason"] = _l("Say why the meeting is cancelled (10 characters at least): "
                              "residents read it on the meeting's page.")
    if errors:
        raise MeetingError(errors)
    moment = now or utcnow()
    meeting.status = MeetingStatus.CANCELLED
    meeting.cancelled_at = moment
    meeting.cancel_reason = reason
    meeting.sequence += 1
    db.session.flush()
    audit.record(actor, "meeting.cancel", meeting, {"status": "scheduled"},
                 {"status": "cancelled", "reason": reason})
    signals.meeting_changed.send(meeting, change="cancelled", actor=actor)


def record_held(meeting: Meeting, attendance: int | None, video_url: str,
                minutes: FileStorage | None, actor: User | str | None,
                now: datetime | None = None) -> None:
    """Scheduled → held: how many residents came, the video and the minutes (stored first)."""
    moment = now or utcnow()
    errors: dict[str, Any] = {}
    if meeting.status != MeetingStatus.SCHEDULED:
        errors[""] = _l("Only a scheduled meeting can be recorded as held.")
    elif meeting.starts > moment:
        errors[""] = _l("A meeting can be recorded only once it has started.")
    if attendance is None or attendance < 0:
        errors["attendance"] = _l("Give the number of residents who attended.")
    video_url = (video_url or "").strip()
    if video_url and not video_url.startswith(("https://", "http://")):
        errors["video_url"] = _l("Give the video's full address, starting with https://.")
    if errors:
        raise MeetingError(errors)
    if minutes is not None and minutes.filename:
        try:
            meeting.minutes_file = store_upload(minutes, actor)
        except UploadError as error:
            raise MeetingError({"minutes": str(error)}) from error
    meeting.status = MeetingStatus.HELD
    meeting.attendance = attendance
    meeting.video_url = video_url
    db.session.flush()
    audit.record(actor, "meeting.held", meeting, {"status": "scheduled"},
                 {"status": "held", "attendance": attendance,
                  "minutes_file_id": meeting.minutes_file_id, "video_url": video_url})


def add_question(meeting: Meeting, question: str, answer: str, responsible: str,
                 due_on: date | None, actor: User | str | None) -> MeetingQuestion:
    """A question raised at a held meeting, with the answer given, who is responsible and by
    when."""
    errors: dict[str, Any] = {}
    if not meeting.is_held:
        errors[""] = _l("Questions are recorded once the meeting is held.")
    question, answer, responsible = ((text or "").strip()
                                     for text in (question, answer, responsible))
    if len(question) < 5:
        errors["question"] = _l("Write the question as residents asked it.")
    if due_on is not None and meeting.is_held and due_on < local_date(meeting.starts):
        errors["due_on"] = _l("The due date cannot be before the meeting.")
    if errors:
        raise MeetingError(errors)
    item = MeetingQuestion(meeting=meeting, question=question, answer=answer,
                           responsible=responsible, due_on=due_on)
    db.session.add(item)
    db.session.flush()
    audit.record(actor, "meeting.question", item, None,
                 {"meeting_id": meeting.id, "responsible": responsible,
                  "due_on": due_on.isoformat() if due_on else None})
    return item


def close_question(item: MeetingQuestion, evidence: str, actor: User | str | None,
                   now: datetime | None = None) -> None:
    """Open → closed, with evidence of what was done (a sentence, links)."""
    evidence = (evidence or "").strip()
    errors: dict[str, Any] = {}
    if item.status != QuestionStatus.OPEN:
        errors[""] = _l("This question is already closed.")
    if len(evidence) < 10:
        errors["evidence"] = _l("Say what was done, with a link to the evidence where there "
                                "is one (10 characters at least).")
    if errors:
        raise MeetingError(errors)
    item.status = QuestionStatus.CLOSED
    item.closed_on = local_date(now or utcnow())
    item.evidence = evidence
    db.session.flush()
    audit.record(actor, "meeting.question.close", item, {"status": "open"},
                 {"status": "closed", "closed_on": item.closed_on.isoformat()})
