"""Who may do what: permissions by name, one role map, one `can()`, and route decorators.

Every view carries an access mark (`@public`, `@require(...)` or `@require_login`) so that a
test can walk the URL map and fail on any route without a decision.
"""

from __future__ import annotations

import enum
import inspect
from collections.abc import Callable
from functools import wraps
from typing import Any, NamedTuple, NoReturn, TypeVar, overload

from flask import abort, request
from flask_login import current_user
from werkzeug.exceptions import Forbidden

from portal.accounts.models import Role, User
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
    MEETINGS_MANAGE = "meetings:manage"  # schedule meetings with residents, record them
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
    # parliamentary staff: Parliament has no oversight competence over rural akims (as
    # DOMAIN.md states it, citing no act; the separation itself is the portal's rule).
    FLAGS_REVIEW = "flags:review"
    # Parliamentary staff (read and export) and moderators.
    STAFF_DASHBOARD = "dashboard:staff"
    FLAGS_DASHBOARD = "flags:dashboard"
    FLAGS_VIEW_PENDING = "flags:view_pending"
    EXPORTS_BULK = "exports:bulk"
    BUDGETS_IMPORT = "budgets:import"
    # Administrators.
    USERS_VIEW = "users:view"
    USERS_MANAGE = "users:manage"
    RESIDENTS_IMPORT = "residents:import"
    RECALL_CONFIGURE = "recall:configure"
    AUDIT_VIEW = "audit:view"
    JOBS_MANAGE = "jobs:manage"  # failed deliveries: see the error, try again


class ObjectRule(enum.Enum):
    # The akim of that serving term, and nobody else: administrators neither (what the akim
    # writes is published as the akim's).
    OWN_TERM = "own_term"
    # A verified resident of the object's rural district, never its own akim.
    RESIDENT = "resident"
    # Anyone holding the permission, except on what concerns themselves: a term of their akim
    # (serving or served), their own account, request or words. Moderating, verifying and
    # deciding are done by someone independent of what is decided.
    INDEPENDENT = "independent"
    # One's own record (a bulk export); administrators see every one.
    OWNER = "owner"


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
        Permission.MEETINGS_MANAGE,
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
    Permission.MEETINGS_MANAGE: ObjectRule.OWN_TERM,
    Permission.REPORTS_RATE: ObjectRule.RESIDENT,
    Permission.PROMISES_VOTE: ObjectRule.RESIDENT,
    Permission.PETITIONS_START: ObjectRule.RESIDENT,
    Permission.PETITIONS_SIGN: ObjectRule.RESIDENT,
    Permission.COMMENTS_MODERATE: ObjectRule.INDEPENDENT,
    Permission.RESIDENTS_VERIFY: ObjectRule.INDEPENDENT,
    Permission.PROMISES_VERIFY: ObjectRule.INDEPENDENT,
    Permission.FLAGS_REVIEW: ObjectRule.INDEPENDENT,
    Permission.USERS_MANAGE: ObjectRule.INDEPENDENT,
    Permission.EXPORTS_BULK: ObjectRule.OWNER,
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

    The one place where separation of duties is decided. Anonymous visitors go through the
    same call and always get False. No role bypasses an object rule: an administrator does
    not write as an akim, rate as a resident, or moderate their own term. Roles that conflict
    on one account (akim and moderator, say) are not refused when granted; they are inert on
    what concerns that account (see `ObjectRule.INDEPENDENT`). Without `obj` the answer is
    about the permission alone (menus, list pages).
    """
    if permission not in permissions_of(user):
        return False
    rule = OBJECT_RULES.get(permission)
    if rule is None or obj is None:
        return True
    if rule is ObjectRule.INDEPENDENT:
        return not concerns(user, obj)
    if rule is ObjectRule.OWNER:
        return getattr(obj, "user_id", None) == user.id or user.has_role(Role.ADMIN)
    term = term_of(obj)
    if rule is ObjectRule.OWN_TERM:
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


def concerns(user: Any, obj: Any) -> bool:
    """Whether `obj` is about `user`: their account, their own request or words, a term their
    akim serves or served, or a request to be verified where their akim serves or served."""
    if isinstance(obj, User):
        return bool(obj.id == user.id)
    if user.id is not None and user.id in (getattr(obj, "user_id", None),
                                           getattr(obj, "author_id", None)):
        return True
    if user.akim_id is None:
        return False
    term = term_of(obj)
    if term is not None:
        return bool(term.akim_id == user.akim_id)
    rural_district_id = getattr(obj, "rural_district_id", None)
    return rural_district_id is not None and rural_district_id in _places_served(user)


def _places_served(user: Any) -> set[int]:
    """The rural districts of every term of the user's akim, past and present. Read through
    the user's own relationships, which the session loads once per request, not a query per
    object asked about (a list page asks `can()` once per row)."""
    akim = user.akim
    return set() if akim is None else {term.rural_district_id for term in akim.terms}


def term_of(obj: Any) -> Term | None:
    """The term an object belongs to: the term itself, or its `term` attribute."""
    if isinstance(obj, Term):
        return obj
    term = getattr(obj, "term", None)
    return term if isinstance(term, Term) else None


def authorize(permission: Permission, obj: Any = None, *, hide: bool = False) -> None:
    """Abort unless the current user may act; 404 instead of 403 when the object is private.

    For checks inside a view on something other than the route's object (a second object
    named in the form, say). The route's own object is checked by `@require(P, load=…)`.
    """
    if not can(current_user, permission, obj):
        deny(hide=hide)


class Refusal(NamedTuple):
    """Why someone may not do this to this object, and where to go next (issue 27): shown on
    the 403 page instead of the bare "you do not have permission"."""

    message: str
    next_url: str | None = None
    next_label: str | None = None


Explainer = Callable[[Any, Any], Refusal | None]
_EXPLAINERS: dict[Permission, Explainer] = {}


def explain_refusals(permission: Permission, explain: Explainer) -> None:
    """Name the domain function that says why `can(user, permission, obj)` refused."""
    _EXPLAINERS[permission] = explain


def deny(*, hide: bool = False, why: Refusal | None = None) -> NoReturn:
    if not current_user.is_authenticated and not hide:
        _ask_to_sign_in()
    if hide:
        abort(404)
    error = Forbidden()
    error.portal_refusal = why  # type: ignore[attr-defined]  # rendered by portal.web.errors
    raise error


def _why(permission: Permission, obj: Any) -> Refusal | None:
    explain = _EXPLAINERS.get(permission)
    return explain(current_user, obj) if explain is not None else None


def _ask_to_sign_in() -> NoReturn:
    from portal.extensions import login_manager

    if request.path.startswith("/api/"):
        abort(401)
    abort(login_manager.unauthorized())


# --------------------------------------------------------------------------- route decorators
#
# Every view carries exactly one of `@public`, `@require_login` or `@require(P)`. A route
# about one object names its loader there: the decorator takes the URL values the loader asks
# for, loads the object (None: 404), checks it with `can()` and hands it to the view as its
# first argument. The view never sees the id, so it cannot hold an object it has not checked:
#
#     @blueprint.route("/reports/<int:report_id>/publish", methods=["POST"])
#     @require(Permission.REPORTS_PUBLISH, load=report_to_change, hide=is_unpublished)
#     def publish(report: Report) -> Response: ...

Loader = Callable[..., Any]
Hide = bool | Callable[[Any], bool]


class Access(NamedTuple):
    """What the route gate test and the page cache read from a view."""

    kind: str  # "public", "login" or "permission"
    permission: Permission | None
    load: Loader | None = None


def loader_arguments(load: Loader) -> tuple[str, ...]:
    """The URL values a loader takes, by name (its parameters)."""
    return tuple(inspect.signature(load).parameters)


def _guarded(view: F, access: Access, hide: Hide) -> F:
    load = access.load
    arguments = loader_arguments(load) if load is not None else ()

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if access.kind != "public" and not current_user.is_authenticated:
            _ask_to_sign_in()
        if access.permission is not None and access.permission not in permissions_of(
                current_user):
            abort(403)
        if load is None:
            return view(*args, **kwargs)
        obj = load(**{name: kwargs.pop(name) for name in arguments})
        if obj is None:
            abort(404)
        if access.permission is not None and not can(current_user, access.permission, obj):
            hidden = hide(obj) if callable(hide) else hide
            deny(hide=hidden, why=None if hidden or not current_user.is_authenticated
                 else _why(access.permission, obj))
        return view(obj, *args, **kwargs)

    setattr(wrapper, ACCESS_ATTRIBUTE, access)
    return wrapper  # type: ignore[return-value]


@overload
def public(view: F, /) -> F: ...


@overload
def public(*, load: Loader) -> Callable[[Callable[..., Any]], Callable[..., Any]]: ...


def public(view: F | None = None, /, *, load: Loader | None = None) -> Any:
    """Open to everyone, anonymous visitors included. `load` returns the object, or None when
    it does not exist for this visitor (a draft, a pending flag): 404."""
    if view is None:
        return lambda inner: _guarded(inner, Access("public", None, load), False)
    if load is None:
        setattr(view, ACCESS_ATTRIBUTE, Access("public", None))
        return view
    return _guarded(view, Access("public", None, load), False)


def require_login(view: F) -> F:
    """Signed-in users only, whatever their roles (what is one's own is found by the view)."""
    return _guarded(view, Access("login", None), False)


@overload
def require(permission: Permission) -> Callable[[F], F]: ...


@overload
def require(permission: Permission, *, load: Loader,
            hide: Hide = False) -> Callable[[Callable[..., Any]], Callable[..., Any]]: ...


def require(permission: Permission, *, load: Loader | None = None, hide: Hide = False) -> Any:
    """Users whose roles grant `permission`; with `load`, on that object (`can()` decides).

    Refused: anonymous visitors are asked to sign in; a user without the permission gets 403;
    a missing object 404; an object `can()` refuses 403, or 404 when `hide` is true (or
    returns true for the object): private objects do not admit they exist.

    With `load` the view is called with the object in place of the URL values the loader
    took, so its signature changes: call such a view by keywords, as Flask does.
    """

    def decorator(view: F) -> F:
        return _guarded(view, Access("permission", permission, load), hide)

    return decorator
