"""Public pages: the promise page, the profile section with filters, the programme, roll-ups,
followers' emails, and the query budget of each page."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask.testing import FlaskClient

from portal.extensions import db
from portal.mail import outbox_messages
from portal.promises import transitions
from portal.promises.models import BrokenReason, PromiseCategory, PromiseStatus
from portal.promises.transitions import Evidence
from tests.factories import PromiseFactory, SettlementFactory, TermFactory, UserFactory
from tests.promises.helpers import LINK, akim_user, days_from_today, term_around_today

PAGE_BUDGET = 10


def test_the_promise_page_keeps_claim_verdict_and_residents_apart(client: FlaskClient) -> None:
    promise = PromiseFactory(term=term_around_today(), deadline=days_from_today(30),
                             title="Asphalt 3 km of village streets")
    transitions.post_claim(promise, akim_user(promise.term), status=PromiseStatus.KEPT,
                           progress=100, note="Finished in May.", evidence=Evidence(links=[LINK]))
    db.session.commit()
    html = client.get(f"/promises/{promise.id}").get_data(as_text=True)
    assert "Asphalt 3 km of village streets" in html
    assert "Akim says:" in html and "not yet verified" in html
    assert "Finished in May." in html and LINK in html
    assert "Not yet rated</span> → <span" in html  # the transition in the timeline


def test_user_text_is_escaped(client: FlaskClient) -> None:
    promise = PromiseFactory(title="<script>alert(1)</script>",
                             description="<img src=x onerror=alert(1)>")
    html = client.get(f"/promises/{promise.id}").get_data(as_text=True)
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html


def test_an_unknown_promise_is_a_404(client: FlaskClient) -> None:
    assert client.get("/promises/999999").status_code == 404
    assert client.get("/terms/999999/programme").status_code == 404


def _profile_with_promises() -> Any:
    term = term_around_today()
    PromiseFactory(term=term, number=1, title="Water pipe", deadline=days_from_today(-30),
                   category=PromiseCategory.ENGINEERING)  # overdue, not yet rated
    PromiseFactory(term=term, number=2, title="New road", deadline=days_from_today(-60),
                   category=PromiseCategory.ROADS, claimed_status=PromiseStatus.KEPT)
    PromiseFactory(term=term, number=3, title="Kindergarten", deadline=days_from_today(200),
                   category=PromiseCategory.EDUCATION, claimed_status=PromiseStatus.BROKEN,
                   claimed_broken_reason=BrokenReason.NO_FUNDING)
    return term


def test_the_profile_lists_and_filters_the_promises(client: FlaskClient) -> None:
    term = _profile_with_promises()
    url = f"/akims/{term.akim_id}"
    html = client.get(url).get_data(as_text=True)
    assert all(title in html for title in ("Water pipe", "New road", "Kindergarten"))
    assert "50%" in html  # kept share of due: 1 of 2
    only = client.get(f"{url}?status=kept").get_data(as_text=True)
    assert "New road" in only and "Water pipe" not in only and "Kindergarten" not in only
    only = client.get(f"{url}?category=education").get_data(as_text=True)
    assert "Kindergarten" in only and "New road" not in only
    only = client.get(f"{url}?overdue=1").get_data(as_text=True)
    assert "Water pipe" in only and "New road" not in only and "Kindergarten" not in only
    nonsense = client.get(f"{url}?status=nonsense&category=x&overdue=maybe")
    assert nonsense.status_code == 200 and "Kindergarten" in nonsense.get_data(as_text=True)


def test_the_programme_page_shows_the_baseline_and_amendments(client: FlaskClient,
                                                               login: Any, csrf: Any) -> None:
    promise = PromiseFactory(term=term_around_today(), deadline=days_from_today(40),
                             title="Football pitch")
    login(akim_user(promise.term))
    url = f"/promises/{promise.id}/edit"
    client.post(url, data={"csrf_token": csrf(url), "title": "Football pitch",
                           "category": promise.category.value, "language": "en",
                           "deadline": days_from_today(400).isoformat(),
                           "reason": "The sponsor asked for a later date."})
    html = client.get(f"/terms/{promise.term_id}/programme").get_data(as_text=True)
    assert "is the baseline" in html
    assert "The sponsor asked for a later date." in html and "Deadline" in html


def test_followers_and_the_akim_are_emailed_when_the_status_changes(
        client: FlaskClient, login: Any, csrf: Any) -> None:
    promise = PromiseFactory(term=term_around_today(), deadline=days_from_today(40))
    akim = akim_user(promise.term)
    follower = UserFactory(email="follower@example.kz")
    login(follower)
    client.post(f"/promises/{promise.id}/follow", data={"csrf_token": csrf("/login")})
    assert "Stop following" in client.get(f"/promises/{promise.id}").get_data(as_text=True)
    before = len(outbox_messages())
    login(akim)
    url = f"/promises/{promise.id}/update"
    client.post(url, data={"csrf_token": csrf(url), "status": "in_progress", "progress": "10",
                           "note": "Started."})
    sent = outbox_messages()[before:]
    assert [message["To"] for message in sent] == ["follower@example.kz"]
    assert "Not yet rated → In progress" in sent[0].get_content()
    assert f"/promises/{promise.id}" in sent[0].get_content()
    # A progress update that keeps the status sends nothing.
    client.post(url, data={"csrf_token": csrf(url), "status": "in_progress", "progress": "30",
                           "note": "More."})
    assert len(outbox_messages()) == before + 1
    # A verdict reaches the follower and the akim.
    login(UserFactory(moderator=True))
    verdict = f"/promises/{promise.id}/verdict"
    client.post(verdict, data={"csrf_token": csrf(verdict), "status": "in_progress",
                               "source": "Visit"})
    recipients = sorted(message["To"] for message in outbox_messages()[before + 1:])
    assert recipients == sorted([akim.email, "follower@example.kz"])


def test_the_akim_sees_my_programme_in_the_menu(client: FlaskClient, login: Any) -> None:
    term = term_around_today()
    login(akim_user(term))
    html = client.get("/").get_data(as_text=True)
    assert "My programme" in html
    response = client.get("/my/programme")
    assert response.headers["Location"].endswith(f"/terms/{term.id}/programme/manage")


def test_roll_ups_on_the_map(client: FlaskClient) -> None:
    _profile_with_promises()
    PromiseFactory(term=TermFactory(ended=True), claimed_status=PromiseStatus.KEPT,
                   deadline=date(2021, 1, 1))
    for url in ("/", "/regions/61", "/districts/6136"):
        html = client.get(url).get_data(as_text=True)
        assert "Election promises of serving akims" in html, url
        assert "Kept share" in html, url


def test_pages_in_kazakh_and_russian(client: FlaskClient) -> None:
    promise = PromiseFactory()
    for language in ("kk", "ru"):
        response = client.get(f"/promises/{promise.id}?lang={language}")
        assert response.status_code == 200
        assert f'<html lang="{language}">' in response.get_data(as_text=True)


# ------------------------------------------------------------------ query budgets

def _busy_promise() -> Any:
    term = term_around_today()
    village = SettlementFactory(rural_district=term.rural_district)
    promise = PromiseFactory(term=term, deadline=days_from_today(60))
    promise.settlements = [village]
    akim = akim_user(term)
    for step in range(4):
        transitions.post_claim(promise, akim, status=PromiseStatus.IN_PROGRESS,
                               progress=10 * (step + 1), note=f"Step {step}",
                               evidence=Evidence(links=[LINK, LINK + "?2"]))
    transitions.record_verdict(promise, UserFactory(staff=True), status=PromiseStatus.STALLED,
                               source="Visit")
    db.session.commit()
    return promise


def test_promise_page_within_budget(client: FlaskClient, login: Any,
                                    count_queries: Any) -> None:
    promise = _busy_promise()
    url = f"/promises/{promise.id}"  # outside the count: reading an expired id is a query
    for user in (None, UserFactory.resident_of(promise.term.rural_district),
                 akim_user(promise.term)):
        if user is not None:
            login(user)
        with count_queries() as queries:
            response = client.get(url)
        assert response.status_code == 200
        assert len(queries) <= PAGE_BUDGET, "\n".join(queries)


def test_profile_section_costs_one_query_whatever_the_number_of_promises(
        client: FlaskClient, count_queries: Any) -> None:
    term = term_around_today()
    PromiseFactory(term=term)
    with count_queries() as few:
        client.get(f"/akims/{term.akim_id}")
    for _ in range(12):
        PromiseFactory(term=term, confirm_count=3)
    with count_queries() as many:
        html = client.get(f"/akims/{term.akim_id}").get_data(as_text=True)
    assert len(many) == len(few) <= PAGE_BUDGET, "\n".join(many)
    assert "13 promises shown" in html
    # One for the list; the figures (portal.figures) count them in their one statement.
    promise_queries = [q for q in many if q.lstrip().startswith("SELECT promise.")]
    assert len(promise_queries) == 1, promise_queries


def test_programme_and_map_pages_within_budget(client: FlaskClient, login: Any,
                                               count_queries: Any) -> None:
    promise = _busy_promise()
    for _ in range(5):
        PromiseFactory(term=promise.term)
    urls = [f"/terms/{promise.term_id}/programme", "/", "/regions/61", "/districts/6136"]
    for url in urls:
        with count_queries() as queries:
            assert client.get(url).status_code == 200
        assert len(queries) <= PAGE_BUDGET, f"{url}: {len(queries)}\n" + "\n".join(queries)
    login(akim_user(promise.term))
    for url in (f"/terms/{promise.term_id}/programme/manage", f"/promises/{promise.id}/update",
                f"/promises/{promise.id}/edit"):
        with count_queries() as queries:
            assert client.get(url).status_code == 200
        assert len(queries) <= PAGE_BUDGET, f"{url}: {len(queries)}\n" + "\n".join(queries)


def test_overdue_and_due_in_the_list(client: FlaskClient) -> None:
    term = term_around_today()
    PromiseFactory(term=term, title="Due yesterday", deadline=days_from_today(-1))
    html = client.get(f"/akims/{term.akim_id}?overdue=1").get_data(as_text=True)
    assert "Due yesterday" in html and "Overdue" in html
