"""Display names of meeting and question statuses."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from portal.meetings.models import MeetingStatus, QuestionStatus

LABELS: dict[Any, Any] = {
    MeetingStatus.SCHEDULED: _l("Announced"),
    MeetingStatus.HELD: _l("Held"),
    # Not "Cancelled": that word is an export job's status too, and a meeting needs its own
    # Kazakh verb and Russian gender (болдырылмады, отменена).
    MeetingStatus.CANCELLED: _l("Called off"),
    QuestionStatus.OPEN: _l("Open"),
    QuestionStatus.CLOSED: _l("Closed"),
}
