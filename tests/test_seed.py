"""The seed: deterministic, on the real map, with the demo accounts of SPEC.md."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from portal import seed
from portal.accounts.models import User
from portal.accounts.services import authenticate
from portal.akims.models import Akim, Term, TermStatus
from portal.extensions import db
from portal.geo.models import RuralDistrict, Settlement, SettlementKind
from portal.seed.context import Scale

AS_OF = date(2026, 11, 1)


def _fingerprint() -> list[tuple[object, ...]]:
    rows = db.session.execute(
        select(RuralDistrict.kato, RuralDistrict.name_kk, Akim.full_name, Term.starts_on,
               Term.status)
        .join(Term, Term.rural_district_id == RuralDistrict.id)
        .join(Akim, Akim.id == Term.akim_id)
        .order_by(RuralDistrict.kato, Term.starts_on)
    )
    return [tuple(row) for row in rows]


def test_demo_seed_is_deterministic() -> None:
    savepoint = db.session.begin_nested()
    seed.run(Scale.DEMO, seed=7, as_of=AS_OF)
    first = _fingerprint()
    savepoint.rollback()
    seed.run(Scale.DEMO, seed=7, as_of=AS_OF)
    assert _fingerprint() == first
    assert len(first) >= 18


def test_demo_seed_has_the_spec_accounts_and_a_coherent_map() -> None:
    seed.run(Scale.DEMO, seed=2026, as_of=AS_OF)
    emails = set(db.session.scalars(select(User.email).where(User.email.like("%@demo.kz"))))
    assert emails == {"admin@demo.kz", "staff@demo.kz", "moderator@demo.kz", "akim@demo.kz",
                      "akim2@demo.kz", "citizen@demo.kz", "visitor@demo.kz"}
    assert authenticate("akim@demo.kz", "demo-pass-2026") is not None
    akim = db.session.scalar(select(User).where(User.email == "akim@demo.kz"))
    citizen = db.session.scalar(select(User).where(User.email == "citizen@demo.kz"))
    visitor = db.session.scalar(select(User).where(User.email == "visitor@demo.kz"))
    assert akim is not None and citizen is not None and visitor is not None
    serving = db.session.scalar(select(Term).where(Term.akim_id == akim.akim_id,
                                                   Term.status == TermStatus.SERVING))
    assert serving is not None
    assert citizen.is_verified_resident_of(serving.rural_district_id)
    assert visitor.resident_verified_at is None
    assert visitor.rural_district_id != serving.rural_district_id
    # Every rural district has exactly one centre and at most one serving akim.
    centres = db.session.execute(
        select(Settlement.rural_district_id, func.count())
        .where(Settlement.kind == SettlementKind.CENTRE)
        .group_by(Settlement.rural_district_id)
    ).all()
    assert len(centres) == db.session.scalar(select(func.count()).select_from(RuralDistrict))
    assert all(count == 1 for _, count in centres)
    # No password or IIN is stored readable.
    assert citizen.iin_hmac is not None and len(citizen.iin_hmac) == 64
    assert citizen.password_hash is not None and citizen.password_hash.startswith("$argon2id$")
