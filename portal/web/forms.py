"""The form of a button that changes something: only the CSRF token (follow, publish, sign,
approve…). Every domain uses this one rather than an empty form of its own."""

from __future__ import annotations

from flask_wtf import FlaskForm


class ButtonForm(FlaskForm):
    """A POST button: the CSRF token is its only field."""
