"""Shared builders for promise tests: terms around today, evidence files, signed-in actors."""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from portal.accounts.models import User
from portal.akims.models import Term
from portal.extensions import db
from portal.reports.timeliness import local_today
from tests.factories import TermFactory, UserFactory

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 200
LINK = "https://example.org/photos/water-pipe.jpg"


def term_around_today(**kwargs: object) -> Term:
    """A serving term that started a year ago and runs three more years."""
    today = local_today()
    starts = today - timedelta(days=365)
    values: dict[str, object] = {"elected_on": starts - timedelta(days=3), "starts_on": starts,
                                 "ends_on": starts + timedelta(days=4 * 365)}
    values.update(kwargs)
    return TermFactory(**values)


def future_term(**kwargs: object) -> Term:
    """A term elected but not started: its programme is not yet the baseline."""
    today = local_today()
    values: dict[str, object] = {"elected_on": today - timedelta(days=2),
                                 "starts_on": today + timedelta(days=10),
                                 "ends_on": today + timedelta(days=10 + 4 * 365)}
    values.update(kwargs)
    return TermFactory(**values)


def akim_user(term: Term) -> User:
    """The account of the akim serving `term` (created once)."""
    existing = db.session.scalar(select(User).where(User.akim_id == term.akim_id))
    return existing if existing is not None else UserFactory.akim_for(term)


def pdf(name: str = "act.pdf", data: bytes = PDF) -> FileStorage:
    return FileStorage(stream=io.BytesIO(data), filename=name, content_type="application/pdf")


def multipart(values: dict[str, Any]) -> dict[str, Any]:
    """Keyword arguments for `client.post` with a multipart body built in memory (the test
    client would spool a large body to a temporary file it never closes)."""
    fields = {name: FileStorage(stream=value[0], filename=value[1])
              if isinstance(value, tuple) else value for name, value in values.items()}
    boundary, body = encode_multipart(fields)
    return {"data": body, "content_type": f"multipart/form-data; boundary={boundary}"}


def days_from_today(days: int) -> date:
    return local_today() + timedelta(days=days)
