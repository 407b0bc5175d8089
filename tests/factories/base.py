"""The base factory: rows go through the app's session and are committed (to a savepoint)."""

from __future__ import annotations

import itertools

import factory
from factory.alchemy import SQLAlchemyModelFactory

from portal.accounts.iin import with_check_digit
from portal.extensions import db


class BaseFactory(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "commit"


_serials = itertools.count(1)


def valid_iin(birth: str = "900215", century: str = "3") -> str:
    """A fresh IIN with a correct check digit."""
    while True:
        candidate = with_check_digit(f"{birth}{century}{next(_serials) % 10_000:04d}")
        if candidate is not None:
            return candidate


__all__ = ["BaseFactory", "factory", "valid_iin"]
