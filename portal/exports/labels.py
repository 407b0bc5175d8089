"""Display names of bulk export formats and statuses.

Kept out of the shared `portal.labels` map on purpose: that map is keyed by enum members, and
StrEnum members equal their values, so `ExportStatus.FAILED` would replace the label of every
other enum's "failed" (the budget import's "Rejected"). The `export_label` filter reads here.
"""

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


def export_label(value: Enum) -> str:
    return str(LABELS.get(value, value.value))
