"""Display names of the notifications vocabularies: kinds of event, frequencies, targets."""

from enum import Enum
from typing import Any

from flask_babel import lazy_gettext as _l

from portal.notifications.models import DeliveryStatus, EventKind, FollowTarget, Frequency

LABELS: dict[Enum, Any] = {
    EventKind.REPORT_PUBLISHED: _l("A report is published"),
    EventKind.REPORT_AMENDED: _l("A published report is corrected"),
    EventKind.MEETING_SCHEDULED: _l("A meeting with residents is scheduled"),
    EventKind.PROMISE_STATUS_CHANGED: _l("A promise's status changes"),
    EventKind.VERDICT_RECORDED: _l("A verdict is recorded on a promise"),
    EventKind.FLAGS_RAISED: _l("A flag is raised on my record (akims)"),
    EventKind.FLAG_RESPONDED: _l("The akim responds to a flag"),
    EventKind.FLAG_DECIDED: _l("The moderators decide on a flag"),
    EventKind.OFFICIAL_REPLY_POSTED: _l("The akim replies to my comment"),
    EventKind.PETITION_THRESHOLD_REACHED: _l("A recall petition reaches its threshold"),
    Frequency.IMMEDIATELY: _l("At once"),
    Frequency.DAILY: _l("Daily digest"),
    Frequency.WEEKLY: _l("Weekly digest"),
    Frequency.NEVER: _l("Never"),
    DeliveryStatus.QUEUED: _l("Queued"),
    DeliveryStatus.HELD: _l("Held for a digest or quiet hours"),
    DeliveryStatus.SENT: _l("Sent"),
    DeliveryStatus.FAILED: _l("Failed"),
    FollowTarget.AKIM: _l("Akim"),
    FollowTarget.RURAL_DISTRICT: _l("Rural district"),
    FollowTarget.DISTRICT: _l("District"),
    FollowTarget.REGION: _l("Region"),
    FollowTarget.PROMISE: _l("Promise"),
    FollowTarget.PETITION: _l("Recall petition"),
}
