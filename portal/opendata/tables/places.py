"""Places, akims and terms: the map and who holds office where."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import aliased

from portal.akims.models import Akim, Term
from portal.geo.models import District, Region, RuralDistrict, Settlement
from portal.opendata.columns import (
    NAMES,
    SYNTHETIC,
    D,
    I,
    N,
    S,
    Table,
    names_of,
    stream,
)


def _regions() -> Iterator[tuple[Any, ...]]:
    return stream(select(Region.kato2, Region.kato, Region.iso_code, Region.kind, *names_of(Region),
                         Region.name_kk_latn).order_by(Region.kato2))


def _districts() -> Iterator[tuple[Any, ...]]:
    return stream(select(District.kato4, District.kato, Region.kato2, District.kind,
                         *names_of(District))
                  .join(Region, Region.id == District.region_id).order_by(District.kato4))


def _rural_districts() -> Iterator[tuple[Any, ...]]:
    return stream(select(RuralDistrict.kato, District.kato4, *names_of(RuralDistrict),
                         RuralDistrict.population, RuralDistrict.registered_voters)
                  .join(District, District.id == RuralDistrict.district_id)
                  .order_by(RuralDistrict.kato))


def _settlements() -> Iterator[tuple[Any, ...]]:
    support = aliased(Settlement)
    return stream(select(Settlement.kato, RuralDistrict.kato, Settlement.kind,
                         *names_of(Settlement), Settlement.population, support.kato)
                  .join(RuralDistrict, RuralDistrict.id == Settlement.rural_district_id)
                  .outerjoin(support, support.id == Settlement.support_settlement_id)
                  .order_by(Settlement.kato))


def _akims() -> Iterator[tuple[Any, ...]]:
    return stream(select(Akim.id, Akim.full_name, Akim.full_name_latn, Akim.birth_year,
                         Akim.gender, Akim.party, Akim.synthetic).order_by(Akim.id))


def _terms() -> Iterator[tuple[Any, ...]]:
    return stream(select(Term.id, Term.akim_id, RuralDistrict.kato, Term.elected_on,
                         Term.starts_on, Term.ends_on, Term.ended_on, Term.status,
                         Term.end_reason, Term.vote_share, Term.turnout, Term.synthetic)
                  .join(RuralDistrict, RuralDistrict.id == Term.rural_district_id)
                  .order_by(Term.id))


PLACES = [
    Table("regions", "Regions", "The 17 regions and 3 cities of republican significance.", [
        S("kato", "2-digit KATO prefix (= ISO 3166-2:KZ number)."),
        S("kato9", "Full 9-digit KATO code."), S("iso_code", "ISO 3166-2 code."),
        S("kind", "region or city (of republican significance)."), *NAMES("Name"),
        S("name_kk_latn", "Kazakh name in Latin letters."),
    ], _regions, ["kato"]),
    Table("districts", "Districts", "Districts (audan) and city administrations.", [
        S("kato", "4-digit KATO prefix."), S("kato9", "Full 9-digit KATO code."),
        S("region_kato", "The region."), S("kind", "district, city_administration or "
                                                   "city_district."), *NAMES("Name"),
    ], _districts, ["kato"], [("region_kato", "regions", "kato")]),
    Table("rural_districts", "Rural districts", "Rural districts (auyl okrug), each led by an "
          "elected akim.", [
        S("kato", "9-digit KATO code."), S("district_kato", "The district."), *NAMES("Name"),
        I("population", "Residents."), I("registered_voters", "Registered voters."),
    ], _rural_districts, ["kato"], [("district_kato", "districts", "kato")]),
    Table("settlements", "Settlements", "Villages of each rural district.", [
        S("kato", "9-digit KATO code."), S("rural_district_kato", "The rural district."),
        S("kind", "centre, support (key village), satellite or other."), *NAMES("Name"),
        I("population", "Residents."),
        S("support_settlement_kato", "For a satellite village: its support village."),
    ], _settlements, ["kato"], [("rural_district_kato", "rural_districts", "kato")]),
    Table("akims", "Akims", "Elected rural akims: public officials, public data only.", [
        I("id", "The akim's id (profile: /akims/<id>)."), S("full_name", "Name in Cyrillic."),
        S("full_name_latn", "Name in Latin letters."), I("birth_year", "Year of birth."),
        S("gender", "female or male."), S("party", "Nominating party's code; empty when "
                                                   "self-nominated."),
        SYNTHETIC("person"),
    ], _akims, ["id"]),
    Table("terms", "Terms", "Each mandate of an akim in a rural district.", [
        I("id", "The term's id."), I("akim_id", "The akim."),
        S("rural_district_kato", "The rural district."), D("elected_on", "Election day."),
        D("starts_on", "First day in office."), D("ends_on", "Scheduled end."),
        D("ended_on", "Actual last day, once ended."), S("status", "serving or ended."),
        S("end_reason", "Why it ended: term_end, resigned, appointed (to another post), "
          "ineligible (court decision), died, district_abolished (abolished or merged) or "
          "recalled (recorded procedure)."),
        N("vote_share", "Share of valid votes, percent."), N("turnout", "Turnout, percent."),
        SYNTHETIC("term"),
    ], _terms, ["id"], [("akim_id", "akims", "id"),
                        ("rural_district_kato", "rural_districts", "kato")]),
]
