"""Adds verified residents for the e2e runs: `python -m tests.e2e.residents EMAIL...`, and
with `--akim EMAIL` an account for a serving akim no other journey writes as.

Journey 1 runs several times against one database (desktop, phone, keyboard, Kazakh, Russian), and a
resident rates, answers and signs once; each run signs in as its own verified resident of the
demo citizen's rural district. Run with the served app's environment (DATABASE_URL, ...).
"""

from __future__ import annotations

import sys
from datetime import timedelta

import sqlalchemy as sa

from portal import create_app
from portal.accounts import iin as iin_numbers
from portal.accounts import services
from portal.accounts.models import Role, User, VerificationMethod
from portal.akims.models import Term, TermStatus
from portal.extensions import db
from portal.geo.models import RuralDistrict
from portal.modeling import utcnow
from portal.reports.models import Report, ReportState
from portal.reports.timeliness import local_today
from portal.seed.accounts import DEMO_PASSWORD

LIKE = "citizen@demo.kz"


def add_residents(emails: list[str]) -> None:
    citizen = db.session.scalars(sa.select(User).filter_by(email=LIKE)).one()
    district = db.session.get(RuralDistrict, citizen.rural_district_id)
    for number, email in enumerate(emails):
        iin = iin_numbers.with_check_digit(f"8501023{number + 100:04d}")
        if iin is None:
            iin = iin_numbers.with_check_digit(f"8501024{number + 100:04d}")
        user = services.create_user(email, DEMO_PASSWORD, [Role.CITIZEN], "e2e",
                                    display_name=email.split("@")[0], rural_district=district,
                                    iin=iin)
        user.resident_verified_at = utcnow() - timedelta(days=30)
        user.verification_method = VerificationMethod.MODERATOR_REVIEW
    db.session.commit()


def add_akim(email: str) -> None:
    """An account for the first serving akim without one who is writing the current period's
    report, outside the demo citizen's rural district: the follow journey publishes that
    report, and the demo akims' drafts belong to the other journeys."""
    citizen = db.session.scalars(sa.select(User).filter_by(email=LIKE)).one()
    with_account = sa.select(User.akim_id).where(User.akim_id.is_not(None))
    term = db.session.scalars(
        sa.select(Term).join(Report, Report.term_id == Term.id)
        .where(Term.status == TermStatus.SERVING, Term.akim_id.not_in(with_account),
               Term.rural_district_id != citizen.rural_district_id,
               Report.state == ReportState.DRAFT, Report.due_on >= local_today())
        .order_by(Term.id)).first()
    if term is None:
        raise SystemExit("no serving akim without an account is writing a report")
    user = services.create_user(email, DEMO_PASSWORD, [Role.AKIM], "e2e",
                                display_name=email.split("@")[0])
    user.akim_id = term.akim_id
    db.session.commit()


if __name__ == "__main__":
    app = create_app()
    with app.app_context():
        if sys.argv[1:2] == ["--akim"]:
            add_akim(sys.argv[2])
        else:
            add_residents(sys.argv[1:])
