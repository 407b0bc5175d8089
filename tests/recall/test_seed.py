"""The recall seed step: flags that arise from the seeded record, due process, petitions."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from portal import seed
from portal.accounts.models import User
from portal.akims.models import Term
from portal.extensions import db
from portal.permissions import Permission, can
from portal.recall import evaluation, petitions
from portal.recall.models import (
    UNDECIDED,
    Flag,
    Petition,
    PetitionSignature,
    PetitionStatus,
    RecallEvaluation,
    RuleCode,
)
from portal.recall.readers import flags_for_terms
from portal.seed.context import Scale

AS_OF = date(2026, 11, 1)


def _user(email: str) -> User:
    user = db.session.scalar(select(User).where(User.email == email))
    assert user is not None
    return user


def test_the_demo_shows_every_part_of_the_process() -> None:
    ctx = seed.run(Scale.DEMO, seed=2026, as_of=AS_OF)
    runs = list(db.session.scalars(select(RecallEvaluation).order_by(RecallEvaluation.as_of)))
    assert len(runs) == 13 and runs[-1].as_of == AS_OF
    live = list(db.session.scalars(select(Flag).where(Flag.cleared_on.is_(None))))
    rules = {flag.rule for flag in live}
    assert {RuleCode.REPORTING, RuleCode.PETITION} <= rules
    # A realistic minority of the serving terms is flagged.
    serving = len(ctx.serving_terms())
    assert 0 < len({flag.term_id for flag in live}) < serving / 2
    # akim@demo.kz's term carries a flag with a response.
    akim = _user("akim@demo.kz")
    term = db.session.scalar(select(Term).where(Term.id == ctx.demo.akim_term_id))
    assert term is not None and term.akim_id == akim.akim_id
    own = db.session.scalars(select(Flag).where(Flag.term_id == term.id)).all()
    assert any(flag.response for flag in own)
    # Staff have public, undecided flags to review.
    assert any(flag.is_public() and flag.status in UNDECIDED for flag in live)
    # The demo citizen can sign an open petition in the demo akim's district.
    citizen = _user("citizen@demo.kz")
    open_petition = db.session.scalar(select(Petition).where(
        Petition.term_id == term.id, Petition.status == PetitionStatus.OPEN))
    assert open_petition is not None
    assert open_petition.accepts_signatures(AS_OF)
    assert can(citizen, Permission.PETITIONS_SIGN, open_petition)
    assert not petitions.has_signed(open_petition, citizen)
    # One petition reached its threshold and raised rule 4; counts match the signatures.
    won = db.session.scalar(select(Petition).where(Petition.status == PetitionStatus.SUCCEEDED))
    assert won is not None
    assert won.signature_count == petitions.threshold_for(won.term)
    for item in db.session.scalars(select(Petition)):
        active = db.session.scalar(select(func.count()).select_from(PetitionSignature).where(
            PetitionSignature.petition_id == item.id, PetitionSignature.withdrawn_at.is_(None)))
        assert item.signature_count == active
    assert any(flag.rule is RuleCode.PETITION and flag.term_id == won.term_id for flag in live)


def test_evaluating_the_seed_again_changes_nothing() -> None:
    seed.run(Scale.DEMO, seed=2026, as_of=AS_OF)
    term_ids = list(db.session.scalars(select(Term.id)))
    before = flags_for_terms(term_ids, public_only=False)
    outcome = evaluation.evaluate(AS_OF, "cli")
    assert outcome.raised_ids == [] and outcome.cleared_ids == []
    db.session.expire_all()
    assert flags_for_terms(term_ids, public_only=False) == before


def test_the_recall_seed_is_deterministic() -> None:
    def fingerprint() -> list[tuple[object, ...]]:
        return [tuple(row) for row in db.session.execute(
            select(Flag.term_id, Flag.rule, Flag.subject, Flag.status, Flag.first_raised_on,
                   Flag.cleared_on, Flag.response).order_by(Flag.id))]

    savepoint = db.session.begin_nested()
    seed.run(Scale.DEMO, seed=11, as_of=AS_OF)
    first = fingerprint()
    savepoint.rollback()
    seed.run(Scale.DEMO, seed=11, as_of=AS_OF)
    assert fingerprint() == first and first
