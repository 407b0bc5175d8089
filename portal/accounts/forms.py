"""Sign-in and registration forms. Forms validate; they never write to the database."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from portal.accounts import iin as iin_numbers
from portal.accounts.services import MIN_PASSWORD_LENGTH


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=512)])


class RegistrationForm(FlaskForm):
    email = EmailField(
        _l("Email"),
        validators=[DataRequired(), Email(message=_l("Enter a valid email address.")),
                    Length(max=254)],
    )
    password = PasswordField(
        _l("Password"),
        validators=[
            DataRequired(),
            Length(min=MIN_PASSWORD_LENGTH, max=512,
                   message=_l("Use at least %(min)d characters.", min=MIN_PASSWORD_LENGTH)),
        ],
        description=_l("At least %(min)d characters. A few unrelated words work well.",
                       min=MIN_PASSWORD_LENGTH),
    )
    iin = StringField(
        _l("IIN (individual identification number)"),
        validators=[DataRequired()],
        description=_l("12 digits. Stored only in a protected, non-readable form."),
        render_kw={"inputmode": "numeric", "autocomplete": "off", "maxlength": "14"},
    )
    rural_district = StringField(
        _l("Rural district of residence (KATO code)"),
        validators=[DataRequired()],
        description=_l("The 9-digit KATO code of your rural district, e.g. 613633000. "
                       "Find it with the search."),
        render_kw={"inputmode": "numeric", "maxlength": "9"},
    )
    display_name = StringField(
        _l("Name shown with your comments (optional)"), validators=[Optional(), Length(max=80)]
    )

    def validate_iin(self, field: Any) -> None:
        try:
            iin_numbers.validate(field.data or "")
        except iin_numbers.InvalidIIN as error:
            raise ValidationError(str(error)) from error

    def validate_rural_district(self, field: Any) -> None:
        code = (field.data or "").strip()
        if not (code.isdigit() and len(code) == 9):
            raise ValidationError(_l("A KATO code has exactly 9 digits."))
