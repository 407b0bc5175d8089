"""The report page with 10 ratings and with 100,000 (issue 7: it must render as fast), in a
throwaway SQLite database seeded with the demo data: rating rows are inserted in bulk and the
tallies set by `reconcile --fix`. Run by `python -m bench.measures ratings` in a fresh
interpreter, on the SQLite pass only (the page reads maintained tallies on either database)."""

from __future__ import annotations

import statistics
import tempfile
import time

from flask.testing import FlaskClient

RATINGS_MANY = 100_000


def _timed(client: FlaskClient, url: str, requests: int) -> dict[str, float]:
    for _ in range(3):
        client.get(url)  # warm up
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    timings.sort()
    return {"median_ms": statistics.median(timings),
            "p99_ms": timings[int(len(timings) * 0.99) - 1]}


def report_page_ratings(_database_url: str, requests: int = 300) -> dict[str, dict[str, float]]:
    """The report page with 10 ratings and with 100,000 (and then 2,000 comments too), in a
    throwaway database: the demo seed, then rating rows inserted in bulk and the tallies set
    by `reconcile --fix`. Signed in as a resident, so the viewer's own score is looked up and
    no page cache answers."""
    from sqlalchemy import delete, func, insert, select

    from portal import create_app, seed
    from portal.accounts.models import Role, User, UserRole
    from portal.accounts.sessions import sign_in_cookie
    from portal.extensions import db
    from portal.feedback.models import Comment, Rating
    from portal.feedback.reconcile import reconcile
    from portal.reports.models import Report, ReportState
    from portal.seed.context import Scale

    with tempfile.TemporaryDirectory() as directory:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{directory}/bench.db",
                          "PORTAL_INSTANCE_PATH": directory})
        with app.app_context():
            import flask_migrate

            flask_migrate.upgrade()
            context = seed.run(Scale.DEMO, seed=2026)
            citizen = db.session.get(User, context.demo.citizen_user_id)
            assert citizen is not None
            few, many = list(db.session.scalars(
                select(Report.id).where(Report.term_id == context.demo.akim_term_id,
                                        Report.state == ReportState.PUBLISHED)
                .order_by(Report.period_start).limit(2)))
            db.session.execute(delete(Comment).where(Comment.report_id.in_((few, many))))
            db.session.execute(delete(Rating).where(Rating.report_id.in_((few, many))))
            first = (db.session.scalar(select(func.max(User.id))) or 0) + 1
            users = [{"id": first + n, "email": f"bench{n}@residents.demo.invalid",
                      "is_active_account": True, "session_version": 1,
                      "rural_district_id": citizen.rural_district_id,
                      "resident_verified_at": citizen.resident_verified_at}
                     for n in range(RATINGS_MANY)]
            for start in range(0, RATINGS_MANY, 20_000):
                db.session.execute(insert(User), users[start:start + 20_000])
            db.session.execute(insert(UserRole), [{"user_id": row["id"], "role": Role.CITIZEN}
                                                  for row in users])
            ratings = [{"report_id": many, "user_id": first + n, "score": 1 + n * 7 % 5}
                       for n in range(RATINGS_MANY)]
            ratings += [{"report_id": few, "user_id": first + n, "score": 1 + n % 5}
                        for n in range(10)]
            for start in range(0, len(ratings), 20_000):
                db.session.execute(insert(Rating), ratings[start:start + 20_000])
            comments = [{"report_id": report_id, "term_id": context.demo.akim_term_id,
                         "author_id": first + n, "body": f"Comment {n} on the report.",
                         "is_resident": True}
                        for report_id in (few, many) for n in range(30)]
            db.session.execute(insert(Comment), comments)
            reconcile(fix=True, actor="bench")
            db.session.commit()
            client = app.test_client()
            with client.session_transaction() as session:
                sign_in_cookie(session, citizen)
            results = {"10 ratings": _timed(client, f"/reports/{few}", requests),
                       f"{RATINGS_MANY:,} ratings": _timed(client, f"/reports/{many}",
                                                           requests)}
            db.session.execute(insert(Comment), [
                {"report_id": many, "term_id": context.demo.akim_term_id,
                 "author_id": first + n, "body": f"Another comment {n}.", "is_resident": True}
                for n in range(30, 2_000)])
            db.session.commit()
            results[f"{RATINGS_MANY:,} ratings, 2,000 comments"] = _timed(
                client, f"/reports/{many}", requests)
            db.session.remove()
            db.engine.dispose()
    return results
