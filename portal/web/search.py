"""Finding an akim by name, a place at any level by name, or any place by KATO code.

Regions and districts are few (about 20 and 220) and change only with the classifier, so
they are matched in Python against their names in every spelling, with one typo tolerated
(`portal.textsearch.Matcher`); rural districts, villages and akims by their stored `search_key`;
promises, reports and meeting questions by their row in `search_entry` (`portal.search`: a
promise's title and description, a report's current published version, never a draft; a
question with its answer and what was done).
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Generic, TypeVar

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from portal.akims.models import Akim, Term
from portal.extensions import db
from portal.geo.models import District, Region, RuralDistrict, Settlement
from portal.geo.services import region_by_kato
from portal.meetings.models import Meeting, MeetingQuestion
from portal.promises.models import Promise
from portal.reports.models import Report, ReportVersion
from portal.search.models import EntryKind, SearchEntry, search_entry_fts
from portal.textsearch import Matcher, fold, holds, like_pattern, place_key, variants
from portal.web.pagination import Page, page_number

MIN_QUERY_LENGTH = 2
PLACES_LIMIT = 20
TEXT_LIMIT = 20  # promises and reports shown of each kind; the count says how many match


KINDS = ("akims", "places", "promises", "reports", "questions")


T = TypeVar("T")


@dataclass
class TextHits(Generic[T]):  # noqa: UP046 - Python 3.11
    """Promises or reports whose text matches: the first few, and how many there are."""

    total: int = 0
    items: list[T] = field(default_factory=list)


@dataclass
class SearchResults:
    query: str
    akims: Page[Akim] | None = None
    rural_districts: list[RuralDistrict] = field(default_factory=list)
    settlements: list[Settlement] = field(default_factory=list)
    districts: list[District] = field(default_factory=list)
    regions: list[Region] = field(default_factory=list)
    promises: TextHits[Promise] = field(default_factory=TextHits)
    reports: TextHits[tuple[Report, ReportVersion]] = field(default_factory=TextHits)
    questions: TextHits[MeetingQuestion] = field(default_factory=TextHits)
    kind: str | None = None
    region: Region | None = None

    @property
    def empty(self) -> bool:
        return not (
            (self.akims and self.akims.total)
            or self.rural_districts or self.settlements or self.districts or self.regions
            or self.promises.total or self.reports.total or self.questions.total
        )


def search(query: str, per_page: int = 20, kind: str | None = None,
           region: str | None = None) -> SearchResults:
    """Everything public that matches, by kind; `kind` (one of KINDS) and `region` (a KATO
    region code) narrow it. An unknown kind or region is ignored, as a filter form would."""
    query = " ".join(query.split())[:100]
    results = SearchResults(query=query, kind=kind if kind in KINDS else None)
    if region:
        results.region = region_by_kato(region[:2])  # None for anything but two digits
    if len(fold(query)) < MIN_QUERY_LENGTH:
        return results
    wanted = {results.kind} if results.kind else set(KINDS)
    region_id = results.region.id if results.region else None
    if query.isdigit():
        if "places" in wanted:
            _search_kato(query, results)
        if results.region is not None:
            # Every KATO code begins with its region's two digits.
            prefix = results.region.kato2
            results.districts = [d for d in results.districts if d.kato4.startswith(prefix)]
            results.rural_districts = [u for u in results.rural_districts
                                       if u.kato.startswith(prefix)]
            results.settlements = [s for s in results.settlements if s.kato.startswith(prefix)]
        return results
    if "places" in wanted:
        regions, districts = _regions_and_districts(query)
        results.regions = [r for r in regions if region_id in (None, r.id)]
        results.districts = [d for d in districts if region_id in (None, d.region_id)]
    in_region: list[ColumnElement[bool]] = (
        [] if region_id is None else [District.region_id == region_id])
    if "akims" in wanted:
        akims = select(Akim.id).where(holds(Akim.search_key, query))
        if region_id is not None:
            akims = akims.where(Akim.id.in_(
                select(Term.akim_id).join(RuralDistrict, RuralDistrict.id == Term.rural_district_id)
                .join(District, District.id == RuralDistrict.district_id).where(*in_region)))
        results.akims = _akims(list(db.session.scalars(akims.order_by(Akim.full_name, Akim.id))),
                               per_page)
    if "places" in wanted:
        results.rural_districts = list(db.session.scalars(
            select(RuralDistrict)
            .join(District, District.id == RuralDistrict.district_id)
            .options(joinedload(RuralDistrict.district).joinedload(District.region))
            .where(holds(RuralDistrict.search_key, query), *in_region)
            .order_by(RuralDistrict.kato)
            .limit(PLACES_LIMIT)
        ))
        results.settlements = list(db.session.scalars(
            select(Settlement)
            .join(RuralDistrict, RuralDistrict.id == Settlement.rural_district_id)
            .join(District, District.id == RuralDistrict.district_id)
            .options(joinedload(Settlement.rural_district).joinedload(RuralDistrict.district))
            .where(holds(Settlement.search_key, query), *in_region)
            .order_by(Settlement.kato)
            .limit(PLACES_LIMIT)
        ))
    kinds = [kind for name, kind in TEXT_KINDS.items() if name in wanted]
    entries = _entries(query, kinds, region_id) if kinds else {}
    nothing: Hits = (0, [])
    results.promises = _promises(*entries.get(EntryKind.PROMISE, nothing))
    results.reports = _reports(*entries.get(EntryKind.REPORT, nothing))
    results.questions = _questions(*entries.get(EntryKind.QUESTION, nothing))
    if results.empty and "places" in wanted:
        _near_places(query, region_id, results)
    return results


def _akims(ids: list[int], per_page: int) -> Page[Akim]:
    """A page of the akims whose ids are given in order. The ids of every match are read in
    one statement (a COUNT and a page would each match the name against the keys: a scan on
    SQLite, the trigram index on PostgreSQL); the page's akims then by id, with their terms
    and places."""
    last = max(1, -(-len(ids) // per_page))
    number = min(page_number(), last)
    shown = ids[(number - 1) * per_page:number * per_page]
    found = {akim.id: akim for akim in db.session.scalars(
        select(Akim).options(selectinload(Akim.terms).joinedload(Term.rural_district)
                             .joinedload(RuralDistrict.district))
        .where(Akim.id.in_(shown)))} if shown else {}
    return Page(items=[found[i] for i in shown], page=number, per_page=per_page,
                total=len(ids))


def _near_places(query: str, region_id: int | None, results: SearchResults) -> None:
    """Nothing matched as typed: rural districts and villages one typo away (`Matcher`), read
    as (id, key) pairs only. Only on a miss: over the whole classifier's 16,000 names this
    costs 20-45 ms more (measured in Python, without the database read)."""
    matcher = Matcher(query)
    in_region = [] if region_id is None else [District.region_id == region_id]
    units = db.session.execute(
        select(RuralDistrict.id, RuralDistrict.search_key)
        .join(District, District.id == RuralDistrict.district_id).where(*in_region)).all()
    unit_ids = [units[i].id for i in matcher.matching([row.search_key for row in units])]
    villages = db.session.execute(
        select(Settlement.id, Settlement.search_key)
        .join(RuralDistrict, RuralDistrict.id == Settlement.rural_district_id)
        .join(District, District.id == RuralDistrict.district_id).where(*in_region)).all()
    village_ids = [villages[i].id
                   for i in matcher.matching([row.search_key for row in villages])]
    if unit_ids:
        results.rural_districts = list(db.session.scalars(
            select(RuralDistrict)
            .options(joinedload(RuralDistrict.district).joinedload(District.region))
            .where(RuralDistrict.id.in_(unit_ids[:PLACES_LIMIT])).order_by(RuralDistrict.kato)))
    if village_ids:
        results.settlements = list(db.session.scalars(
            select(Settlement)
            .options(joinedload(Settlement.rural_district).joinedload(RuralDistrict.district))
            .where(Settlement.id.in_(village_ids[:PLACES_LIMIT])).order_by(Settlement.kato)))


def _contains(variant: str) -> ColumnElement[bool]:
    """`search_entry.body` holds the folded text. On SQLite, three characters or more without
    LIKE's wildcards are looked up in the FTS5 trigram index (which answers shorter patterns,
    or an ESCAPE clause, with nothing or a scan); otherwise a LIKE over the rows."""
    if (db.session.get_bind().dialect.name == "sqlite" and len(variant) >= 3
            and not set(variant) & set("%_\\")):
        return SearchEntry.id.in_(select(search_entry_fts.c.rowid)
                                  .where(search_entry_fts.c.body.like(f"%{variant}%")))
    return SearchEntry.body.like(like_pattern(variant), escape="\\")


# The kinds of `search_entry` and the KINDS that show them.
TEXT_KINDS = {"promises": EntryKind.PROMISE, "reports": EntryKind.REPORT,
              "questions": EntryKind.QUESTION}
Hits = tuple[int, list[int]]  # how many entries match, and the newest TEXT_LIMIT objects


# Up to this many matching entries (of every kind) are read at once and the newest of each
# kind picked here; past it, each kind's newest are asked for with LIMIT.
FEW_ENTRIES = 2000


def _entries(query: str, kinds: list[EntryKind], region_id: int | None) -> dict[EntryKind, Hits]:
    """For each kind that has any, how many entries match and the ids of the newest TEXT_LIMIT
    objects. The counts of every kind come from one statement, so the text is matched once for
    them (a count per kind matched it once each, 3-9 ms each on the national seed).

    A condition on the kind leads SQLite to walk the kind's index (some 50,000 promises),
    looking each entry up among the few the trigram index found: so when few match, their ids
    are read in one statement without it and the newest of each kind chosen here; when many
    match (a short word, a LIKE over the rows), the walk stops after TEXT_LIMIT and is the
    cheaper way."""
    conditions = [or_(*(_contains(v) for v in variants(query)))]
    if region_id is not None:
        conditions.append(SearchEntry.region_id == region_id)
    totals = {EntryKind(kind): total for kind, total in db.session.execute(
        select(SearchEntry.kind, func.count()).where(*conditions).group_by(SearchEntry.kind))
        if EntryKind(kind) in kinds}
    if not totals:
        return {}
    if sum(totals.values()) <= FEW_ENTRIES:
        ids: dict[EntryKind, list[int]] = {kind: [] for kind in totals}
        for kind, object_id in db.session.execute(
                select(SearchEntry.kind, SearchEntry.object_id).where(*conditions)):
            if EntryKind(kind) in ids:
                ids[EntryKind(kind)].append(object_id)
        return {kind: (totals[kind], heapq.nlargest(TEXT_LIMIT, found))
                for kind, found in ids.items()}
    return {kind: (total, list(db.session.scalars(
        select(SearchEntry.object_id).where(SearchEntry.kind == kind, *conditions)
        .order_by(SearchEntry.object_id.desc()).limit(TEXT_LIMIT))))
        for kind, total in totals.items()}


def _promises(total: int, ids: list[int]) -> TextHits[Promise]:
    if not ids:
        return TextHits()
    found = {promise.id: promise for promise in db.session.scalars(
        select(Promise).options(joinedload(Promise.term).joinedload(Term.akim),
                                joinedload(Promise.term).joinedload(Term.rural_district))
        .where(Promise.id.in_(ids)))}
    return TextHits(total, [found[i] for i in ids if i in found])


def _questions(total: int, ids: list[int]) -> TextHits[MeetingQuestion]:
    if not ids:
        return TextHits()
    found = {item.id: item for item in db.session.scalars(
        select(MeetingQuestion)
        .options(joinedload(MeetingQuestion.meeting).joinedload(Meeting.term)
                 .joinedload(Term.akim),
                 joinedload(MeetingQuestion.meeting).joinedload(Meeting.settlement))
        .where(MeetingQuestion.id.in_(ids)))}
    return TextHits(total, [found[i] for i in ids if i in found])


def _reports(total: int, ids: list[int]) -> TextHits[tuple[Report, ReportVersion]]:
    if not ids:
        return TextHits()
    rows = db.session.execute(
        select(Report, ReportVersion)
        .join(ReportVersion, (ReportVersion.report_id == Report.id)
              & (ReportVersion.number == Report.current_version))
        .options(joinedload(Report.term).joinedload(Term.akim),
                 joinedload(Report.term).joinedload(Term.rural_district))
        .where(Report.id.in_(ids))).all()
    found = {report.id: (report, version) for report, version in rows}
    return TextHits(total, [found[i] for i in ids if i in found])


@lru_cache(maxsize=4096)
def _place_key(name_kk: str, name_ru: str, name_en: str, name_kk_latn: str = "") -> str:
    """A region's or district's names folded (`place_key`). Cached on the names themselves,
    so a renamed place gets a new key at once."""
    return place_key(name_kk, name_ru, name_en, name_kk_latn)


def _regions_and_districts(query: str) -> tuple[list[Region], list[District]]:
    """Regions and districts whose name in any language or spelling matches, best first."""
    matcher = Matcher(query)
    regions = db.session.execute(select(
        Region.id, Region.kato2, Region.name_kk, Region.name_ru, Region.name_en,
        Region.name_kk_latn)).all()
    region_ranks = {row.id: (score, row.kato2) for row in regions if (score := matcher.rank(
        _place_key(row.name_kk, row.name_ru, row.name_en, row.name_kk_latn))) is not None}
    districts = db.session.execute(select(
        District.id, District.kato4, District.name_kk, District.name_ru, District.name_en)).all()
    district_ranks = {row.id: (score, row.kato4) for row in districts if (score := matcher.rank(
        _place_key(row.name_kk, row.name_ru, row.name_en))) is not None}
    best_regions = sorted(region_ranks, key=region_ranks.__getitem__)[:PLACES_LIMIT]
    best_districts = sorted(district_ranks, key=district_ranks.__getitem__)[:PLACES_LIMIT]
    found_regions = {region.id: region for region in db.session.scalars(
        select(Region).where(Region.id.in_(best_regions)))} if best_regions else {}
    found_districts = {district.id: district for district in db.session.scalars(
        select(District).options(joinedload(District.region))
        .where(District.id.in_(best_districts)))} if best_districts else {}
    return ([found_regions[i] for i in best_regions],
            [found_districts[i] for i in best_districts])


def _search_kato(code: str, results: SearchResults) -> None:
    """A KATO code or its prefix: 4 digits name a district, 9 a rural district or village."""
    if len(code) <= 4:
        results.districts = list(db.session.scalars(
            select(District).options(joinedload(District.region))
            .where(District.kato4.startswith(code)).order_by(District.kato4).limit(PLACES_LIMIT)
        ))
    prefix = code.rstrip("0") if len(code) == 9 else code
    prefix = prefix or code
    results.rural_districts = list(db.session.scalars(
        select(RuralDistrict)
        .options(joinedload(RuralDistrict.district).joinedload(District.region))
        .where(or_(RuralDistrict.kato == code, RuralDistrict.kato.startswith(prefix)))
        .order_by(RuralDistrict.kato)
        .limit(PLACES_LIMIT)
    ))
    results.settlements = list(db.session.scalars(
        select(Settlement)
        .options(joinedload(Settlement.rural_district).joinedload(RuralDistrict.district))
        .where(Settlement.kato == code)
        .limit(PLACES_LIMIT)
    ))
