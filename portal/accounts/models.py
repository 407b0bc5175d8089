"""Users and their roles. No personal number is ever stored in plain text."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import Model
from portal.modeling import UTCDateTime, str_enum, utcnow

if TYPE_CHECKING:
    from portal.akims.models import Akim
    from portal.geo.models import RuralDistrict


class Role(enum.StrEnum):
    CITIZEN = "citizen"
    AKIM = "akim"
    STAFF = "staff"  # parliamentary staff
    MODERATOR = "moderator"
    ADMIN = "admin"


class User(UserMixin, Model):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # stored lower-cased
    # None for accounts that cannot sign in with a password (synthetic residents of the seed).
    password_hash: Mapped[str | None] = mapped_column(String(255))
    display_name: Mapped[str | None] = mapped_column(String(80))
    # IIN: an HMAC-SHA256 under a server key (hex) plus the last four digits for display.
    iin_hmac: Mapped[str | None] = mapped_column(String(64), unique=True)
    iin_last4: Mapped[str | None] = mapped_column(String(4))
    rural_district_id: Mapped[int | None] = mapped_column(
        ForeignKey("rural_district.id"), index=True
    )
    resident_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    akim_id: Mapped[int | None] = mapped_column(ForeignKey("akim.id"), unique=True)
    is_active_account: Mapped[bool] = mapped_column(Boolean, default=True)
    locale: Mapped[str | None] = mapped_column(String(5))
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

    def is_verified_resident_of(self, rural_district_id: int | None) -> bool:
        return (
            rural_district_id is not None
            and self.resident_verified_at is not None
            and self.rural_district_id == rural_district_id
        )

    def __repr__(self) -> str:
        return f"<User {self.id}>"


class UserRole(Model):
    __tablename__ = "user_role"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[Role] = mapped_column(str_enum(Role), primary_key=True)

    user: Mapped[User] = relationship(back_populates="role_rows")
