"""Administration forms. They validate; the services in portal.accounts do the changes."""

from __future__ import annotations

from typing import Any

from flask_babel import LazyString
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from markupsafe import Markup, escape
from wtforms import IntegerField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from portal.accounts import iin as iin_numbers
from portal.accounts.models import Role
from portal.labels import label
from portal.web.forms import Form
from portal.web.safety import MAX_ID


def role_choices() -> list[tuple[str, str]]:
    return [(role.value, label(role)) for role in Role]


class UserSearchForm(Form):
    """The list's filter: a GET form, so it needs no CSRF token and links can be shared."""

    class Meta:
        csrf = False

    q = StringField(_l("Email, name or account number"), validators=[Optional()])
    role = SelectField(_l("Role"), validators=[Optional()])

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.role.choices = [("", str(_l("Any role"))), *role_choices()]


class IinLookupForm(Form):
    """Find the account of an IIN. A POST, so the number stays out of addresses and logs."""

    iin = StringField(_l("Find the account of an IIN"), validators=[DataRequired()],
                      render_kw={"inputmode": "numeric", "autocomplete": "off",
                                 "maxlength": "16"})

    def validate_iin(self, field: Any) -> None:
        try:
            field.data = iin_numbers.validate(field.data or "")
        except iin_numbers.InvalidIIN as error:
            raise ValidationError(str(error)) from error


class RolesForm(Form):
    roles = SelectMultipleField(
        _l("Roles"), option_widget=CheckboxInput(), widget=ListWidget(prefix_label=False),
        validators=[DataRequired(message=_l("An account needs at least one role."))],
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.roles.choices = role_choices()


class AkimLinkForm(Form):
    akim_id = IntegerField(_l("Akim number"), validators=[
        DataRequired(message=_l("Give the akim's number (from the search below or the "
                                "profile address /akims/<number>).")),
        NumberRange(min=1),
    ])


class RegisterUploadForm(Form):
    register = FileField(
        _l("Residents' register (CSV)"),
        validators=[FileRequired(message=_l("Choose a CSV file."))],
        description=_l("One row per resident: IIN, then the 9-digit KATO code of the rural "
                       "district. A header row is optional; commas or semicolons both work."),
        render_kw={"accept": ".csv,text/csv"},
    )


def _actor_hint() -> Markup:
    """The hint under "Who": the process names are typed as they are, so they show as code."""
    names = Markup(", ").join(Markup("<code>{}</code>").format(name)
                              for name in ("system", "cli", "seed"))
    hint = escape(_("An account number, or the process that made the change: %(names)s."))
    return hint % {"names": names}


class AuditFilterForm(Form):
    """The audit page's filter: a GET form, so links to a view of the trail can be shared."""

    class Meta:
        csrf = False

    action = StringField(_l("Action (or its start, such as report.)"), validators=[Optional()])
    actor = StringField(_l("Who"), validators=[Optional()],
                        description=LazyString(_actor_hint))
    target_type = StringField(_l("Record kind (table, such as report)"), validators=[Optional()])
    target_id = IntegerField(_l("Record number"),
                             validators=[Optional(), NumberRange(min=1, max=MAX_ID)])
