"""The "My follows" settings form: how often per kind of event, quiet hours, no mail at all."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, TimeField
from wtforms.validators import Optional

from portal.labels import label
from portal.notifications.labels import LABELS
from portal.notifications.models import EventKind, Frequency
from portal.notifications.preferences import Settings
from portal.web.forms import Form


def _choices() -> list[tuple[str, str]]:
    return [(frequency.value, label(frequency)) for frequency in Frequency]


class SettingsForm(Form):
    paused = BooleanField(_l("Send me no email at all"))
    quiet_start = TimeField(_l("Quiet hours from"), validators=[Optional()])
    quiet_end = TimeField(_l("Quiet hours until"), validators=[Optional()])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind in EventKind:
            self[f"kind_{kind.value}"].choices = _choices()

    def kind_fields(self) -> list[Any]:
        return [self[f"kind_{kind.value}"] for kind in EventKind]

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if (self.quiet_start.data is None) != (self.quiet_end.data is None):
            missing = self.quiet_end if self.quiet_end.data is None else self.quiet_start
            missing.errors = [*missing.errors, str(_l("Give both ends of the quiet hours."))]
            return False
        return valid

    def load(self, settings: Settings) -> None:
        self.paused.data = settings.paused
        self.quiet_start.data, self.quiet_end.data = settings.quiet_start, settings.quiet_end
        for kind, frequency in settings.frequencies.items():
            self[f"kind_{kind.value}"].data = frequency.value

    def values(self) -> Settings:
        return Settings(bool(self.paused.data), self.quiet_start.data, self.quiet_end.data,
                        {kind: Frequency(self[f"kind_{kind.value}"].data)
                         for kind in EventKind})


for _kind in EventKind:
    setattr(SettingsForm, f"kind_{_kind.value}",
            SelectField(LABELS[_kind], choices=[], default=Frequency.IMMEDIATELY.value))
