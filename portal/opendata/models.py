"""A build of the open-data download that failed: what the administrators' jobs page lists."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import Model
from portal.modeling import UTCDateTime, utcnow


class OpenDataFailure(Model):
    """One failed build (the nightly or hourly job, an administrator's retry, or the command).

    The download in the storage stays the last good build: a failure only means it is older
    than it should be, which the page says next to the failures."""

    __tablename__ = "opendata_failure"

    id: Mapped[int] = mapped_column(primary_key=True)
    failed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    # The exception's class and words (no personal data is in these tables' build errors).
    error: Mapped[str] = mapped_column(String(300))
    forced: Mapped[bool] = mapped_column(Boolean, default=False)  # nightly, a retry, the command
    # An administrator queued a new build after it (audited as opendata.retry).
    retried_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    retried_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
