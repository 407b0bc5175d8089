"""Account forms: sign-in, registration, passwords, the account page, verification decisions.

Forms validate (and may read, e.g. to find a rural district); they never write.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from portal.accounts import iin as iin_numbers
from portal.accounts.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, password_problem
from portal.accounts.verification import MAX_NOTE, MAX_REASON
from portal.geo import finder
from portal.geo.models import RuralDistrict
from portal.textsearch import fold
from portal.web.forms import Form

LANGUAGE_CHOICES = (("kk", "Қазақша"), ("ru", "Русский"), ("en", "English"))
PLACE_CHOICES_SHOWN = 8


class LoginForm(Form):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)],
                       render_kw={"autocomplete": "username"})
    password = PasswordField(_l("Password"),
                             validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)],
                             render_kw={"autocomplete": "current-password"})


def _new_password_field(label: Any) -> PasswordField:
    return PasswordField(
        label,
        validators=[DataRequired()],
        description=_l("At least %(min)d characters. A few unrelated words work well.",
                       min=MIN_PASSWORD_LENGTH),
        render_kw={"autocomplete": "new-password"},
    )


class NewPasswordMixin:
    """Checks `password` (or `new_password`) against the policy, knowing the account's email."""

    account_email: str | None = None

    def _check_password(self, field: Any) -> None:
        email = getattr(getattr(self, "email", None), "data", None) or self.account_email
        problem = password_problem(field.data or "", email)
        if problem:
            raise ValidationError(problem)


class RuralDistrictLookupMixin:
    """A rural district typed as a KATO code or a name, of itself or of a village in it
    (`portal.geo.finder`). Several places match: offer a choice.

    SPEC names the field `rural_district` with a KATO code; a name is accepted as a kindness
    to people who do not know their code. `rural_district_pick` carries the chosen code.
    """

    rural_district: StringField
    rural_district_pick: RadioField
    found_rural_district: RuralDistrict | None = None

    def validate_rural_district(self, field: Any) -> None:
        picked = (self.rural_district_pick.data or "").strip()
        text = " ".join((field.data or "").split())
        code = picked if picked.isdigit() and len(picked) == 9 else text
        if code.isdigit():
            if len(code) != 9:
                raise ValidationError(_l("A KATO code has exactly 9 digits."))
            match = finder.by_code(code)
            if match is None:
                raise ValidationError(_l("No rural district has this KATO code."))
            self.found_rural_district = match.unit
            field.data = match.unit.kato
            return
        if len(fold(text)) < finder.MIN_LENGTH:
            raise ValidationError(_l("Type the 9-digit KATO code or the name of your rural "
                                     "district."))
        matches = finder.by_name(text, limit=PLACE_CHOICES_SHOWN + 1)
        if not matches:
            raise ValidationError(_l("No rural district or village has this name. Check the "
                                     "spelling or type its 9-digit KATO code."))
        if len({match.unit.id for match in matches}) == 1:
            self.found_rural_district = matches[0].unit
            field.data = matches[0].unit.kato
            return
        self.rural_district_pick.choices = [
            (match.unit.kato, _choice_text(match)) for match in matches[:PLACE_CHOICES_SHOWN]
        ]
        raise ValidationError(_l("Several places have this name: choose yours below, or type "
                                 "a longer name."))


def _choice_text(match: finder.Match) -> str:
    place = match.unit
    where = f"{place.name} — {place.district.name}, {place.district.region.name} ({place.kato})"
    if match.village is None:
        return where
    return f"{match.village.name}: {where}"


class RegistrationForm(NewPasswordMixin, RuralDistrictLookupMixin, Form):
    email = EmailField(
        _l("Email"),
        validators=[DataRequired(), Email(message=_l("Enter a valid email address.")),
                    Length(max=254)],
        description=_l("We send a link to this address to confirm it."),
        render_kw={"autocomplete": "email"},
    )
    password = _new_password_field(_l("Password"))
    iin = StringField(
        _l("IIN (individual identification number)"),
        validators=[DataRequired()],
        description=_l("12 digits. Stored only in a protected, non-readable form; one account "
                       "per person."),
        render_kw={"inputmode": "numeric", "autocomplete": "off", "maxlength": "16"},
    )
    rural_district = StringField(
        _l("Rural district of residence"),
        validators=[DataRequired()],
        description=_l("Its 9-digit KATO code (e.g. 613633000) or its name."),
        render_kw={"autocomplete": "off", "maxlength": "120"},
    )
    rural_district_pick = RadioField(_l("Choose your rural district"), choices=[],
                                     validate_choice=False, validators=[Optional()])
    display_name = StringField(
        _l("Name shown with your comments (optional)"), validators=[Optional(), Length(max=80)]
    )

    def validate_password(self, field: Any) -> None:
        self._check_password(field)

    def validate_iin(self, field: Any) -> None:
        try:
            field.data = iin_numbers.validate(field.data or "")
        except iin_numbers.InvalidIIN as error:
            raise ValidationError(str(error)) from error


class ForgotPasswordForm(Form):
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(
        message=_l("Enter a valid email address.")), Length(max=254)],
        render_kw={"autocomplete": "email"})


class ResetPasswordForm(NewPasswordMixin, Form):
    password = _new_password_field(_l("New password"))

    def validate_password(self, field: Any) -> None:
        self._check_password(field)


class ChangePasswordForm(NewPasswordMixin, Form):
    current_password = PasswordField(_l("Current password"),
                                     validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)],
                                     render_kw={"autocomplete": "current-password"})
    new_password = _new_password_field(_l("New password"))

    def validate_new_password(self, field: Any) -> None:
        self._check_password(field)


class LanguageForm(Form):
    locale = SelectField(_l("Language of the site and of our emails"),
                         validators=[DataRequired()])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Set here, not in the field: WTForms 3.3 deprecates tuples passed to the field.
        self.locale.choices = list(LANGUAGE_CHOICES)


class HomeDistrictForm(RuralDistrictLookupMixin, Form):
    rural_district = StringField(
        _l("Rural district of residence"), validators=[DataRequired()],
        description=_l("Its 9-digit KATO code or its name. Moving ends your verification: "
                       "you ask again for the new place."),
        render_kw={"autocomplete": "off", "maxlength": "120"},
    )
    rural_district_pick = RadioField(_l("Choose your rural district"), choices=[],
                                     validate_choice=False, validators=[Optional()])


class VerificationRequestForm(Form):
    note = TextAreaField(
        _l("A note for the moderator (optional)"),
        validators=[Optional(), Length(max=MAX_NOTE)],
        description=_l("How can a moderator confirm that you live there? For example your "
                       "village and street. Only moderators see this."),
        render_kw={"rows": "3", "maxlength": str(MAX_NOTE)},
    )


class RejectForm(Form):
    reason = TextAreaField(
        _l("Reason (sent to the person)"),
        validators=[DataRequired(message=_l("Say why, so the person knows what to do next.")),
                    Length(max=MAX_REASON)],
        render_kw={"rows": "2", "maxlength": str(MAX_REASON)},
    )


class SecondFactorForm(Form):
    """The six digits from the authenticator app, or one recovery code."""

    code = StringField(_l("Code from your authenticator app, or a recovery code"),
                       validators=[DataRequired(), Length(max=20)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "text",
                                  "autocapitalize": "off", "spellcheck": "false"})
