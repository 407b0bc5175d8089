"""The bulk export form (an area, a format and a language) and the /verify form. They validate;
they never write."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import RadioField, SelectField, StringField
from wtforms.validators import InputRequired, Length, Optional

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


class VerifyForm(Form):
    """A dossier to check: the PDF, or its fingerprint as printed. The view reads the file
    (in memory, never stored) and checks it by its content."""

    dossier = FileField(
        _l("The dossier (PDF)"),
        description=_l("The file is read to find its data fingerprint and is not kept."))
    fingerprint = StringField(
        _l("Or its data fingerprint"), validators=[Optional(), Length(max=80)],
        description=_l("The 12 characters after \"Data fingerprint\" at the foot of each page."))
