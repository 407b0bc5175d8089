"""The migration that moved flag review to moderators gives the decisions already taken the
role of who took them: staff for parliamentary staff (and for a decider no longer on record:
before the move only staff and administrators could review), admin for an administrator."""

from __future__ import annotations

import importlib.util
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

from sqlalchemy import text

from portal.accounts.models import Role
from portal.extensions import db
from portal.recall.models import Flag, FlagStatus
from tests.factories import FlagFactory, UserFactory

MIGRATION = next((Path(__file__).resolve().parents[2] / "migrations" / "versions")
                 .glob("*_a56f8f66a668_*.py"))


def migration() -> ModuleType:
    spec = importlib.util.spec_from_file_location("review_roles_migration", MIGRATION)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def decided_by(user: object | None) -> Flag:
    now = datetime.now(UTC)
    return FlagFactory(status=FlagStatus.DISMISSED, decided_at=now, review_started_at=now,
                       decision_reason="Explained by the district finance office.",
                       decided_by_id=getattr(user, "id", None),
                       review_started_by_id=getattr(user, "id", None))


def test_existing_decisions_keep_the_role_of_who_made_them() -> None:
    staff = UserFactory(staff=True)
    admin = UserFactory(admin=True)
    by_staff, by_admin, by_nobody = decided_by(staff), decided_by(admin), decided_by(None)
    undecided = FlagFactory()
    module = migration()
    for columns in (("review_started_by_role", "review_started_by_id", "review_started_at"),
                    ("decided_by_role", "decided_by_id", "decided_at")):
        db.session.execute(text(module.backfill_statement(*columns)))
    db.session.expire_all()
    assert [(flag.review_started_by_role, flag.decided_by_role)
            for flag in (by_staff, by_admin, by_nobody)] == [
        (Role.STAFF, Role.STAFF), (Role.ADMIN, Role.ADMIN), (Role.STAFF, Role.STAFF)]
    assert (undecided.review_started_by_role, undecided.decided_by_role) == (None, None)
