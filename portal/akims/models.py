"""An akim is a person; a term is that person's mandate in one rural district."""

from __future__ import annotations

import enum
from datetime import date
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import Model, db
from portal.geo.models import RuralDistrict
from portal.modeling import Synthetic, current_language, str_enum
from portal.textsearch import trigram_index


class Gender(enum.StrEnum):
    FEMALE = "female"
    MALE = "male"


class TermStatus(enum.StrEnum):
    SERVING = "serving"
    ENDED = "ended"


class TermEndReason(enum.StrEnum):
    """Why a mandate ended: the grounds on which an elected akim's powers end."""

    TERM_END = "term_end"  # the term expired
    RESIGNED = "resigned"
    APPOINTED = "appointed"  # appointed to another post
    INELIGIBLE = "ineligible"  # lost eligibility by a court decision (`end_record` names it)
    DIED = "died"
    # The rural district was abolished or merged; its successor, if any, is
    # `RuralDistrict.successor`.
    DISTRICT_ABOLISHED = "district_abolished"
    # Only through a recorded procedure: `end_record` names the act that recorded the recall.
    RECALLED = "recalled"


# Reasons that must name the act recording them (`Term.end_record`).
RECORDED_END_REASONS = (TermEndReason.INELIGIBLE, TermEndReason.RECALLED)
# The two-term limit announced in March 2026 (DOMAIN.md; the profile says "announced", since
# no adopted text was available to cite). The portal counts every term held in the same rural
# district, by-election terms included (`portal.akims.services.terms_served`), not only
# consecutive ones: it shows the count beside the limit and judges nothing by it.
TERM_LIMIT = 2


class Akim(Synthetic, Model):
    __tablename__ = "akim"
    __table_args__ = (trigram_index("ix_akim_search_key_trgm", "search_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Cyrillic as used in Kazakh and Russian; Latin for English pages.
    full_name: Mapped[str] = mapped_column(String(200), index=True)
    full_name_latn: Mapped[str] = mapped_column(String(200), index=True)
    birth_year: Mapped[int | None] = mapped_column(Integer)
    gender: Mapped[Gender] = mapped_column(str_enum(Gender))
    party: Mapped[str | None] = mapped_column(String(120))  # None: self-nominated
    search_key: Mapped[str] = mapped_column(String(400), default="")  # see portal.textsearch

    terms: Mapped[list[Term]] = relationship(
        back_populates="akim", order_by="Term.starts_on.desc()"
    )

    @property
    def name(self) -> str:
        return self.full_name_latn if current_language() == "en" else self.full_name

    def __repr__(self) -> str:
        return f"<Akim {self.id} {self.full_name_latn}>"


class Term(Synthetic, Model):
    """One mandate. At most one serving term per rural district, enforced by a partial index."""

    __tablename__ = "term"
    __table_args__ = (
        Index(
            "uq_term_one_serving_per_rural_district",
            "rural_district_id",
            unique=True,
            sqlite_where=db.text("status = 'serving'"),
            postgresql_where=db.text("status = 'serving'"),
        ),
        CheckConstraint("ends_on > starts_on", name="ends_after_start"),
        CheckConstraint("starts_on >= elected_on", name="starts_after_election"),
        CheckConstraint(
            "(status = 'serving' AND end_reason IS NULL AND ended_on IS NULL)"
            " OR (status = 'ended' AND end_reason IS NOT NULL AND ended_on IS NOT NULL)",
            name="status_matches_end",
        ),
        CheckConstraint("vote_share >= 0 AND vote_share <= 100", name="vote_share_percent"),
        CheckConstraint("turnout >= 0 AND turnout <= 100", name="turnout_percent"),
        CheckConstraint(
            "end_reason IS NULL OR end_reason NOT IN ('ineligible', 'recalled')"
            " OR (end_record IS NOT NULL AND end_record <> '')",
            name="recorded_end_has_record",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    akim_id: Mapped[int] = mapped_column(ForeignKey("akim.id"), index=True)
    rural_district_id: Mapped[int] = mapped_column(ForeignKey("rural_district.id"), index=True)
    elected_on: Mapped[date] = mapped_column(Date)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)  # the scheduled end of the four-year term
    ended_on: Mapped[date | None] = mapped_column(Date)  # the actual end, once ended
    vote_share: Mapped[Decimal] = mapped_column(Numeric(5, 2))  # percent of valid votes
    turnout: Mapped[Decimal] = mapped_column(Numeric(5, 2))  # percent of registered voters
    status: Mapped[TermStatus] = mapped_column(str_enum(TermStatus), index=True)
    end_reason: Mapped[TermEndReason | None] = mapped_column(str_enum(TermEndReason))
    # The act that recorded the end (court decision, election commission's decision on a
    # recall): required for loss of eligibility and recall, which never end a term otherwise.
    end_record: Mapped[str | None] = mapped_column(String(500))

    akim: Mapped[Akim] = relationship(back_populates="terms")
    rural_district: Mapped[RuralDistrict] = relationship(back_populates="terms")

    @property
    def is_serving(self) -> bool:
        return self.status == TermStatus.SERVING

    @property
    def last_day(self) -> date:
        return self.ended_on or self.ends_on

    def __repr__(self) -> str:
        return f"<Term {self.id} akim={self.akim_id} rd={self.rural_district_id} {self.status}>"
