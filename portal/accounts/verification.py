"""Resident verification: pluggable handlers, the citizen's request and moderators' decisions.

A handler is one way to establish that a person lives in the rural district they declared.
`HANDLERS` lists them in the order they are tried when a citizen asks to be verified: the
first that can decide (or take the request into review) wins. Adding a way (e.g. eGov sign-in)
means writing one class with `method` and `start` and putting it in that tuple.
"""

from __future__ import annotations

from typing import Protocol

from flask_babel import gettext as _
from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from portal import audit
from portal.accounts import notices
from portal.accounts.models import (
    ResidentRegisterEntry,
    User,
    VerificationMethod,
    VerificationRequest,
    VerificationStatus,
)
from portal.accounts.services import AccountError
from portal.extensions import db
from portal.geo.models import District, RuralDistrict
from portal.modeling import utcnow

MAX_NOTE = 500
MAX_REASON = 500


class VerificationHandler(Protocol):
    method: VerificationMethod

    def start(self, user: User, note: str | None) -> VerificationRequest | None:
        """Decide now, or open a request for review, or return None when not applicable."""


class ResidentsRegisterHandler:
    """Verified at once when a register an administrator uploaded lists this IIN for the
    declared rural district. A register entry for another district does not verify."""

    method = VerificationMethod.RESIDENTS_REGISTER

    def start(self, user: User, note: str | None) -> VerificationRequest | None:
        entry = register_entry_for(user)
        if entry is None or entry.rural_district_id != user.rural_district_id:
            return None
        return verify_from_register(user, None, note)


class ModeratorReviewHandler:
    """A moderator reads the request (and the citizen's note) and approves or rejects it."""

    method = VerificationMethod.MODERATOR_REVIEW

    def start(self, user: User, note: str | None) -> VerificationRequest | None:
        return _new_request(user, self.method, note)


HANDLERS: tuple[VerificationHandler, ...] = (ResidentsRegisterHandler(), ModeratorReviewHandler())


# --------------------------------------------------------------------------- the citizen's side

def why_not_eligible(user: User) -> str | None:
    """Why this account cannot ask for verification now, in words for its owner; or None."""
    if user.iin_hmac is None:
        return _("Only accounts registered with an IIN can be verified: one person, one voice.")
    if user.rural_district_id is None:
        return _("Name your rural district of residence first.")
    if user.resident_verified_at is not None:
        return _("You are already verified as a resident.")
    if pending_request_of(user) is not None:
        return _("Your request is waiting for a moderator.")
    return None


def request_verification(user: User, note: str | None = None) -> VerificationRequest:
    """Try each handler in turn; the first that applies decides or takes the request."""
    problem = why_not_eligible(user)
    if problem:
        raise AccountError(problem)
    note = (note or "").strip()[:MAX_NOTE] or None
    for handler in HANDLERS:
        try:
            with db.session.begin_nested():
                outcome = handler.start(user, note)
        except IntegrityError as error:  # a second tab submitted the same request
            raise AccountError(_("Your request is waiting for a moderator.")) from error
        if outcome is not None:
            return outcome
    raise AccountError(_("Verification is not available at the moment."))  # pragma: no cover


def try_register_match(user: User) -> VerificationRequest | None:
    """Verify at once from the residents' register, when it lists this person (after sign-up)."""
    if why_not_eligible(user) is not None:
        return None
    return ResidentsRegisterHandler().start(user, None)


def register_entry_for(user: User) -> ResidentRegisterEntry | None:
    if user.iin_hmac is None:
        return None
    return db.session.scalar(
        select(ResidentRegisterEntry).where(ResidentRegisterEntry.iin_hmac == user.iin_hmac)
    )


def verify_from_register(user: User, actor: User | None,
                         note: str | None = None) -> VerificationRequest:
    """Verify `user` because a register lists them; a request waiting for review is closed."""
    waiting = pending_request_of(user)
    if waiting is not None:
        waiting.status = VerificationStatus.WITHDRAWN
        waiting.decided_at = utcnow()
        db.session.flush()
    request_row = _new_request(user, VerificationMethod.RESIDENTS_REGISTER, note,
                               requested_by=actor or user)
    _approve(request_row, actor)
    return request_row


def pending_request_of(user: User) -> VerificationRequest | None:
    return db.session.scalar(
        select(VerificationRequest).where(VerificationRequest.user_id == user.id,
                                          VerificationRequest.status == VerificationStatus.PENDING)
    )


def latest_request_of(user: User) -> VerificationRequest | None:
    return db.session.scalar(
        select(VerificationRequest)
        .options(joinedload(VerificationRequest.rural_district))
        .where(VerificationRequest.user_id == user.id)
        .order_by(VerificationRequest.created_at.desc(), VerificationRequest.id.desc())
        .limit(1)
    )


def _new_request(user: User, method: VerificationMethod, note: str | None,
                 requested_by: User | None = None) -> VerificationRequest:
    assert user.rural_district_id is not None  # noqa: S101 - checked by why_not_eligible
    request_row = VerificationRequest(
        user_id=user.id, rural_district_id=user.rural_district_id, method=method,
        status=VerificationStatus.PENDING, note=note, created_at=utcnow(),
    )
    db.session.add(request_row)
    db.session.flush()
    audit.record(requested_by or user, "verification.request", request_row, None,
                 {"method": method.value, "rural_district_id": user.rural_district_id})
    return request_row


# --------------------------------------------------------------------------- moderators' side

def record_queue_view(actor: User, request_ids: list[int]) -> None:
    """A moderator saw these requests (names, places, notes): a view of personal data."""
    audit.record(actor, "verification.view_queue", None, None, {"requests": request_ids})


def pending_queue() -> Select[VerificationRequest]:
    """Waiting requests, oldest first, with what the queue shows loaded up front."""
    return (
        select(VerificationRequest)
        .options(
            joinedload(VerificationRequest.user),
            joinedload(VerificationRequest.rural_district)
            .joinedload(RuralDistrict.district).joinedload(District.region),
        )
        .where(VerificationRequest.status == VerificationStatus.PENDING)
        .order_by(VerificationRequest.created_at, VerificationRequest.id)
    )


def _check_decidable(request_row: VerificationRequest, actor: User) -> None:
    if request_row.status is not VerificationStatus.PENDING:
        raise AccountError(_("This request was already decided."))
    if request_row.user_id == actor.id:
        raise AccountError(_("You cannot decide your own request."))
    if request_row.user.rural_district_id != request_row.rural_district_id:
        raise AccountError(_("The person has since moved to another rural district."))


def approve(request_row: VerificationRequest, actor: User) -> notices.Notice:
    _check_decidable(request_row, actor)
    _approve(request_row, actor)
    return notices.verification_decided(request_row)


def _approve(request_row: VerificationRequest, actor: User | None) -> None:
    user = request_row.user
    now = utcnow()
    request_row.status = VerificationStatus.APPROVED
    request_row.decided_at = now
    request_row.decided_by_id = actor.id if actor else None
    before = {"verified": user.resident_verified_at is not None,
              "method": user.verification_method.value if user.verification_method else None}
    user.resident_verified_at = now
    user.verification_method = request_row.method
    db.session.flush()
    audit.record(actor or "system", "verification.approve", request_row,
                 {"status": VerificationStatus.PENDING.value},
                 {"status": VerificationStatus.APPROVED.value, "method": request_row.method.value,
                  "user_id": user.id, "rural_district_id": request_row.rural_district_id})
    audit.record(actor or "system", "account.verify_resident", user, before,
                 {"verified": True, "method": request_row.method.value,
                  "rural_district_id": user.rural_district_id})


def reject(request_row: VerificationRequest, actor: User, reason: str) -> notices.Notice:
    reason = reason.strip()
    if not reason:
        raise AccountError(_("Say why, so the person knows what to do next."), "reason")
    _check_decidable(request_row, actor)
    request_row.status = VerificationStatus.REJECTED
    request_row.decided_at = utcnow()
    request_row.decided_by_id = actor.id
    request_row.reason = reason[:MAX_REASON]
    db.session.flush()
    audit.record(actor, "verification.reject", request_row,
                 {"status": VerificationStatus.PENDING.value},
                 {"status": VerificationStatus.REJECTED.value, "reason": request_row.reason,
                  "user_id": request_row.user_id})
    return notices.verification_decided(request_row)


def revoke(user: User, actor: User) -> None:
    """Withdraw a resident's verification (an administrator's correction)."""
    if user.resident_verified_at is None:
        return
    before = {"verified": True,
              "method": user.verification_method.value if user.verification_method else None}
    user.resident_verified_at = None
    user.verification_method = None
    db.session.flush()
    audit.record(actor, "account.revoke_verification", user, before, {"verified": False})


def pending_count() -> int:
    return int(db.session.scalar(
        select(func.count()).select_from(VerificationRequest)
        .where(VerificationRequest.status == VerificationStatus.PENDING)
    ) or 0)
