"""The audit trail is tamper-evident (issue 24, finding 6): each event is sealed onto the one
before it; `flask audit verify` names the first edited, deleted or inserted event on either
database; PostgreSQL refuses UPDATE, DELETE and TRUNCATE of the table; administrators read
the trail on a page of their own; looking at personal data is itself recorded."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from types import SimpleNamespace
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from portal import audit
from portal.audit import AuditEvent, AuditTrailError
from portal.audit.chain import verify
from portal.extensions import db
from tests.conftest import is_postgres
from tests.factories import TermFactory, UserFactory, VerificationRequestFactory, valid_iin


def _three_events() -> list[AuditEvent]:
    admin = UserFactory(admin=True)
    term = TermFactory()
    events = [
        audit.record(admin, "account.set_roles", admin, {"roles": ["citizen"]},
                     {"roles": ["citizen", "admin"]}),
        audit.record("cli", "term.update", term, {"ends_on": "2027-06-07"},
                     {"ends_on": "2027-06-08", "numbers": (1, 2.5, "три")}),
        audit.record(None, "recall.evaluate", None, None, {"flags": 3}),
    ]
    db.session.commit()
    return events


@contextmanager
def _as_the_table_owner() -> Iterator[None]:
    """What someone with direct database access can do: on PostgreSQL, past the trigger."""
    if is_postgres():
        db.session.execute(sa.text("SET LOCAL session_replication_role = replica"))
    yield
    if is_postgres():
        db.session.execute(sa.text("SET LOCAL session_replication_role = origin"))


def _sql(statement: str, **values: Any) -> None:
    with _as_the_table_owner():
        db.session.execute(sa.text(statement), values)
    db.session.expire_all()


def test_each_event_is_sealed_onto_the_one_before() -> None:
    first, second, third = _three_events()
    assert second.prev_hash == first.row_hash and third.prev_hash == second.row_hash
    assert len({first.row_hash, second.row_hash, third.row_hash}) == 3
    report = verify()
    assert report.intact and report.head_id == third.id and report.head_hash == third.row_hash


def test_an_edited_event_is_named() -> None:
    """The issue's attack: re-attributing an action by rewriting its actor."""
    first, second, _third = _three_events()
    _sql("UPDATE audit_event SET actor_label = 'user:999' WHERE id = :id", id=second.id)
    report = verify()
    assert report.broken is not None and report.broken.event_id == second.id
    assert report.broken.reason == "edited"
    assert report.head_id == first.id  # the chain holds up to the event before


def test_an_event_edited_with_its_seal_recomputed_without_the_key_is_named() -> None:
    """A plain hash could be recomputed by whoever edits the row; the key stays outside."""
    import hashlib

    from portal.audit.chain import canonical

    _first, second, _third = _three_events()
    edited = SimpleNamespace(**{column.key: getattr(second, column.key)
                                for column in sa.inspect(AuditEvent).columns})
    edited.actor_label = "user:999"
    forged = hashlib.sha256(canonical(edited)).hexdigest()  # type: ignore[arg-type]
    _sql("UPDATE audit_event SET actor_label = 'user:999', row_hash = :seal WHERE id = :id",
         seal=forged, id=second.id)
    broken = verify().broken
    assert broken is not None and broken.event_id == second.id


def test_a_deleted_event_is_named_at_the_one_after_it() -> None:
    _first, second, third = _three_events()
    _sql("DELETE FROM audit_event WHERE id = :id", id=second.id)
    broken = verify().broken
    assert broken is not None and broken.event_id == third.id and broken.reason == "gap"
    assert "deleted" in broken.describe()


def test_an_inserted_event_is_named() -> None:
    first, second, _third = _three_events()
    _sql("INSERT INTO audit_event (occurred_at, actor_label, action, prev_hash, row_hash) "
         "SELECT occurred_at, 'user:1', 'report.publish', prev_hash, row_hash FROM audit_event "
         "WHERE id = :id", id=second.id)
    broken = verify().broken
    assert broken is not None and broken.action == "report.publish"


def test_deleting_the_newest_events_is_caught_by_an_anchor() -> None:
    _first, second, third = _three_events()
    anchor = (third.id, third.row_hash)
    assert verify(anchor).intact
    _sql("DELETE FROM audit_event WHERE id = :id", id=third.id)
    assert verify().intact  # nothing behind it to break: hence the anchor
    report = verify(anchor)
    assert not report.intact and report.anchor_ok is False
    assert verify((second.id, second.row_hash)).intact


def test_the_application_cannot_change_or_remove_an_event() -> None:
    event = _three_events()[0]
    event.actor_label = "user:999"
    with pytest.raises(AuditTrailError):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.get(AuditEvent, event.id))
    with pytest.raises(AuditTrailError):
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize("statement", [
    "UPDATE audit_event SET actor_label = 'user:999'",
    "DELETE FROM audit_event",
    "TRUNCATE audit_event",
])
def test_a_raw_statement_cannot_change_events_unnoticed(statement: str) -> None:
    """PostgreSQL refuses it (its triggers make the table append-only); SQLite has no such
    triggers for every statement, so there the chain and the recorded head must tell."""
    *_, third = _three_events()
    head = (third.id, third.row_hash)
    if is_postgres():
        with pytest.raises(sa.exc.DBAPIError, match="append-only"), db.session.begin_nested():
            db.session.execute(sa.text(statement))
        assert verify().intact
        return
    db.session.execute(sa.text(statement.replace("TRUNCATE", "DELETE FROM")))
    assert not verify(head).intact


def test_audit_verify_names_the_first_broken_link(app: Flask) -> None:
    _first, second, third = _three_events()
    runner = app.test_cli_runner()
    good = runner.invoke(args=["audit", "verify"])
    assert good.exit_code == 0, good.output
    assert "The audit trail holds" in good.output and f"Head: {third.id}:{third.row_hash}" in \
        good.output
    _sql("UPDATE audit_event SET after = NULL WHERE id = :id", id=second.id)
    bad = runner.invoke(args=["audit", "verify"])
    assert bad.exit_code == 1
    assert f"#{second.id} (term.update)" in bad.output and "edited" in bad.output
    anchored = runner.invoke(args=["audit", "verify", "--anchor", "12:nothex"])
    assert anchored.exit_code == 2 and "ID:SEAL" in anchored.output


def test_the_nightly_task_logs_the_head(caplog: pytest.LogCaptureFixture) -> None:
    from portal.audit.tasks import log_audit_head

    *_, third = _three_events()
    with caplog.at_level("WARNING"):
        anchor = log_audit_head.call_local()
    assert anchor == f"{third.id}:{third.row_hash}"
    assert anchor in caplog.text


# --------------------------------------------------------------------------- the page

def test_administrators_read_the_trail_and_filter_it(client: FlaskClient, login: Any) -> None:
    _three_events()
    login(UserFactory(admin=True))
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "account.set_roles" in page and "term.update" in page and "recall.evaluate" in page
    filtered = client.get("/admin/audit?action=term.&actor=cli").get_data(as_text=True)
    assert "term.update" in filtered and "account.set_roles" not in filtered
    assert client.get("/admin/audit?target_id=abc").status_code == 200
    for someone in (UserFactory(moderator=True), UserFactory(staff=True)):
        other = client.application.test_client()
        login(someone, on=other)
        assert other.get("/admin/audit").status_code == 403


def test_numbers_past_any_id_filter_to_nothing_not_an_error(client: FlaskClient,
                                                            login: Any) -> None:
    """Both databases refused 99999999999999999999 as an integer: the page was a 500."""
    _three_events()
    login(UserFactory(admin=True))
    huge = "99999999999999999999"
    by_actor = client.get(f"/admin/audit?actor={huge}")
    assert by_actor.status_code == 200
    assert "No event matches." in by_actor.get_data(as_text=True)
    by_record = client.get(f"/admin/audit?target_id={huge}")
    assert by_record.status_code == 200
    assert "Number must be between 1 and 2147483647" in by_record.get_data(as_text=True)


# --------------------------------------------------------------------------- personal data

def _events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)))


def test_looking_up_an_iin_is_recorded_found_or_not(client: FlaskClient, login: Any,
                                                    csrf: Any) -> None:
    iin = valid_iin()
    holder = UserFactory(iin=iin)
    admin = login(UserFactory(admin=True))
    token = csrf("/admin/users")
    for typed in (iin, valid_iin()):
        client.post("/admin/users/by-iin", data={"csrf_token": token,
                                                 "lookup-csrf_token": token, "lookup-iin": typed})
    found, missed = _events("account.lookup_by_iin")
    assert (found.actor_id, found.target_id, found.after) == (admin.id, holder.id,
                                                              {"found": True})
    assert (missed.target_id, missed.after) == (None, {"found": False})
    assert iin not in str(found.before) + str(found.after)


def test_opening_an_account_or_the_verification_queue_is_recorded(
        client: FlaskClient, login: Any) -> None:
    waiting = VerificationRequestFactory()
    admin = login(UserFactory(admin=True))
    client.get(f"/admin/users/{waiting.user_id}")
    client.get("/moderation/verifications")
    (view,) = _events("account.view")
    assert (view.actor_id, view.target_type, view.target_id) == (admin.id, "user_account",
                                                                 waiting.user_id)
    (queue,) = _events("verification.view_queue")
    assert queue.actor_id == admin.id and waiting.id in queue.after["requests"]
    assert verify().intact
