"""Small site-wide facts kept in the database, such as whether the data is synthetic."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import Model, db

DATA_ORIGIN = "data_origin"
SYNTHETIC = "synthetic"


class SiteMeta(Model):
    __tablename__ = "site_meta"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(String(400))


def is_synthetic() -> bool:
    row = db.session.get(SiteMeta, DATA_ORIGIN)
    return row is not None and row.value == SYNTHETIC


def set_meta(key: str, value: str) -> None:
    row = db.session.get(SiteMeta, key)
    if row is None:
        db.session.add(SiteMeta(key=key, value=value))
    else:
        row.value = value
    db.session.flush()
