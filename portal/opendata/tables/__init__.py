"""The tables of the bulk download: what each column means, and the query that fills it.

Published data only, exactly what the public pages show: no user ids, emails, IINs, authors or
signers (timeline entries carry the author's role, as the pages do), no drafts (report texts
come from published versions), no private files. Rows are streamed, never held in memory.
"""

from __future__ import annotations

from portal.opendata.columns import Column, Table


def all_tables() -> list[Table]:
    from portal.api.external import open_data_tables
    from portal.opendata.tables import budgets, figures, meetings, places, promises, reports

    return [*places.PLACES, *promises.PROMISES, *reports.REPORTS, *meetings.MEETINGS,
            *budgets.BUDGETS, *open_data_tables(), *figures.FIGURES]


__all__ = ["Column", "Table", "all_tables"]
