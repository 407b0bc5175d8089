"""Recall petitions: started by a verified resident with a reason, signed once per resident
(a unique index), withdrawn while open. Counts move by SQL increments in the signing
transaction, so simultaneous signatures are never lost. Signers are never shown: pages, the
API and PDFs get the count only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from portal import audit
from portal.accounts.models import User
from portal.akims.models import Term
from portal.extensions import db
from portal.formats import date_text
from portal.modeling import utcnow
from portal.notifications import signals
from portal.recall.models import Petition, PetitionSignature, PetitionStatus
from portal.recall.ruleset import PetitionRule, current_rules
from portal.recall.services import RecallError
from portal.reports.timeliness import local_today

REASON_MIN = 30
REASON_MAX = 3_000


def petition_rule() -> PetitionRule:
    return current_rules().rules.petition


def threshold_for(term: Term, rule: PetitionRule | None = None) -> int | None:
    """Signatures needed: ⌈share × registered voters of the rural district⌉ (rule 4); None
    while the number of registered voters is not on record."""
    voters = term.rural_district.registered_voters
    return (rule or petition_rule()).threshold(voters) if voters is not None else None


def current_petition(term_id: int) -> Petition | None:
    """The petition collecting (or that succeeded) for a term, if any."""
    return db.session.scalar(
        select(Petition).where(Petition.term_id == term_id,
                               Petition.status.in_((PetitionStatus.OPEN,
                                                    PetitionStatus.SUCCEEDED))))


def start_petition(term: Term, actor: User, reason: str, today: date | None = None,
                   now: datetime | None = None) -> Petition:
    """Open a petition on a serving term; the initiator's own signature is the first. The
    caller has checked PETITIONS_START (a verified resident, never the akim)."""
    today, now = today or local_today(), now or utcnow()
    reason = (reason or "").strip()
    if len(reason) < REASON_MIN:
        raise RecallError(_("Explain the reason for the petition in at least %(min)d "
                            "characters: residents read it before they sign.", min=REASON_MIN),
                          "reason")
    if len(reason) > REASON_MAX:
        raise RecallError(_("The reason can have at most %(max)d characters.", max=REASON_MAX),
                          "reason")
    if term.rural_district.registered_voters is None:
        raise RecallError(_("The number of registered voters of this rural district is not on "
                            "record, so no petition threshold can be set."), "reason")
    if not term.is_serving:
        raise RecallError(_("Petitions can only be started for a serving akim."))
    _require_adult(actor, today)  # the initiator's signature is the first
    close_expired(today)
    if current_petition(term.id) is not None:
        raise RecallError(_("A petition for this akim is already collecting signatures "
                            "(or has succeeded): sign that one."))
    rule = petition_rule()
    petition = Petition(term_id=term.id, rural_district_id=term.rural_district_id,
                        initiator_id=actor.id, reason=reason, opened_at=now, opened_on=today,
                        closes_on=today + timedelta(days=rule.duration_days - 1),
                        status=PetitionStatus.OPEN, signature_count=0)
    try:
        with db.session.begin_nested():
            db.session.add(petition)
    except IntegrityError:  # another resident opened one at the same moment
        raise RecallError(_("A petition for this akim is already collecting signatures "
                            "(or has succeeded): sign that one.")) from None
    audit.record(actor, "recall.petition.start", petition, None,
                 {"term_id": term.id, "closes_on": petition.closes_on.isoformat()})
    sign(petition, actor, today, now, rule=rule)
    return petition


@dataclass(frozen=True)
class SignOutcome:
    counted: bool  # False: the resident had already signed
    succeeded: bool  # this signature reached the threshold


def sign(petition: Petition, user: User, today: date | None = None,
         now: datetime | None = None, rule: PetitionRule | None = None) -> SignOutcome:
    """Add `user`'s signature once. The caller has checked PETITIONS_SIGN on the petition."""
    today, now = today or local_today(), now or utcnow()
    if not petition.accepts_signatures(today):
        raise RecallError(_("This petition no longer accepts signatures."))
    _require_adult(user, today)
    counted = False
    existing = _signature(petition.id, user.id)
    if existing is None:
        try:
            with db.session.begin_nested():
                db.session.add(PetitionSignature(petition_id=petition.id, user_id=user.id,
                                                 signed_at=now))
            counted = True
        except IntegrityError:
            counted = False  # the same resident's other request got there first
    elif existing.withdrawn_at is not None:
        restored = db.session.execute(
            update(PetitionSignature)
            .where(PetitionSignature.id == existing.id, PetitionSignature.withdrawn_at.is_not(None))
            .values(withdrawn_at=None, signed_at=now)
            .execution_options(synchronize_session=False))
        counted = restored.rowcount == 1  # type: ignore[attr-defined]
    if not counted:
        return SignOutcome(False, False)
    _count(petition, +1)
    threshold = threshold_for(petition.term, rule)
    if threshold is None:  # no voter count on record: no threshold can be reached
        audit.record(user, "recall.petition.sign", petition, None,
                     {"succeeded": False, "threshold": None})
        return SignOutcome(True, False)
    reached = db.session.execute(
        update(Petition)
        .where(Petition.id == petition.id, Petition.status == PetitionStatus.OPEN,
               Petition.signature_count >= threshold)
        .values(status=PetitionStatus.SUCCEEDED, succeeded_on=today)
        .execution_options(synchronize_session=False)).rowcount == 1  # type: ignore[attr-defined]
    db.session.expire(petition, ["signature_count", "status", "succeeded_on"])
    audit.record(user, "recall.petition.sign", petition, None,
                 {"succeeded": reached, "threshold": threshold})
    if reached:
        signals.petition_threshold_reached.send(petition, actor=user)
    return SignOutcome(True, reached)


def _require_adult(user: User, today: date) -> None:
    """Signatures are counted from adults only (issue 18, item 7; a rule of ours, after the
    voting age of eighteen in art. 33 of the Constitution), on the Almaty calendar."""
    if user.is_adult_on(today):
        return
    if user.adult_from is not None:
        raise RecallError(_("Petitions are signed by adults: you can sign from %(day)s, the "
                            "day you turn 18.", day=date_text(user.adult_from)))
    raise RecallError(_("Petitions are signed by adults registered with an IIN."))


def withdraw(petition: Petition, user: User, today: date | None = None,
             now: datetime | None = None) -> bool:
    """Take one's signature back while the petition is open; False if there was none."""
    today, now = today or local_today(), now or utcnow()
    if not petition.accepts_signatures(today):
        raise RecallError(_("This petition is closed: signatures can no longer be withdrawn."))
    result = db.session.execute(
        update(PetitionSignature)
        .where(PetitionSignature.petition_id == petition.id, PetitionSignature.user_id == user.id,
               PetitionSignature.withdrawn_at.is_(None))
        .values(withdrawn_at=now)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return False
    _count(petition, -1)
    audit.record(user, "recall.petition.withdraw", petition)
    return True


def has_signed(petition: Petition, user: User) -> bool:
    signature = _signature(petition.id, user.id, lock=False)
    return signature is not None and signature.withdrawn_at is None


def close_expired(today: date) -> int:
    """Petitions past their last day stop collecting (the daily job calls this too)."""
    result = db.session.execute(
        update(Petition)
        .where(Petition.status == PetitionStatus.OPEN, Petition.closes_on < today)
        .values(status=PetitionStatus.CLOSED, closed_on=Petition.closes_on)
        .execution_options(synchronize_session=False))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def take_write_lock(petition_id: int) -> None:
    """Signatures of one petition go one at a time, so its status is read fresh and the
    count never passes the threshold by a race. SQLite has one writer: a harmless write as
    the transaction's first statement waits its turn. PostgreSQL locks the petition's row."""
    if db.engine.dialect.name == "sqlite":
        db.session.execute(update(Petition).where(Petition.id == petition_id)
                           .values(signature_count=Petition.signature_count)
                           .execution_options(synchronize_session=False))
        return
    db.session.execute(select(Petition.id).where(Petition.id == petition_id).with_for_update())


def _signature(petition_id: int, user_id: int, lock: bool = True) -> PetitionSignature | None:
    statement = select(PetitionSignature).where(PetitionSignature.petition_id == petition_id,
                                                PetitionSignature.user_id == user_id)
    if lock:
        statement = statement.with_for_update()
    return db.session.scalar(statement.execution_options(populate_existing=True))


def _count(petition: Petition, delta: int) -> None:
    db.session.execute(
        update(Petition).where(Petition.id == petition.id)
        .values(signature_count=Petition.signature_count + delta)
        .execution_options(synchronize_session=False))
    db.session.expire(petition, ["signature_count"])
