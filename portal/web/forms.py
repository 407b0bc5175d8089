"""The base of every form (`Form`: no control characters in any typed text) and the form of
a button that changes something: only the CSRF token (follow, publish, sign, approve…).
Every domain uses `ButtonForm` rather than an empty form of its own."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import flash
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, TextAreaField
from wtforms.validators import StopValidation

from portal.web.safety import has_control_characters, without_control_characters

CONTROL_CHARACTER_MESSAGE = _l("This text contains a control character (such as a NUL byte) "
                               "that cannot be stored. Remove it and try again.")


def no_control_characters(form: Any, field: Field) -> None:
    """First validator of every field: what a person could not have typed stops here, before
    a lookup sends it to the database (a NUL is a 500 on PostgreSQL). Multi-line text keeps
    tab and line ends."""
    multiline = isinstance(field, TextAreaField)
    values = [field.data] if isinstance(field.data, str) else []
    values += [value for value in (field.raw_data or []) if isinstance(value, str)]
    if any(has_control_characters(value, multiline) for value in values):
        raise StopValidation(str(CONTROL_CHARACTER_MESSAGE))


def _control_characters_as_spaces(value: Any) -> Any:
    """A filter: forms read from a query string (filters, searches) are used unvalidated."""
    return without_control_characters(value) if isinstance(value, str) else value


class Form(FlaskForm):
    """Every form of the portal derives from this one (tests/test_malformed.py checks), so a new
    form cannot forget the control-character check: a submitted form is refused with the
    message beside the field (the check reads the raw text), and the data of a form that is
    only read (a search) has them as spaces."""

    class Meta(FlaskForm.Meta):
        def bind_field(self, form: Any, unbound_field: Any, options: dict[str, Any]) -> Field:
            field: Field = super().bind_field(form, unbound_field, options)
            field.validators = [no_control_characters, *field.validators]
            if not isinstance(field, TextAreaField):
                field.filters = (*field.filters, _control_characters_as_spaces)
            return field


class ButtonForm(Form):
    """A POST button: the CSRF token is its only field."""


def apply_errors(form: Any, errors: Mapping[str, Any]) -> None:
    """A service's refusal on its form: each message beside its field, and those naming no
    field of `form` ("" or another name) flashed at the top, after the fields' own.
    Callers pass the service error's `.errors` (field name → translated message)."""
    general = []
    for name, message in errors.items():
        if name and name in form:
            form[name].errors = [*form[name].errors, str(message)]
        else:
            general.append(str(message))
    for message in general:
        flash(message, "error")
