"""`flask users create`, and what the demo seed gives the accounts pages."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from portal import seed
from portal.accounts import services
from portal.accounts.models import Role, VerificationRequest, VerificationStatus
from portal.extensions import db
from portal.seed.context import Scale


@pytest.fixture
def run(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Any:
    def invoke(*args: str, password: str | None = None) -> Any:
        if password is not None:
            monkeypatch.setenv("PORTAL_PASSWORD", password)
        return app.test_cli_runner().invoke(args=list(args))

    return invoke


def test_users_create_makes_a_confirmed_account_with_roles(run: Any) -> None:
    result = run("users", "create", "Chief@Example.kz", "--role", "admin", "--role", "staff",
                 password="a long admin password")
    assert result.exit_code == 0, result.output
    assert "with roles: admin, staff" in result.output
    user = services.find_by_email("chief@example.kz")
    assert user is not None and user.roles == {Role.ADMIN, Role.STAFF}
    assert user.email_confirmed_at is not None
    assert services.authenticate("chief@example.kz", "a long admin password") is not None
    assert "a long admin password" not in result.output


def test_users_create_refuses_weak_passwords_bad_emails_and_duplicates(run: Any) -> None:
    weak = run("users", "create", "w@example.kz", "--role", "staff", password="1234567890")
    assert weak.exit_code != 0 and "too easy to guess" in weak.output
    bad = run("users", "create", "not-an-email", "--role", "staff", password="a long password ok")
    assert bad.exit_code != 0 and "valid email" in bad.output
    run("users", "create", "twice@example.kz", "--role", "staff", password="a long password ok")
    again = run("users", "create", "twice@example.kz", "--role", "staff",
                password="a long password ok")
    assert again.exit_code != 0 and "already exists" in again.output
    unknown_role = run("users", "create", "r@example.kz", "--role", "king",
                       password="a long password ok")
    assert unknown_role.exit_code != 0


def test_demo_seed_fills_the_verification_queue() -> None:
    seed.run(Scale.DEMO, seed=2026, as_of=date(2026, 11, 1))
    pending = db.session.scalar(select(func.count()).select_from(VerificationRequest).where(
        VerificationRequest.status == VerificationStatus.PENDING))
    assert pending == 3
    for email in ("admin@demo.kz", "citizen@demo.kz", "visitor@demo.kz"):
        user = services.find_by_email(email)
        assert user is not None and user.email_confirmed_at is not None
        assert services.authenticate(email, "demo-pass-2026") is not None
    visitor = services.find_by_email("visitor@demo.kz")
    assert visitor is not None and visitor.resident_verified_at is None
    from portal.accounts.verification import why_not_eligible

    assert why_not_eligible(visitor) is None  # the visitor can try asking to be verified
