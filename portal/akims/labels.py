"""Display names of term statuses and end reasons."""

from enum import Enum
from typing import Any

from flask_babel import lazy_gettext as _l

from portal.akims.models import Gender, TermEndReason, TermStatus

LABELS: dict[Enum, Any] = {
    TermStatus.SERVING: _l("Serving"),
    TermStatus.ENDED: _l("Ended"),
    TermEndReason.TERM_END: _l("Term expired"),
    TermEndReason.RESIGNED: _l("Resigned"),
    TermEndReason.APPOINTED: _l("Appointed to another post"),
    TermEndReason.INELIGIBLE: _l("Lost eligibility (court decision)"),
    TermEndReason.DIED: _l("Died in office"),
    TermEndReason.DISTRICT_ABOLISHED: _l("Rural district abolished or merged"),
    TermEndReason.RECALLED: _l("Recalled (recorded procedure)"),
    Gender.FEMALE: _l("Female"),
    Gender.MALE: _l("Male"),
}
