"""Administration of accounts: search, roles, the akim link, deactivation; all audited."""

from __future__ import annotations

import json
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select

from portal.accounts import services
from portal.accounts.models import Role, User
from portal.audit import AuditEvent
from portal.extensions import db
from tests.conftest import split_audit_writes
from tests.factories import RuralDistrictFactory, TermFactory, UserFactory, valid_iin


def _events(user: User, action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(
        AuditEvent.target_type == "user_account", AuditEvent.target_id == user.id,
        AuditEvent.action == action)))


def test_users_list_searches_and_paginates(client: FlaskClient, login: Any) -> None:
    login(UserFactory(admin=True, email="boss@example.kz"))
    for n in range(30):
        UserFactory(email=f"villager{n:02d}@example.kz")
    UserFactory(moderator=True, email="mod@example.kz", display_name="Saule Moderator")

    first = client.get("/admin/users?q=villager").get_data(as_text=True)
    assert "30 accounts" in first and "Page 1 of 2" in first
    assert "villager29@example.kz" in first and "villager00@example.kz" not in first
    second = client.get("/admin/users?q=villager&page=2").get_data(as_text=True)
    assert "villager00@example.kz" in second

    by_name = client.get("/admin/users?q=saule").get_data(as_text=True)
    assert "mod@example.kz" in by_name and "villager" not in by_name
    by_role = client.get("/admin/users?role=moderator").get_data(as_text=True)
    assert "mod@example.kz" in by_role and "boss@example.kz" not in by_role
    odd = client.get("/admin/users?q=%25_%5C&role=nonsense&page=x")
    assert odd.status_code == 200


def test_an_admin_can_find_an_account_by_iin(client: FlaskClient, login: Any,
                                             submit: Any) -> None:
    login(UserFactory(admin=True))
    iin = valid_iin()
    holder = UserFactory(email="holder@example.kz", iin_hmac=services.iin_digest(iin))
    found = submit("/admin/users", {"lookup-iin": iin}, to="/admin/users/by-iin",
                   prefix="lookup")
    assert found.status_code == 302  # a POST: the IIN never sits in an address or a log
    assert found.headers["Location"] == f"/admin/users/{holder.id}"
    missing = submit("/admin/users", {"lookup-iin": valid_iin()}, to="/admin/users/by-iin",
                     prefix="lookup")
    assert missing.status_code == 404
    assert "No account has this IIN." in missing.get_data(as_text=True)
    wrong = submit("/admin/users", {"lookup-iin": "123"}, to="/admin/users/by-iin",
                   prefix="lookup")
    assert "exactly 12 digits" in wrong.get_data(as_text=True)


def test_roles_are_set_and_audited(client: FlaskClient, login: Any, submit: Any) -> None:
    admin = login(UserFactory(admin=True))
    target = UserFactory()
    url = f"/admin/users/{target.id}"
    response = submit(url, {"roles-roles": ["citizen", "moderator"]}, to=f"{url}/roles",
                      prefix="roles")
    assert response.status_code == 302
    assert db.session.get(User, target.id).roles == {Role.CITIZEN, Role.MODERATOR}
    event = _events(target, "account.set_roles")[-1]
    assert event.actor_id == admin.id
    assert event.before == {"roles": ["citizen"]}
    assert event.after == {"roles": ["citizen", "moderator"]}
    assert "account.set_roles" in client.get(url).get_data(as_text=True)  # the trail shows it

    none = submit(url, {}, to=f"{url}/roles", prefix="roles")
    assert none.status_code == 400
    assert "at least one role" in none.get_data(as_text=True)


def test_an_admin_cannot_change_their_own_roles(client: FlaskClient, login: Any,
                                               submit: Any) -> None:
    """Nobody decides about themselves (separation of duties): another administrator does."""
    admin = login(UserFactory(admin=True))
    url = f"/admin/users/{admin.id}"
    response = submit(url, {"roles-roles": ["citizen"]}, to=f"{url}/roles", prefix="roles")
    assert response.status_code == 403
    assert Role.ADMIN in db.session.get(User, admin.id).roles


def test_linking_an_akim_needs_a_serving_term(client: FlaskClient, login: Any,
                                              submit: Any) -> None:
    login(UserFactory(admin=True))
    serving = TermFactory()
    former = TermFactory(ended=True)
    account = UserFactory(roles=(Role.CITIZEN,), iin_hmac=None, adult_from=None)
    url = f"/admin/users/{account.id}"

    refused = submit(url, {"akim-akim_id": str(former.akim_id)}, to=f"{url}/akim",
                     prefix="akim")
    assert refused.status_code == 400
    assert "no serving term" in refused.get_data(as_text=True)
    unknown = submit(url, {"akim-akim_id": "999999"}, to=f"{url}/akim", prefix="akim")
    assert "No akim has this number." in unknown.get_data(as_text=True)

    found = client.get(f"{url}?akim_q={serving.akim.full_name_latn}").get_data(as_text=True)
    assert "Link this akim" in found
    linked = submit(url, {"akim-akim_id": str(serving.akim_id)}, to=f"{url}/akim", prefix="akim")
    assert linked.status_code == 302
    account = db.session.get(User, account.id)
    assert account.akim_id == serving.akim_id and Role.AKIM in account.roles
    event = _events(account, "account.link_akim")[-1]
    assert event.before == {"akim_id": None, "roles": ["citizen"]}
    assert event.after == {"akim_id": serving.akim_id, "roles": ["akim", "citizen"]}

    other = UserFactory()
    taken = submit(f"/admin/users/{other.id}", {"akim-akim_id": str(serving.akim_id)},
                   to=f"/admin/users/{other.id}/akim", prefix="akim")
    assert f"already linked to account #{account.id}" in taken.get_data(as_text=True)

    submit(url, {}, to=f"{url}/akim/unlink")
    assert db.session.get(User, account.id).akim_id is None


def test_deactivation_ends_sessions_and_blocks_sign_in(
    client: FlaskClient, app: Any, login: Any, submit: Any
) -> None:
    target = UserFactory(email="leaving@example.kz")
    theirs = app.test_client()
    login(target, on=theirs)
    assert theirs.get("/account").status_code == 200

    admin = login(UserFactory(admin=True))
    url = f"/admin/users/{target.id}"
    assert submit(url, {}, to=f"{url}/deactivate").status_code == 302
    assert theirs.get("/account").status_code == 302
    event = _events(target, "account.deactivate")[-1]
    assert (event.before, event.after, event.actor_id) == ({"active": True}, {"active": False},
                                                            admin.id)
    assert "Deactivated" in client.get(url).get_data(as_text=True)

    assert submit(url, {}, to=f"{url}/reactivate").status_code == 302
    assert db.session.get(User, target.id).is_active_account


def test_an_admin_cannot_deactivate_themselves(client: FlaskClient, login: Any,
                                               submit: Any) -> None:
    admin = login(UserFactory(admin=True))
    url = f"/admin/users/{admin.id}"
    submit(url, {}, to=f"{url}/deactivate")
    assert db.session.get(User, admin.id).is_active_account


def test_verification_can_be_withdrawn(client: FlaskClient, login: Any, submit: Any) -> None:
    login(UserFactory(admin=True))
    resident = UserFactory.resident_of(RuralDistrictFactory())
    url = f"/admin/users/{resident.id}"
    submit(url, {}, to=f"{url}/verification/revoke")
    assert db.session.get(User, resident.id).resident_verified_at is None
    assert _events(resident, "account.revoke_verification")


def test_audit_values_never_hold_secrets(client: FlaskClient, login: Any, submit: Any) -> None:
    login(UserFactory(admin=True))
    target = UserFactory(email="private@example.kz")
    url = f"/admin/users/{target.id}"
    submit(url, {"roles-roles": ["staff"]}, to=f"{url}/roles", prefix="roles")
    submit(url, {}, to=f"{url}/deactivate")
    for event in db.session.scalars(select(AuditEvent)):
        text = json.dumps([event.before, event.after])
        assert "private@example.kz" not in text
        assert (target.iin_hmac or "-") not in text and "$argon2" not in text


def test_users_list_query_budget(client: FlaskClient, login: Any, count_queries: Any) -> None:
    login(UserFactory(admin=True))
    for _ in range(25):
        UserFactory.resident_of(RuralDistrictFactory())
    client.get("/admin/users")
    with count_queries() as queries:
        assert client.get("/admin/users").status_code == 200
    assert len(queries) <= 8, "\n".join(q[:90] for q in queries)


def test_user_page_query_budget(client: FlaskClient, login: Any, count_queries: Any) -> None:
    login(UserFactory(admin=True))
    term = TermFactory()
    account = UserFactory.akim_for(term)
    client.get(f"/admin/users/{account.id}")
    with count_queries() as queries:
        assert client.get(f"/admin/users/{account.id}").status_code == 200
    reads, recording = split_audit_writes(queries)
    assert len(reads) <= 10, "\n".join(q[:90] for q in reads)
    assert len(recording) <= 3  # the view of personal data is recorded (lock, head, insert)
