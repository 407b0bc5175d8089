"""What is kept of an IIN (its keyed hash and the day its holder is an adult, nothing else),
and the age rule: petition signatures and ratings come from adults (issue 18, item 7;
issue 24, finding 12)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import flask_migrate
import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from portal import clock
from portal.accounts import iin as iin_numbers
from portal.accounts import services
from portal.accounts.models import User, VerificationMethod, VerificationStatus
from portal.extensions import db
from portal.feedback import ratings
from portal.feedback.errors import FeedbackError
from portal.recall import petitions
from portal.recall.services import RecallError
from tests.backup.test_restore import empty_database  # noqa: F401 - a fixture
from tests.factories import (
    RuralDistrictFactory,
    TermFactory,
    UserFactory,
    VerificationRequestFactory,
)
from tests.feedback.helpers import published_report
from tests.recall.helpers import petition

PASSWORD = "steppe wind over the river"


def _iin_born(born: date) -> str:
    century = "3" if born.year < 2000 else "5"
    return next(number for serial in range(100) if (number := iin_numbers.with_check_digit(
        f"{born:%y%m%d}{century}{serial:04d}")))


def _register(submit: Any, born: date, email: str) -> User:
    response = submit("/register", {"email": email, "password": PASSWORD,
                                    "iin": _iin_born(born),
                                    "rural_district": RuralDistrictFactory().kato})
    assert response.status_code == 302
    user = services.find_by_email(email)
    assert user is not None
    return user


def _stored_row(user: User) -> dict[str, Any]:
    return dict(db.session.execute(sa.select(User.__table__).where(
        User.__table__.c.id == user.id)).mappings().one())


def test_an_adult_keeps_only_the_hash_and_the_registration_day(submit: Any) -> None:
    born = date(1985, 3, 15)
    iin = _iin_born(born)
    user = _register(submit, born, "adult@example.kz")
    today = clock.today()
    assert user.adult_from == today  # says nothing of the age
    row = _stored_row(user)
    assert "iin_last4" not in row
    values = " ".join(str(value) for value in row.values())
    assert iin[-4:] not in values and iin not in values
    assert "1985" not in values and born.isoformat() not in values


def test_a_minor_keeps_the_day_they_turn_eighteen(submit: Any) -> None:
    born = clock.today() - timedelta(days=16 * 365)
    user = _register(submit, born, "young@example.kz")
    assert user.adult_from == iin_numbers.adult_on(_iin_born(born)) > clock.today()
    assert not user.is_adult_on(clock.today()) and user.is_adult_on(user.adult_from)


def test_registration_refuses_an_iin_born_tomorrow(submit: Any) -> None:
    tomorrow = _iin_born(clock.today() + timedelta(days=1))
    html = submit("/register", {"email": "future@example.kz", "password": PASSWORD,
                                "iin": tomorrow, "rural_district": RuralDistrictFactory().kato}
                  ).get_data(as_text=True)
    assert "not a valid birth date" in html and 'id="iin-error"' in html
    assert services.find_by_email("future@example.kz") is None


def test_a_minor_cannot_rate_until_the_day_they_turn_eighteen() -> None:
    report = published_report()
    turns_18 = clock.today() + timedelta(days=1)
    minor = UserFactory.resident_of(report.term.rural_district, adult_from=turns_18)
    assert ratings.why_cannot_rate(minor, report) is ratings.RatingBlock.NOT_ADULT
    with pytest.raises(FeedbackError, match="rate from the day they turn 18"):
        ratings.rate_report(report.id, minor.id, 4)
    assert ratings.why_cannot_rate(minor, report, today=turns_18) is None
    assert ratings.rate_report(report.id, minor.id, 4, today=turns_18).rating.score == 4


def test_the_rating_panel_tells_a_minor_why(client: FlaskClient, login: Any) -> None:
    report = published_report()
    login(UserFactory.resident_of(report.term.rural_district,
                                  adult_from=clock.today() + timedelta(days=30)))
    html = client.get(f"/reports/{report.id}").get_data(as_text=True)
    assert "Residents rate from the day they turn 18" in html
    assert "Send my rating" not in html


def test_a_minor_cannot_sign_or_start_a_petition() -> None:
    term = TermFactory()
    item = petition(term)
    turns_18 = clock.today() + timedelta(days=10)
    minor = UserFactory.resident_of(term.rural_district, adult_from=turns_18)
    with pytest.raises(RecallError, match="Petitions are signed by adults"):
        petitions.sign(item, minor)
    other = TermFactory()
    other.rural_district.registered_voters = 1_000
    with pytest.raises(RecallError, match="Petitions are signed by adults"):
        petitions.start_petition(other, UserFactory.resident_of(other.rural_district,
                                                                adult_from=turns_18),
                                 "A reason long enough for residents to read before signing.")
    assert petitions.sign(item, minor, today=turns_18).counted


def test_the_account_page_tells_a_minor_the_day(client: FlaskClient, login: Any) -> None:
    turns_18 = date(clock.today().year + 2, 6, 1)
    login(UserFactory.resident_of(RuralDistrictFactory(), adult_from=turns_18))
    html = client.get("/account").get_data(as_text=True)
    assert "You can sign petitions and rate from" in html
    assert "no digit of it, no birth date" in html


@pytest.mark.concurrency  # an app of its own, on a database of its own
def test_the_migration_computes_the_adult_day_then_drops_the_digits(
        make_app: Any, empty_database: Any) -> None:  # noqa: F811 - the fixture
    app: Flask = make_app(SQLALCHEMY_DATABASE_URI=empty_database("adult"))
    with app.app_context():
        flask_migrate.upgrade(revision="9433ed367a9e-1")  # the one before ours
        db.session.execute(sa.text(
            "INSERT INTO user_account (id, email, iin_hmac, iin_last4, is_active_account, "
            "locale, session_version, created_at, synthetic) VALUES "
            "(1, 'old@example.kz', :digest, '2728', :yes, 'en', 1, :created, :no), "
            "(2, 'staff@example.kz', NULL, NULL, :yes, 'en', 1, :created, :no)"),
            {"digest": "a" * 64, "created": "2025-03-01 20:30:00+00:00", "yes": True,
             "no": False})
        db.session.commit()
        flask_migrate.upgrade()
        columns = {column["name"] for column in sa.inspect(db.engine).get_columns(
            "user_account")}
        assert "iin_last4" not in columns
        rows = dict(db.session.execute(sa.text(
            "SELECT id, adult_from FROM user_account ORDER BY id")).all())
        # 20:30 UTC on 1 March is 2 March in Almaty; no IIN, no adult day.
        assert {key: str(value) if value else None for key, value in rows.items()} == {
            1: "2025-03-02", 2: None}
        db.session.remove()
        db.engine.dispose()


def test_administrators_see_verified_on_by_and_no_digits(client: FlaskClient,
                                                         login: Any) -> None:
    iin = _iin_born(date(1979, 10, 28))
    moderator = UserFactory(moderator=True, display_name="Moderator Aruzhan")
    request = VerificationRequestFactory(
        user__iin_hmac=services.iin_digest(iin), status=VerificationStatus.APPROVED,
        decided_by_id=moderator.id, decided_at=datetime(2025, 3, 2, 6, tzinfo=UTC))
    request.user.resident_verified_at = request.decided_at
    request.user.verification_method = VerificationMethod.MODERATOR_REVIEW
    login(UserFactory(admin=True))
    html = client.get(f"/admin/users/{request.user_id}").get_data(as_text=True)
    assert re.search(r"verified on .{4,40} by Moderator Aruzhan", html)
    assert "kept only as a keyed hash: no digit of it is stored" in html
    assert iin[-4:] not in html and iin[:6] not in html
