"""Registration: validation beside the fields, one account per IIN, and no enumeration."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from portal.accounts import services
from portal.accounts.models import User
from portal.extensions import db
from portal.modeling import utcnow
from tests.accounts.conftest import Outbox, body, link_path
from tests.accounts.test_iin import NEVER_ISSUED
from tests.factories import RuralDistrictFactory, UserFactory, valid_iin

PASSWORD = "steppe wind over the river"


def _form(place: Any, **changes: str) -> dict[str, str]:
    data = {"email": "aigerim@example.kz", "password": PASSWORD, "iin": valid_iin(),
            "rural_district": place.kato, "display_name": "Aigerim"}
    data.update(changes)
    return data


def _accounts() -> int:
    return db.session.scalar(select(func.count()).select_from(User)) or 0


def _visible(html: str) -> str:
    """The page as a person sees it: without the per-session CSRF token."""
    return re.sub(r'name="csrf_token"[^>]*>', "", html)


def test_register_confirm_and_sign_in(client: FlaskClient, submit: Any, outbox: Outbox) -> None:
    place = RuralDistrictFactory()
    response = submit("/register", _form(place))
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/check-email?reason=register")
    assert "Check your email" in client.get(response.headers["Location"]).get_data(as_text=True)

    user = services.find_by_email("aigerim@example.kz")
    assert user is not None and user.email_confirmed_at is None
    assert user.rural_district_id == place.id and user.resident_verified_at is None
    # Not confirmed yet: the right password says so (and sends a fresh link), nothing else.
    refused = submit("/login", {"email": "aigerim@example.kz", "password": PASSWORD})
    assert "Confirm your email address first" in refused.get_data(as_text=True)

    message = outbox.last("aigerim@example.kz")
    assert message["Subject"] == "Confirm your email address"
    path = link_path(message, "/register/confirm/")
    landing = client.get(path)
    assert landing.headers["Location"].endswith("/register/confirm")  # the token leaves the URL
    page = client.get("/register/confirm").get_data(as_text=True)
    assert "Confirm my email address" in page
    confirmed = submit("/register/confirm", {})
    assert confirmed.headers["Location"].endswith("/login")
    assert services.find_by_email("aigerim@example.kz").email_confirmed_at is not None

    signed_in = submit("/login", {"email": "aigerim@example.kz", "password": PASSWORD})
    assert signed_in.status_code == 302
    assert "My account" in client.get("/").get_data(as_text=True)


def test_confirmation_link_works_once(client: FlaskClient, submit: Any, outbox: Outbox) -> None:
    submit("/register", _form(RuralDistrictFactory()))
    path = link_path(outbox.last("aigerim@example.kz"), "/register/confirm/")
    client.get(path)
    assert submit("/register/confirm", {}).status_code == 302
    client.get(path)
    again = client.get("/register/confirm")
    assert again.status_code == 400
    assert "This link no longer works" in again.get_data(as_text=True)


def test_expired_confirmation_link_is_refused(client: FlaskClient, submit: Any,
                                              outbox: Outbox) -> None:
    submit("/register", _form(RuralDistrictFactory()))
    from portal.accounts.models import AccountToken

    for token in db.session.scalars(select(AccountToken)):
        token.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    client.get(link_path(outbox.last("aigerim@example.kz"), "/register/confirm/"))
    assert client.get("/register/confirm").status_code == 400


@pytest.mark.parametrize(
    ("iin", "message"),
    [
        ("791028302729", "The check digit of this IIN is wrong"),
        ("79102830272", "An IIN has exactly 12 digits."),
        ("7910283027AB", "An IIN has the digits 0 to 9 only."),
        (NEVER_ISSUED, "This number is never issued as an IIN"),
        # int() and str.isdigit() take these; the IIN check does not (one person, one spelling).
        ("85031540123\u0661", "An IIN has the digits 0 to 9 only."),  # Arabic-Indic one
        ("79102830272\u00b2", "The check digit of this IIN is wrong"),  # superscript two
        ("990231300123", "not a valid birth date"),  # 31 February
    ],
)
def test_invalid_iin_is_rejected_with_a_message(submit: Any, iin: str, message: str) -> None:
    before = _accounts()
    response = submit("/register", _form(RuralDistrictFactory(), iin=iin))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in html
    assert 'id="iin-error"' in html  # beside the field, not only at the top
    assert 'value="aigerim@example.kz"' in html  # what was typed is kept
    assert _accounts() == before


def test_full_width_digits_are_the_same_person(submit: Any, outbox: Outbox) -> None:
    """"８50315401231" (full-width eight) is NFKC-normalised: the IIN already registered."""
    iin = valid_iin("850315")
    assert submit("/register", _form(RuralDistrictFactory(), iin=iin)).status_code == 302
    before = _accounts()
    again = submit("/register", _form(RuralDistrictFactory(), email="second@example.kz",
                                      iin="\uff18" + iin[1:]))
    assert again.status_code == 302  # the same answer as any registration (no enumeration)
    assert _accounts() == before  # but no second account for the same person
    assert services.find_by_email("second@example.kz") is None


def test_unknown_kato_and_weak_password_are_explained(submit: Any) -> None:
    html = submit("/register", _form(RuralDistrictFactory(), rural_district="999999999",
                                     password="1234567890")).get_data(as_text=True)
    assert "No rural district has this KATO code." in html
    assert "too easy to guess" in html


def test_rural_district_can_be_found_by_name(submit: Any, outbox: Outbox) -> None:
    place = RuralDistrictFactory(name_en="Zhanaturmys rural district",
                                 search_key="zhanaturmys rural district")
    response = submit("/register", _form(place, rural_district="Zhanaturmys"))
    assert response.status_code == 302
    assert services.find_by_email("aigerim@example.kz").rural_district_id == place.id


def test_several_matching_names_offer_a_choice(submit: Any) -> None:
    for n in (1, 2):
        RuralDistrictFactory(name_en=f"Kokterek {n} rural district",
                             search_key=f"kokterek {n} rural district")
    html = submit("/register", _form(RuralDistrictFactory(), rural_district="Kokterek")
                  ).get_data(as_text=True)
    assert "Several places have this name" in html
    assert html.count('name="rural_district_pick"') == 2


def test_duplicate_email_and_duplicate_iin_look_exactly_like_success(
    client: FlaskClient, submit: Any, outbox: Outbox
) -> None:
    place = RuralDistrictFactory()
    existing_iin = valid_iin()
    existing = UserFactory(email="taken@example.kz", iin_hmac=services.iin_digest(existing_iin))

    fresh = submit("/register", _form(place, email="new@example.kz"))
    same_email = submit("/register", _form(place, email="taken@example.kz"))
    same_iin = submit("/register", _form(place, email="other@example.kz", iin=existing_iin))

    responses = [fresh, same_email, same_iin]
    assert {r.status_code for r in responses} == {302}
    assert {r.headers["Location"] for r in responses} == {"/check-email?reason=register"}
    pages = {_visible(client.get(r.headers["Location"]).get_data(as_text=True))
             for r in responses}
    assert len(pages) == 1
    assert "IIN" not in pages.pop()

    # Each typed address gets one email; only its owner learns what happened.
    assert len(outbox.to("taken@example.kz")) == 1
    assert "already has an account" in body(outbox.last("taken@example.kz"))
    assert "could not create the account" in body(outbox.last("other@example.kz"))
    assert services.find_by_email("other@example.kz") is None
    assert db.session.get(User, existing.id).email == "taken@example.kz"


def test_the_database_refuses_a_second_account_for_an_iin_in_a_race(
    submit: Any, outbox: Outbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    place = RuralDistrictFactory()
    iin = valid_iin()
    UserFactory(iin_hmac=services.iin_digest(iin))
    before = _accounts()

    # As if a concurrent request inserted the IIN after our check: only the constraint is left.
    monkeypatch.setattr(services, "_holder_of", lambda digest: None)
    response = submit("/register", _form(place, email="racer@example.kz", iin=iin))
    assert response.status_code == 302
    assert response.headers["Location"] == "/check-email?reason=register"
    assert _accounts() == before
    assert "could not create the account" in body(outbox.last("racer@example.kz"))


def test_stale_unconfirmed_registration_releases_its_iin(submit: Any, outbox: Outbox) -> None:
    place = RuralDistrictFactory()
    iin = valid_iin()
    squatter = UserFactory(unconfirmed=True, iin_hmac=services.iin_digest(iin),
                           created_at=utcnow() - timedelta(days=3))
    squatter_email = squatter.email
    response = submit("/register", _form(place, email="owner@example.kz", iin=iin))
    assert response.status_code == 302
    assert services.find_by_email(squatter_email) is None
    assert services.find_by_email("owner@example.kz") is not None
    assert outbox.last("owner@example.kz")["Subject"] == "Confirm your email address"


def test_signed_in_people_are_sent_to_their_account(client: FlaskClient, login: Any) -> None:
    login(UserFactory())
    assert client.get("/register").headers["Location"].endswith("/account")


def test_registration_is_rate_limited(submit: Any) -> None:
    place = RuralDistrictFactory()
    statuses = [
        submit("/register", _form(place, email=f"p{n}@example.kz")).status_code
        for n in range(6)
    ]
    assert statuses[:5] == [302] * 5
    assert statuses[5] == 429
