"""Forms for flags, petitions and the rules page: validate only, never write."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DecimalField,
    IntegerField,
    RadioField,
    SelectField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from portal.recall import petitions, services
from portal.recall.labels import LABELS
from portal.recall.models import FlagStatus, RuleCode, Severity
from portal.recall.ruleset import (
    BOUNDS,
    BudgetRule,
    PetitionRule,
    PromisesRule,
    ReportingRule,
    RuleSet,
    SatisfactionRule,
    plain_decimal,
)
from portal.web.forms import Form


class ResponseForm(Form):
    response = TextAreaField(
        _l("Your response"),
        validators=[DataRequired(_l("Write your response.")),
                    Length(max=services.RESPONSE_MAX)],
        description=_l("Plain text; links are kept. It is published with the flag, under your "
                       "name as akim."))


class DecisionForm(Form):
    decision = RadioField(_l("Decision"), validators=[InputRequired(_l("Choose a decision."))])
    reason = TextAreaField(
        _l("Reason (published)"),
        validators=[DataRequired(_l("Give the reason for the decision.")),
                    Length(min=services.REASON_MIN, max=services.REASON_MAX)])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.decision.choices = [(FlagStatus.UPHELD.value, _l("Uphold: the signal stands")),
                                 (FlagStatus.DISMISSED.value,
                                  _l("Dismiss: the signal does not stand"))]


class PetitionForm(Form):
    reason = TextAreaField(
        _l("Why residents should sign"),
        validators=[DataRequired(_l("Explain the reason for the petition.")),
                    Length(min=petitions.REASON_MIN, max=petitions.REASON_MAX)],
        description=_l("Facts residents can check: promises not kept, reports not given, "
                       "meetings not held. Do not name other residents."))
    confirm = BooleanField(
        _l("I am a resident of this rural district and I sign this petition myself"),
        validators=[DataRequired(_l("Confirm that you sign the petition yourself."))])


class DashboardForm(Form):
    """The staff dashboard's filters (a GET form: no CSRF token needed)."""

    class Meta:
        csrf = False

    region = SelectField(_l("Region"), validators=[Optional()])
    rule = SelectField(_l("Rule"), validators=[Optional()])
    status = SelectField(_l("Status"), validators=[Optional()])
    severity = SelectField(_l("Severity"), validators=[Optional()])
    sort = SelectField(_l("Sort by"), validators=[Optional()])

    def __init__(self, *args: Any, regions: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.region.choices = [("", _l("All regions"))] + [
            (region.kato2, region.name) for region in regions]
        self.rule.choices = [("", _l("All rules"))] + [
            (rule.value, f"{rule.number}. {LABELS[rule]}") for rule in RuleCode]
        self.status.choices = [("active", _l("Needing attention (open, responded, in review)")),
                               ("all", _l("All statuses"))] + [
            (status.value, LABELS[status]) for status in FlagStatus]
        self.severity.choices = [("", _l("Any severity"))] + [
            (severity.value, LABELS[severity]) for severity in Severity]
        self.sort.choices = [("severity", _l("Severity, then the oldest first")),
                             ("oldest", _l("The oldest first")),
                             ("newest", _l("The newest first"))]


def _share(label: Any, name: str, description: Any = None) -> DecimalField:
    """A share entered as a percentage (50 for 50 %), within the setting's bounds."""
    low, high = BOUNDS[name]
    return DecimalField(label, places=2, description=description,
                        validators=[InputRequired(_l("Enter a number.")),
                                    NumberRange(min=low * 100, max=high * 100)],
                        render_kw={"inputmode": "decimal"})


def _whole(label: Any, name: str, description: Any = None) -> IntegerField:
    low, high = BOUNDS[name]
    return IntegerField(label, description=description,
                        validators=[InputRequired(_l("Enter a whole number.")),
                                    NumberRange(min=int(low), max=int(high))],
                        render_kw={"inputmode": "numeric"})


class RulesForm(Form):
    """Every threshold of the rule set; shares are shown and entered as percentages."""

    reporting_enabled = BooleanField(_l("Rule 1 is on"))
    reporting_severity = SelectField(_l("Severity of rule 1"), validators=[InputRequired()])
    reporting_days_past_due = _whole(_l("A report missing more than this many days after its "
                                        "due date"), "days_past_due")
    reporting_missed_in_term = _whole(_l("… or this many reports missing in the term"),
                                      "missed_in_term")
    promises_enabled = BooleanField(_l("Rule 2 is on"))
    promises_severity = SelectField(_l("Severity of rule 2"), validators=[InputRequired()])
    promises_from_term_share = _share(_l("Applies from this share of the term on, %"),
                                      "from_term_share", _l("50: from mid-term."))
    promises_broken_share_at_least = _share(_l("Broken promises at least (percent of those due)"),
                                            "broken_share_at_least")
    promises_kept_share_below = _share(_l("… or kept promises below (percent of those due)"),
                                       "kept_share_below")
    promises_min_due = _whole(_l("Only when at least this many promises are due"), "min_due")
    satisfaction_enabled = BooleanField(_l("Rule 3 is on"))
    satisfaction_severity = SelectField(_l("Severity of rule 3"), validators=[InputRequired()])
    satisfaction_average_below = DecimalField(
        _l("Average rating below (1 to 5)"), places=2,
        validators=[InputRequired(_l("Enter a number.")), NumberRange(min=1, max=5)],
        render_kw={"inputmode": "decimal"})
    satisfaction_reports = _whole(_l("Over the last this many published reports"), "reports")
    satisfaction_min_ratings = _whole(_l("With at least this many ratings"), "min_ratings")
    satisfaction_min_ratings_voter_share = _share(
        _l("… and at least this share of registered voters (percent)"), "min_ratings_voter_share")
    petition_enabled = BooleanField(_l("Rule 4 is on"))
    petition_severity = SelectField(_l("Severity of rule 4"), validators=[InputRequired()])
    petition_voter_share = _share(_l("Signatures needed (percent of registered voters)"),
                                  "voter_share")
    petition_duration_days = _whole(_l("Days a petition collects signatures"), "duration_days")
    budget_enabled = BooleanField(_l("Rule 5 is on"))
    budget_severity = SelectField(_l("Severity of rule 5"), validators=[InputRequired()])
    budget_own_execution_below = _share(_l("Own-revenue plan executed below, %"),
                                        "own_execution_below")
    response_window_days = _whole(_l("Days a new flag stays private unless the akim responds"),
                                  "response_window_days")
    note = TextAreaField(_l("Why the rules change (kept with the version)"),
                         validators=[DataRequired(_l("Say why the rules change.")),
                                     Length(max=services.NOTE_MAX)])

    severity_fields = ("reporting", "promises", "satisfaction", "petition", "budget")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code in self.severity_fields:
            self[f"{code}_severity"].choices = [(severity.value, LABELS[severity])
                                                for severity in Severity]

    @classmethod
    def for_rules(cls, rules: RuleSet, **kwargs: Any) -> RulesForm:
        data: dict[str, Any] = {"response_window_days": rules.response_window_days}
        for code in RuleCode:
            for name, value in vars(rules.rule(code)).items():
                if isinstance(value, Severity):
                    value = value.value
                elif isinstance(value, Decimal) and name != "average_below":
                    value = value * 100
                data[f"{code.value}_{name}"] = value
        return cls(data=data, **kwargs)

    def to_rules(self) -> RuleSet:
        values: dict[str, Any] = {"response_window_days": self.response_window_days.data}
        for code, model in (("reporting", ReportingRule), ("promises", PromisesRule),
                            ("satisfaction", SatisfactionRule), ("petition", PetitionRule),
                            ("budget", BudgetRule)):
            settings: dict[str, Any] = {}
            for name in model.__dataclass_fields__:
                value = self[f"{code}_{name}"].data
                if isinstance(value, Decimal) and name != "average_below":
                    value = plain_decimal(value / 100)
                elif isinstance(value, Decimal):
                    value = plain_decimal(value)
                settings[name] = value
            values[code] = settings
        return RuleSet.from_json(values)
