"""A bulk export: who asked for which area's dossiers, in what form, and how far it got."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import BigInteger, Boolean, CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import Model
from portal.modeling import UTCDateTime, str_enum, utcnow

if TYPE_CHECKING:
    from portal.accounts.models import User


class ExportFormat(enum.StrEnum):
    PDF = "pdf"  # one PDF: the summary table, then every dossier
    ZIP = "zip"  # a ZIP of single dossiers, with the summary as its first file


class ExportStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


FINISHED = frozenset({ExportStatus.DONE, ExportStatus.FAILED, ExportStatus.CANCELLED})


class ExportJob(Model):
    __tablename__ = "export_job"
    __table_args__ = (
        CheckConstraint("progress_done >= 0 AND progress_done <= progress_total",
                        name="progress_in_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    scope: Mapped[str] = mapped_column(String(16))  # 'nation', 'region:61', 'district:6136'
    format: Mapped[ExportFormat] = mapped_column(str_enum(ExportFormat))
    language: Mapped[str] = mapped_column(String(2))
    status: Mapped[ExportStatus] = mapped_column(str_enum(ExportStatus),
                                                 default=ExportStatus.QUEUED)
    progress_done: Mapped[int] = mapped_column(Integer, default=0)
    progress_total: Mapped[int] = mapped_column(Integer, default=0)
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    # SHA-256 over every dossier's data fingerprint, the scope, format and language: the same
    # inputs give the same file, which is then served without rendering anything.
    inputs_fingerprint: Mapped[str | None] = mapped_column(String(64))
    result_file: Mapped[str | None] = mapped_column(String(120))  # a name under bundles/
    result_bytes: Mapped[int | None] = mapped_column(BigInteger)
    from_cache: Mapped[bool] = mapped_column(Boolean, default=False)
    error: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The worker's heartbeat: set when it starts and at every dossier. A running job whose
    # heartbeat is older than EXPORT_STALL_MINUTES lost its worker and is marked failed.
    progress_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The consumer process building it (portal.heartbeat.worker_id) and how many times it was
    # started: a job whose consumer died is queued again, up to EXPORT_MAX_ATTEMPTS.
    worker_id: Mapped[str | None] = mapped_column(String(120))
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    user: Mapped[User | None] = relationship()

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED

    @property
    def can_cancel(self) -> bool:
        return not self.is_finished and not self.cancel_requested

    def __repr__(self) -> str:
        return f"<ExportJob {self.id} {self.scope} {self.format} {self.status}>"


class DossierDemand(Model):
    """Readers asked for this akim's dossier in this language: the worker keeps it ready.

    Written by the public dossier route at most once a day per pair; pairs nobody asked for in
    EXPORT_CACHE_DAYS are forgotten (and their dossiers no longer rebuilt ahead of time)."""

    __tablename__ = "dossier_demand"

    akim_id: Mapped[int] = mapped_column(ForeignKey("akim.id", ondelete="CASCADE"),
                                         primary_key=True)
    language: Mapped[str] = mapped_column(String(2), primary_key=True)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The storage key of the file the worker last built for this pair: a rebuild deletes the
    # file it replaces, so a day's rebuilds do not pile up until pruning.
    built_file: Mapped[str | None] = mapped_column(String(120))


class DossierRebuild(Model):
    """A dossier whose data changed: the job worker renders it again, newest change first.

    Queued in the same transaction as the change (`portal.exports.freshness`), so a change
    that is rolled back queues nothing; one row per (akim, language), stamped with the latest
    change, so a burst of changes to one akim is one rebuild."""

    __tablename__ = "dossier_rebuild"

    akim_id: Mapped[int] = mapped_column(ForeignKey("akim.id", ondelete="CASCADE"),
                                         primary_key=True)
    language: Mapped[str] = mapped_column(String(2), primary_key=True)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
