"""Separation of duties (issue 24, finding 2), decided in `can()`:

- only the akim writes as the akim: no administrator answers a flag or saves a draft for them;
- nobody moderates, verifies or decides about a term they serve or served, nor about
  themselves: roles that conflict on one account are inert on what concerns it.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask.testing import FlaskClient

from portal.accounts.models import Role, User, VerificationStatus
from portal.akims.models import Term
from portal.extensions import db
from portal.feedback.models import Comment, CommentStatus
from portal.permissions import Permission, can
from portal.promises.models import Promise, PromiseUpdate
from portal.recall.models import Flag, FlagStatus
from portal.reports.models import Report
from tests.factories import (
    CommentFactory,
    FlagFactory,
    PromiseFactory,
    ReportFactory,
    TermFactory,
    UserFactory,
    VerificationRequestFactory,
)

OFFICIALS = (Role.AKIM, Role.MODERATOR, Role.STAFF, Role.ADMIN)


def official_of(term: Term, roles: tuple[Role, ...] = OFFICIALS) -> User:
    """The account of `term`'s akim, holding other roles as well."""
    return UserFactory(roles=roles, akim=term.akim, iin_hmac=None, adult_from=None)


def _post(client: FlaskClient, csrf: Any, url: str, **data: str) -> int:
    return client.post(url, data={"csrf_token": csrf("/login"), **data}).status_code


# --------------------------------------------------------------------------- the rule in can()

def test_conflicting_roles_are_inert_on_ones_own_terms_past_and_present() -> None:
    term = TermFactory()
    earlier = TermFactory(ended=True, akim=term.akim)  # the same person, an earlier term
    other = TermFactory()
    official = official_of(term)
    own_comment, other_comment = CommentFactory(term=term, report=ReportFactory(
        term=term, published=True)), CommentFactory()
    for permission, mine, theirs in [
        (Permission.COMMENTS_MODERATE, own_comment, other_comment),
        (Permission.PROMISES_VERIFY, PromiseFactory(term=term), PromiseFactory(term=other)),
        (Permission.PROMISES_VERIFY, PromiseFactory(term=earlier), PromiseFactory(term=other)),
        (Permission.FLAGS_REVIEW, FlagFactory(term=term), FlagFactory(term=other)),
        (Permission.FLAGS_REVIEW, FlagFactory(term=earlier), FlagFactory(term=other,
                                                                       subject="x")),
        (Permission.RESIDENTS_VERIFY,
         VerificationRequestFactory(rural_district=earlier.rural_district),
         VerificationRequestFactory(rural_district=other.rural_district)),
        (Permission.USERS_MANAGE, official, UserFactory()),
    ]:
        assert permission in {p for p in Permission if can(official, p)}, permission
        assert not can(official, permission, mine), (permission, mine)
        assert can(official, permission, theirs), (permission, theirs)


def test_nobody_decides_about_themselves() -> None:
    moderator = UserFactory(roles=(Role.MODERATOR, Role.CITIZEN))
    own_request = VerificationRequestFactory(user=moderator)
    own_comment = CommentFactory(author=moderator)
    assert not can(moderator, Permission.RESIDENTS_VERIFY, own_request)
    assert not can(moderator, Permission.COMMENTS_MODERATE, own_comment)
    assert can(moderator, Permission.COMMENTS_MODERATE, CommentFactory())


def test_administrators_do_not_write_as_an_akim() -> None:
    term = TermFactory()
    admin = UserFactory(admin=True)
    for permission in (Permission.REPORTS_EDIT, Permission.REPORTS_PUBLISH,
                       Permission.PROMISES_EDIT, Permission.PROMISES_UPDATE,
                       Permission.COMMENTS_REPLY_OFFICIAL, Permission.FLAGS_RESPOND):
        assert can(admin, permission)  # the permission, for menus
        assert not can(admin, permission, term), permission


# --------------------------------------------------------------------------- over HTTP

def test_an_administrator_cannot_answer_a_flag_or_save_a_draft_for_an_akim(
        client: FlaskClient, login: Any, csrf: Any) -> None:
    term = TermFactory()
    flag = FlagFactory(term=term)
    draft = ReportFactory(term=term, summary="The akim's own words.")
    login(UserFactory(admin=True))
    assert _post(client, csrf, f"/flags/{flag.id}/respond",
                 response="Written by an administrator.") in (403, 404)
    assert _post(client, csrf, f"/reports/{draft.id}/edit",
                 summary="Written by an administrator.", save="y") == 404
    db.session.expire_all()
    assert db.session.get(Flag, flag.id).response is None  # type: ignore[union-attr]
    assert db.session.get(Report, draft.id).summary == "The akim's own words."  # type: ignore[union-attr]
    assert "Written by an administrator" not in client.get(
        f"/flags/{flag.id}").get_data(as_text=True)


def test_an_akim_who_moderates_cannot_hide_a_comment_or_verify_a_promise_of_their_term(
        client: FlaskClient, login: Any, csrf: Any) -> None:
    term = TermFactory()
    report = ReportFactory(term=term, published=True)
    comment = CommentFactory(report=report, term=term, complaint_count=2,
                             open_complaints=2)
    promise = PromiseFactory(term=term)
    login(official_of(term, (Role.AKIM, Role.MODERATOR)))
    assert _post(client, csrf, f"/moderation/comments/{comment.id}/hide",
                 **{f"hide-{comment.id}-reason": "Unkind", f"hide-{comment.id}-csrf_token":
                    csrf("/login")}) == 403
    assert client.get(f"/promises/{promise.id}/verdict").status_code == 403
    assert _post(client, csrf, f"/promises/{promise.id}/verdict", status="kept",
                 source="A site visit", note="Done.") == 403
    db.session.expire_all()
    assert db.session.get(Comment, comment.id).status is CommentStatus.VISIBLE  # type: ignore[union-attr]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PromiseUpdate).where(
        PromiseUpdate.promise_id == promise.id)) == 0
    page = client.get("/moderation/comments").get_data(as_text=True)
    assert "Another moderator decides on this comment" in page
    assert f"/moderation/comments/{comment.id}/hide" not in page
    assert "Record a verdict" not in client.get(f"/promises/{promise.id}").get_data(as_text=True)
    assert db.session.get(Promise, promise.id) is not None


def test_an_akim_who_moderates_cannot_decide_the_flags_of_their_term(
        client: FlaskClient, login: Any, csrf: Any) -> None:
    """Flags are reviewed by moderators (parliamentary staff only read them): an akim who is
    also a moderator reviews other terms' flags, never their own."""
    term = TermFactory()
    flag = FlagFactory(term=term)
    other = FlagFactory()
    login(official_of(term, (Role.AKIM, Role.MODERATOR)))
    assert _post(client, csrf, f"/flags/{flag.id}/review") == 403
    assert _post(client, csrf, f"/flags/{flag.id}/decide", decision="dismissed",
                 reason="Nothing to see.") == 403
    db.session.expire_all()
    assert db.session.get(Flag, flag.id).status is FlagStatus.OPEN  # type: ignore[union-attr]
    assert _post(client, csrf, f"/flags/{other.id}/review") == 302  # another term's: fine


def test_a_moderator_does_not_verify_residents_where_they_serve_or_themselves(
        client: FlaskClient, login: Any, csrf: Any) -> None:
    term = TermFactory()
    official = official_of(term, (Role.AKIM, Role.MODERATOR))
    neighbour = VerificationRequestFactory(rural_district=term.rural_district)
    login(official)
    token = csrf("/login")
    response = client.post(f"/moderation/verifications/{neighbour.id}/approve",
                           data={"csrf_token": token, "approve-csrf_token": token})
    assert response.status_code == 403
    db.session.expire_all()
    assert neighbour.status is VerificationStatus.PENDING
    assert "Another moderator decides on this request" in client.get(
        "/moderation/verifications").get_data(as_text=True)


def test_the_queue_asks_once_where_an_akim_moderator_serves(
        client: FlaskClient, login: Any, count_queries: Any) -> None:
    """The queue asks `can()` for each request; where the akim serves was one query each."""
    term = TermFactory()
    login(official_of(term, (Role.AKIM, Role.MODERATOR)))
    VerificationRequestFactory(rural_district=term.rural_district)
    VerificationRequestFactory()
    statements = []
    for more in (0, 4):
        for _ in range(more):
            VerificationRequestFactory()
        db.session.commit()
        with count_queries() as queries:
            page = client.get("/moderation/verifications")
        assert page.status_code == 200
        assert "Another moderator decides on this request" in page.get_data(as_text=True)
        statements.append(len(queries))
    assert statements[0] == statements[1]


def test_an_administrator_does_not_change_their_own_account(
        client: FlaskClient, login: Any, csrf: Any) -> None:
    admin = login(UserFactory(admin=True))
    page = client.get(f"/admin/users/{admin.id}")
    assert page.status_code == 200
    assert "This is your own account" in page.get_data(as_text=True)
    assert "Save roles" not in page.get_data(as_text=True)
    token = csrf("/login")
    assert client.post(f"/admin/users/{admin.id}/roles", data={
        "csrf_token": token, "roles-csrf_token": token,
        "roles-roles": ["admin", "moderator"]}).status_code == 403
    db.session.expire_all()
    assert db.session.get(User, admin.id).roles == {Role.ADMIN}  # type: ignore[union-attr]
