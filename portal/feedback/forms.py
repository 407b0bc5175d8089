"""Forms for ratings, comments, replies, complaints and moderation: validate, never write."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from portal.feedback.comments import normalise_text
from portal.feedback.labels import LABELS, SCORE_LABELS
from portal.feedback.models import (
    COMMENT_MAX_CHARS,
    HIDE_REASON_MAX_CHARS,
    SCORES,
    ComplaintReason,
)
from portal.web.forms import Form

COMMENT_LENGTH = Length(max=COMMENT_MAX_CHARS,
                        message=_l("A comment can have at most %(max)d characters."))


def _normalised(value: Any) -> Any:
    """Line breaks as one character each, so the length check counts what is stored."""
    return normalise_text(value) if isinstance(value, str) else value


class RatingForm(Form):
    score = RadioField(_l("Your score"), coerce=int,
                       validators=[InputRequired(_l("Choose a score from 1 to 5."))])
    comment = TextAreaField(_l("Comment (optional)"), filters=[_normalised],
                            validators=[Optional(), COMMENT_LENGTH],
                            description=_l("Say why. It is published below the report with "
                                           "your score; plain text, links allowed."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.score.choices = [(score, f"{score} — {SCORE_LABELS[score]}") for score in SCORES]


class CommentForm(Form):
    body = TextAreaField(_l("Your comment"), filters=[_normalised],
                         validators=[DataRequired(_l("Write your comment first.")),
                                     COMMENT_LENGTH],
                         description=_l("Plain text, up to 2,000 characters; links become "
                                        "clickable. Be civil: moderators hide abuse, spam and "
                                        "personal data, and say so in its place."))


class ReplyForm(Form):
    body = TextAreaField(_l("Official reply"), filters=[_normalised],
                         validators=[DataRequired(_l("Write your reply first.")),
                                     COMMENT_LENGTH],
                         description=_l("Published under the comment as the akim's official "
                                        "reply; its author is told by email."))


class ComplaintForm(Form):
    reason = RadioField(_l("What is wrong with it?"),
                        validators=[InputRequired(_l("Choose what is wrong with the comment."))])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.reason.choices = [(reason.value, LABELS[reason]) for reason in ComplaintReason]


class HideForm(Form):
    reason = StringField(_l("Reason shown to readers"), filters=[_normalised],
                         validators=[DataRequired(_l("Give the reason readers will see.")),
                                     Length(max=HIDE_REASON_MAX_CHARS)],
                         description=_l("For example: insults another resident; contains a "
                                        "phone number."))
