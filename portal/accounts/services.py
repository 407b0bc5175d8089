"""Creating accounts and signing in. Services flush and audit; the caller commits."""

from __future__ import annotations

from collections.abc import Iterable

from flask import current_app
from sqlalchemy import select

from portal import audit
from portal.accounts import iin as iin_numbers
from portal.accounts.models import Role, User, UserRole
from portal.accounts.passwords import hash_password, needs_rehash, verify_password
from portal.extensions import db
from portal.geo.models import RuralDistrict
from portal.modeling import utcnow

MIN_PASSWORD_LENGTH = 10


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


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None; the same work either way."""
    user = find_by_email(email)
    ok = verify_password(user.password_hash if user else None, password)
    if not ok or user is None or not user.is_active:
        return None
    if user.password_hash and needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    audit.record(user, "account.login", user)
    return user


def create_user(
    email: str,
    password: str | None,
    roles: Iterable[Role],
    actor: User | str | None,
    *,
    display_name: str | None = None,
    rural_district: RuralDistrict | None = None,
    iin: str | None = None,
) -> User:
    email = normalise_email(email)
    if find_by_email(email) is not None:
        raise AccountError("An account with this email already exists.", "email")
    user = User(
        email=email,
        password_hash=hash_password(password) if password else None,
        display_name=display_name,
        rural_district_id=rural_district.id if rural_district else None,
        is_active_account=True,
        session_version=1,
    )
    if iin:
        normalised = iin_numbers.validate(iin)
        user.iin_hmac = iin_digest(normalised)
        user.iin_last4 = normalised[-4:]
    user.role_rows = [UserRole(role=role) for role in sorted(set(roles))]
    db.session.add(user)
    db.session.flush()
    audit.record(actor, "account.create", user, None, {
        "email": email, "roles": sorted(role.value for role in user.roles),
        "rural_district_id": user.rural_district_id,
    })
    return user


def set_password(user: User, password: str, actor: User | str | None) -> None:
    """Change a password and end every other session of the account."""
    user.password_hash = hash_password(password)
    user.session_version += 1
    audit.record(actor, "account.password_change", user)


def grant_role(user: User, role: Role, actor: User | str | None) -> None:
    if role in user.roles:
        return
    before = sorted(r.value for r in user.roles)
    user.role_rows.append(UserRole(role=role))
    db.session.flush()
    audit.record(actor, "account.grant_role", user, {"roles": before},
                 {"roles": sorted(r.value for r in user.roles)})
