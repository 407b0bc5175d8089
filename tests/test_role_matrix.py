"""The role × route matrix: what each kind of visitor gets from each route.

Data-driven and meant to grow: a domain adds `Row`s to `ROWS` (and, when its routes need
objects, a builder to `WORLD_BUILDERS` that puts them in `world.extra`). Each (row, persona)
pair is its own test on a fresh world, so POSTs that change things cannot leak into each
other. Expected values are status codes; `LOGIN` means "302 to the sign-in page".

Personas: an anonymous visitor; a verified citizen of district A; an unverified citizen of
district B (with a request waiting); the akims serving A and B; a moderator; parliamentary
staff; an administrator.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from flask import Flask

from portal.accounts import services
from portal.accounts.models import Role, User, VerificationRequest
from portal.akims.models import Term
from portal.geo.models import RuralDistrict
from tests.conftest import csrf_from
from tests.factories import (
    TermFactory,
    UserFactory,
    VerificationRequestFactory,
    valid_iin,
)

PERSONAS = ("anonymous", "citizen_a", "citizen_b", "akim_a", "akim_b", "moderator", "staff",
            "admin")
LOGIN = "login"
Expected = int | str


@dataclass
class World:
    district_a: RuralDistrict
    district_b: RuralDistrict
    term_a: Term
    term_b: Term
    term_unlinked: Term  # a serving akim with no account yet
    users: dict[str, User]
    pending: VerificationRequest  # citizen B's request, waiting
    iin_b: str
    extra: dict[str, Any] = field(default_factory=dict)


def build_world() -> World:
    term_a, term_b, term_c = TermFactory(), TermFactory(), TermFactory()
    iin_b = valid_iin()
    citizen_b = UserFactory(email="citizen-b@example.kz", rural_district=term_b.rural_district,
                            iin_hmac=services.iin_digest(iin_b), iin_last4=iin_b[-4:])
    users = {
        "citizen_a": UserFactory.resident_of(term_a.rural_district, email="citizen-a@example.kz"),
        "citizen_b": citizen_b,
        "akim_a": UserFactory.akim_for(term_a, email="akim-a@example.kz"),
        "akim_b": UserFactory.akim_for(term_b, email="akim-b@example.kz"),
        "moderator": UserFactory(moderator=True, email="moderator@example.kz"),
        "staff": UserFactory(staff=True, email="staff@example.kz"),
        "admin": UserFactory(admin=True, email="admin@example.kz"),
    }
    pending = VerificationRequestFactory(user=citizen_b, rural_district=term_b.rural_district)
    world = World(term_a.rural_district, term_b.rural_district, term_a, term_b, term_c, users,
                  pending, iin_b)
    for builder in WORLD_BUILDERS:
        builder(world)
    return world


# Domains append functions that add their objects to `world.extra`.
WORLD_BUILDERS: list[Callable[[World], None]] = []


@dataclass(frozen=True)
class Row:
    name: str
    method: str
    url: Callable[[World], str]
    expect: dict[str, Expected]
    data: Callable[[World], dict[str, Any]] = lambda _world: {}
    multipart: bool = False


def everyone(code: Expected) -> dict[str, Expected]:
    return dict.fromkeys(PERSONAS, code)


def signed_in(code: Expected, **exceptions: Expected) -> dict[str, Expected]:
    """`code` for every signed-in persona (unless excepted), sign-in for the anonymous."""
    return {**dict.fromkeys(PERSONAS, code), "anonymous": LOGIN, **exceptions}


def only(allowed: dict[str, Expected]) -> dict[str, Expected]:
    """The personas named get their code; other signed-in ones 403; anonymous signs in."""
    return {**signed_in(403), **allowed}


MODERATORS = ("moderator", "admin")


def _register_csv(world: World) -> dict[str, Any]:
    text = f"iin,kato\n{world.iin_b},{world.district_b.kato}\n"
    return {"register": (io.BytesIO(text.encode()), "register.csv")}


ROWS: list[Row] = [
    # Public pages.
    Row("home", "GET", lambda w: "/", everyone(200)),
    Row("search", "GET", lambda w: "/search?q=akim", everyone(200)),
    Row("health check", "GET", lambda w: "/healthz", everyone(200)),
    Row("ping (the bench ceiling)", "GET", lambda w: "/ping", everyone(200)),
    Row("akim profile", "GET", lambda w: f"/akims/{w.term_a.akim_id}", everyone(200)),
    Row("rural district", "GET", lambda w: f"/rural-districts/{w.district_a.kato}",
        everyone(200)),
    # Signing in and registering.
    Row("login page", "GET", lambda w: "/login", everyone(200)),
    Row("register page", "GET", lambda w: "/register", signed_in(302, anonymous=200)),
    Row("register", "POST", lambda w: "/register", everyone(302), lambda w: {
        "email": "newcomer@example.kz", "password": "several unrelated words",
        "iin": valid_iin(), "rural_district": w.district_a.kato}),
    Row("check email", "GET", lambda w: "/check-email", everyone(200)),
    Row("confirm link", "GET", lambda w: "/register/confirm/not-a-token", everyone(302)),
    Row("confirm without a token", "GET", lambda w: "/register/confirm", everyone(400)),
    Row("confirm post without a token", "POST", lambda w: "/register/confirm", everyone(400)),
    Row("forgot password page", "GET", lambda w: "/password/forgot", everyone(200)),
    Row("forgot password", "POST", lambda w: "/password/forgot", everyone(302),
        lambda w: {"email": "citizen-b@example.kz"}),
    Row("reset link", "GET", lambda w: "/password/reset/not-a-token", everyone(302)),
    Row("reset without a token", "GET", lambda w: "/password/reset", everyone(400)),
    Row("logout", "POST", lambda w: "/logout", signed_in(302)),
    # One's own account.
    Row("account", "GET", lambda w: "/account", signed_in(200)),
    Row("account language", "POST", lambda w: "/account/language", signed_in(302),
        lambda w: {"language-locale": "ru"}),
    Row("account wrong current password", "POST", lambda w: "/account/password",
        signed_in(400), lambda w: {"password-current_password": "not the password",
                                   "password-new_password": "several unrelated words"}),
    Row("account district", "POST", lambda w: "/account/district", signed_in(302),
        lambda w: {"district-rural_district": w.district_a.kato}),
    # Nobody here may ask: verified already, waiting already, or no IIN (officials).
    Row("account verification", "POST", lambda w: "/account/verification", signed_in(400)),
    Row("account sessions", "POST", lambda w: "/account/sessions", signed_in(302)),
    # The moderators' queue.
    Row("verification queue", "GET", lambda w: "/moderation/verifications",
        only(dict.fromkeys(MODERATORS, 200))),
    Row("approve", "POST", lambda w: f"/moderation/verifications/{w.pending.id}/approve",
        only(dict.fromkeys(MODERATORS, 302))),
    Row("reject", "POST", lambda w: f"/moderation/verifications/{w.pending.id}/reject",
        only(dict.fromkeys(MODERATORS, 302)),
        lambda w: {f"reject-{w.pending.id}-reason": "Please add your village."}),
    Row("approve a missing request", "POST", lambda w: "/moderation/verifications/999999/approve",
        only(dict.fromkeys(MODERATORS, 404))),
    # Administration.
    Row("admin index", "GET", lambda w: "/admin/", only({"admin": 200})),
    Row("admin users", "GET", lambda w: "/admin/users", only({"admin": 200})),
    Row("admin user", "GET", lambda w: f"/admin/users/{w.users['citizen_b'].id}",
        only({"admin": 200})),
    Row("admin missing user", "GET", lambda w: "/admin/users/999999", only({"admin": 404})),
    Row("admin user by IIN", "POST", lambda w: "/admin/users/by-iin", only({"admin": 302}),
        lambda w: {"lookup-iin": w.iin_b}),
    Row("admin roles", "POST", lambda w: f"/admin/users/{w.users['citizen_b'].id}/roles",
        only({"admin": 302}), lambda w: {"roles-roles": ["citizen", "staff"]}),
    Row("admin link akim", "POST", lambda w: f"/admin/users/{w.users['citizen_b'].id}/akim",
        only({"admin": 302}), lambda w: {"akim-akim_id": str(w.term_unlinked.akim_id)}),
    Row("admin unlink akim", "POST",
        lambda w: f"/admin/users/{w.users['akim_b'].id}/akim/unlink", only({"admin": 302})),
    Row("admin deactivate", "POST",
        lambda w: f"/admin/users/{w.users['citizen_b'].id}/deactivate", only({"admin": 302})),
    Row("admin reactivate", "POST",
        lambda w: f"/admin/users/{w.users['citizen_b'].id}/reactivate", only({"admin": 302})),
    Row("admin revoke verification", "POST",
        lambda w: f"/admin/users/{w.users['citizen_a'].id}/verification/revoke",
        only({"admin": 302})),
    Row("residents register page", "GET", lambda w: "/admin/residents-register",
        only({"admin": 200})),
    Row("residents register upload", "POST", lambda w: "/admin/residents-register",
        only({"admin": 200}), _register_csv, multipart=True),
]



def _recall_world(world: World) -> None:
    """A public flag and a petition collecting signatures, both on term A."""
    from tests.factories import FlagFactory
    from tests.recall.helpers import petition

    world.extra["flag"] = FlagFactory(term=world.term_a)
    world.extra["petition"] = petition(world.term_a, signatures=1)


WORLD_BUILDERS.append(_recall_world)
RESPONDERS = {"akim_a": 200, "akim_b": 404, "admin": 200}
RESIDENT_A = {"citizen_a": 302}
REASON = "The akim has not reported for a year and the road promised for 2025 was not built."
ROWS += [
    Row("flag page", "GET", lambda w: f"/flags/{w.extra['flag'].id}", everyone(200)),
    Row("missing flag", "GET", lambda w: "/flags/999999", everyone(404)),
    Row("recall methodology", "GET", lambda w: "/recall/methodology", everyone(200)),
    Row("respond page", "GET", lambda w: f"/flags/{w.extra['flag'].id}/respond",
        only(RESPONDERS)),
    Row("respond", "POST", lambda w: f"/flags/{w.extra['flag'].id}/respond",
        only({"akim_a": 302, "akim_b": 404, "admin": 302}),
        lambda w: {"response": "The report is delayed by the district finance office."}),
    Row("my flags", "GET", lambda w: "/akim/flags",
        only({"akim_a": 200, "akim_b": 200, "admin": 200})),
    # Flags are reviewed by the portal's moderators; parliamentary staff read and export.
    Row("take a flag under review", "POST", lambda w: f"/flags/{w.extra['flag'].id}/review",
        only(dict.fromkeys(MODERATORS, 302))),
    Row("decide on a flag", "POST", lambda w: f"/flags/{w.extra['flag'].id}/decide",
        only(dict.fromkeys(MODERATORS, 302)),
        lambda w: {"decision": "dismissed", "reason": "Explained by the finance office."}),
    Row("flags dashboard", "GET", lambda w: "/staff/flags",
        only({"staff": 200, "moderator": 200, "admin": 200})),
    Row("recall rules page", "GET", lambda w: "/admin/recall/rules", only({"admin": 200})),
    Row("recall rules without values", "POST", lambda w: "/admin/recall/rules",
        only({"admin": 400})),
    Row("term petitions", "GET", lambda w: f"/terms/{w.term_a.id}/petitions", everyone(200)),
    Row("start petition page", "GET", lambda w: f"/terms/{w.term_a.id}/petitions/new",
        only({"citizen_a": 200})),
    # Term A already has a petition collecting: a second one is refused.
    Row("start a second petition", "POST", lambda w: f"/terms/{w.term_a.id}/petitions/new",
        only({"citizen_a": 409}), lambda w: {"reason": REASON, "confirm": "y"}),
    Row("petition page", "GET", lambda w: f"/petitions/{w.extra['petition'].id}",
        everyone(200)),
    Row("sign a petition", "POST", lambda w: f"/petitions/{w.extra['petition'].id}/sign",
        only(RESIDENT_A)),
    Row("withdraw a signature", "POST",
        lambda w: f"/petitions/{w.extra['petition'].id}/withdraw", only(RESIDENT_A)),
]

def _api_world(world: World) -> None:
    """A published report for the API rows, and a bulk download to serve (built once)."""
    from portal.opendata import build
    from tests.factories import ReportFactory

    world.extra["report"] = ReportFactory(term=world.term_a, published=True)
    if build.current() is None:
        build.build()


WORLD_BUILDERS.append(_api_world)
API = "/api/v1"
ROWS += [
    # The open data API: public and read-only; /me is the signed-in user's own.
    Row("api regions", "GET", lambda w: f"{API}/regions", everyone(200)),
    Row("api districts", "GET", lambda w: f"{API}/regions/61/districts", everyone(200)),
    Row("api akims", "GET", lambda w: f"{API}/akims?region=61", everyone(200)),
    Row("api akim", "GET", lambda w: f"{API}/akims/{w.term_a.akim_id}", everyone(200)),
    Row("api akim promises", "GET", lambda w: f"{API}/akims/{w.term_a.akim_id}/promises",
        everyone(200)),
    Row("api akim reports", "GET", lambda w: f"{API}/akims/{w.term_a.akim_id}/reports",
        everyone(200)),
    Row("api report", "GET", lambda w: f"{API}/reports/{w.extra['report'].id}", everyone(200)),
    Row("api budget", "GET", lambda w: f"{API}/rural-districts/{w.district_a.kato}/budget",
        everyone(200)),
    Row("api flags", "GET", lambda w: f"{API}/flags?status=open", everyone(200)),
    Row("api me", "GET", lambda w: f"{API}/me", {**everyone(200), "anonymous": 401}),
    Row("api openapi", "GET", lambda w: f"{API}/openapi.json", everyone(200)),
    Row("api docs", "GET", lambda w: f"{API}/docs", everyone(200)),
    Row("open data page", "GET", lambda w: "/opendata", everyone(200)),
    Row("open data download", "GET", lambda w: "/opendata/akim-portal-open-data.zip",
        everyone(200)),
]


def _feedback_world(world: World) -> None:
    """A report of term A open for rating, a promise, a resident's comment, a hidden one."""
    from datetime import UTC, date, datetime, time, timedelta

    from portal.reports.timeliness import local_today
    from tests.factories import CommentFactory, PromiseFactory, ReportFactory

    published_on = local_today() - timedelta(days=3)
    # The second half of 2025: the API rows already have a report for the first half.
    report = ReportFactory(term=world.term_a, published=True, first_published_on=published_on,
                           first_published_at=datetime.combine(published_on, time(5), UTC),
                           period_start=date(2025, 7, 1), period_end=date(2025, 12, 31),
                           due_on=date(2026, 1, 31))
    author = UserFactory.resident_of(world.district_a)
    comment = CommentFactory(report=report, author=author)
    hidden = CommentFactory(report=report, author=author, status="hidden",
                            hidden_reason="Abuse")
    world.extra.update(report=report, promise=PromiseFactory(term=world.term_a),
                       comment=comment, hidden=hidden)
    world.extra["csrf_prefixes"] = (f"reply-{comment.id}-", f"hide-{comment.id}-",
                                    "moderate-")


WORLD_BUILDERS.append(_feedback_world)

ROWS += [
    Row("rate a report", "POST", lambda w: f"/reports/{w.extra['report'].id}/rate",
        {**signed_in(403), "anonymous": LOGIN, "citizen_a": 302}, lambda w: {"score": "4"}),
    Row("comment on a report", "POST", lambda w: f"/reports/{w.extra['report'].id}/comments",
        signed_in(302), lambda w: {"body": "Thank you for the report."}),
    Row("comment on a promise", "POST",
        lambda w: f"/promises/{w.extra['promise'].id}/comments", signed_in(302),
        lambda w: {"body": "When does the work start?"}),
    Row("official reply", "POST", lambda w: f"/comments/{w.extra['comment'].id}/reply",
        only({"akim_a": 302}),
        lambda w: {f"reply-{w.extra['comment'].id}-body": "We start in May."}),
    Row("report a comment page", "GET", lambda w: f"/comments/{w.extra['comment'].id}/report",
        signed_in(200)),
    Row("report a comment", "POST", lambda w: f"/comments/{w.extra['comment'].id}/report",
        signed_in(302), lambda w: {"reason": "spam"}),
    Row("report a missing comment", "POST", lambda w: "/comments/999999/report",
        signed_in(404), lambda w: {"reason": "spam"}),
    Row("comment moderation queue", "GET", lambda w: "/moderation/comments",
        only(dict.fromkeys(MODERATORS, 200))),
    Row("approve a comment", "POST",
        lambda w: f"/moderation/comments/{w.extra['comment'].id}/approve",
        only(dict.fromkeys(MODERATORS, 302))),
    Row("hide a comment", "POST", lambda w: f"/moderation/comments/{w.extra['comment'].id}/hide",
        only(dict.fromkeys(MODERATORS, 302)),
        lambda w: {f"hide-{w.extra['comment'].id}-reason": "Insults another resident"}),
    Row("restore a comment", "POST",
        lambda w: f"/moderation/comments/{w.extra['hidden'].id}/restore",
        only(dict.fromkeys(MODERATORS, 302))),
    Row("moderate a missing comment", "POST", lambda w: "/moderation/comments/999999/approve",
        only(dict.fromkeys(MODERATORS, 404))),
]

def _export_job(world: World) -> None:
    """Exports: a queued bulk export of the staff persona (no file yet)."""
    from portal.exports.models import ExportFormat, ExportJob, ExportStatus
    from portal.extensions import db

    job = ExportJob(user_id=world.users["staff"].id, scope="district:6136",
                    format=ExportFormat.PDF, language="en", status=ExportStatus.QUEUED)
    db.session.add(job)
    db.session.commit()
    world.extra["export_job"] = job.id


WORLD_BUILDERS.append(_export_job)
STAFF = ("staff", "admin")
ROWS += [
    Row("akim dossier pdf", "GET",
        lambda w: f"/akims/{w.term_a.akim_id}/accountability.pdf?lang=en", everyone(200)),
    Row("bulk exports", "GET", lambda w: "/exports/", only(dict.fromkeys(STAFF, 200))),
    Row("bulk export start", "POST", lambda w: "/exports/", only(dict.fromkeys(STAFF, 302)),
        lambda w: {"area": "district:6136", "format": "zip", "language": "en"}),
    Row("bulk export job", "GET", lambda w: f"/exports/{w.extra['export_job']}",
        only(dict.fromkeys(STAFF, 200))),
    Row("bulk export status", "GET", lambda w: f"/exports/{w.extra['export_job']}/status.json",
        only(dict.fromkeys(STAFF, 200))),
    # Not built yet: the download sends the owner back to the job page.
    Row("bulk export download", "GET",
        lambda w: f"/exports/{w.extra['export_job']}/download", only(dict.fromkeys(STAFF, 302))),
    Row("bulk export cancel", "POST", lambda w: f"/exports/{w.extra['export_job']}/cancel",
        only(dict.fromkeys(STAFF, 302))),
]

# Blueprints whose every route must appear in ROWS; add yours when you add its rows.
COVERED_BLUEPRINTS = {"accounts", "account", "verification", "admin", "web", "akims",
                      "recall", "api", "opendata", "feedback", "exports"}


def _check(app: Flask, world: World, row: Row, persona: str, login: Any) -> None:
    client = app.test_client()
    if persona != "anonymous":
        login(world.users[persona], on=client)
    if row.method == "GET":
        response = client.get(row.url(world))
    else:
        token = csrf_from(client.get("/login").get_data(as_text=True))
        data = row.data(world)
        # The plain name passes CSRFProtect; prefixed forms check their own field.
        for prefix in ("", "approve-", "password-", "language-", "district-", "verification-",
                       "sessions-", "roles-", "akim-", "lookup-", f"reject-{world.pending.id}-",
                       *world.extra.get("csrf_prefixes", ())):
            data[f"{prefix}csrf_token"] = token
        response = client.post(row.url(world), data=data,
                               content_type="multipart/form-data" if row.multipart else None)
    response.close()  # file downloads are streamed from an open file
    expected = row.expect[persona]
    where = f"{row.method} {row.url(world)} as {persona}"
    if expected == LOGIN:
        assert response.status_code == 302, f"{where}: {response.status_code}, expected sign-in"
        assert "/login?next=" in response.headers["Location"], where
    else:
        assert response.status_code == expected, (
            f"{where}: {response.status_code}, expected {expected}"
        )


# Reading changes nothing, so one world serves every persona; a POST gets a fresh world each.
@pytest.mark.parametrize("row", [pytest.param(row, id=row.name) for row in ROWS
                                 if row.method == "GET"])
def test_role_matrix_pages(app: Flask, row: Row, login: Any) -> None:
    world = build_world()
    for persona in PERSONAS:
        _check(app, world, row, persona, login)


@pytest.mark.parametrize(("row", "persona"), [
    pytest.param(row, persona, id=f"{row.name}|{persona}")
    for row in ROWS if row.method != "GET" for persona in PERSONAS
])
def test_role_matrix_actions(app: Flask, row: Row, persona: str, login: Any) -> None:
    _check(app, build_world(), row, persona, login)


def test_matrix_rows_cover_every_route_of_the_covered_blueprints(app: Flask) -> None:
    adapter = app.url_map.bind("localhost")
    world = build_world()
    covered = set()
    for row in ROWS:
        endpoint, _args = adapter.match(row.url(world).split("?")[0], method=row.method)
        covered.add(endpoint)
    missing = sorted(
        f"{rule.rule} ({rule.endpoint})" for rule in app.url_map.iter_rules()
        if rule.endpoint.split(".")[0] in COVERED_BLUEPRINTS and rule.endpoint not in covered
    )
    assert not missing, "routes without a row in the role matrix:\n" + "\n".join(missing)


def test_every_persona_has_an_expectation_in_every_row() -> None:
    for row in ROWS:
        assert set(row.expect) == set(PERSONAS), row.name


def test_personas_hold_the_roles_they_claim() -> None:
    world = build_world()
    assert world.users["citizen_a"].is_verified_resident_of(world.district_a.id)
    assert not world.users["citizen_b"].is_verified_resident_of(world.district_b.id)
    assert world.users["akim_a"].akim_id == world.term_a.akim_id
    assert world.users["akim_b"].akim_id == world.term_b.akim_id
    assert world.users["staff"].roles == {Role.STAFF}
