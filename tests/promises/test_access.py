"""Who may change what: only the owning akim edits and updates; verifiers record verdicts;
only verified residents of the rural district answer "is it done?"."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from portal.extensions import db
from portal.promises.models import Promise, PromiseStatus, PromiseUpdate, PromiseVote
from tests.factories import PromiseFactory, TermFactory, UserFactory
from tests.promises.helpers import LINK, akim_user, days_from_today, term_around_today


def _snapshot(promise: Promise) -> tuple[Any, ...]:
    db.session.expire_all()
    fresh = db.session.get(Promise, promise.id)
    assert fresh is not None
    updates = db.session.scalar(select(func.count()).select_from(PromiseUpdate))
    return (fresh.title, fresh.deadline, fresh.claimed_status, fresh.verified_status, updates)


def _posts(promise: Promise) -> list[tuple[str, dict[str, str]]]:
    form = {"title": "Hijacked", "category": "roads", "language": "en",
            "deadline": days_from_today(90).isoformat(), "reason": "Because."}
    claim = {"status": "kept", "progress": "100", "note": "Done", "evidence_links": LINK}
    return [
        (f"/terms/{promise.term_id}/promises/new", form),
        (f"/promises/{promise.id}/edit", form),
        (f"/promises/{promise.id}/delete", {}),
        (f"/terms/{promise.term_id}/programme/register", {}),
        (f"/promises/{promise.id}/update", claim),
    ]


def _gets(promise: Promise) -> list[str]:
    return [f"/terms/{promise.term_id}/programme/manage",
            f"/terms/{promise.term_id}/promises/new", f"/promises/{promise.id}/edit",
            f"/promises/{promise.id}/update"]


@pytest.mark.parametrize("who", ["another akim", "citizen", "moderator", "former akim"])
def test_others_cannot_touch_an_akims_promises(client: FlaskClient, login: Any, csrf: Any,
                                               who: str) -> None:
    promise = PromiseFactory(term=term_around_today(), deadline=days_from_today(90))
    if who == "another akim":
        user = akim_user(term_around_today())
    elif who == "former akim":  # the same person's ended term elsewhere does not count
        ended = TermFactory(ended=True, akim=promise.term.akim)
        promise = PromiseFactory(term=ended, deadline=ended.starts_on.replace(year=2021))
        user = akim_user(ended)
    elif who == "citizen":
        user = UserFactory.resident_of(promise.term.rural_district)
    else:
        user = UserFactory(moderator=True)
    before = _snapshot(promise)
    login(user)
    token = csrf("/login")
    for url in _gets(promise):
        assert client.get(url).status_code == 403, url
    for url, data in _posts(promise):
        assert client.post(url, data={**data, "csrf_token": token}).status_code == 403, url
    assert _snapshot(promise) == before


def test_the_owning_akim_can(client: FlaskClient, login: Any, csrf: Any) -> None:
    promise = PromiseFactory(term=term_around_today(), deadline=days_from_today(90))
    login(akim_user(promise.term))
    for url in _gets(promise):
        assert client.get(url).status_code == 200, url
    url = f"/promises/{promise.id}/update"
    response = client.post(url, data={"csrf_token": csrf(url), "status": "in_progress",
                                      "progress": "20", "note": "Started."})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Promise, promise.id).claimed_status is PromiseStatus.IN_PROGRESS  # type: ignore[union-attr]


def test_anonymous_visitors_are_asked_to_sign_in(client: FlaskClient) -> None:
    promise = PromiseFactory()
    for url in _gets(promise) + [f"/promises/{promise.id}/verdict", "/my/programme"]:
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url


def test_only_verifiers_record_verdicts(client: FlaskClient, login: Any, csrf: Any) -> None:
    promise = PromiseFactory(term=term_around_today(), claimed_status=PromiseStatus.KEPT,
                             deadline=days_from_today(-10))
    url = f"/promises/{promise.id}/verdict"
    data = {"status": "partially_kept", "source": "Site visit on 3 May", "note": ""}
    for user in (akim_user(promise.term), UserFactory.resident_of(promise.term.rural_district)):
        login(user)
        assert client.get(url).status_code == 403
        assert client.post(url, data={**data, "csrf_token": csrf("/login")}).status_code == 403
    for user in (UserFactory(moderator=True), UserFactory(staff=True)):
        login(user)
        response = client.post(url, data={**data, "csrf_token": csrf(url)})
        assert response.status_code == 302
    page = client.get(f"/promises/{promise.id}").get_data(as_text=True)
    assert "Site visit on 3 May" in page
    db.session.expire_all()
    fresh = db.session.get(Promise, promise.id)
    assert fresh is not None and fresh.verified_status is PromiseStatus.PARTIALLY_KEPT
    assert fresh.claimed_status is PromiseStatus.KEPT


def _claimed_promise() -> Promise:
    from portal.promises import transitions

    promise = PromiseFactory(term=term_around_today(), deadline=days_from_today(60))
    transitions.post_claim(promise, akim_user(promise.term), status=PromiseStatus.IN_PROGRESS,
                           progress=30, note="Started.")
    db.session.commit()
    return promise


def _vote(client: FlaskClient, csrf: Any, promise: Promise, choice: str,
          comment: str = "") -> Any:
    page = f"/promises/{promise.id}"
    claim_id = db.session.scalar(select(PromiseUpdate.id).where(
        PromiseUpdate.promise_id == promise.id))
    return client.post(f"{page}/vote", data={"csrf_token": csrf("/login"), "claim": str(claim_id),
                                             "choice": choice, "comment": comment})


def test_a_verified_resident_answers_and_can_change(client: FlaskClient, login: Any,
                                                     csrf: Any) -> None:
    promise = _claimed_promise()
    login(UserFactory.resident_of(promise.term.rural_district))
    page = client.get(f"/promises/{promise.id}").get_data(as_text=True)
    assert "Is this true where you live?" in page
    assert _vote(client, csrf, promise, "confirm", "Saw the trench.").status_code == 302
    assert _vote(client, csrf, promise, "dispute").status_code == 302
    page = client.get(f"/promises/{promise.id}").get_data(as_text=True)
    assert "Change my answer" in page and "Your answer now: No, that is not true" in page
    assert db.session.scalar(select(func.count()).select_from(PromiseVote)) == 1


@pytest.mark.parametrize("who", ["unverified", "other district", "the akim", "anonymous"])
def test_others_cannot_answer(client: FlaskClient, login: Any, csrf: Any, who: str) -> None:
    promise = _claimed_promise()
    if who == "unverified":
        login(UserFactory.resident_of(promise.term.rural_district, verified=False))
    elif who == "other district":
        login(UserFactory.resident_of(term_around_today().rural_district))
    elif who == "the akim":
        login(akim_user(promise.term))
    page = client.get(f"/promises/{promise.id}").get_data(as_text=True)
    assert "Is this true where you live?" not in page
    response = _vote(client, csrf, promise, "confirm")
    assert response.status_code == (302 if who == "anonymous" else 403)
    assert db.session.scalar(select(func.count()).select_from(PromiseVote)) == 0


def test_a_vote_without_a_choice_is_refused_beside_it(client: FlaskClient, login: Any,
                                                      csrf: Any) -> None:
    promise = _claimed_promise()
    login(UserFactory.resident_of(promise.term.rural_district))
    response = _vote(client, csrf, promise, "")
    assert response.status_code == 400
    assert 'id="choice-error"' in response.get_data(as_text=True)
