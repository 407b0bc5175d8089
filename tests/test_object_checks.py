"""Every route about an object refuses those its object rule excludes, and it is the rule that
refuses them: derived from the URL map, so a new route is covered the day it is added.

For each route whose access mark loads an object under a permission with an object rule
(`OBJECT_RULES`), someone who holds the permission but fails the rule calls it: the answer
is 403 or 404 and the database is unchanged. Then the object rules are switched off and the
same request must get through (another answer): so the refusal came from the object check,
and a route that lost it would fail here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask, url_for
from werkzeug.routing import Rule

from portal import permissions
from portal.accounts.models import Role, User, UserRole
from portal.extensions import db
from portal.permissions import ACCESS_ATTRIBUTE, OBJECT_RULES, ObjectRule, Permission
from tests.conftest import csrf_from
from tests.factories import UserFactory, VerificationRequestFactory
from tests.test_role_matrix import World, build_world, undone

# The object of term A (or of the staff persona) each path value names.
ARGUMENTS: dict[str, Callable[[World], int]] = {
    "report_id": lambda w: w.extra["draft"].id,
    "attachment_id": lambda w: w.extra["draft_file"].id,
    "promise_id": lambda w: w.extra["promise"].id,
    "evidence_id": lambda w: w.extra["evidence"].id,
    "term_id": lambda w: w.term_a.id,
    "akim_id": lambda w: w.term_a.akim_id,
    "comment_id": lambda w: w.extra["comment"].id,
    "flag_id": lambda w: w.extra["flag"].id,
    "meeting_id": lambda w: w.extra["meeting"].id,
    "question_id": lambda w: w.extra["question"].id,
    "petition_id": lambda w: w.extra["petition"].id,
    "request_id": lambda w: w.extra["request_a"].id,
    "user_id": lambda w: w.users["akim_a"].id,
    "job_id": lambda w: w.extra["export_job"],
}
# Amending and rating concern a published report.
ENDPOINT_ARGUMENTS: dict[str, dict[str, Callable[[World], int]]] = {
    "reports.amend": {"report_id": lambda w: w.extra["report"].id},
    "feedback.rate": {"report_id": lambda w: w.extra["report"].id},
}

REFUSED = (403, 404)


def _outsiders(world: World, rule: ObjectRule) -> list[str]:
    """Personas holding the permission whom the rule keeps out of term A's objects."""
    return {
        # Another akim, and an administrator: nobody but the akim writes as the akim.
        ObjectRule.OWN_TERM: ["akim_b", "admin"],
        # An unverified resident of another district; an administrator is no resident.
        ObjectRule.RESIDENT: ["citizen_b", "admin"],
        # Term A's own akim, holding every other role too: never judge in one's own cause.
        ObjectRule.INDEPENDENT: ["akim_a"],
        # Someone else's export.
        ObjectRule.OWNER: ["other_staff"],
    }[rule]


def _object_routes(app: Flask) -> list[tuple[Rule, Permission]]:
    found = []
    for rule in app.url_map.iter_rules():
        access = getattr(app.view_functions[rule.endpoint], ACCESS_ATTRIBUTE, None)
        if access and access.load is not None and access.permission in OBJECT_RULES:
            found.append((rule, access.permission))
    return sorted(found, key=lambda item: item[0].endpoint)


def _world() -> World:
    world = build_world()
    akim_a = world.users["akim_a"]
    for role in (Role.MODERATOR, Role.STAFF, Role.ADMIN):
        akim_a.role_rows.append(UserRole(role=role))
    world.users["other_staff"] = UserFactory(staff=True, email="staff-2@example.kz")
    world.extra["request_a"] = VerificationRequestFactory(rural_district=world.district_a)
    db.session.commit()
    return world


# Signing the persona in (the harness's doing) adds its session row.
NOT_COUNTED = {"user_session"}


def _counts() -> dict[str, int]:
    db.session.expire_all()
    return {table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table)) or 0
            for table in db.metadata.sorted_tables if table.name not in NOT_COUNTED}


def _url(app: Flask, world: World, rule: Rule) -> str:
    values = {}
    for name in rule.arguments:
        chooser = ENDPOINT_ARGUMENTS.get(rule.endpoint, {}).get(name) or ARGUMENTS.get(name)
        assert chooser is not None, f"{rule.rule}: add `{name}` to ARGUMENTS"
        values[name] = chooser(world)
    with app.test_request_context():
        return url_for(rule.endpoint, **values)


def _call(app: Flask, login: Any, user: User, rule: Rule, url: str) -> int:
    client = app.test_client()
    login(user, on=client)
    if "POST" in (rule.methods or ()):
        token = csrf_from(client.get("/login").get_data(as_text=True))
        data = {"csrf_token": token}
        response = client.post(url, data=data)
    else:
        response = client.get(url)
    response.close()
    return response.status_code


@contextmanager
def _without_object_rules(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    with monkeypatch.context() as patch:
        patch.setattr(permissions, "OBJECT_RULES", {})
        yield


def test_each_object_route_refuses_outsiders_by_its_object_rule(
        app: Flask, login: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    routes = _object_routes(app)
    world = _world()
    problems = []
    checked = set()
    for rule, permission in routes:
        url = _url(app, world, rule)
        for persona in _outsiders(world, OBJECT_RULES[permission]):
            user = world.users[persona]
            assert permission in permissions.permissions_of(user), (persona, permission)
            with undone():
                before = _counts()
                status = _call(app, login, user, rule, url)
                changed = _counts() != before
            where = f"{sorted((rule.methods or set()) - {'HEAD', 'OPTIONS'})} {url} as {persona}"
            if status not in REFUSED:
                problems.append(f"{where}: {status}, expected 403 or 404")
            elif changed:
                problems.append(f"{where}: refused, but the database changed")
            with undone(), _without_object_rules(monkeypatch):
                unchecked = _call(app, login, user, rule, url)
            if unchecked in REFUSED:
                problems.append(f"{where}: still {unchecked} without the object rules, so the "
                                "refusal is not the object check's")
            checked.add(rule.endpoint)
    assert not problems, "\n".join(problems)
    # The routes this test exists for are among those found.
    assert {"reports.publish", "reports.return_to_draft", "reports.remove_attachment",
            "recall.respond", "feedback.hide", "promises.verdict", "recall.decide",
            "verification.approve", "admin.set_roles"} <= checked
