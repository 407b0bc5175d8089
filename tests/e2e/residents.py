"""Adds verified residents for the e2e runs: `python -m tests.e2e.residents EMAIL...`.

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
from portal.extensions import db
from portal.geo.models import RuralDistrict
from portal.modeling import utcnow
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


if __name__ == "__main__":
    app = create_app()
    with app.app_context():
        add_residents(sys.argv[1:])
