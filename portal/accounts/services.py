"""Accounts: registration, confirmation, sign-in, passwords and preferences.

Services flush and audit; the caller commits and then delivers the returned notices. Audit
values never carry an email, IIN, password or token: the target id says whose account it was.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from portal import audit, clock
from portal.accounts import iin as iin_numbers
from portal.accounts import notices, sessions, tokens
from portal.accounts.models import (
    Role,
    TokenPurpose,
    User,
    UserRole,
    VerificationRequest,
    VerificationStatus,
)
from portal.accounts.passwords import MIN_PASSWORD_LENGTH, hash_password, needs_rehash
from portal.accounts.passwords import verify_password as _verify_password
from portal.extensions import db
from portal.geo.models import RuralDistrict
from portal.modeling import utcnow

__all__ = ["MIN_PASSWORD_LENGTH", "AccountError"]

# An unconfirmed registration holds its email and IIN this long; after that a new
# registration may take them over, so nobody can squat on someone else's IIN.
UNCONFIRMED_HOLD = tokens.LIFETIMES[TokenPurpose.CONFIRM_EMAIL]


class AccountError(ValueError):
    """A request about an account that cannot be done; the message is safe to show."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def iin_digest(iin: str) -> str:
    return iin_numbers.keyed_hash(iin, current_app.config["IIN_HMAC_KEY"])


def iin_in_use(iin: str) -> bool:
    return db.session.scalar(select(User.id).where(User.iin_hmac == iin_digest(iin))) is not None


# --------------------------------------------------------------------------- signing in

def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None; the same work either way.

    An unconfirmed account is returned too: the caller tells its owner (who just proved the
    password) to confirm the address, which tells an outsider nothing.
    """
    user = find_by_email(email)
    ok = _verify_password(user.password_hash if user else None, password)
    if not ok or user is None or not user.is_active:
        return None
    if user.password_hash and needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def record_login(user: User) -> None:
    user.last_login_at = utcnow()
    audit.record(user, "account.login", user)


def resend_confirmation(user: User) -> notices.Notice:
    return notices.confirm_email(user, tokens.issue(user, TokenPurpose.CONFIRM_EMAIL))


# --------------------------------------------------------------------------- creating accounts

def create_user(
    email: str,
    password: str | None,
    roles: Iterable[Role],
    actor: User | str | None,
    *,
    display_name: str | None = None,
    rural_district: RuralDistrict | None = None,
    iin: str | None = None,
    confirmed: bool = True,
) -> User:
    """An account made by an administrator or a command (confirmed unless told otherwise)."""
    email = normalise_email(email)
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError as error:
        raise AccountError(_("Enter a valid email address."), "email") from error
    if find_by_email(email) is not None:
        raise AccountError(_("An account with this email already exists."), "email")
    user = _new_user(email, hash_password(password) if password else None, roles,
                     display_name=display_name, rural_district=rural_district, iin=iin,
                     confirmed=confirmed)
    db.session.add(user)
    db.session.flush()
    _audit_created(actor, user)
    return user


def _new_user(email: str, password_hash: str | None, roles: Iterable[Role], *,
              display_name: str | None, rural_district: RuralDistrict | None,
              iin: str | None, confirmed: bool) -> User:
    user = User(
        email=email,
        password_hash=password_hash,
        display_name=display_name,
        rural_district_id=rural_district.id if rural_district else None,
        is_active_account=True,
        session_version=1,
        email_confirmed_at=utcnow() if confirmed else None,
    )
    if iin:
        normalised = iin_numbers.validate(iin)
        user.iin_hmac = iin_digest(normalised)
        # Nothing else of the IIN is kept: no digit, no birth date, no sex (docs/accounts.md).
        user.adult_from = iin_numbers.adult_from(normalised, clock.today())
    user.role_rows = [UserRole(role=role) for role in sorted(set(roles))]
    return user


def _audit_created(actor: User | str | None, user: User) -> None:
    audit.record(actor, "account.create", user, None, {
        "roles": sorted(role.value for role in user.roles),
        "rural_district_id": user.rural_district_id,
        "has_iin": user.iin_hmac is not None,
    })


class RegistrationOutcome(enum.Enum):
    CREATED = "created"
    EMAIL_TAKEN = "email_taken"
    DETAILS_TAKEN = "details_taken"  # the IIN belongs to another account


@dataclass(frozen=True)
class Registration:
    outcome: RegistrationOutcome
    notice: notices.Notice
    user: User | None = None


def register_citizen(email: str, password: str, iin: str, rural_district: RuralDistrict,
                     display_name: str | None = None, locale: str | None = None) -> Registration:
    """Register a resident, or explain by email why not. The visitor sees the same either way.

    Every branch hashes the password and produces one email to the address typed, so neither
    the response nor its timing reveals whether the email or the IIN is known. The unique
    constraints on email and IIN stay the real guard: a race that passes both checks ends in
    an IntegrityError, handled like a duplicate.
    """
    email = normalise_email(email)
    normalised_iin = iin_numbers.validate(iin)
    password_hash = hash_password(password)
    digest = iin_digest(normalised_iin)
    _release_stale_unconfirmed(email, digest)

    existing = find_by_email(email)
    if existing is not None:
        audit.record(None, "account.register_refused", existing, None, {"reason": "email"})
        return Registration(RegistrationOutcome.EMAIL_TAKEN, notices.already_registered(existing))
    holder_id = _holder_of(digest)
    if holder_id is not None:
        audit.record(None, "account.register_refused", None, None,
                     {"reason": "iin", "holder_id": holder_id})
        return Registration(RegistrationOutcome.DETAILS_TAKEN, notices.could_not_register(email))

    user = _new_user(email, password_hash, [Role.CITIZEN], display_name=display_name,
                     rural_district=rural_district, iin=normalised_iin, confirmed=False)
    user.locale = locale
    try:
        with db.session.begin_nested():
            db.session.add(user)
            db.session.flush()
    except IntegrityError:
        # Another registration took the email or IIN between our checks and this insert.
        audit.record(None, "account.register_refused", None, None, {"reason": "race"})
        return Registration(RegistrationOutcome.DETAILS_TAKEN, notices.could_not_register(email))
    _audit_created(None, user)
    token = tokens.issue(user, TokenPurpose.CONFIRM_EMAIL)
    return Registration(RegistrationOutcome.CREATED, notices.confirm_email(user, token), user)


def _holder_of(iin_hmac: str) -> int | None:
    return db.session.scalar(select(User.id).where(User.iin_hmac == iin_hmac))


def _release_stale_unconfirmed(email: str, digest: str) -> None:
    """Delete never-confirmed accounts past their hold that block this email or IIN."""
    cutoff = utcnow() - UNCONFIRMED_HOLD
    stale = db.session.scalars(
        select(User).where(
            or_(User.email == email, User.iin_hmac == digest),
            User.email_confirmed_at.is_(None),
            User.last_login_at.is_(None),
            User.created_at < cutoff,
        )
    ).all()
    for user in stale:
        audit.record(None, "account.expire_unconfirmed", user)
        db.session.delete(user)
    if stale:
        db.session.flush()


def confirm_email(token: str) -> User | None:
    """Use a confirmation token; the account can sign in from now on."""
    user = tokens.consume(token, TokenPurpose.CONFIRM_EMAIL)
    if user is None or not user.is_active:
        return None
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
        audit.record(user, "account.confirm_email", user)
    return user


def confirmation_is_live(token: str) -> bool:
    return tokens.peek(token, TokenPurpose.CONFIRM_EMAIL) is not None


# --------------------------------------------------------------------------- passwords

def set_password(user: User, password: str, actor: User | str | None) -> None:
    """Change a password and end every session of the account (the caller may sign in anew)."""
    user.password_hash = hash_password(password)
    sessions.end_every_session(user)
    audit.record(actor, "account.password_change", user)


def change_password(user: User, current_password: str, new_password: str) -> None:
    if not _verify_password(user.password_hash, current_password):
        raise AccountError(_("This is not your current password."), "current_password")
    set_password(user, new_password, user)


def request_password_reset(email: str) -> notices.Notice:
    """A reset link for an active account; otherwise a note to the address. One email each."""
    user = find_by_email(email)
    if user is None or not user.is_active:
        return notices.no_account(normalise_email(email))
    token = tokens.issue(user, TokenPurpose.RESET_PASSWORD)
    audit.record(None, "account.password_reset_request", user)
    return notices.reset_password(user, token)


def reset_is_live(token: str) -> bool:
    return tokens.peek(token, TokenPurpose.RESET_PASSWORD) is not None


def email_for_token(token: str) -> str | None:
    row = tokens.peek(token, TokenPurpose.RESET_PASSWORD)
    return row.user.email if row is not None else None


def reset_password(token: str, new_password: str) -> User | None:
    """Use a reset token: a new password, every session ended, the address proven."""
    user = tokens.consume(token, TokenPurpose.RESET_PASSWORD)
    if user is None or not user.is_active:
        return None
    set_password(user, new_password, user)
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
    return user


# --------------------------------------------------------------------------- the account page

def set_locale(user: User, locale: str | None) -> None:
    if user.locale == locale:
        return
    before = {"locale": user.locale}
    user.locale = locale
    audit.record(user, "account.set_locale", user, before, {"locale": locale})


def change_rural_district(user: User, rural_district: RuralDistrict) -> bool:
    """Declare a new home district. Verification belongs to the old one, so it ends."""
    if user.rural_district_id == rural_district.id:
        return False
    before = {"rural_district_id": user.rural_district_id,
              "verified": user.resident_verified_at is not None}
    user.rural_district_id = rural_district.id
    user.resident_verified_at = None
    user.verification_method = None
    db.session.execute(
        update(VerificationRequest)
        .where(VerificationRequest.user_id == user.id,
               VerificationRequest.status == VerificationStatus.PENDING)
        .values(status=VerificationStatus.WITHDRAWN, decided_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.flush()
    audit.record(user, "account.change_rural_district", user, before,
                 {"rural_district_id": rural_district.id, "verified": False})
    return True


def end_all_sessions(user: User, actor: User | str | None) -> None:
    """Sign the account out everywhere (the caller may sign the current browser in again)."""
    sessions.end_every_session(user)
    audit.record(actor, "account.end_sessions", user)
