"""Reports. A draft by default; `filled` gives every section, `submitted` and `published` move
it on (a published one gets its frozen version 1, as the service would make it)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import factory

from portal.reports.models import CONTENT_FIELDS, Report, ReportState, ReportVersion
from tests.factories.akims import TermFactory
from tests.factories.base import BaseFactory

FILLED: dict[str, Any] = {
    "summary": "We repaired roads and opened a playground.",
    "promises_progress": "- **Street lights**: 12 of 20 installed.",
    "budget_execution": "| Line | Plan | Spent |\n|---|---:|---:|\n| Lights | 4 200 | 3 950 |",
    "meeting_held_on": date(2025, 6, 20),
    "meeting_place": "House of culture, Agybet",
    "meeting_attendance": 120,
    "meeting_broadcast_url": "https://www.youtube.com/watch?v=meeting",
    "meeting_questions": "1. **When is the road fixed?** Next spring.",
    "next_plans": "- Finish the road to the school.",
}


class ReportFactory(BaseFactory):
    class Meta:
        model = Report

    term = factory.SubFactory(TermFactory)
    period_start = date(2025, 1, 1)
    period_end = date(2025, 6, 30)
    due_on = date(2025, 7, 31)
    state = ReportState.DRAFT
    current_version = 0
    # A publication after the period ended covers it; one on or before its last day is interim.
    covered_on = factory.LazyAttribute(
        lambda report: report.first_published_on
        if isinstance(report.first_published_on, date)
        and report.first_published_on > report.period_end else None)

    class Params:
        filled = factory.Trait(**FILLED)
        submitted = factory.Trait(
            filled=True, state=ReportState.SUBMITTED,
            submitted_at=datetime(2025, 7, 1, 6, tzinfo=UTC),
        )
        published = factory.Trait(
            filled=True, state=ReportState.PUBLISHED, current_version=1,
            first_published_at=datetime(2025, 7, 10, 6, tzinfo=UTC),
            first_published_on=date(2025, 7, 10), days_late=0,
        )

    @factory.post_generation
    def first_version(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if not create or self.state != ReportState.PUBLISHED or self.versions:
            return
        version = ReportVersion(report=self, number=1, published_at=self.first_published_at,
                                **{name: getattr(self, name) for name in CONTENT_FIELDS})
        session = ReportFactory._meta.sqlalchemy_session_factory()
        session.add(version)
        session.commit()
