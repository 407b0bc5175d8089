"""Who may do what: permissions by name, one role map, one `can()`, and route decorators.

Every view carries an access mark (`@public`, `@require(...)` or `@require_login`) so that a
test can walk the URL map and fail on any route without a decision.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from functools import wraps
from typing import Any, NoReturn, TypeVar

from flask import abort, request
from flask_login import current_user

from portal.accounts.models import Role
from portal.akims.models import Term, TermStatus

F = TypeVar("F", bound=Callable[..., Any])

ACCESS_ATTRIBUTE = "_portal_access"


class Permission(enum.StrEnum):
    # An akim, on the records of their own serving term.
    PROMISES_EDIT = "promises:edit"
    PROMISES_UPDATE = "promises:update"
    REPORTS_EDIT = "reports:edit"
    REPORTS_SUBMIT = "reports:submit"
    REPORTS_PUBLISH = "reports:publish"
    REPORTS_AMEND = "reports:amend"
    COMMENTS_REPLY_OFFICIAL = "comments:reply_official"
    FLAGS_RESPOND = "flags:respond"
    AKIM_DASHBOARD = "dashboard:akim"
    # A verified resident of the rural district concerned (never its own akim).
    REPORTS_RATE = "reports:rate"
    PROMISES_VOTE = "promises:vote"
    PETITIONS_START = "petitions:start"
    PETITIONS_SIGN = "petitions:sign"
    # Anyone signed in.
    ACCOUNT_SELF = "account:self"
    COMMENTS_POST = "comments:post"
    COMMENTS_REPORT = "comments:report"
    # Moderators.
    COMMENTS_MODERATE = "comments:moderate"
    RESIDENTS_VERIFY = "residents:verify"
    PROMISES_VERIFY = "promises:verify"
    # Flags are reviewed (upheld or dismissed) by the portal's moderators, never by
    # parliamentary staff: Parliament has no oversight competence over rural akims.
    FLAGS_REVIEW = "flags:review"
    # Parliamentary staff (read and export) and moderators.
    STAFF_DASHBOARD = "dashboard:staff"
    FLAGS_DASHBOARD = "flags:dashboard"
    FLAGS_VIEW_PENDING = "flags:view_pending"
    EXPORTS_BULK = "exports:bulk"
    BUDGETS_IMPORT = "budgets:import"
    # Administrators.
    USERS_MANAGE = "users:manage"
    RESIDENTS_IMPORT = "residents:import"
    RECALL_CONFIGURE = "recall:configure"
    AUDIT_VIEW = "audit:view"


class ObjectRule(enum.Enum):
    OWN_TERM = "own_term"  # the object belongs to the user's own serving term
    RESIDENT = "resident"  # the user is a verified resident of the object's rural district


_SIGNED_IN = frozenset({Permission.ACCOUNT_SELF, Permission.COMMENTS_POST,
                        Permission.COMMENTS_REPORT})

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.CITIZEN: _SIGNED_IN | {
        Permission.REPORTS_RATE, Permission.PROMISES_VOTE,
        Permission.PETITIONS_START, Permission.PETITIONS_SIGN,
    },
    Role.AKIM: _SIGNED_IN | {
        Permission.PROMISES_EDIT, Permission.PROMISES_UPDATE, Permission.REPORTS_EDIT,
        Permission.REPORTS_SUBMIT, Permission.REPORTS_PUBLISH, Permission.REPORTS_AMEND,
        Permission.COMMENTS_REPLY_OFFICIAL, Permission.FLAGS_RESPOND, Permission.AKIM_DASHBOARD,
    },
    Role.MODERATOR: _SIGNED_IN | {
        Permission.COMMENTS_MODERATE, Permission.RESIDENTS_VERIFY, Permission.PROMISES_VERIFY,
        Permission.FLAGS_REVIEW, Permission.FLAGS_DASHBOARD, Permission.FLAGS_VIEW_PENDING,
    },
    # Parliamentary staff read and export; they do not judge flags.
    Role.STAFF: _SIGNED_IN | {
        Permission.STAFF_DASHBOARD, Permission.FLAGS_DASHBOARD, Permission.FLAGS_VIEW_PENDING,
        Permission.EXPORTS_BULK, Permission.PROMISES_VERIFY, Permission.BUDGETS_IMPORT,
    },
    Role.ADMIN: frozenset(Permission),
}

OBJECT_RULES: dict[Permission, ObjectRule] = {
    Permission.PROMISES_EDIT: ObjectRule.OWN_TERM,
    Permission.PROMISES_UPDATE: ObjectRule.OWN_TERM,
    Permission.REPORTS_EDIT: ObjectRule.OWN_TERM,
    Permission.REPORTS_SUBMIT: ObjectRule.OWN_TERM,
    Permission.REPORTS_PUBLISH: ObjectRule.OWN_TERM,
    Permission.REPORTS_AMEND: ObjectRule.OWN_TERM,
    Permission.COMMENTS_REPLY_OFFICIAL: ObjectRule.OWN_TERM,
    Permission.FLAGS_RESPOND: ObjectRule.OWN_TERM,
    Permission.REPORTS_RATE: ObjectRule.RESIDENT,
    Permission.PROMISES_VOTE: ObjectRule.RESIDENT,
    Permission.PETITIONS_START: ObjectRule.RESIDENT,
    Permission.PETITIONS_SIGN: ObjectRule.RESIDENT,
}


def permissions_of(user: Any) -> frozenset[Permission]:
    if user is None or not getattr(user, "is_authenticated", False):
        return frozenset()
    granted: set[Permission] = set()
    for role in user.roles:
        granted |= ROLE_PERMISSIONS.get(role, frozenset())
    return frozenset(granted)


# When a person holds several roles, the role an action is recorded under: the most specific
# role that grants the permission (a moderator who is also an administrator acts as moderator).
_ACTING_ORDER = (Role.MODERATOR, Role.STAFF, Role.AKIM, Role.CITIZEN, Role.ADMIN)


def acting_role(user: Any, permission: Permission) -> Role | None:
    """The role under which `user` exercises `permission`, for the record; None if none does."""
    for role in _ACTING_ORDER:
        if user.has_role(role) and permission in ROLE_PERMISSIONS.get(role, frozenset()):
            return role
    return None


def can(user: Any, permission: Permission, obj: Any = None) -> bool:
    """Whether `user` may exercise `permission`, on `obj` when the permission concerns one.

    Anonymous visitors go through the same call and always get False. Resident rules are never
    bypassed, not even by admins: a rating counts only from a verified resident.
    """
    if permission not in permissions_of(user):
        return False
    rule = OBJECT_RULES.get(permission)
    if rule is None or obj is None:
        return True
    term = term_of(obj)
    if rule is ObjectRule.OWN_TERM:
        if user.has_role(Role.ADMIN):
            return True
        return (
            term is not None
            and user.akim_id is not None
            and term.akim_id == user.akim_id
            and term.status == TermStatus.SERVING
        )
    rural_district_id = getattr(obj, "rural_district_id", None)
    if rural_district_id is None and term is not None:
        rural_district_id = term.rural_district_id
    if term is not None and user.akim_id is not None and term.akim_id == user.akim_id:
        return False  # an akim never rates, confirms or petitions on their own term
    return bool(user.is_verified_resident_of(rural_district_id))


def term_of(obj: Any) -> Term | None:
    """The term an object belongs to: the term itself, or its `term` attribute."""
    if isinstance(obj, Term):
        return obj
    term = getattr(obj, "term", None)
    return term if isinstance(term, Term) else None


def authorize(permission: Permission, obj: Any = None, *, hide: bool = False) -> None:
    """Abort unless the current user may act; 404 instead of 403 when the object is private."""
    if not can(current_user, permission, obj):
        deny(hide=hide)


def deny(*, hide: bool = False) -> NoReturn:
    if not current_user.is_authenticated and not hide:
        _ask_to_sign_in()
    abort(404 if hide else 403)


def _ask_to_sign_in() -> NoReturn:
    from portal.extensions import login_manager

    if request.path.startswith("/api/"):
        abort(401)
    abort(login_manager.unauthorized())


def public(view: F) -> F:
    """Mark a view as open to everyone, anonymous visitors included."""
    setattr(view, ACCESS_ATTRIBUTE, ("public", None))
    return view


def require_login(view: F) -> F:
    """Signed-in users only; the view makes its own object-level `authorize` call."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            _ask_to_sign_in()
        return view(*args, **kwargs)

    setattr(wrapper, ACCESS_ATTRIBUTE, ("login", None))
    return wrapper  # type: ignore[return-value]


def require(permission: Permission) -> Callable[[F], F]:
    """Users whose roles grant `permission`; object checks follow inside the view."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                _ask_to_sign_in()
            if permission not in permissions_of(current_user):
                abort(403)
            return view(*args, **kwargs)

        setattr(wrapper, ACCESS_ATTRIBUTE, ("permission", permission))
        return wrapper  # type: ignore[return-value]

    return decorator
