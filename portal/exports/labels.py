"""Display names of bulk export formats, statuses and scopes."""

from enum import Enum
from typing import Any

from flask_babel import lazy_gettext as _l

from portal.exports.models import ExportFormat, ExportStatus

LABELS: dict[Enum, Any] = {
    ExportFormat.PDF: _l("One PDF: summary table, then every dossier"),
    ExportFormat.ZIP: _l("ZIP of single dossiers, with the summary"),
    ExportStatus.QUEUED: _l("Waiting to start"),
    ExportStatus.RUNNING: _l("Running"),
    ExportStatus.DONE: _l("Ready"),
    ExportStatus.FAILED: _l("Failed"),
    ExportStatus.CANCELLED: _l("Cancelled"),
}
