"""The report editor and the correction form. Forms validate; they never write."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import (
    DateField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    URLField,
)
from wtforms.validators import Length, NumberRange, Optional, ValidationError

from portal.reports import tables
from portal.reports.models import CONTENT_FIELDS, SECTION_MAX_CHARS
from portal.web.forms import Form

MARKDOWN_HINT = _l("Plain text; Markdown works: **bold**, *italic*, lists with -, links "
                   "[text](https://…).")


def _markdown_field(label: Any, description: Any = MARKDOWN_HINT) -> TextAreaField:
    return TextAreaField(
        label, validators=[Optional(), Length(max=SECTION_MAX_CHARS)], description=description,
        render_kw={"rows": 8, "spellcheck": "true", "data-autosave": "true"},
    )


def _check_http_url(_form: Any, field: Any) -> None:
    value = (field.data or "").strip()
    if not value:
        return
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValidationError(_l("Enter a full web address starting with https:// or http://."))


class ReportSectionsForm(Form):
    """Every section of a report; nothing is required until the report is submitted."""

    summary = _markdown_field(
        _l("Summary"),
        # Formatted when shown, not here: `+` on lazy strings would translate at import time.
        _l("The main results of the period in a few paragraphs. %(hint)s", hint=MARKDOWN_HINT))
    promises_progress = _markdown_field(
        _l("Progress on promises"),
        _l("What moved on each promise of your programme, with facts residents can check."))
    budget_execution = _markdown_field(
        _l("Budget execution"),
        _l("How the rural district budget was spent in the period: planned, spent, why. Put "
           "the figures in the table below."))
    budget_table = TextAreaField(
        _l("Budget table"),
        validators=[Optional()],
        description=_l("One line per row; the first line holds the column headings. Separate "
                       "the cells with “;”, e.g. “Roads; 2 798; 2 742”, or copy the rows from a "
                       "spreadsheet and paste them here. Residents see it as a table."),
        render_kw={"rows": 6, "spellcheck": "false", "data-autosave": "true"},
    )
    meeting_held_on = DateField(
        _l("Date of the meeting with residents"), validators=[Optional()],
        render_kw={"data-autosave": "true"},
    )
    meeting_place = StringField(
        _l("Place of the meeting"), validators=[Optional(), Length(max=300)],
        render_kw={"data-autosave": "true"},
    )
    meeting_attendance = IntegerField(
        _l("Residents who attended"),
        validators=[Optional(), NumberRange(min=0, max=1_000_000,
                                            message=_l("Enter a whole number, 0 or more."))],
        render_kw={"inputmode": "numeric", "data-autosave": "true"},
    )
    meeting_broadcast_url = URLField(
        _l("Link to the online broadcast"),
        validators=[Optional(), Length(max=500), _check_http_url],
        description=_l("The recording or live stream, e.g. on YouTube or Instagram."),
        render_kw={"data-autosave": "true"},
    )
    meeting_questions = _markdown_field(
        _l("Questions raised and answers given"),
        _l("Each question residents asked and the answer or the action promised."))
    next_plans = _markdown_field(_l("Plans for the next period"))
    attachment = MultipleFileField(
        _l("Attach files"),
        description=_l("PDF, JPEG or PNG, at most 10 MB each. You can choose several files at "
                       "once: photos of the meeting, signed minutes, budget tables."),
        render_kw={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png",
                   "data-too-large": _l("A file is larger than 10 MB. Choose a smaller "
                                        "file or compress it.")},
    )

    def uploads(self) -> list[Any]:
        """The files chosen in this save (a browser sends an empty part when there are none)."""
        return [upload for upload in (self.attachment.data or []) if upload and upload.filename]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A stored budget section ends with its table as Markdown: shown here as rows.
        if not (self.budget_table.data or "").strip():
            text, rows = tables.split_table(self.budget_execution.data)
            if rows:
                self.budget_execution.data = text
                self.budget_table.data = tables.text_from_rows(rows)

    def validate_budget_table(self, field: Any) -> None:
        trouble = tables.problem(tables.rows_from_text(field.data))
        if trouble == "rows":
            raise ValidationError(_l("A table can have at most %(count)d rows.",
                                     count=tables.MAX_ROWS))
        if trouble == "columns":
            raise ValidationError(_l("A table can have at most %(count)d columns.",
                                     count=tables.MAX_COLUMNS))
        if len(self._budget_text()) > SECTION_MAX_CHARS:
            raise ValidationError(_l("The budget text and its table are too long together: "
                                     "at most %(count)d characters.", count=SECTION_MAX_CHARS))

    def _budget_text(self) -> str:
        return tables.join_table(self.budget_execution.data,
                                 tables.rows_from_text(self.budget_table.data))

    def section_values(self) -> dict[str, Any]:
        values = {name: self[name].data for name in CONTENT_FIELDS}
        values["budget_execution"] = self._budget_text()
        return values


class ReportEditForm(ReportSectionsForm):
    save = SubmitField(_l("Save draft"))
    preview = SubmitField(_l("Save and preview"))
    submit_report = SubmitField(_l("Save and submit"))


class ReportAmendForm(ReportSectionsForm):
    reason = TextAreaField(
        _l("What was corrected, and why"),
        validators=[Optional(), Length(max=2_000)],
        description=_l("Shown to everyone with the new version, e.g. \"Attendance corrected "
                       "from the signed minutes\"."),
        render_kw={"rows": 3, "data-autosave": "true"},
    )
    publish_correction = SubmitField(_l("Publish correction"))


class PromiseEntryForm(Form):
    """One promise of the programme in the report's progress on promises."""

    # The service refuses a promise outside the programme, in words (not "Not a valid choice").
    promise_id = SelectField(_l("Promise"), coerce=int, validate_choice=False)
    claim = SelectField(_l("Status you claim"))
    text = TextAreaField(_l("What was done"), validators=[Length(min=10, max=2_000)],
                         render_kw={"rows": 3})
    evidence_url = URLField(_l("Evidence link"), validators=[Optional(), Length(max=500),
                                                            _check_http_url])


class PromiseEntryCorrectionForm(PromiseEntryForm):
    """An entry of a published report, corrected as a new version with its reason."""

    reason = TextAreaField(
        _l("What was corrected, and why"), validators=[Length(max=2_000)],
        description=_l("Shown to everyone with the new version of the report."),
        render_kw={"rows": 2})
