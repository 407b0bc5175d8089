"""The budget import form: one file. It validates presence; the importer checks the content."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired

from portal.web.forms import Form


class ImportForm(Form):
    file = FileField(
        _l("Budget file (CSV or XLSX)"),
        validators=[FileRequired(message=_l("Choose a file to import."))],
        description=_l("UTF-8 CSV or an XLSX workbook (first sheet), with the columns of the "
                       "template. All rows are imported, or none."),
        render_kw={"accept": ".csv,.xlsx,text/csv,"
                             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
    )
