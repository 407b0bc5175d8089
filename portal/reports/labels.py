"""Display names of report states and timeliness."""

from enum import Enum
from typing import Any

from flask_babel import lazy_gettext as _l

from portal.reports.models import MeetingObligation, ReportState, Timeliness

LABELS: dict[Enum, Any] = {
    ReportState.DRAFT: _l("Draft"),
    ReportState.SUBMITTED: _l("Submitted"),
    ReportState.PUBLISHED: _l("Published"),
    Timeliness.UPCOMING: _l("Not yet due"),
    Timeliness.ON_TIME: _l("On time"),
    Timeliness.LATE: _l("Late"),
    Timeliness.MISSING: _l("Missing"),
    Timeliness.INTERIM: _l("Interim: still owed"),
    MeetingObligation.HELD: _l("Held"),
    MeetingObligation.MISSED: _l("None held"),
    MeetingObligation.OPEN: _l("Period not over"),
}

# Field names as people read them, for version differences and error lists.
FIELD_LABELS: dict[str, Any] = {
    "summary": _l("Summary"),
    "promises_progress": _l("Progress on promises"),
    "budget_execution": _l("Budget execution"),
    "meeting_held_on": _l("Date of the meeting with residents"),
    "meeting_place": _l("Place of the meeting"),
    "meeting_attendance": _l("Residents who attended"),
    "meeting_broadcast_url": _l("Link to the online broadcast"),
    "meeting_questions": _l("Questions raised and answers given"),
    "next_plans": _l("Plans for the next period"),
}
