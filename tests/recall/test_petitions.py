"""Recall petitions: who may start and sign, one signature per resident, withdrawal, the
threshold, privacy of signers, and signing at the same moment."""

from __future__ import annotations

import threading
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from portal.accounts.sessions import sign_in_cookie
from portal.extensions import db
from portal.recall import petitions
from portal.recall.models import Petition, PetitionSignature, PetitionStatus
from portal.recall.services import RecallError
from portal.reports.timeliness import local_today
from tests.conftest import csrf_from
from tests.factories import TermFactory, UserFactory
from tests.recall.helpers import petition

REASON = ("The akim has not reported to residents for a year, and the road to the school "
          "promised for 2025 was never started.")


def signatures(petition_id: int) -> int:
    return int(db.session.scalar(select(func.count()).select_from(PetitionSignature).where(
        PetitionSignature.petition_id == petition_id, PetitionSignature.withdrawn_at.is_(None))))


def fresh(petition_id: int) -> Petition:
    db.session.expire_all()
    item = db.session.get(Petition, petition_id)
    assert item is not None
    return item


def test_a_resident_starts_a_petition_and_is_its_first_signer(client: FlaskClient, login: Any,
                                                             csrf: Any) -> None:
    term = TermFactory()
    login(UserFactory.resident_of(term.rural_district))
    page = client.get(f"/terms/{term.id}/petitions").get_data(as_text=True)
    assert "Start a recall petition" in page
    token = csrf(f"/terms/{term.id}/petitions/new")
    response = client.post(f"/terms/{term.id}/petitions/new",
                           data={"csrf_token": token, "reason": REASON, "confirm": "y"})
    assert response.status_code == 302
    item = db.session.scalar(select(Petition).where(Petition.term_id == term.id))
    assert item is not None and item.signature_count == 1 == signatures(item.id)
    assert item.closes_on == item.opened_on + timedelta(days=89)
    page = client.get(f"/petitions/{item.id}").get_data(as_text=True)
    assert "You have signed this petition." in page
    assert "1 of 260 signatures needed" in page


def test_a_short_reason_is_refused_and_kept(client: FlaskClient, login: Any,
                                           csrf: Any) -> None:
    term = TermFactory()
    login(UserFactory.resident_of(term.rural_district))
    token = csrf(f"/terms/{term.id}/petitions/new")
    response = client.post(f"/terms/{term.id}/petitions/new",
                           data={"csrf_token": token, "reason": "Bad akim", "confirm": "y"})
    assert response.status_code == 400
    assert "Bad akim" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Petition)) == 0


def test_only_one_petition_collects_per_term() -> None:
    term = TermFactory()
    first = UserFactory.resident_of(term.rural_district)
    second = UserFactory.resident_of(term.rural_district)
    petitions.start_petition(term, first, REASON)
    with pytest.raises(RecallError, match="already collecting"):
        petitions.start_petition(term, second, REASON)


def test_a_closed_petition_makes_room_for_a_new_one() -> None:
    term = TermFactory()
    old = petition(term, signatures=3, opened=date.today() - timedelta(days=120))
    resident = UserFactory.resident_of(term.rural_district)
    item = petitions.start_petition(term, resident, REASON)
    assert fresh(old.id).status is PetitionStatus.CLOSED
    assert item.status is PetitionStatus.OPEN


def test_signing_once_withdrawing_and_signing_again() -> None:
    term = TermFactory()
    item = petition(term)
    resident = UserFactory.resident_of(term.rural_district)
    assert petitions.sign(item, resident).counted
    assert not petitions.sign(item, resident).counted  # a second click counts nothing
    assert fresh(item.id).signature_count == 1
    assert petitions.withdraw(fresh(item.id), resident)
    assert not petitions.withdraw(fresh(item.id), resident)
    assert fresh(item.id).signature_count == 0 == signatures(item.id)
    assert petitions.sign(fresh(item.id), resident).counted
    assert fresh(item.id).signature_count == 1 == signatures(item.id)
    rows = db.session.scalar(select(func.count()).select_from(PetitionSignature))
    assert rows == 1


def test_reaching_the_threshold_ends_signing() -> None:
    term = TermFactory(rural_district__registered_voters=30)  # 10 %: 3 signatures
    item = petition(term, signatures=2)
    last = UserFactory.resident_of(term.rural_district)
    outcome = petitions.sign(item, last)
    assert outcome.counted and outcome.succeeded
    done = fresh(item.id)
    assert done.status is PetitionStatus.SUCCEEDED and done.succeeded_on == local_today()
    with pytest.raises(RecallError, match="no longer accepts"):
        petitions.sign(done, UserFactory.resident_of(term.rural_district))
    with pytest.raises(RecallError, match="closed"):
        petitions.withdraw(done, last)


def test_who_may_sign(client: FlaskClient, login: Any, csrf: Any) -> None:
    term = TermFactory()
    item = petition(term)
    url = f"/petitions/{item.id}/sign"
    cases = {
        "unverified resident": UserFactory(rural_district=term.rural_district),
        "resident elsewhere": UserFactory.resident_of(TermFactory().rural_district),
        "the akim": UserFactory.akim_for(term),
        "staff": UserFactory(staff=True),
    }
    for name, user in cases.items():
        login(user)
        token = csrf(f"/petitions/{item.id}")
        assert client.post(url, data={"csrf_token": token}).status_code == 403, name
    assert fresh(item.id).signature_count == 0
    login(UserFactory.resident_of(term.rural_district))
    token = csrf(f"/petitions/{item.id}")
    assert client.post(url, data={"csrf_token": token}).status_code == 302
    assert fresh(item.id).signature_count == 1


def test_signers_are_never_shown(client: FlaskClient, login: Any, csrf: Any) -> None:
    term = TermFactory()
    initiator = UserFactory.resident_of(term.rural_district, display_name="Aigerim Signer")
    item = petitions.start_petition(term, initiator, REASON)
    db.session.commit()
    for viewer in (None, UserFactory(staff=True), UserFactory(admin=True)):
        if viewer is not None:
            login(viewer)
        page = client.get(f"/petitions/{item.id}").get_data(as_text=True)
        assert "Aigerim Signer" not in page and initiator.email not in page
        assert "1 of 260 signatures needed" in page


def test_signing_is_rate_limited_per_account(make_app: Any, login: Any) -> None:
    limited = make_app(RATELIMIT_PETITION_SIGN="2 per minute")
    term = TermFactory()
    item = petition(term)
    resident = UserFactory.resident_of(term.rural_district)
    client = limited.test_client()
    login(resident, on=client)
    token = csrf_from(client.get(f"/petitions/{item.id}").get_data(as_text=True))
    codes = [client.post(f"/petitions/{item.id}/sign", data={"csrf_token": token}).status_code
             for _ in range(3)]
    assert codes == [302, 302, 429]


# --------------------------------------------------------------------------- concurrency

def _post_together(app: Flask, path: str, users: list[Any]) -> list[int]:
    """Each request on its own client and thread (own app context, own connection), all
    released at the same moment."""
    prepared = []
    for user in users:
        client = app.test_client()
        with client.session_transaction() as session:
            sign_in_cookie(session, user)
        token = csrf_from(client.get(path.rsplit("/", 1)[0]).get_data(as_text=True))
        prepared.append((client, token))
    barrier = threading.Barrier(len(prepared))
    statuses: list[int] = []
    lock = threading.Lock()

    def post(client: FlaskClient, token: str) -> None:
        with app.app_context():
            barrier.wait()
            response = client.post(path, data={"csrf_token": token})
            db.session.remove()
        with lock:
            statuses.append(response.status_code)

    threads = [threading.Thread(target=post, args=entry) for entry in prepared]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    db.session.remove()
    return statuses


@pytest.mark.concurrency
def test_one_resident_signing_many_times_at_once_counts_once(app: Flask) -> None:
    term = TermFactory()
    item = petition(term)
    resident = UserFactory.resident_of(term.rural_district)
    db.session.commit()
    statuses = _post_together(app, f"/petitions/{item.id}/sign", [resident] * 6)
    assert statuses == [302] * 6
    assert signatures(item.id) == 1
    assert fresh(item.id).signature_count == 1


@pytest.mark.concurrency
def test_many_residents_signing_at_once_are_all_counted(app: Flask) -> None:
    term = TermFactory()
    item = petition(term)
    residents = [UserFactory.resident_of(term.rural_district) for _ in range(10)]
    db.session.commit()
    statuses = _post_together(app, f"/petitions/{item.id}/sign", residents)
    assert statuses == [302] * 10
    assert signatures(item.id) == 10 == fresh(item.id).signature_count


@pytest.mark.concurrency
def test_the_threshold_crossed_at_once_stops_at_the_threshold(app: Flask) -> None:
    term = TermFactory(rural_district__registered_voters=80)  # threshold 8
    item = petition(term)
    residents = [UserFactory.resident_of(term.rural_district) for _ in range(10)]
    db.session.commit()
    statuses = _post_together(app, f"/petitions/{item.id}/sign", residents)
    assert statuses == [302] * 10  # the last two are told signing has ended
    done = fresh(item.id)
    assert signatures(item.id) == 8 == done.signature_count
    assert done.status is PetitionStatus.SUCCEEDED
