"""Reading akims and their terms for profiles and lists."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from portal.akims.models import Akim, Term, TermStatus
from portal.extensions import db
from portal.geo.models import District, RuralDistrict


def akim_with_terms(akim_id: int) -> Akim | None:
    """An akim with every term and the place of each, loaded up front for the profile."""
    return db.session.scalar(
        select(Akim)
        .options(
            selectinload(Akim.terms)
            .joinedload(Term.rural_district)
            .joinedload(RuralDistrict.district)
            .joinedload(District.region),
            selectinload(Akim.terms).joinedload(Term.rural_district).joinedload(
                RuralDistrict.centre
            ),
            # A term ended by a merger names the district's successor.
            selectinload(Akim.terms).joinedload(Term.rural_district).joinedload(
                RuralDistrict.successor
            ),
        )
        .where(Akim.id == akim_id)
    )


def term_with_place(term_id: int) -> Term | None:
    """A term with its akim and its rural district, district and region: one query, for any
    page that heads itself with the akim and the place (programme, petitions)."""
    return db.session.scalar(
        select(Term)
        .options(joinedload(Term.akim),
                 joinedload(Term.rural_district).joinedload(RuralDistrict.district)
                 .joinedload(District.region))
        .where(Term.id == term_id)
    )


def terms_served(akim: Akim, term: Term) -> int:
    """How many terms the akim has held in `term`'s rural district, that one included (by-
    election terms count as terms), for the two-term limit. Uses the loaded terms."""
    return sum(1 for held in akim.terms
               if held.rural_district_id == term.rural_district_id
               and held.starts_on <= term.starts_on)


def current_or_latest_term(akim: Akim) -> Term | None:
    """The serving term if any, else the most recent one (terms are ordered newest first)."""
    for term in akim.terms:
        if term.status == TermStatus.SERVING:
            return term
    return akim.terms[0] if akim.terms else None


def serving_term_of(rural_district_id: int) -> Term | None:
    return db.session.scalar(
        select(Term).where(
            Term.rural_district_id == rural_district_id, Term.status == TermStatus.SERVING
        )
    )
