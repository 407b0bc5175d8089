"""Forms of the meetings an akim schedules and records. Forms validate; they never write."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    DateField,
    DateTimeLocalField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from portal.web.forms import Form


class ScheduleForm(Form):
    settlement_id = SelectField(_l("Village"), coerce=int, validators=[InputRequired()])
    place = StringField(_l("Place"), validators=[DataRequired(), Length(max=300)],
                        description=_l("The building or address, e.g. the house of culture."))
    starts_at = DateTimeLocalField(
        _l("Date and time"), format="%Y-%m-%dT%H:%M", validators=[InputRequired()],
        description=_l("Almaty time. The portal asks for at least three days' notice: its "
                       "own rule, as the decree names no figure."))


class HeldForm(Form):
    attendance = IntegerField(_l("Residents who attended"),
                              validators=[InputRequired(), NumberRange(min=0, max=100_000)])
    video_url = URLField(_l("Video of the meeting"), validators=[Optional(), Length(max=500)],
                         description=_l("A link to the recording or the broadcast, if any."))
    minutes = FileField(_l("Minutes"), description=_l("The signed minutes: PDF or an image."))


class QuestionForm(Form):
    question = TextAreaField(_l("Question raised"),
                             validators=[DataRequired(), Length(min=5, max=3_000)],
                             render_kw={"rows": 3})
    answer = TextAreaField(_l("Answer given"), validators=[Optional(), Length(max=3_000)],
                           render_kw={"rows": 3})
    responsible = StringField(_l("Responsible"), validators=[Optional(), Length(max=200)],
                              description=_l("Who is to act: a person or an office."))
    due_on = DateField(_l("Due date"), validators=[Optional()])


class CloseForm(Form):
    evidence = TextAreaField(_l("What was done"),
                             validators=[DataRequired(), Length(min=10, max=3_000)],
                             description=_l("With a link to the evidence where there is one."),
                             render_kw={"rows": 3})


class CancelForm(Form):
    reason = TextAreaField(_l("Why the meeting is cancelled"),
                           validators=[DataRequired(), Length(min=10, max=2_000)],
                           description=_l("Shown on the meeting's page; the meeting stays "
                                          "there, marked cancelled."),
                           render_kw={"rows": 2})
