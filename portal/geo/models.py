"""Regions, districts, rural districts and settlements, keyed by their KATO codes."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ColumnElement,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    and_,
    false,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, foreign, mapped_column, relationship

from portal.extensions import Model, db
from portal.modeling import LocalizedName, UTCDateTime, str_enum, utcnow
from portal.textsearch import place_key, trigram_index

if TYPE_CHECKING:
    from portal.akims.models import Term


class RegionKind(enum.StrEnum):
    REGION = "region"
    CITY = "city"  # city of republican significance


class DistrictKind(enum.StrEnum):
    DISTRICT = "district"
    CITY_ADMINISTRATION = "city_administration"
    CITY_DISTRICT = "city_district"


class UnitKind(enum.StrEnum):
    """The kind of a third-level unit of KATO, as its official name says (`portal.geo.kato`)."""

    RURAL_DISTRICT = "rural_district"  # с.о., сельский округ
    VILLAGE_ADMINISTRATION = "village_administration"  # с.а., сельская администрация
    SETTLEMENT_ADMINISTRATION = "settlement_administration"  # п.а., поселковая администрация
    TOWN_ADMINISTRATION = "town_administration"  # г.а., городская администрация
    TOWN = "town"  # a town of district significance
    CITY = "city"  # the town proper of a city administration (regional significance)
    URBAN_DISTRICT = "urban_district"  # a district (р.а.) of a city
    VILLAGE = "village"  # a village run directly by a city administration
    OTHER = "other"  # anything else the classifier lists (a forestry)


# Units whose akims are elected: the Constitutional Law "On Elections in the Republic of
# Kazakhstan" as amended in 2021 has the akims of rural districts, villages, settlements and
# towns of district significance elected. Villages run directly by a city administration and
# the cities themselves have appointed akims (a rule of ours for reading the classifier).
ELECTED_KINDS = frozenset({
    UnitKind.RURAL_DISTRICT, UnitKind.VILLAGE_ADMINISTRATION,
    UnitKind.SETTLEMENT_ADMINISTRATION, UnitKind.TOWN_ADMINISTRATION, UnitKind.TOWN,
})


SEARCH_KEY_LENGTH = 600


def place_search_key(name_kk: str, name_ru: str, code: str) -> str:
    """A unit's or settlement's `search_key`: its names and its code (`place_key`)."""
    return place_key(name_kk, name_ru, code)[:SEARCH_KEY_LENGTH]


class PlaceChangeKind(enum.StrEnum):
    NEW = "new"
    RENAMED = "renamed"
    MOVED = "moved"
    GONE = "gone"
    MERGED = "merged"  # gone, its villages now under one successor
    RESTORED = "restored"  # a code that was gone is in the classifier again


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
    """A third-level unit of KATO (most are rural districts, led by an elected akim).

    Versioned: a unit the classifier no longer lists keeps its row (and its akims, reports
    and budgets) with `valid_to` set and, when merged, a `successor`. `population` and
    `registered_voters` are not in the classifier: None until known; figures a seed made up
    say so with `figures_synthetic`.
    """

    __tablename__ = "rural_district"
    __table_args__ = (
        trigram_index("ix_rural_district_search_key_trgm", "search_key"),
        CheckConstraint("population >= 0", name="population_non_negative"),
        CheckConstraint("registered_voters >= 0", name="voters_non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("district.id"), index=True)
    kato: Mapped[str] = mapped_column(String(9), unique=True)
    kind: Mapped[UnitKind] = mapped_column(str_enum(UnitKind),
                                           default=UnitKind.RURAL_DISTRICT,
                                           server_default=UnitKind.RURAL_DISTRICT.value)
    population: Mapped[int | None] = mapped_column(Integer)
    registered_voters: Mapped[int | None] = mapped_column(Integer)
    figures_synthetic: Mapped[bool] = mapped_column(Boolean, default=False,
                                                    server_default=false())
    search_key: Mapped[str] = mapped_column(String(SEARCH_KEY_LENGTH), default="")
    valid_from: Mapped[date | None] = mapped_column(Date)  # None: before the first import
    valid_to: Mapped[date | None] = mapped_column(Date, index=True)  # None: current
    successor_id: Mapped[int | None] = mapped_column(ForeignKey("rural_district.id"))

    district: Mapped[District] = relationship(back_populates="rural_districts")
    successor: Mapped[RuralDistrict | None] = relationship(remote_side=[id])
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

    # Hybrids: `unit.elected` on a row and `RuralDistrict.elected` in a query are one rule.
    @hybrid_property
    def elected(self) -> bool:
        """Whether the unit's akim is elected (and so has a place on this portal)."""
        return self.kind in ELECTED_KINDS

    @elected.inplace.expression
    @classmethod
    def _elected_expression(cls) -> ColumnElement[bool]:
        return cls.kind.in_(ELECTED_KINDS)

    @hybrid_property
    def current(self) -> bool:
        """Whether the classifier still lists the unit (`valid_to` unset)."""
        return self.valid_to is None

    @current.inplace.expression
    @classmethod
    def _current_expression(cls) -> ColumnElement[bool]:
        return cls.valid_to.is_(None)

    def __repr__(self) -> str:
        return f"<RuralDistrict {self.kato} {self.name_ru}>"


class Settlement(LocalizedName, Model):
    """A village. Exactly one per rural district is its centre (a partial unique index)."""

    __tablename__ = "settlement"
    __table_args__ = (
        trigram_index("ix_settlement_search_key_trgm", "search_key"),
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
    population: Mapped[int | None] = mapped_column(Integer)  # None: not known
    search_key: Mapped[str] = mapped_column(String(SEARCH_KEY_LENGTH), default="")
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)  # None: current
    support_settlement_id: Mapped[int | None] = mapped_column(ForeignKey("settlement.id"))

    rural_district: Mapped[RuralDistrict] = relationship(back_populates="settlements")
    support_settlement: Mapped[Settlement | None] = relationship(remote_side=[id])

    def __repr__(self) -> str:
        return f"<Settlement {self.kato} {self.name_ru}>"


class PlaceChange(Model):
    """One change `flask geo import-kato` applied to a unit or settlement: the map's history."""

    __tablename__ = "place_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    kato: Mapped[str] = mapped_column(String(9), index=True)
    level: Mapped[str] = mapped_column(String(16))  # "unit" or "settlement"
    change: Mapped[PlaceChangeKind] = mapped_column(str_enum(PlaceChangeKind))
    effective_on: Mapped[date] = mapped_column(Date)
    name_before: Mapped[str | None] = mapped_column(String(200))
    name_after: Mapped[str | None] = mapped_column(String(200))
    parent_before: Mapped[str | None] = mapped_column(String(9))
    parent_after: Mapped[str | None] = mapped_column(String(9))
    successor_kato: Mapped[str | None] = mapped_column(String(9))
    source: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
