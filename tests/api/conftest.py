"""A small world for API tests (akims with promises, evidence, reports, files and a budget) and
a validator of answers against the OpenAPI document."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from portal.akims.models import Akim, Term
from portal.api import openapi
from portal.budgets.summaries import refresh_year_summaries
from portal.extensions import db
from portal.geo.models import RuralDistrict
from portal.meetings.models import Meeting, QuestionStatus
from portal.promises.models import (
    PromiseEvidence,
    PromiseStatus,
    PromiseUpdate,
    UpdateKind,
)
from portal.reports.models import (
    Report,
    ReportAttachment,
    ReportPromiseEntry,
    ReportState,
    ReportVersion,
)
from portal.reports.timeliness import local_today
from portal.uploads import store_upload
from tests.factories import (
    AkimFactory,
    BudgetLineFactory,
    MeetingFactory,
    MeetingQuestionFactory,
    PromiseFactory,
    ReportFactory,
    RuralDistrictFactory,
    TermFactory,
)
from tests.factories.geo import a_district
from tests.promises.helpers import pdf

KAZAKH_NAME = "Әбілқайыр Ғалымжан Құрманұлы"
KAZAKH_PLACE = "Қызылжар ауылдық округі"


@dataclass
class World:
    rural_district: RuralDistrict
    akim: Akim
    term: Term  # serving, in rural_district
    old_term: Term  # the same akim's earlier, ended term elsewhere
    other_akim: Akim  # serving in another region
    former_akim: Akim  # no serving term any more
    published: Report
    amended: Report  # published, then corrected (two versions, a file in each)
    draft: Report
    missing: Report
    promise_ids: list[int]
    meeting: Meeting  # held in the amended report's period, two questions (one closed)


def build_world() -> World:
    today = local_today()
    rural_district = RuralDistrictFactory(name_kk=KAZAKH_PLACE, name_ru="Кызылжарский с.о.",
                                          name_en="Qyzylzhar rural district")
    akim = AkimFactory(full_name=KAZAKH_NAME, full_name_latn="Abilkaiyr Galymzhan",
                       search_key="абилкайыр галымжан курманулы abilkaiyr galymzhan")
    starts = today - timedelta(days=500)
    term = TermFactory(akim=akim, rural_district=rural_district,
                       elected_on=starts - timedelta(days=3), starts_on=starts,
                       ends_on=starts + timedelta(days=4 * 365))
    old_term = TermFactory(akim=akim, ended=True)
    other = TermFactory(rural_district=RuralDistrictFactory(district=a_district("1156"),
                                                            kato="115699001"))
    former = TermFactory(ended=True)

    kept = PromiseFactory(term=term, number=1, title="=SUM(A1) water for Қызылжар",
                          deadline=today - timedelta(days=30),
                          claimed_status=PromiseStatus.KEPT, claimed_progress=100,
                          verified_status=PromiseStatus.KEPT)
    open_ = PromiseFactory(term=term, number=2, title="A new school roof",
                           deadline=today + timedelta(days=200),
                           claimed_status=PromiseStatus.IN_PROGRESS, claimed_progress=40,
                           cost_estimate=12_500_000)
    overdue = PromiseFactory(term=term, number=3, title="Street lights",
                             deadline=today - timedelta(days=10))
    update = PromiseUpdate(promise_id=kept.id, kind=UpdateKind.CLAIM, status=PromiseStatus.KEPT,
                           previous_status=PromiseStatus.IN_PROGRESS, progress=100,
                           note="Done.", author_role="akim")
    db.session.add(update)
    db.session.flush()
    stored = store_upload(pdf("act.pdf"), "tests")
    db.session.add_all([PromiseEvidence(update_id=update.id, url="https://example.org/a"),
                        PromiseEvidence(update_id=update.id, file_id=stored.id)])

    published = ReportFactory(term=term, published=True, period_start=date(2025, 1, 1),
                              period_end=date(2025, 6, 30), due_on=date(2025, 7, 31))
    amended = ReportFactory(term=term, published=True, period_start=date(2024, 7, 1),
                            period_end=date(2024, 12, 31), due_on=date(2025, 1, 31),
                            first_published_on=date(2025, 2, 3), days_late=3,
                            first_published_at=datetime(2025, 2, 3, 6, tzinfo=UTC),
                            current_version=2)
    db.session.add(ReportVersion(report_id=amended.id, number=2, reason="Corrected a figure.",
                                 published_at=datetime(2025, 3, 1, 6, tzinfo=UTC),
                                 summary="Corrected summary.", meeting_place="School hall"))
    for version in (1, 2):
        db.session.add(ReportAttachment(report_id=amended.id, added_in_version=version,
                                        stored_file=store_upload(pdf(f"v{version}.pdf"),
                                                                 "tests")))
    db.session.add(ReportAttachment(report_id=amended.id, added_in_version=None,
                                    stored_file=store_upload(pdf("unpublished.pdf"), "tests")))
    draft = ReportFactory(term=term, period_start=date(2025, 7, 1), period_end=date(2025, 12, 31),
                          due_on=today + timedelta(days=40), summary="SECRET DRAFT TEXT")
    missing = ReportFactory(term=term, period_start=date(2024, 1, 1),
                            period_end=date(2024, 6, 30), due_on=date(2024, 7, 31))
    for code, actual in (("land_tax", 1_200_000), ("vehicle_tax", 800_000)):
        BudgetLineFactory(rural_district=rural_district, year=2024, code=code,
                          approved=actual, actual=actual)
        BudgetLineFactory(rural_district=rural_district, year=2025, code=code,
                          approved=actual + 100_000)
        BudgetLineFactory(rural_district=rural_district, year=2025, code=code, q1=True,
                          actual=actual // 4)
    db.session.add(ReportPromiseEntry(report_id=amended.id, promise_id=kept.id, claim="kept",
                                      text="The school roof is repaired.", since_version=1))
    meeting = MeetingFactory(term=term, starts_at=datetime(2024, 11, 20, 6, tzinfo=UTC),
                             attendance=64, video_url="https://example.org/video")
    MeetingQuestionFactory(meeting=meeting)
    MeetingQuestionFactory(meeting=meeting, question="Will the bus run on Sundays?",
                           status=QuestionStatus.CLOSED, closed_on=date(2025, 1, 10),
                           evidence="The timetable adds Sundays: https://example.org/bus")
    MeetingFactory(term=term, scheduled=True, settlement=meeting.settlement)
    refresh_year_summaries()
    db.session.commit()
    assert missing.state == ReportState.DRAFT
    return World(rural_district, akim, term, old_term, other.akim, former.akim, published,
                 amended, draft, missing, [kept.id, open_.id, overdue.id], meeting)


@pytest.fixture
def world() -> World:
    return build_world()


FORMATS = FormatChecker()


def schema_errors(body: Any, name: str) -> list[str]:
    """Where `body` breaks the named schema of the OpenAPI document (empty: it conforms)."""
    document = openapi.document()
    schema = {"$ref": f"#/components/schemas/{name}", "components": document["components"]}
    validator = Draft202012Validator(schema, format_checker=FORMATS)
    return [f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
            for error in validator.iter_errors(body)]


def assert_conforms(body: Any, name: str) -> None:
    problems = schema_errors(body, name)
    assert not problems, "\n".join(problems[:20])
