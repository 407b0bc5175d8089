"""Regions, districts, rural districts and settlements, keyed by their KATO codes."""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, and_
from sqlalchemy.orm import Mapped, foreign, mapped_column, relationship

from portal.extensions import Model, db
from portal.modeling import LocalizedName, str_enum

if TYPE_CHECKING:
    from portal.akims.models import Term


class RegionKind(enum.StrEnum):
    REGION = "region"
    CITY = "city"  # city of republican significance


class DistrictKind(enum.StrEnum):
    DISTRICT = "district"
    CITY_ADMINISTRATION = "city_administration"
    CITY_DISTRICT = "city_district"


class SettlementKind(enum.StrEnum):
    CENTRE = "centre"  # the rural district centre
    SUPPORT = "support"  # a support (key) village
    SATELLITE = "satellite"  # a satellite of a support village
    OTHER = "other"


class Region(LocalizedName, Model):
    __tablename__ = "region"

    id: Mapped[int] = mapped_column(primary_key=True)
    kato2: Mapped[str] = mapped_column(String(2), unique=True)
    kato: Mapped[str] = mapped_column(String(9), unique=True)
    iso_code: Mapped[str] = mapped_column(String(8), unique=True)
    kind: Mapped[RegionKind] = mapped_column(str_enum(RegionKind))
    name_kk_latn: Mapped[str] = mapped_column(String(200))

    districts: Mapped[list[District]] = relationship(
        back_populates="region", order_by="District.kato4"
    )

    def __repr__(self) -> str:
        return f"<Region {self.kato2} {self.name_en}>"


class District(LocalizedName, Model):
    __tablename__ = "district"

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    kato4: Mapped[str] = mapped_column(String(4), unique=True)
    kato: Mapped[str] = mapped_column(String(9), unique=True)
    kind: Mapped[DistrictKind] = mapped_column(str_enum(DistrictKind))

    region: Mapped[Region] = relationship(back_populates="districts")
    rural_districts: Mapped[list[RuralDistrict]] = relationship(
        back_populates="district", order_by="RuralDistrict.kato"
    )

    def __repr__(self) -> str:
        return f"<District {self.kato4} {self.name_ru}>"


class RuralDistrict(LocalizedName, Model):
    """An auyl okrug: the fourth level, led by an elected akim."""

    __tablename__ = "rural_district"
    __table_args__ = (
        CheckConstraint("population >= 0", name="population_non_negative"),
        CheckConstraint("registered_voters >= 0", name="voters_non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("district.id"), index=True)
    kato: Mapped[str] = mapped_column(String(9), unique=True)
    population: Mapped[int] = mapped_column(Integer)
    registered_voters: Mapped[int] = mapped_column(Integer)
    search_key: Mapped[str] = mapped_column(String(600), default="")  # see portal.textsearch

    district: Mapped[District] = relationship(back_populates="rural_districts")
    settlements: Mapped[list[Settlement]] = relationship(
        back_populates="rural_district", order_by="Settlement.kato"
    )
    centre: Mapped[Settlement | None] = relationship(
        primaryjoin=lambda: and_(
            foreign(Settlement.rural_district_id) == RuralDistrict.id,
            Settlement.kind == SettlementKind.CENTRE,
        ),
        viewonly=True,
        uselist=False,
    )
    terms: Mapped[list[Term]] = relationship(
        back_populates="rural_district", order_by="Term.starts_on.desc()"
    )

    def __repr__(self) -> str:
        return f"<RuralDistrict {self.kato} {self.name_en}>"


class Settlement(LocalizedName, Model):
    """A village. Exactly one per rural district is its centre (a partial unique index)."""

    __tablename__ = "settlement"
    __table_args__ = (
        Index(
            "uq_settlement_one_centre",
            "rural_district_id",
            unique=True,
            sqlite_where=db.text("kind = 'centre'"),
            postgresql_where=db.text("kind = 'centre'"),
        ),
        CheckConstraint("population >= 0", name="population_non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rural_district_id: Mapped[int] = mapped_column(ForeignKey("rural_district.id"), index=True)
    kato: Mapped[str] = mapped_column(String(9), unique=True)
    kind: Mapped[SettlementKind] = mapped_column(str_enum(SettlementKind))
    population: Mapped[int] = mapped_column(Integer)
    search_key: Mapped[str] = mapped_column(String(600), default="")  # see portal.textsearch
    support_settlement_id: Mapped[int | None] = mapped_column(ForeignKey("settlement.id"))

    rural_district: Mapped[RuralDistrict] = relationship(back_populates="settlements")
    support_settlement: Mapped[Settlement | None] = relationship(remote_side=[id])

    def __repr__(self) -> str:
        return f"<Settlement {self.kato} {self.name_en}>"
