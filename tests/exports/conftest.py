"""Exports test helpers: a term with a known record, PDF text, and a private export folder."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from flask import Flask
from pypdf import PdfReader

from portal.accounts.models import Role
from portal.akims.models import Term
from portal.budgets.categories import sync_categories
from portal.budgets.summaries import refresh_year_summaries
from portal.extensions import db
from portal.promises.models import (
    BrokenReason,
    Promise,
    PromiseEvidence,
    PromiseStatus,
    PromiseUpdate,
    UpdateKind,
)
from portal.reports.models import ReportState
from portal.reports.timeliness import local_today
from tests.factories import (
    AkimFactory,
    BudgetLineFactory,
    PromiseFactory,
    ReportFactory,
    RuralDistrictFactory,
    TermFactory,
)

# Every letter of the Kazakh alphabet that Russian lacks, small and capital.
KAZAKH_LETTERS = "ӘәҒғҚқҢңӨөҰұҮүҺһІі"


@pytest.fixture(autouse=True)
def export_folder(app: Flask, tmp_path: Path) -> Iterator[Path]:
    """Each test gets its own storage, so its own cache of dossiers and bundles."""
    previous = app.config["STORAGE_URL"]
    app.config["STORAGE_URL"] = f"file://{tmp_path}"
    yield tmp_path / "exports"
    app.config["STORAGE_URL"] = previous


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def page_texts(data: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages]


@dataclass
class Record:
    """A term whose dossier has a known content."""

    term: Term
    kept: Promise
    broken: Promise
    overdue: Promise
    unrated: Promise


def build_record(term: Term | None = None,
                 names: tuple[str, str] = ("Сәрсенбаев Ғалым Қайратұлы",
                                           "Sarsenbaev Galym Kairatuly")) -> Record:
    """Four promises (kept and verified with two pieces of evidence, broken, overdue, not yet
    rated), four reports (on time, late, missing, upcoming) and two budget years."""
    today = local_today()
    if term is None:
        rural_district = RuralDistrictFactory(
            name_kk="Әйгерім-Құдық ауылдық округі", name_ru="сельский округ Айгерим-Кудык",
            name_en="Aigerim-Kuduk rural district", population=5_432, registered_voters=3_901)
        akim = AkimFactory(full_name=names[0], full_name_latn=names[1], birth_year=1981)
        term = TermFactory(akim=akim, rural_district=rural_district,
                           elected_on=date(2023, 6, 4), starts_on=date(2023, 6, 7),
                           ends_on=date(2027, 6, 7))
    kept = PromiseFactory(term=term, number=1, language="kk",
                          title=f"Мектеп жөндеу: {KAZAKH_LETTERS}",
                          deadline=today - timedelta(days=60),
                          claimed_status=PromiseStatus.KEPT, claimed_progress=100,
                          verified_status=PromiseStatus.KEPT)
    broken = PromiseFactory(term=term, number=2, title="Build a bridge over the river",
                            deadline=today - timedelta(days=30),
                            claimed_status=PromiseStatus.BROKEN, claimed_progress=40,
                            claimed_broken_reason=BrokenReason.NO_FUNDING)
    overdue = PromiseFactory(term=term, number=3, title="Lay a water pipe to the school",
                             deadline=today - timedelta(days=10),
                             claimed_status=PromiseStatus.IN_PROGRESS, claimed_progress=55)
    unrated = PromiseFactory(term=term, number=4, title="Open a football pitch",
                             deadline=today + timedelta(days=300))
    update = PromiseUpdate(promise=kept, kind=UpdateKind.CLAIM, status=PromiseStatus.KEPT,
                           previous_status=PromiseStatus.IN_PROGRESS, progress=100,
                           author_role=Role.AKIM)
    update.evidence = [PromiseEvidence(url="https://example.org/act.pdf"),
                       PromiseEvidence(url="https://example.org/photo.jpg")]
    db.session.add(update)
    db.session.commit()
    year = today.year
    ReportFactory(term=term, period_start=date(year - 2, 1, 1), period_end=date(year - 2, 6, 30),
                  due_on=date(year - 2, 7, 31), published=True,
                  first_published_on=date(year - 2, 7, 20), days_late=0)
    ReportFactory(term=term, period_start=date(year - 2, 7, 1),
                  period_end=date(year - 2, 12, 31), due_on=date(year - 1, 1, 31),
                  published=True, first_published_on=date(year - 1, 2, 5), days_late=5)
    ReportFactory(term=term, period_start=date(year - 1, 1, 1), period_end=date(year - 1, 6, 30),
                  due_on=date(year - 1, 7, 31), state=ReportState.DRAFT)
    ReportFactory(term=term, period_start=today.replace(month=1, day=1),
                  period_end=today.replace(month=12, day=31),
                  due_on=date(year + 1, 1, 31), state=ReportState.DRAFT)
    sync_categories("tests")
    for budget_year, land, transfers in ((2024, 12_000_000, 48_000_000),
                                         (2025, 15_000_000, 50_000_000)):
        BudgetLineFactory(rural_district=term.rural_district, year=budget_year, code="land_tax",
                          approved=land, actual=land)
        BudgetLineFactory(rural_district=term.rural_district, year=budget_year,
                          code="subventions", approved=transfers, actual=transfers)
    refresh_year_summaries()
    db.session.commit()
    return Record(term, kept, broken, overdue, unrated)


@pytest.fixture
def record() -> Record:
    return build_record()


def rated(term: Term, scores: dict[int, int]) -> None:
    """`scores[score]` new verified residents rate the term's first published report."""
    from datetime import timedelta

    from sqlalchemy import select

    from portal.feedback.ratings import rate_report
    from portal.reports.models import Report, ReportState
    from tests.factories import UserFactory

    report = db.session.scalar(select(Report).where(Report.term_id == term.id,
                                                    Report.state == ReportState.PUBLISHED)
                               .order_by(Report.period_start))
    assert report is not None and report.first_published_on is not None
    day_after = report.first_published_on + timedelta(days=1)
    for score, count in scores.items():
        for _ in range(count):
            # Adults on the day they rate (ratings are for residents of 18 and over).
            resident = UserFactory.resident_of(term.rural_district, adult_from=date(2000, 1, 1))
            rate_report(report.id, resident.id, score, today=day_after)
    db.session.commit()


MISSING_TWICE = {"as_of": "2026-01-10", "reasons": ["overdue"], "missing_count": 2,
                 "overdue_count": 2, "days_past_due": 30, "missed_in_term": 2,
                 "missing": [{"report_id": 1, "period_start": "2025-01-01",
                              "period_end": "2025-06-30", "due_on": "2025-07-31",
                              "days_past_due": 163},
                             {"report_id": 2, "period_start": "2024-07-01",
                              "period_end": "2024-12-31", "due_on": "2025-01-31",
                              "days_past_due": 344}]}
PROMISES_BROKEN = {"as_of": "2025-03-01", "reasons": ["broken"], "applies_from": "2025-06-07",
                   "due": 4, "kept": 1, "broken": 2, "partially_kept": 0, "withdrawn": 0,
                   "broken_share": "0.5000", "kept_share": "0.2500",
                   "broken_share_at_least": "0.5", "kept_share_below": "0.25",
                   "broken_promise_ids": []}


def flagged(term: Term) -> None:
    """A live reporting flag with the akim's response, and a dismissed promises flag."""
    from datetime import UTC, datetime

    from portal.recall.models import FlagStatus, RuleCode
    from tests.factories import FlagFactory

    FlagFactory(term=term, evidence=MISSING_TWICE, status=FlagStatus.AKIM_RESPONDED,
                response="The report was <b>lost</b> in the post.",
                responded_at=datetime(2026, 1, 20, 8, tzinfo=UTC),
                first_raised_on=date(2026, 1, 5))
    FlagFactory(term=term, rule=RuleCode.PROMISES, evidence=PROMISES_BROKEN,
                status=FlagStatus.DISMISSED, first_raised_on=date(2025, 3, 1),
                decided_at=datetime(2025, 4, 1, tzinfo=UTC),
                decision_reason="Funding was withdrawn by the district.")
    db.session.commit()
