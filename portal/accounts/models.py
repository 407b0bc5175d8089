"""Users and their roles. No personal number is ever stored in plain text."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import BigInteger, Boolean, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import Model, db
from portal.modeling import Synthetic, UTCDateTime, str_enum, utcnow

if TYPE_CHECKING:
    from portal.akims.models import Akim
    from portal.geo.models import RuralDistrict


class Role(enum.StrEnum):
    CITIZEN = "citizen"
    AKIM = "akim"
    STAFF = "staff"  # parliamentary staff
    MODERATOR = "moderator"
    ADMIN = "admin"


class VerificationMethod(enum.StrEnum):
    """How a resident was verified; one handler in `portal.accounts.verification` each."""

    RESIDENTS_REGISTER = "residents_register"  # matched in a register an admin uploaded
    MODERATOR_REVIEW = "moderator_review"  # a moderator reviewed and approved a request


class VerificationStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"  # the citizen moved to another rural district while it waited


class TokenPurpose(enum.StrEnum):
    CONFIRM_EMAIL = "confirm_email"
    RESET_PASSWORD = "reset_password"  # noqa: S105 - a purpose, not a secret


class User(Synthetic, UserMixin, Model):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # stored lower-cased
    # None for accounts that cannot sign in with a password (synthetic residents of the seed).
    password_hash: Mapped[str | None] = mapped_column(String(255))
    display_name: Mapped[str | None] = mapped_column(String(80))
    # IIN: only an HMAC-SHA256 under a server key (hex), to keep one account per person. No
    # digit of it is stored, nor the birth date or sex it encodes (issue 24, finding 12).
    iin_hmac: Mapped[str | None] = mapped_column(String(64), unique=True)
    # The first Almaty day the holder counts as an adult: the registration day for someone
    # already eighteen then (it says nothing of their age), the eighteenth birthday for a
    # minor. None without an IIN. Signing petitions and rating need an adult (ADULT_AGE).
    adult_from: Mapped[date | None] = mapped_column(Date)
    rural_district_id: Mapped[int | None] = mapped_column(
        ForeignKey("rural_district.id"), index=True
    )
    resident_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    verification_method: Mapped[VerificationMethod | None] = mapped_column(
        str_enum(VerificationMethod)
    )
    # None until the owner follows the emailed link; such an account cannot sign in yet.
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    akim_id: Mapped[int | None] = mapped_column(ForeignKey("akim.id"), unique=True)
    is_active_account: Mapped[bool] = mapped_column(Boolean, default=True)
    locale: Mapped[str | None] = mapped_column(String(5))
    # Two factors: the TOTP secret (base32) once enrolled, and the last time step used, so a
    # code is never accepted twice.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)
    # Bumped on password change or forced sign-out; part of the session identity.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    role_rows: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )
    rural_district: Mapped[RuralDistrict | None] = relationship()
    akim: Mapped[Akim | None] = relationship()

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(row.role for row in self.role_rows)

    def has_role(self, role: Role) -> bool:
        return role in self.roles

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.is_active_account

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def is_verified_resident(self) -> bool:
        return self.resident_verified_at is not None and self.rural_district_id is not None

    def is_adult_on(self, day: date) -> bool:
        """An adult on this Almaty day (accounts without an IIN are never counted as one)."""
        return self.adult_from is not None and self.adult_from <= day

    def is_verified_resident_of(self, rural_district_id: int | None) -> bool:
        return (
            rural_district_id is not None
            and self.resident_verified_at is not None
            and self.rural_district_id == rural_district_id
        )

    def __repr__(self) -> str:
        return f"<User {self.id}>"


class UserSession(Model):
    """One signed-in browser. Its cookie holds a random token; only the token's SHA-256 is
    stored. Signing out ends the row, so a copy of the cookie is worthless afterwards."""

    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # What the browser called itself, cut short: to tell one's devices apart on the account page.
    user_agent: Mapped[str | None] = mapped_column(String(160))


class RecoveryCode(Model):
    """A one-time code that stands in for the authenticator app. Only its SHA-256 is kept."""

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class UserRole(Model):
    __tablename__ = "user_role"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[Role] = mapped_column(str_enum(Role), primary_key=True)

    user: Mapped[User] = relationship(back_populates="role_rows")


class AccountToken(Model):
    """A single-use, expiring token sent by email. Only its SHA-256 is stored."""

    __tablename__ = "account_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    purpose: Mapped[TokenPurpose] = mapped_column(str_enum(TokenPurpose))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()


class VerificationRequest(Synthetic, Model):
    """One attempt to be verified as a resident of a rural district, and its outcome."""

    __tablename__ = "verification_request"
    __table_args__ = (
        # At most one request waits per person; the database keeps it so under races.
        Index(
            "uq_verification_request_one_pending",
            "user_id",
            unique=True,
            sqlite_where=db.text("status = 'pending'"),
            postgresql_where=db.text("status = 'pending'"),
        ),
        Index("ix_verification_request_status_created", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    rural_district_id: Mapped[int] = mapped_column(ForeignKey("rural_district.id"))
    method: Mapped[VerificationMethod] = mapped_column(str_enum(VerificationMethod))
    status: Mapped[VerificationStatus] = mapped_column(str_enum(VerificationStatus))
    note: Mapped[str | None] = mapped_column(String(500))  # from the citizen, for moderators
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    reason: Mapped[str | None] = mapped_column(String(500))  # why it was rejected

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    rural_district: Mapped[RuralDistrict] = relationship()

    def __repr__(self) -> str:
        return f"<VerificationRequest {self.id} user={self.user_id} {self.status}>"


class ResidentRegisterImport(Model):
    """One upload of a residents' register: who, when and what it did (never the file)."""

    __tablename__ = "resident_register_import"

    id: Mapped[int] = mapped_column(primary_key=True)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    imported_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    rows: Mapped[int] = mapped_column(Integer)
    entries_added: Mapped[int] = mapped_column(Integer)
    entries_updated: Mapped[int] = mapped_column(Integer)
    accounts_matched: Mapped[int] = mapped_column(Integer)
    accounts_verified: Mapped[int] = mapped_column(Integer)
    district_mismatches: Mapped[int] = mapped_column(Integer)

    imported_by: Mapped[User | None] = relationship()


class ResidentRegisterEntry(Model):
    """A person on a residents' register, by keyed IIN hash: matched when they sign up later."""

    __tablename__ = "resident_register_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    iin_hmac: Mapped[str] = mapped_column(String(64), unique=True)
    rural_district_id: Mapped[int] = mapped_column(ForeignKey("rural_district.id"), index=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("resident_register_import.id"), index=True)
