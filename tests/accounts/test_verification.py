"""Resident verification: a citizen asks; the register verifies at once or a moderator decides."""

from __future__ import annotations

import io
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import func, select

from portal.accounts import services, verification
from portal.accounts.models import (
    ResidentRegisterEntry,
    User,
    VerificationMethod,
    VerificationRequest,
    VerificationStatus,
)
from portal.audit import AuditEvent
from portal.extensions import db
from tests.accounts.conftest import Outbox, body
from tests.conftest import split_audit_writes
from tests.factories import RuralDistrictFactory, UserFactory, VerificationRequestFactory, valid_iin


def _ask(submit: Any, note: str = "") -> Any:
    return submit("/account", {"verification-note": note}, to="/account/verification",
                  prefix="verification")


def test_handlers_are_an_explicit_ordered_registry() -> None:
    methods = [handler.method for handler in verification.HANDLERS]
    assert methods == [VerificationMethod.RESIDENTS_REGISTER, VerificationMethod.MODERATOR_REVIEW]


def test_citizen_asks_and_waits_for_a_moderator(client: FlaskClient, login: Any,
                                                submit: Any) -> None:
    user = login(UserFactory.resident_of(RuralDistrictFactory(), verified=False))
    response = _ask(submit, "Near the mosque, house 3")
    assert response.status_code == 302
    row = db.session.scalar(select(VerificationRequest).where(VerificationRequest.user_id ==
                                                              user.id))
    assert row is not None and row.status is VerificationStatus.PENDING
    assert row.method is VerificationMethod.MODERATOR_REVIEW
    assert row.note == "Near the mosque, house 3"
    html = client.get("/account").get_data(as_text=True)
    assert "Waiting for a moderator" in html
    assert "Ask to be verified" not in html
    again = _ask(submit)  # a second request while one waits is refused politely
    assert again.status_code == 400
    assert "waiting for a moderator" in again.get_data(as_text=True)


def test_accounts_without_iin_or_home_cannot_ask(client: FlaskClient, login: Any) -> None:
    login(UserFactory(iin_hmac=None, adult_from=None, rural_district=RuralDistrictFactory()))
    html = client.get("/account").get_data(as_text=True)
    assert "Only accounts registered with an IIN can be verified" in html
    assert "Ask to be verified" not in html


def test_moderator_approves_and_the_citizen_is_told(client: FlaskClient, login: Any,
                                                   submit: Any, outbox: Outbox) -> None:
    waiting = VerificationRequestFactory(user__email="wait@example.kz")
    moderator = login(UserFactory(moderator=True))
    queue = client.get("/moderation/verifications").get_data(as_text=True)
    assert waiting.user.display_name in queue
    assert "I live on the main street" in queue
    # Moderators learn that an IIN was given, never any of its digits.
    assert "given (one account per person; no digit of it is stored)" in queue

    response = submit("/moderation/verifications", {},
                      to=f"/moderation/verifications/{waiting.id}/approve", prefix="approve")
    assert response.status_code == 302
    db.session.refresh(waiting)
    user = db.session.get(User, waiting.user_id)
    assert waiting.status is VerificationStatus.APPROVED and waiting.decided_by_id == moderator.id
    assert user.is_verified_resident_of(waiting.rural_district_id)
    assert user.verification_method is VerificationMethod.MODERATOR_REVIEW
    assert "You are now a verified resident" in body(outbox.last("wait@example.kz"))
    events = db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.actor_id == moderator.id)).all()
    assert {"verification.approve", "account.verify_resident"} <= set(events)
    assert "Nothing is waiting" in client.get("/moderation/verifications").get_data(as_text=True)


def test_rejection_needs_a_reason_and_reaches_the_citizen(
    client: FlaskClient, login: Any, submit: Any, outbox: Outbox
) -> None:
    waiting = VerificationRequestFactory(user__email="no@example.kz")
    login(UserFactory(moderator=True))
    url = f"/moderation/verifications/{waiting.id}/reject"
    prefix = f"reject-{waiting.id}"
    empty = submit("/moderation/verifications", {f"{prefix}-reason": "  "}, to=url, prefix=prefix)
    assert empty.status_code == 400
    assert "Say why" in empty.get_data(as_text=True)

    reason = "The street named is not in this rural district; add your village."
    done = submit("/moderation/verifications", {f"{prefix}-reason": reason}, to=url,
                  prefix=prefix)
    assert done.status_code == 302
    db.session.refresh(waiting)
    assert waiting.status is VerificationStatus.REJECTED and waiting.reason == reason
    assert reason in body(outbox.last("no@example.kz"))
    login(waiting.user)
    html = client.get("/account").get_data(as_text=True)
    assert "was rejected" in html and "add your village" in html
    assert "Ask to be verified" in html  # and may ask again


def test_nobody_decides_their_own_request(client: FlaskClient, login: Any, submit: Any) -> None:
    place = RuralDistrictFactory()
    moderator = UserFactory(roles=("moderator", "citizen"), rural_district=place)
    own = VerificationRequestFactory(user=moderator, rural_district=place)
    login(moderator)
    submit("/moderation/verifications", {},
           to=f"/moderation/verifications/{own.id}/approve", prefix="approve")
    db.session.refresh(own)
    assert own.status is VerificationStatus.PENDING
    assert db.session.get(User, moderator.id).resident_verified_at is None


def test_a_decided_request_cannot_be_decided_again(client: FlaskClient, login: Any,
                                                   submit: Any) -> None:
    decided = VerificationRequestFactory(status=VerificationStatus.REJECTED, reason="no")
    login(UserFactory(moderator=True))
    submit("/moderation/verifications", {},
           to=f"/moderation/verifications/{decided.id}/approve", prefix="approve")
    assert db.session.get(User, decided.user_id).resident_verified_at is None


def test_unknown_request_is_404(client: FlaskClient, login: Any, submit: Any) -> None:
    login(UserFactory(moderator=True))
    response = submit("/moderation/verifications", {},
                      to="/moderation/verifications/999999/approve", prefix="approve")
    assert response.status_code == 404


# --------------------------------------------------------------------------- the register

def _upload(submit: Any, text: str, name: str = "register.csv") -> Any:
    return submit("/admin/residents-register",
                  {"register": (io.BytesIO(text.encode("utf-8")), name)},
                  content_type="multipart/form-data")


def _resident(place: Any, **kwargs: Any) -> tuple[User, str]:
    iin = valid_iin()
    user = UserFactory(rural_district=place, iin_hmac=services.iin_digest(iin), **kwargs)
    return user, iin


def test_register_upload_verifies_matching_accounts_only(
    client: FlaskClient, login: Any, submit: Any
) -> None:
    home, elsewhere = RuralDistrictFactory(), RuralDistrictFactory()
    match, match_iin = _resident(home)
    waiting, waiting_iin = _resident(home)
    VerificationRequestFactory(user=waiting, rural_district=home)
    moved, moved_iin = _resident(elsewhere)
    stranger_iin = valid_iin()
    login(UserFactory(admin=True))
    csv = (f"iin;kato\n{match_iin};{home.kato}\n{waiting_iin};{home.kato}\n"
           f"{moved_iin};{home.kato}\n{stranger_iin};{elsewhere.kato}\n")
    response = _upload(submit, csv)
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html
    assert "Accounts verified now" in html

    assert db.session.get(User, match.id).is_verified_resident_of(home.id)
    assert db.session.get(User, match.id).verification_method is \
        VerificationMethod.RESIDENTS_REGISTER
    assert db.session.get(User, waiting.id).is_verified_resident_of(home.id)
    assert db.session.get(User, moved.id).resident_verified_at is None  # KATO mismatch
    assert db.session.scalar(select(func.count()).select_from(ResidentRegisterEntry)) == 4
    assert verification.pending_count() == 0  # the waiting request was closed by the register
    for iin in (match_iin, waiting_iin, moved_iin, stranger_iin):
        assert iin not in html


def test_a_person_on_the_register_is_verified_when_they_ask(
    client: FlaskClient, login: Any, submit: Any
) -> None:
    home = RuralDistrictFactory()
    iin = valid_iin()
    login(UserFactory(admin=True))
    _upload(submit, f"{iin},{home.kato}\n")
    latecomer = login(UserFactory(rural_district=home, iin_hmac=services.iin_digest(iin)))
    assert _ask(submit).status_code == 302
    user = db.session.get(User, latecomer.id)
    assert user.verification_method is VerificationMethod.RESIDENTS_REGISTER
    assert user.is_verified_resident_of(home.id)


def test_a_bad_register_names_each_bad_row_and_writes_nothing(
    client: FlaskClient, login: Any, submit: Any
) -> None:
    home = RuralDistrictFactory()
    good, good_iin = _resident(home)
    twice = valid_iin()
    login(UserFactory(admin=True))
    csv = "\n".join([
        "IIN,KATO",
        f"{good_iin},{home.kato}",
        f"791028302729,{home.kato}",
        f"{valid_iin()},12345",
        f"{valid_iin()},999999999",
        f"{twice},{home.kato}",
        f"{twice},{RuralDistrictFactory().kato}",
        "only-one-column",
    ])
    response = _upload(submit, csv)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Nothing was imported: 5 rows need correcting." in html
    assert "Row 3: The check digit of this IIN is wrong" in html
    assert "Row 4: A KATO code has exactly 9 digits." in html
    assert "Row 5: No rural district has the KATO code 999999999." in html
    assert "Row 7: The same IIN is on row 6 with another KATO code." in html
    assert "Row 8: Expected two columns" in html
    assert "791028302729" not in html
    assert db.session.get(User, good.id).resident_verified_at is None
    assert db.session.scalar(select(func.count()).select_from(ResidentRegisterEntry)) == 0


def test_a_register_that_is_not_text_is_refused(client: FlaskClient, login: Any,
                                                submit: Any) -> None:
    login(UserFactory(admin=True))
    response = submit("/admin/residents-register",
                      {"register": (io.BytesIO(b"\xff\xfe\x00\x81binary"), "r.csv")},
                      content_type="multipart/form-data")
    assert response.status_code == 400
    assert "UTF-8" in response.get_data(as_text=True)


def test_moderators_cannot_upload_registers(client: FlaskClient, login: Any) -> None:
    login(UserFactory(moderator=True))
    assert client.get("/admin/residents-register").status_code == 403


def test_queue_query_budget(client: FlaskClient, login: Any, count_queries: Any) -> None:
    for _ in range(5):
        VerificationRequestFactory()
    login(UserFactory(moderator=True))
    client.get("/moderation/verifications")
    with count_queries() as queries:
        html = client.get("/moderation/verifications").get_data(as_text=True)
    assert "5 requests are waiting." in html
    reads, recording = split_audit_writes(queries)
    assert len(reads) <= 6, "\n".join(q[:90] for q in reads)
    assert len(recording) <= 3  # the view of personal data is recorded (lock, head, insert)


def test_confirming_the_email_verifies_someone_on_the_register(
    client: FlaskClient, app: Any, login: Any, submit: Any, outbox: Outbox
) -> None:
    from tests.accounts.conftest import link_path

    home = RuralDistrictFactory()
    iin = valid_iin()
    admin_client = app.test_client()
    login(UserFactory(admin=True), on=admin_client)
    submit("/admin/residents-register",
           {"register": (io.BytesIO(f"{iin},{home.kato}\n".encode()), "r.csv")},
           content_type="multipart/form-data", on=admin_client)

    submit("/register", {"email": "listed@example.kz", "password": "several unrelated words",
                         "iin": iin, "rural_district": home.kato})
    user = services.find_by_email("listed@example.kz")
    assert user is not None and user.resident_verified_at is None
    client.get(link_path(outbox.last("listed@example.kz"), "/register/confirm/"))
    submit("/register/confirm", {})
    user = db.session.get(User, user.id)
    assert user.is_verified_resident_of(home.id)
    assert user.verification_method is VerificationMethod.RESIDENTS_REGISTER
