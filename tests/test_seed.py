"""The seed: deterministic, on the real map, with the demo accounts of SPEC.md."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from portal import seed
from portal.accounts.models import User
from portal.accounts.services import authenticate
from portal.akims.models import Akim, Term, TermStatus
from portal.extensions import db
from portal.geo.changes import read_changes
from portal.geo.kato import SHIPPED_FILE, read_file
from portal.geo.models import ELECTED_KINDS, RuralDistrict, Settlement
from portal.seed import geo as seed_geo
from portal.seed.context import Scale, SeedContext

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
    # The demo akim serves in Agybet rural district, the real one (DOMAIN.md's example).
    lead = db.session.get(RuralDistrict, serving.rural_district_id)
    assert lead is not None and (lead.kato, lead.name_ru) == ("613633000", "Агыбетский с.о.")
    # At most one serving akim per unit, and only on current units with elected akims.
    serving_per_unit = db.session.execute(
        select(Term.rural_district_id, func.count()).where(Term.status == TermStatus.SERVING)
        .group_by(Term.rural_district_id)).all()
    assert len(serving_per_unit) == 18 and all(count == 1 for _, count in serving_per_unit)
    kinds = set(db.session.scalars(
        select(RuralDistrict.kind).join(Term, Term.rural_district_id == RuralDistrict.id)
        .where(RuralDistrict.valid_to.is_(None))))
    assert kinds and kinds <= ELECTED_KINDS
    # The made-up figures are marked, on exactly the units that have akims.
    marked = set(db.session.scalars(
        select(RuralDistrict.id).where(RuralDistrict.figures_synthetic)))
    assert marked == set(db.session.scalars(select(Term.rural_district_id)))
    # No password or IIN is stored readable.
    assert citizen.iin_hmac is not None and len(citizen.iin_hmac) == 64
    assert citizen.password_hash is not None and citizen.password_hash.startswith("$argon2id$")


def test_the_demo_seed_never_invents_a_place() -> None:
    """Every unit and village code in the database joins the classifier with its official
    name (issue 20: invented codes attached fiction to real places)."""
    seed.run(Scale.DEMO, seed=2026, as_of=AS_OF)
    classifier = {entry.code: entry.name_ru for entry in read_file(SHIPPED_FILE)}
    classifier.update({change.code: change.name_ru for change in read_changes()
                       if change.level == "unit"})  # the dated change set (г.Конаев, г.Алатау)
    units = dict(db.session.execute(select(RuralDistrict.kato, RuralDistrict.name_ru)).all())
    villages = dict(db.session.execute(select(Settlement.kato, Settlement.name_ru)).all())
    assert len(units) == 2404 + 1 and len(villages) == 13_620  # + г.Алатау, formed in 2024
    assert {code: name for code, name in {**units, **villages}.items()
            if classifier.get(code) != name} == {}
    with_akims = set(db.session.scalars(
        select(RuralDistrict.kato).join(Term, Term.rural_district_id == RuralDistrict.id)))
    assert len(with_akims) == 18 and with_akims <= set(classifier)


def test_the_national_map_covers_every_elected_unit_of_the_classifier() -> None:
    """The national seed's map step (the later steps give each of its units an akim)."""
    ctx = SeedContext(scale=Scale.NATIONAL, seed=2026, as_of=AS_OF)
    seed_geo.seed(ctx)
    elected = dict(db.session.execute(select(RuralDistrict.id, RuralDistrict.kato).where(
        RuralDistrict.kind.in_(ELECTED_KINDS), RuralDistrict.valid_to.is_(None))).all())
    assert len(elected) == 2345
    assert {unit.id: unit.kato for unit in ctx.rural_districts} == elected
    # Promises go to villages, not to wintering places or railway sidings.
    names = dict(db.session.execute(select(Settlement.id, Settlement.name_ru)).all())
    chosen = [names[sid] for unit in ctx.rural_districts for sid in unit.settlement_ids]
    assert sum(seed_geo.is_village(name) for name in chosen) / len(chosen) > 0.99
    assert all(unit.population > 0 and unit.registered_voters < unit.population
               for unit in ctx.rural_districts)
