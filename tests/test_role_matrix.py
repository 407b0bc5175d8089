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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from flask import Flask

from portal.accounts import services
from portal.accounts.models import Role, User, VerificationRequest
from portal.akims.models import Term
from portal.extensions import db, limiter
from portal.geo.models import RuralDistrict
from portal.notifications.delivery import unsubscribe_token
from portal.reports.models import CONTENT_FIELDS
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
                            iin_hmac=services.iin_digest(iin_b))
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
    Row("how_we_count", "GET", lambda w: "/how-we-count", everyone(200)),
    Row("health check", "GET", lambda w: "/healthz", everyone(200)),
    Row("readiness", "GET", lambda w: "/readyz", everyone(200)),
    Row("ping (the bench ceiling)", "GET", lambda w: "/ping", everyone(200)),
    Row("akim profile", "GET", lambda w: f"/akims/{w.term_a.akim_id}", everyone(200)),
    Row("rural district", "GET", lambda w: f"/rural-districts/{w.district_a.kato}",
        everyone(200)),
    Row("find my akim", "GET", lambda w: f"/find?q=ab&unit={w.district_a.kato}",
        everyone(200)),
    # Signing in and registering.
    Row("login page", "GET", lambda w: "/login", everyone(200)),
    # The code step needs the password step first (in this browser): otherwise back to it.
    Row("code step without a password", "GET", lambda w: "/login/code", everyone(302)),
    Row("code without a password", "POST", lambda w: "/login/code", everyone(302),
        lambda w: {"code": "123456"}),
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
    # Two factors are anyone's choice (nobody here has them on, nor must).
    Row("two factors page", "GET", lambda w: "/account/two-factor", signed_in(200)),
    Row("two factors with a wrong code", "POST", lambda w: "/account/two-factor",
        signed_in(400), lambda w: {"code": "12345"}),
    Row("recovery codes without two factors", "POST",
        lambda w: "/account/two-factor/recovery-codes", signed_in(302)),
    Row("two factors off without a code", "POST", lambda w: "/account/two-factor/off",
        signed_in(400)),
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
    Row("audit trail", "GET", lambda w: "/admin/audit?action=account.", only({"admin": 200})),
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


def _notifications_world(world: World) -> None:
    """A mail to citizen A that failed for good, for the administrators' retry."""
    from portal.notifications.models import (
        DeliveryStatus,
        EventKind,
        Notification,
        NotificationEvent,
    )

    event = NotificationEvent(kind=EventKind.REPORT_PUBLISHED, subject_id=0,
                              term_id=world.term_a.id, data={})
    db.session.add(event)
    db.session.flush()
    row = Notification(event_id=event.id, user_id=world.users["citizen_a"].id,
                       status=DeliveryStatus.FAILED, attempts=6,
                       last_error="SMTPServerDisconnected: Connection unexpectedly closed")
    db.session.add(row)
    db.session.flush()
    world.extra["failed_mail"] = row


WORLD_BUILDERS.append(_notifications_world)
# Only the akim answers as the akim: an administrator neither (the flag is pending: 404).
RESPONDERS = {"akim_a": 200, "akim_b": 404, "admin": 404}
RESIDENT_A = {"citizen_a": 302}
REASON = "The akim has not reported for a year and the road promised for 2025 was not built."
ROWS += [
    Row("flag page", "GET", lambda w: f"/flags/{w.extra['flag'].id}", everyone(200)),
    Row("missing flag", "GET", lambda w: "/flags/999999", everyone(404)),
    Row("recall methodology", "GET", lambda w: "/recall/methodology", everyone(200)),
    Row("reporting rules", "GET", lambda w: "/reports/rules", everyone(200)),
    Row("respond page", "GET", lambda w: f"/flags/{w.extra['flag'].id}/respond",
        only(RESPONDERS)),
    Row("respond", "POST", lambda w: f"/flags/{w.extra['flag'].id}/respond",
        only({"akim_a": 302, "akim_b": 404, "admin": 404}),
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
    Row("api search", "GET", lambda w: f"{API}/search?q=akim", everyone(200)),
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


def _import_job(world: World) -> None:
    """Budgets: a large upload of the staff persona, waiting for the worker."""
    from portal.budgets.models import BudgetImportJob
    from portal.extensions import db

    job = BudgetImportJob(user_id=world.users["staff"].id, file_name="budget.csv",
                          file_bytes=2_000_000)
    db.session.add(job)
    db.session.commit()
    world.extra["import_job"] = job.id


WORLD_BUILDERS.append(_import_job)
STAFF = ("staff", "admin")
ROWS += [
    Row("akim dossier pdf", "GET",
        lambda w: f"/akims/{w.term_a.akim_id}/accountability.pdf?lang=en", everyone(200)),
    Row("check a dossier", "GET", lambda w: "/verify", everyone(200)),
    Row("check a dossier's fingerprint", "POST", lambda w: "/verify", everyone(200),
        lambda w: {"fingerprint": "0123456789ab"}),
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


def _failed_export(world: World) -> None:
    """An export of the staff persona that failed, for the administrators' jobs page."""
    from portal.exports.models import ExportFormat, ExportJob, ExportStatus
    from portal.extensions import db

    job = ExportJob(user_id=world.users["staff"].id, scope="district:6136",
                    format=ExportFormat.ZIP, language="en", status=ExportStatus.FAILED,
                    error="OSError: [Errno 28] No space left on device")
    db.session.add(job)
    db.session.commit()
    world.extra["failed_export"] = job.id


WORLD_BUILDERS.append(_failed_export)
ROWS += [
    # Failed background work beside the failed mail: administrators only.
    Row("failed jobs", "GET", lambda w: "/admin/jobs", only({"admin": 200})),
    Row("retry a failed export", "POST",
        lambda w: f"/admin/jobs/exports/{w.extra['failed_export']}/retry", only({"admin": 302})),
    Row("rebuild the open data", "POST", lambda w: "/admin/jobs/opendata/retry",
        only({"admin": 302})),
]



def _reports_and_promises_world(world: World) -> None:
    """Term A: a draft report with a private file, a second version of the published report,
    and a claim with an evidence file on the promise (built after the feedback world)."""
    from portal.promises import transitions
    from portal.promises.models import PromiseStatus
    from portal.reports import services as reports
    from portal.reports.models import ReportVersion
    from tests.factories import ReportFactory
    from tests.promises.helpers import pdf

    akim = world.users["akim_a"]
    draft = ReportFactory(term=world.term_a, period_start=date(2026, 1, 1),
                          period_end=date(2026, 6, 30), due_on=date(2026, 7, 31))
    draft_file = reports.add_attachment(draft, pdf("draft.pdf"), akim)
    published = world.extra["report"]
    first = published.versions[0]
    second = ReportVersion(report=published, number=2, published_at=first.published_at,
                           reason="A figure was wrong.",
                           **{name: getattr(first, name) for name in CONTENT_FIELDS})
    second.summary = "We repaired roads, opened a playground and lit two streets."
    published.current_version = 2
    db.session.add(second)
    claim = transitions.post_claim(world.extra["promise"], akim, status=PromiseStatus.IN_PROGRESS,
                                   progress=40, note="The pipe is half laid.",
                                   evidence=transitions.Evidence(files=[pdf("act.pdf")]))
    db.session.commit()
    world.extra.update(draft=draft, draft_file=draft_file, claim=claim,
                       evidence=claim.evidence[0])


WORLD_BUILDERS.append(_reports_and_promises_world)
PREVIEWERS = {"akim_a": 200, "staff": 200, "admin": 200}  # a draft: its akim and staff
EDITOR_A = {"akim_a": 200, "akim_b": 404, "admin": 404}  # a draft's editor hides it from others
VERIFIERS = ("moderator", "staff", "admin")
REGION, DISTRICT = "61", "6136"


def _report_text(world: World) -> dict[str, Any]:
    return {"summary": "We repaired the school roof.", "save": "y"}


ROWS += [
    # Public report pages and roll-ups.
    Row("published report", "GET", lambda w: f"/reports/{w.extra['report'].id}", everyone(200)),
    Row("draft report preview", "GET", lambda w: f"/reports/{w.extra['draft'].id}",
        {**everyone(404), **PREVIEWERS}),
    Row("missing report", "GET", lambda w: "/reports/999999", everyone(404)),
    Row("report version", "GET", lambda w: f"/reports/{w.extra['report'].id}/versions/1",
        everyone(200)),
    Row("report changes", "GET",
        lambda w: f"/reports/{w.extra['report'].id}/versions/2/changes", everyone(200)),
    Row("draft report file", "GET",
        lambda w: f"/reports/{w.extra['draft'].id}/attachments/{w.extra['draft_file'].id}",
        {**everyone(404), **PREVIEWERS}),
    Row("akim's reports", "GET", lambda w: f"/akims/{w.term_a.akim_id}/reports", everyone(200)),
    Row("national reports", "GET", lambda w: "/reports/", everyone(200)),
    Row("region reports", "GET", lambda w: f"/regions/{REGION}/reports", everyone(200)),
    Row("late reports", "GET", lambda w: f"/regions/{REGION}/reports/late", everyone(200)),
    Row("district reports", "GET", lambda w: f"/districts/{DISTRICT}/reports", everyone(200)),
    Row("akim dashboard", "GET", lambda w: "/akim/dashboard",
        only({"akim_a": 200, "akim_b": 200, "admin": 200})),
    # The akim's editor: only the akim of term A, administrators included in the refusal.
    Row("report editor", "GET", lambda w: f"/reports/{w.extra['draft'].id}/edit",
        only(EDITOR_A)),
    Row("progress on promises", "GET", lambda w: f"/reports/{w.extra['draft'].id}/promises",
        only(EDITOR_A)),
    Row("save a promise entry", "POST",
        lambda w: f"/reports/{w.extra['draft'].id}/promises",
        only({"akim_a": 302, "akim_b": 404, "admin": 404}),
        lambda w: {"promise_id": str(w.extra["promise"].id), "claim": "in_progress",
                   "text": "Half of the lights are installed."}),
    Row("save a draft", "POST", lambda w: f"/reports/{w.extra['draft'].id}/edit",
        only({"akim_a": 302, "akim_b": 404, "admin": 404}), _report_text),
    Row("correction page", "GET", lambda w: f"/reports/{w.extra['report'].id}/amend",
        only({"akim_a": 200})),
    Row("promise entry correction page", "GET",
        lambda w: f"/reports/{w.extra['report'].id}/promises/correct", only({"akim_a": 200})),
    Row("promise entry correction without a reason", "POST",
        lambda w: f"/reports/{w.extra['report'].id}/promises/correct", only({"akim_a": 400}),
        lambda w: {"promise_id": str(w.extra["promise"].id), "claim": "in_progress",
                   "text": "Half of the lights are installed."}),
    Row("correction without a reason", "POST",
        lambda w: f"/reports/{w.extra['report'].id}/amend", only({"akim_a": 200}),
        _report_text),
    Row("check before publishing (a draft goes back to its editor)", "GET",
        lambda w: f"/reports/{w.extra['draft'].id}/publish",
        only({"akim_a": 302, "akim_b": 404, "admin": 404})),
    Row("publish a draft", "POST", lambda w: f"/reports/{w.extra['draft'].id}/publish",
        only({"akim_a": 302, "akim_b": 404, "admin": 404})),
    Row("return to draft", "POST", lambda w: f"/reports/{w.extra['draft'].id}/return",
        only({"akim_a": 302, "akim_b": 404, "admin": 404})),
    Row("remove a draft file", "POST",
        lambda w: f"/reports/{w.extra['draft'].id}/attachments/{w.extra['draft_file'].id}"
                  "/remove", only({"akim_a": 302, "akim_b": 404, "admin": 404})),
    # Promises: public pages, residents' votes, following.
    Row("promise page", "GET", lambda w: f"/promises/{w.extra['promise'].id}", everyone(200)),
    Row("evidence file", "GET",
        lambda w: f"/promises/{w.extra['promise'].id}/evidence/{w.extra['evidence'].id}",
        everyone(200)),
    Row("programme", "GET", lambda w: f"/terms/{w.term_a.id}/programme", everyone(200)),
    Row("vote on a claim", "POST", lambda w: f"/promises/{w.extra['promise'].id}/vote",
        only(RESIDENT_A), lambda w: {"claim": str(w.extra["claim"].id), "choice": "confirm"}),
    Row("follow a promise", "POST", lambda w: f"/promises/{w.extra['promise'].id}/follow",
        signed_in(302)),
    Row("unfollow a promise", "POST", lambda w: f"/promises/{w.extra['promise'].id}/unfollow",
        signed_in(302)),
    # Notifications: follows, settings, the one-click unsubscribe page.
    Row("follow an akim", "POST", lambda w: f"/follow/akim/{w.term_a.akim_id}", signed_in(302)),
    Row("my portal", "GET", lambda w: "/my", signed_in(200)),
    Row("my follows", "GET", lambda w: "/my/follows", signed_in(200)),
    Row("send me email again", "POST", lambda w: "/my/mail-again", signed_in(302)),
    Row("save my email settings", "POST", lambda w: "/my/follows", signed_in(302),
        lambda w: {"kind_report_published": "daily"}),
    Row("unsubscribe page", "GET",
        lambda w: f"/unsubscribe/{unsubscribe_token(w.users['citizen_a'])}", everyone(200)),
    Row("akim feed", "GET", lambda w: f"/akims/{w.term_a.akim_id}/feed.atom", everyone(200)),
    Row("rural district feed", "GET", lambda w: f"/rural-districts/{w.district_a.kato}/feed.atom",
        everyone(200)),
    Row("district feed", "GET", lambda w: f"/districts/{w.district_a.district.kato4}/feed.atom",
        everyone(200)),
    Row("region feed", "GET",
        lambda w: f"/regions/{w.district_a.district.region.kato2}/feed.atom", everyone(200)),
    Row("national feed", "GET", lambda w: "/feed.atom", everyone(200)),
    Row("mail deliveries", "GET", lambda w: "/admin/notifications", only({"admin": 200})),
    Row("retry a failed mail", "POST",
        lambda w: f"/admin/notifications/{w.extra['failed_mail'].id}/retry",
        only({"admin": 302})),
    Row("unsubscribe by one click", "POST",
        lambda w: f"/unsubscribe/{unsubscribe_token(w.users['citizen_a'])}", everyone(200),
        lambda w: {"List-Unsubscribe": "One-Click"}),
    # The akim's programme.
    Row("my programme", "GET", lambda w: "/my/programme",
        only({"akim_a": 302, "akim_b": 302, "admin": 404})),
    Row("manage programme", "GET", lambda w: f"/terms/{w.term_a.id}/programme/manage",
        only({"akim_a": 200})),
    Row("new promise page", "GET", lambda w: f"/terms/{w.term_a.id}/promises/new",
        only({"akim_a": 200})),
    Row("new promise without a title", "POST", lambda w: f"/terms/{w.term_a.id}/promises/new",
        only({"akim_a": 400})),
    Row("promise editor", "GET", lambda w: f"/promises/{w.extra['promise'].id}/edit",
        only({"akim_a": 200})),
    Row("edit promise without a title", "POST",
        lambda w: f"/promises/{w.extra['promise'].id}/edit", only({"akim_a": 400})),
    # A promise of the registered programme cannot be deleted: the akim is told so.
    Row("delete a promise", "POST", lambda w: f"/promises/{w.extra['promise'].id}/delete",
        only({"akim_a": 302})),
    Row("register the programme", "POST",
        lambda w: f"/terms/{w.term_a.id}/programme/register", only({"akim_a": 302})),
    Row("claim page", "GET", lambda w: f"/promises/{w.extra['promise'].id}/update",
        only({"akim_a": 200})),
    Row("claim without a status", "POST", lambda w: f"/promises/{w.extra['promise'].id}/update",
        only({"akim_a": 400})),
    # Verdicts: moderators and staff, independent of the term.
    Row("verdict page", "GET", lambda w: f"/promises/{w.extra['promise'].id}/verdict",
        only(dict.fromkeys(VERIFIERS, 200))),
    Row("verdict without a status", "POST",
        lambda w: f"/promises/{w.extra['promise'].id}/verdict",
        only(dict.fromkeys(VERIFIERS, 400))),
    Row("reopen without a note", "POST", lambda w: f"/promises/{w.extra['promise'].id}/reopen",
        only(dict.fromkeys(VERIFIERS, 400))),
    # Budgets and places: public, but for the import.
    Row("national budgets", "GET", lambda w: "/budgets/", everyone(200)),
    Row("region budget", "GET", lambda w: f"/regions/{REGION}/budget", everyone(200)),
    Row("district budget", "GET", lambda w: f"/districts/{DISTRICT}/budget", everyone(200)),
    Row("rural district budget", "GET", lambda w: f"/rural-districts/{w.district_a.kato}/budget",
        everyone(200)),
    Row("budget categories", "GET", lambda w: "/budgets/categories", everyone(200)),
    Row("budget template csv", "GET", lambda w: "/budgets/template.csv", everyone(200)),
    Row("budget template xlsx", "GET", lambda w: "/budgets/template.xlsx", everyone(200)),
    Row("spending template csv", "GET", lambda w: "/budgets/spending-template.csv",
        everyone(200)),
    Row("spending template xlsx", "GET", lambda w: "/budgets/spending-template.xlsx",
        everyone(200)),
    Row("decisions template csv", "GET", lambda w: "/budgets/decisions-template.csv",
        everyone(200)),
    Row("decisions template xlsx", "GET", lambda w: "/budgets/decisions-template.xlsx",
        everyone(200)),
    Row("budget import page", "GET", lambda w: "/budgets/import", only(dict.fromkeys(STAFF, 200))),
    Row("budget import without a file", "POST", lambda w: "/budgets/import",
        only(dict.fromkeys(STAFF, 200))),
    Row("budget import job", "GET", lambda w: f"/budgets/import/jobs/{w.extra['import_job']}",
        only(dict.fromkeys(STAFF, 200))),
    Row("regions", "GET", lambda w: "/regions/", everyone(200)),
    Row("region", "GET", lambda w: f"/regions/{REGION}", everyone(200)),
    Row("district", "GET", lambda w: f"/districts/{DISTRICT}", everyone(200)),
]

# Every route of every blueprint has a row: a new blueprint adds its rows with its routes.


def _check(app: Flask, world: World, row: Row, persona: str, login: Any) -> str | None:
    """What went wrong for one persona, or None."""
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
                       "sessions-", "off-", "roles-", "akim-", "lookup-",
                       f"reject-{world.pending.id}-",
                       *world.extra.get("csrf_prefixes", ())):
            data[f"{prefix}csrf_token"] = token
        response = client.post(row.url(world), data=data,
                               content_type="multipart/form-data" if row.multipart else None)
    response.close()  # file downloads are streamed from an open file
    expected = row.expect[persona]
    where = f"{row.method} {row.url(world)} as {persona}"
    cache_problem = _cache_problem(row, persona, response)
    if cache_problem:
        return f"{where}: {cache_problem}"
    if expected == LOGIN:
        if response.status_code != 302 or "/login?next=" not in response.headers.get(
                "Location", ""):
            return f"{where}: {response.status_code}, expected sign-in"
    elif response.status_code != expected:
        return f"{where}: {response.status_code}, expected {expected}"
    return None


def _cache_problem(row: Row, persona: str, response: Any) -> str | None:
    """Issue 24, finding 14: what not every visitor gets is `private, no-store`. A row is
    public when the anonymous visitor gets a 200 from it: only then may an answer be
    `public`; a 200 of any other row (a draft's file, a personal page) and any page made for
    a signed-in user may be kept by no cache."""
    control = response.headers.get("Cache-Control", "")
    public_row = row.expect["anonymous"] == 200
    kept_by_none = "no-store" in control and "public" not in control
    if "public" in control and not public_row:
        return f"Cache-Control {control!r}, though not every visitor gets it"
    if response.status_code == 200 and not public_row and not kept_by_none:
        return f"Cache-Control {control!r} on what not every visitor gets"
    if persona != "anonymous" and response.mimetype == "text/html" and not kept_by_none:
        return f"Cache-Control {control!r} on a page made for a signed-in user"
    return None


@contextmanager
def undone() -> Iterator[None]:
    """What a request changes is rolled back after it: a savepoint of our own around the
    app's, so one world serves every persona of a row (a world costs more than a request)."""
    db.session.commit()
    savepoint = db.session.bind.begin_nested()  # type: ignore[union-attr]
    try:
        yield
    finally:
        db.session.rollback()
        savepoint.rollback()
        db.session.expire_all()
        limiter.reset()


# Comparing akims (issue 22): public tables and comparisons; the comparison's PDF for staff.
ROWS += [
    Row("league table", "GET", lambda w: "/league?district=6136&sort=missing", everyone(200)),
    Row("league table csv", "GET", lambda w: "/league.csv?region=61", everyone(200)),
    Row("akims side by side", "GET",
        lambda w: f"/compare?akim={w.term_a.akim_id}&akim={w.term_b.akim_id}", everyone(200)),
    Row("akims side by side pdf", "GET",
        lambda w: f"/compare.pdf?akim={w.term_a.akim_id}&akim={w.term_b.akim_id}&lang=en",
        only(dict.fromkeys(STAFF, 200))),
    Row("api league table", "GET", lambda w: f"{API}/league?district=6136", everyone(200)),
]


# Meetings with residents (issue 18).
def _meetings_world(world: World) -> None:
    """A held meeting of term A with its minutes and an open question, and one announced
    ahead."""
    from portal.extensions import db
    from portal.uploads import store_upload
    from tests.factories import MeetingFactory, MeetingQuestionFactory
    from tests.promises.helpers import pdf

    held = MeetingFactory(term=world.term_a, starts_at=datetime.now(UTC) - timedelta(days=2),
                          minutes_file=store_upload(pdf("minutes.pdf"), "tests"))
    db.session.commit()
    world.extra["meeting"] = held
    world.extra["question"] = MeetingQuestionFactory(meeting=held)
    world.extra["announced"] = MeetingFactory(term=world.term_a, scheduled=True)


WORLD_BUILDERS.append(_meetings_world)
MEETING_MANAGER = {"akim_a": 302, "akim_b": 403, "admin": 403}
ROWS += [
    Row("meeting page", "GET", lambda w: f"/meetings/{w.extra['meeting'].id}", everyone(200)),
    Row("missing meeting", "GET", lambda w: "/meetings/999999", everyone(404)),
    Row("meeting minutes", "GET", lambda w: f"/meetings/{w.extra['meeting'].id}/minutes",
        everyone(200)),
    Row("meeting without minutes", "GET",
        lambda w: f"/meetings/{w.extra['announced'].id}/minutes", everyone(404)),
    Row("announce a meeting page", "GET", lambda w: f"/terms/{w.term_a.id}/meetings/new",
        only({"akim_a": 200})),
    Row("announce a meeting", "POST", lambda w: f"/terms/{w.term_a.id}/meetings/new",
        only({"akim_a": 302}),
        lambda w: {"settlement_id": str(w.extra["meeting"].settlement_id),
                   "place": "School hall",
                   "starts_at": (datetime.now(UTC) + timedelta(days=20)).strftime(
                       "%Y-%m-%dT%H:%M")}),
    Row("change a meeting page", "GET", lambda w: f"/meetings/{w.extra['announced'].id}/change",
        only({"akim_a": 200})),
    Row("change a meeting", "POST", lambda w: f"/meetings/{w.extra['announced'].id}/change",
        only(MEETING_MANAGER),
        lambda w: {"settlement_id": str(w.extra["announced"].settlement_id),
                   "place": "Library", "starts_at": (datetime.now(UTC) + timedelta(days=25))
                   .strftime("%Y-%m-%dT%H:%M")}),
    Row("cancel a meeting", "POST", lambda w: f"/meetings/{w.extra['announced'].id}/cancel",
        only(MEETING_MANAGER), lambda w: {"reason": "The hall is closed for repairs."}),
    Row("record a meeting as held", "POST",
        lambda w: f"/meetings/{w.extra['announced'].id}/held",
        only({"akim_a": 400}), lambda w: {"attendance": "40"}),
    Row("record a question", "POST", lambda w: f"/meetings/{w.extra['meeting'].id}/questions",
        only(MEETING_MANAGER), lambda w: {"question": "Street lights on Abai street?"}),
    Row("close a question", "POST",
        lambda w: f"/meetings/{w.extra['meeting'].id}/questions/{w.extra['question'].id}"
                  "/close", only(MEETING_MANAGER),
        lambda w: {"evidence": "Repaired in May: https://example.kz/photo"}),
    Row("region meetings", "GET", lambda w: f"/regions/{REGION}/meetings", everyone(200)),
    Row("region meetings feed", "GET", lambda w: f"/regions/{REGION}/meetings.ics",
        everyone(200)),
    Row("rural district meetings feed", "GET",
        lambda w: f"/rural-districts/{w.district_a.kato}/meetings.ics", everyone(200)),
    Row("api meetings", "GET", lambda w: f"{API}/meetings?region={REGION}", everyone(200)),
    Row("api meeting", "GET", lambda w: f"{API}/meetings/{w.extra['meeting'].id}",
        everyone(200)),
]


# Every row above is parametrized below; a row added after this line would never run.
PARAMETRIZED_ROWS = len(ROWS)


# Reading changes nothing, so one world serves every persona; what a POST changes is undone
# before the next persona's.
@pytest.mark.parametrize("row", [pytest.param(row, id=row.name) for row in ROWS
                                 if row.method == "GET"])
def test_role_matrix_pages(app: Flask, row: Row, login: Any) -> None:
    world = build_world()
    problems = [_check(app, world, row, persona, login) for persona in PERSONAS]
    assert not any(problems), "\n".join(filter(None, problems))


@pytest.mark.parametrize("row", [pytest.param(row, id=row.name) for row in ROWS
                                 if row.method != "GET"])
def test_role_matrix_actions(app: Flask, row: Row, login: Any) -> None:
    world = build_world()
    problems = []
    for persona in PERSONAS:
        with undone():
            problems.append(_check(app, world, row, persona, login))
    assert not any(problems), "\n".join(filter(None, problems))


def test_matrix_rows_cover_every_route(app: Flask) -> None:
    adapter = app.url_map.bind("localhost")
    world = build_world()
    covered = set()
    for row in ROWS:
        endpoint, _args = adapter.match(row.url(world).split("?")[0], method=row.method)
        covered.add(endpoint)
    missing = sorted(
        f"{rule.rule} ({rule.endpoint})" for rule in app.url_map.iter_rules()
        if rule.endpoint != "static" and rule.endpoint not in covered
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


def test_every_row_is_run() -> None:
    # Rows appended below the parametrized tests are never checked (the meeting rows were).
    assert len(ROWS) == PARAMETRIZED_ROWS
