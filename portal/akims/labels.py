"""Display names of term statuses and end reasons."""

from enum import Enum
from typing import Any

from flask_babel import lazy_gettext as _l

from portal.akims.models import Gender, TermEndReason, TermStatus

LABELS: dict[Enum, Any] = {
    TermStatus.SERVING: _l("Serving"),
    TermStatus.ENDED: _l("Ended"),
    TermEndReason.TERM_END: _l("Term completed"),
    TermEndReason.RESIGNED: _l("Resigned"),
    TermEndReason.DISMISSED: _l("Dismissed"),
    TermEndReason.RECALLED: _l("Recalled"),
    TermEndReason.DIED: _l("Died in office"),
    Gender.FEMALE: _l("Female"),
    Gender.MALE: _l("Male"),
}
