"""The seed gives every term a believable reporting record, consistent with the schedule."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from portal import seed
from portal.accounts.models import User
from portal.akims.models import Term, TermStatus
from portal.extensions import db
from portal.reports.models import Report, ReportState, ReportVersion
from portal.reports.readers import summaries_for_terms
from portal.reports.scheduling import schedule_reports
from portal.seed.context import Scale

AS_OF = date(2026, 11, 1)


def test_demo_seed_has_every_kind_of_report_and_matches_the_schedule() -> None:
    seed.run(Scale.DEMO, seed=2026, as_of=AS_OF)
    akim = db.session.scalar(select(User).where(User.email == "akim@demo.kz"))
    assert akim is not None
    term = db.session.scalar(select(Term).where(Term.akim_id == akim.akim_id,
                                                Term.status == TermStatus.SERVING))
    assert term is not None
    states = list(db.session.scalars(select(Report.state).where(Report.term_id == term.id)
                                     .order_by(Report.period_start)))
    assert states.count(ReportState.PUBLISHED) >= 3
    # The last due report published late a few weeks ago, the current period a draft.
    assert states[-2:] == [ReportState.PUBLISHED, ReportState.DRAFT]
    demo = summaries_for_terms([term.id], AS_OF)[term.id]
    assert demo.late >= 1 and demo.missing == 1
    latest = db.session.scalar(select(func.max(Report.first_published_on))
                               .where(Report.term_id == term.id))
    assert latest is not None and (AS_OF - latest).days < 90  # residents can still rate it
    amended = db.session.scalar(select(func.count()).select_from(ReportVersion)
                                .where(ReportVersion.number > 1))
    assert amended and amended > 3
    everyone = summaries_for_terms(db.session.scalars(select(Term.id)), AS_OF)
    assert sum(s.missing for s in everyone.values()) > 0
    assert sum(s.late for s in everyone.values()) > 0
    # The seed made exactly what the schedule would have: running it changes nothing.
    assert schedule_reports(AS_OF, actor="tests").created == 0
