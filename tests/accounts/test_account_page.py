"""The account page: own details with a masked IIN, password, language, home, devices."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from portal.accounts.models import User, VerificationStatus
from portal.extensions import db
from tests.factories import (
    RuralDistrictFactory,
    TermFactory,
    UserFactory,
    VerificationRequestFactory,
)
from tests.factories.accounts import PASSWORD

NEW_PASSWORD = "felt yurt in the snow"


def test_shows_own_details_and_no_digit_of_the_iin(client: FlaskClient, login: Any) -> None:
    place = RuralDistrictFactory(name_en="Akterek rural district")
    user = login(UserFactory.resident_of(place, email="me@example.kz", iin="791028302728"))
    html = client.get("/account").get_data(as_text=True)
    assert "me@example.kz" in html
    assert "kept only as a keyed hash: no digit of it, no birth date" in html
    assert "2728" not in html and "791028" not in html and user.iin_hmac not in html
    assert "Akterek rural district" in html
    assert "Verified resident" in html
    assert "Moderator review" in html


def test_anonymous_visitors_are_sent_to_sign_in(client: FlaskClient) -> None:
    response = client.get("/account")
    assert response.status_code == 302
    assert "/login?next=%2Faccount" in response.headers["Location"]


def test_akims_see_their_record(client: FlaskClient, login: Any) -> None:
    term = TermFactory()
    login(UserFactory.akim_for(term))
    html = client.get("/account").get_data(as_text=True)
    assert term.akim.full_name_latn in html
    assert "Akim" in html


def test_change_password_keeps_this_session_and_ends_others(
    client: FlaskClient, app: Any, login: Any, submit: Any
) -> None:
    user = login(UserFactory(email="pw@example.kz"))
    other = app.test_client()
    login(user, on=other)
    wrong = submit("/account", {"password-current_password": "not it at all",
                                "password-new_password": NEW_PASSWORD},
                   to="/account/password", prefix="password")
    assert wrong.status_code == 400
    assert "This is not your current password." in wrong.get_data(as_text=True)

    done = submit("/account", {"password-current_password": PASSWORD,
                               "password-new_password": NEW_PASSWORD},
                  to="/account/password", prefix="password")
    assert done.status_code == 302
    assert client.get("/account").status_code == 200
    assert other.get("/account").status_code == 302
    assert db.session.get(User, user.id).session_version == 2


def test_language_choice_is_kept(client: FlaskClient, login: Any, submit: Any) -> None:
    user = login(UserFactory())
    response = submit("/account", {"language-locale": "ru"}, to="/account/language",
                      prefix="language")
    assert response.status_code == 302
    assert db.session.get(User, user.id).locale == "ru"
    assert 'lang="ru"' in client.get("/account").get_data(as_text=True)
    refused = submit("/account", {"language-locale": "de"}, to="/account/language",
                     prefix="language")
    assert refused.status_code == 400


def test_the_language_cookie_is_secure_where_sessions_are(app: Any, login: Any, submit: Any,
                                                          monkeypatch: Any) -> None:
    monkeypatch.setitem(app.config, "SESSION_COOKIE_SECURE", True)
    login(UserFactory())
    response = submit("/account", {"language-locale": "en"}, to="/account/language",
                      prefix="language")
    cookie = next(value for value in response.headers.getlist("Set-Cookie")
                  if value.startswith("lang="))
    assert "Secure" in cookie and "HttpOnly" in cookie


def test_moving_ends_verification(client: FlaskClient, login: Any, submit: Any) -> None:
    home = RuralDistrictFactory()
    new_home = RuralDistrictFactory()
    user = login(UserFactory.resident_of(home))
    response = submit("/account", {"district-rural_district": new_home.kato},
                      to="/account/district", prefix="district")
    assert response.status_code == 302
    moved = db.session.get(User, user.id)
    assert moved.rural_district_id == new_home.id
    assert moved.resident_verified_at is None and moved.verification_method is None
    assert "Not verified" in client.get("/account").get_data(as_text=True)


def test_moving_closes_a_waiting_request(client: FlaskClient, login: Any, submit: Any) -> None:
    waiting = VerificationRequestFactory()
    login(waiting.user)
    submit("/account", {"district-rural_district": RuralDistrictFactory().kato},
           to="/account/district", prefix="district")
    db.session.refresh(waiting)
    assert waiting.status is VerificationStatus.WITHDRAWN


def test_sign_out_everywhere_else(client: FlaskClient, app: Any, login: Any, submit: Any) -> None:
    user = login(UserFactory())
    other = app.test_client()
    login(user, on=other)
    response = submit("/account", {}, to="/account/sessions", prefix="sessions")
    assert response.status_code == 302
    assert client.get("/account").status_code == 200
    assert other.get("/account").status_code == 302


def test_account_forms_need_their_csrf_token(client: FlaskClient, login: Any) -> None:
    login(UserFactory())
    for url in ("/account/password", "/account/language", "/account/district",
                "/account/verification", "/account/sessions"):
        response = client.post(url, data={"language-locale": "en"})
        assert response.status_code == 400, url


def test_account_page_query_budget(client: FlaskClient, login: Any, count_queries: Any) -> None:
    term = TermFactory()
    login(UserFactory.resident_of(term.rural_district))
    client.get("/account")
    with count_queries() as queries:
        assert client.get("/account").status_code == 200
    assert len(queries) <= 8, "\n".join(q[:90].replace("\n", " ") for q in queries)
