"""Forms for promises: validate only, never write. Services check again and own the rules."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from portal.akims.models import Term
from portal.budgets.categories import all_functions
from portal.formats import date_text
from portal.labels import label
from portal.promises import programme, rules, transitions
from portal.promises.models import (
    BrokenReason,
    FundingSource,
    PromiseCategory,
    PromiseStatus,
    VoteChoice,
)
from portal.web.forms import Form

LANGUAGE_CHOICES = (("kk", "Қазақша"), ("ru", "Русский"), ("en", "English"))


def _choices(values: Any) -> list[tuple[str, Any]]:
    """Choices labelled in the reader's language (`portal.labels`, keyed by enum class: a
    value two vocabularies share keeps each label). Forms assign choices in __init__, per
    request: WTForms 3.3 deprecates tuples passed to the field constructor."""
    return [(value.value, label(value)) for value in values]


class CheckboxListField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class PromiseForm(Form):
    title = StringField(_l("Title"), validators=[DataRequired(_l("Enter the promise's title.")),
                                                 Length(max=programme.TITLE_MAX)],
                        description=_l("What you promised, in one sentence."))
    description = TextAreaField(_l("Description (optional)"),
                                validators=[Optional(), Length(max=programme.DESCRIPTION_MAX)],
                                description=_l("Details: what exactly, where, for whom."))
    language = SelectField(_l("Language of the text"))
    category = SelectField(_l("Category"), validators=[InputRequired()])
    settlements = CheckboxListField(_l("Villages concerned"), coerce=int,
                                    validators=[Optional()],
                                    description=_l("None ticked: the whole rural district."))
    deadline = DateField(_l("Deadline"),
                         validators=[InputRequired(_l("Enter the deadline as a date."))])
    cost_estimate = IntegerField(
        _l("Cost estimate, tenge (optional)"),
        validators=[Optional(), NumberRange(min=0, max=programme.COST_MAX,
                                            message=_l("Enter the cost in whole tenge, "
                                                       "from 0."))],
        render_kw={"inputmode": "numeric"})
    funding_source = SelectField(_l("Funding source (optional)"), validators=[Optional()])
    # The service refuses an unknown group in words (not "Not a valid choice").
    budget_function = SelectField(
        _l("Paid from: functional group of the budget (optional)"), validators=[Optional()],
        validate_choice=False,
        description=_l("The functional group of the rural district's budget that pays for this "
                       "promise; its page then shows the group's plan and actual spending. "
                       "Budget programmes are not recorded on the portal yet, so the link is "
                       "to the whole group."))
    inherited = BooleanField(_l("Taken over from the predecessor's programme"))
    reason = TextAreaField(_l("Reason for the change"),
                           validators=[Optional(), Length(max=programme.REASON_MAX)],
                           description=_l("The programme is registered: this change is shown "
                                          "publicly with its date and this reason."))

    def __init__(self, term: Term, frozen: bool, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.term = term
        self.frozen = frozen
        self.language.choices = list(LANGUAGE_CHOICES)
        self.category.choices = _choices(PromiseCategory)
        self.funding_source.choices = [("", _l("Not stated")), *_choices(FundingSource)]
        self.budget_function.choices = [("", _l("Not stated")), *[
            (function.code, f"{function.code} {function.name}") for function in all_functions()]]
        self.settlements.choices = [(s.id, s.name) for s in term.rural_district.settlements]
        self.deadline.description = _l("Within the term: %(start)s to %(end)s.",
                                       start=date_text(term.starts_on),
                                       end=date_text(term.ends_on))
        if frozen:
            self.reason.flags.required = True

    def validate_deadline(self, field: Any) -> None:
        if field.data and not self.term.starts_on <= field.data <= self.term.ends_on:
            raise ValidationError(programme.deadline_message(self.term))

    def validate_budget_function(self, field: Any) -> None:
        codes = {code for code, _label in self.budget_function.choices or [] if code}
        if field.data and field.data not in codes:
            raise ValidationError(_l("Choose a functional group of the budget from the list."))

    def validate_reason(self, field: Any) -> None:
        if self.frozen and not (field.data or "").strip():
            raise ValidationError(_l("The programme is registered, so this change is a public "
                                     "amendment: say why it is made."))

    def data_for_service(self) -> programme.PromiseData:
        return programme.PromiseData(
            title=self.title.data or "", description=self.description.data or "",
            language=self.language.data or "kk", category=PromiseCategory(self.category.data),
            settlement_ids=list(self.settlements.data or []), deadline=self.deadline.data,
            cost_estimate=self.cost_estimate.data,
            funding_source=FundingSource(self.funding_source.data)
            if self.funding_source.data else None,
            budget_function=self.budget_function.data or None,
            inherited=bool(self.inherited.data),
        )


class _EvidenceMixin:
    evidence_links = TextAreaField(
        _l("Evidence links"), validators=[Optional()],
        description=_l("One web address per line (up to %(max)d): photos, documents, news.",
                       max=transitions.MAX_LINKS),
        render_kw={"rows": 3})
    evidence_files = MultipleFileField(
        _l("Evidence files"),
        description=_l("PDF, PNG or JPEG, up to %(max)d files of at most 10 MB each.",
                       max=transitions.MAX_FILES),
        render_kw={"accept": ".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg",
                   "data-max-bytes": str(10 * 1024 * 1024)})

    def links(self) -> list[str]:
        text: str = self.evidence_links.data or ""
        return [line.strip() for line in text.splitlines() if line.strip()]

    def validate_evidence_links(self, field: Any) -> None:
        links = self.links()
        if len(links) > transitions.MAX_LINKS:
            raise ValidationError(_l("Give at most %(max)d links.", max=transitions.MAX_LINKS))
        if any(not transitions.is_web_link(link) for link in links):
            raise ValidationError(_l("Each link must be a full web address starting with "
                                     "https:// or http://."))

    def evidence(self) -> transitions.Evidence:
        files = [upload for upload in (self.evidence_files.data or [])
                 if upload and upload.filename]
        return transitions.Evidence(links=self.links(), files=files)


class ClaimForm(_EvidenceMixin, Form):
    status = RadioField(_l("Status"), validators=[InputRequired(_l("Choose a status."))])
    progress = IntegerField(
        _l("Progress, %"),
        validators=[InputRequired(_l("Enter the progress as a whole number from 0 to 100.")),
                    NumberRange(min=0, max=100, message=_l("Progress is a whole number from 0 "
                                                           "to 100."))],
        description=_l("How much of the work is done, 0 to 100. Kept apart from the status."),
        render_kw={"inputmode": "numeric", "min": "0", "max": "100"})
    broken_reason = RadioField(_l("Reason it is broken"), validators=[Optional()],
                               description=_l("Only for the status “Broken”: exactly one."))
    note = TextAreaField(_l("What was done"),
                         validators=[DataRequired(_l("Say what was done, or why the status "
                                                     "changes.")),
                                     Length(max=transitions.NOTE_MAX)])

    def __init__(self, current: PromiseStatus, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.status.choices = _choices(rules.allowed_claims(current))
        self.broken_reason.choices = _choices(BrokenReason)

    def validate_broken_reason(self, field: Any) -> None:
        if self.status.data == PromiseStatus.BROKEN.value and not field.data:
            raise ValidationError(_l("A broken promise needs exactly one reason: choose it."))


class VerdictForm(_EvidenceMixin, Form):
    status = RadioField(_l("Verified status"),
                        validators=[InputRequired(_l("Choose a verdict."))])
    broken_reason = RadioField(_l("Reason it is broken"), validators=[Optional()],
                               description=_l("Only for the verdict “Broken”: exactly one."))
    source = StringField(_l("Source"),
                         validators=[DataRequired(_l("Say where the verdict comes from: a "
                                                     "document, a visit, a link.")),
                                     Length(max=transitions.SOURCE_MAX)],
                         description=_l("Where this was checked: a document, a site visit, a "
                                        "link."))
    note = TextAreaField(_l("Note (optional)"),
                         validators=[Optional(), Length(max=transitions.NOTE_MAX)])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.status.choices = _choices(rules.VERDICTS)
        self.broken_reason.choices = _choices(BrokenReason)

    def validate_broken_reason(self, field: Any) -> None:
        if self.status.data == PromiseStatus.BROKEN.value and not field.data:
            raise ValidationError(_l("A broken promise needs exactly one reason: choose it."))


class ReopenForm(Form):
    note = TextAreaField(_l("Why the claim is reopened"),
                         validators=[DataRequired(_l("Say why the claim is reopened.")),
                                     Length(max=transitions.NOTE_MAX)])


class VoteForm(Form):
    claim = HiddenField()
    choice = RadioField(_l("Is it true?"), validators=[InputRequired(_l("Choose yes or no."))])
    comment = TextAreaField(_l("Comment (optional)"), validators=[Optional(), Length(max=500)],
                            description=_l("What you saw yourself. Read by the akim and the "
                                           "verification team; not published."),
                            render_kw={"rows": 2})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.choice.choices = _choices(VoteChoice)
