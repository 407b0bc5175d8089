"""The shared placement of a service's refusal on a form (portal.web.forms.apply_errors)."""

from __future__ import annotations

from flask import Flask, get_flashed_messages
from wtforms import StringField

from portal.web.forms import Form, apply_errors


class _PlaceForm(Form):
    place = StringField("Place")


def test_messages_go_beside_their_field_and_the_rest_to_the_top(app: Flask) -> None:
    with app.test_request_context("/", method="POST"):
        form = _PlaceForm(meta={"csrf": False})
        form.place.errors = ["Already there."]
        apply_errors(form, {"place": "Say where.", "": "Too late.", "ghost": "No such field."})
        assert form.place.errors == ["Already there.", "Say where."]
        assert get_flashed_messages(with_categories=True) == [
            ("error", "Too late."), ("error", "No such field.")]
