"""The bulk export form: an area, a format and a language. It validates; it never writes."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectField
from wtforms.validators import InputRequired

from portal.exports.labels import export_label
from portal.exports.models import ExportFormat
from portal.web.forms import Form

LANGUAGE_CHOICES = [("kk", "Қазақша"), ("ru", "Русский"), ("en", "English")]


class BundleForm(Form):
    area = SelectField(
        _l("Area"), validate_choice=True,
        validators=[InputRequired(message=_l("Choose the whole country, a region or a district."))],
        description=_l("Every serving akim of the area gets a dossier. The number of akims is "
                       "shown beside each name."))
    format = RadioField(_l("Format"), default=ExportFormat.PDF.value,
                        validators=[InputRequired(message=_l("Choose one PDF or a ZIP."))])
    language = SelectField(_l("Language of the dossiers"), validators=[InputRequired()])

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        # Set after construction: the area list is built per request (see the view).
        self.format.choices = [(value.value, export_label(value)) for value in ExportFormat]
        self.language.choices = list(LANGUAGE_CHOICES)
