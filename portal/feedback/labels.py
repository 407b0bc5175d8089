"""Display names of the feedback vocabularies: comment states and complaint reasons."""

from enum import Enum
from typing import Any

from flask_babel import lazy_gettext as _l

from portal.feedback.models import CommentStatus, ComplaintReason

LABELS: dict[Enum, Any] = {
    CommentStatus.VISIBLE: _l("Visible"),
    CommentStatus.HIDDEN_PENDING: _l("Hidden until reviewed"),
    CommentStatus.HIDDEN: _l("Hidden by a moderator"),
    CommentStatus.RESTORED: _l("Restored by a moderator"),
    ComplaintReason.SPAM: _l("Spam or advertising"),
    ComplaintReason.ABUSE: _l("Abuse, threats or hate"),
    ComplaintReason.PERSONAL_DATA: _l("Someone's personal data"),
    ComplaintReason.OFF_TOPIC: _l("Off-topic"),
}

SCORE_LABELS: dict[int, Any] = {
    1: _l("Very poor"),
    2: _l("Poor"),
    3: _l("Fair"),
    4: _l("Good"),
    5: _l("Very good"),
}
