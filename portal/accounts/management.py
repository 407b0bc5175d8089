"""Administering accounts: finding them, roles, the akim link, deactivation. All audited."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import gettext as _
from sqlalchemy import Select, false, or_, select
from sqlalchemy.orm import joinedload, selectinload

from portal import audit
from portal.accounts import iin as iin_numbers
from portal.accounts import sessions
from portal.accounts.models import Role, User, UserRole
from portal.accounts.services import AccountError, iin_digest
from portal.akims.models import Akim, Term, TermStatus
from portal.extensions import db
from portal.geo.models import RuralDistrict
from portal.textsearch import fold, like_pattern
from portal.web.safety import whole_number


def _roles(user: User) -> list[str]:
    return sorted(role.value for role in user.roles)


def search_users(query: str = "", role: Role | None = None) -> Select[tuple[User]]:
    """Accounts matching an email or name fragment, or an id ("#12" or "12").

    IINs are looked up apart (`find_by_iin`, by POST) so they never appear in an address.
    """
    statement = (
        select(User)
        .options(joinedload(User.rural_district))
        .order_by(User.id.desc())
    )
    query = query.strip()[:254]  # no email is longer (and SQLite caps LIKE patterns)
    if query:
        digits = query.lstrip("#")
        if digits.isascii() and digits.isdigit() and len(digits) < 12:
            # Past the id column's range no account has it (and PostgreSQL would refuse it).
            number = whole_number(digits)
            statement = statement.where(User.id == number if number else false())
        else:
            pattern = "%" + query.lower().replace("\\", "\\\\").replace("%", "\\%").replace(
                "_", "\\_") + "%"
            statement = statement.where(or_(
                User.email.like(pattern, escape="\\"),
                User.display_name.ilike(pattern, escape="\\"),
            ))
    if role is not None:
        statement = statement.where(
            User.id.in_(select(UserRole.user_id).where(UserRole.role == role))
        )
    return statement


def find_by_iin(iin: str, actor: User) -> User | None:
    """The account holding this IIN (matched by its keyed hash), if any. A look-up of
    personal data: recorded, found or not (never the number)."""
    found = db.session.scalar(select(User).where(User.iin_hmac == iin_digest(
        iin_numbers.validate(iin))))
    audit.record(actor, "account.lookup_by_iin", found, None, {"found": found is not None})
    return found


def record_account_view(actor: User, account: User) -> None:
    """An administrator opened an account's page (email, IIN digits, verification)."""
    audit.record(actor, "account.view", account)


def user_for_admin(user_id: int) -> User | None:
    return db.session.scalar(
        select(User)
        .options(
            joinedload(User.rural_district).joinedload(RuralDistrict.district),
            joinedload(User.akim).selectinload(Akim.terms).joinedload(Term.rural_district),
        )
        .where(User.id == user_id)
    )


def set_roles(user: User, roles: Iterable[Role], actor: User) -> bool:
    """Give the account exactly these roles. An administrator cannot drop their own admin role
    (someone else must), so the portal is never left without one by accident."""
    wanted = set(roles)
    if not wanted:
        raise AccountError(_("An account needs at least one role."), "roles")
    if user.id == actor.id and Role.ADMIN in user.roles and Role.ADMIN not in wanted:
        raise AccountError(_("You cannot remove your own administrator role."), "roles")
    if wanted == set(user.roles):
        return False
    before = _roles(user)
    user.role_rows = [row for row in user.role_rows if row.role in wanted]
    for role in sorted(wanted - set(user.roles)):
        user.role_rows.append(UserRole(role=role))
    db.session.flush()
    audit.record(actor, "account.set_roles", user, {"roles": before}, {"roles": _roles(user)})
    return True


def serving_term_of_akim(akim: Akim) -> Term | None:
    return next((term for term in akim.terms if term.status == TermStatus.SERVING), None)


def find_akims(query: str, limit: int = 10) -> list[Akim]:
    """Akims by id or by name (any script), with their terms, for the link form."""
    query = query.strip()
    if not query:
        return []
    statement = select(Akim).options(
        selectinload(Akim.terms).joinedload(Term.rural_district)
    )
    if query.isascii() and query.isdigit():
        number = whole_number(query)
        if number is None:
            return []
        statement = statement.where(Akim.id == number)
    else:
        if not fold(query):
            return []
        statement = statement.where(Akim.search_key.like(like_pattern(query), escape="\\"))
    return list(db.session.scalars(statement.order_by(Akim.full_name_latn).limit(limit)))


def accounts_linked_to(akim_ids: list[int]) -> dict[int, int]:
    """Which account (id) each of these akims is linked to, in one query."""
    if not akim_ids:
        return {}
    rows = db.session.execute(
        select(User.akim_id, User.id).where(User.akim_id.in_(akim_ids))
    ).all()
    return {akim_id: user_id for akim_id, user_id in rows if akim_id is not None}


def link_akim(user: User, akim: Akim, actor: User) -> None:
    """Link the account to an akim serving now; it gets the akim role with it."""
    if serving_term_of_akim(akim) is None:
        raise AccountError(_("This akim has no serving term, so the account could act on "
                             "nothing. Link the akim of a serving term."), "akim_id")
    holder = db.session.scalar(select(User).where(User.akim_id == akim.id, User.id != user.id))
    if holder is not None:
        raise AccountError(_("This akim is already linked to account #%(id)d. Unlink it there "
                             "first.", id=holder.id), "akim_id")
    if user.akim_id == akim.id and Role.AKIM in user.roles:
        return
    before = {"akim_id": user.akim_id, "roles": _roles(user)}
    user.akim_id = akim.id
    if Role.AKIM not in user.roles:
        user.role_rows.append(UserRole(role=Role.AKIM))
    db.session.flush()
    audit.record(actor, "account.link_akim", user, before,
                 {"akim_id": akim.id, "roles": _roles(user)})


def unlink_akim(user: User, actor: User) -> None:
    if user.akim_id is None:
        return
    before = {"akim_id": user.akim_id}
    user.akim_id = None
    db.session.flush()
    audit.record(actor, "account.unlink_akim", user, before, {"akim_id": None})


def deactivate(user: User, actor: User) -> None:
    """Stop the account from signing in; its open sessions end at once."""
    if user.id == actor.id:
        raise AccountError(_("You cannot deactivate your own account."))
    if not user.is_active_account:
        return
    user.is_active_account = False
    sessions.end_every_session(user)
    db.session.flush()
    audit.record(actor, "account.deactivate", user, {"active": True}, {"active": False})


def reactivate(user: User, actor: User) -> None:
    if user.is_active_account:
        return
    user.is_active_account = True
    db.session.flush()
    audit.record(actor, "account.reactivate", user, {"active": False}, {"active": True})


def audit_trail_of(user: User, limit: int = 20) -> list[audit.AuditEvent]:
    """What happened to this account, newest first (actions on it, and by it)."""
    return list(db.session.scalars(
        select(audit.AuditEvent)
        .where(or_(
            (audit.AuditEvent.target_type == User.__tablename__)
            & (audit.AuditEvent.target_id == user.id),
            audit.AuditEvent.actor_id == user.id,
        ))
        .order_by(audit.AuditEvent.occurred_at.desc(), audit.AuditEvent.id.desc())
        .limit(limit)
    ))
