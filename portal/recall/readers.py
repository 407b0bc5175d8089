"""Set-based readers of flags and petitions for pages, the API and PDFs: plain values, one
query for any number of terms.

"Open flags" of a term (what `open_flag_counts_for_terms` and the API's `open_flags` count):
public flags whose condition still holds (not cleared) and that staff have not dismissed —
statuses open, akim_responded, under_review and upheld.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

from flask import has_request_context
from sqlalchemy import ColumnElement, Select, and_, case, func, select
from sqlalchemy.orm import joinedload

from portal.akims.models import Akim, Term
from portal.extensions import db
from portal.geo.models import District, Region, RuralDistrict
from portal.modeling import as_utc, utcnow
from portal.recall.models import (
    Flag,
    FlagStatus,
    Petition,
    PetitionStatus,
    RuleCode,
    Severity,
)
from portal.reports.timeliness import local_today
from portal.web.pagination import Page, paginate

COUNTED_AS_OPEN = (FlagStatus.OPEN, FlagStatus.AKIM_RESPONDED, FlagStatus.UNDER_REVIEW,
                   FlagStatus.UPHELD)
ACTIVE = (FlagStatus.OPEN, FlagStatus.AKIM_RESPONDED, FlagStatus.UNDER_REVIEW)


@dataclass(frozen=True)
class FlagRow:
    """A flag as plain values (JSON-ready through `as_dict`)."""

    id: int
    term_id: int
    rule: RuleCode
    subject: str
    severity: Severity
    status: FlagStatus
    first_raised_on: date
    last_confirmed_on: date
    cleared_on: date | None
    clear_reason: str | None
    public: bool
    public_from: datetime
    rule_version: int
    evidence: dict[str, Any]
    current_evidence: dict[str, Any]
    response: str | None
    responded_at: datetime | None
    decision_reason: str | None
    decided_at: datetime | None
    # The role the decision was taken under: "moderator", "admin", or "staff" for decisions
    # taken before review passed to the portal's moderators.
    decided_by_role: str | None = None

    @property
    def rule_number(self) -> int:
        return self.rule.number

    @property
    def is_live(self) -> bool:
        return self.cleared_on is None

    def as_dict(self) -> dict[str, Any]:
        values = asdict(self)
        values["rule_number"] = self.rule_number
        for key, value in values.items():
            if isinstance(value, RuleCode | Severity | FlagStatus):
                values[key] = value.value
            elif isinstance(value, date | datetime):
                values[key] = value.isoformat()
        return values


_FLAG_COLUMNS = (Flag.id, Flag.term_id, Flag.rule, Flag.subject, Flag.severity, Flag.status,
                 Flag.first_raised_on, Flag.last_confirmed_on, Flag.cleared_on,
                 Flag.clear_reason, Flag.public_from, Flag.rule_version, Flag.evidence,
                 Flag.current_evidence, Flag.response, Flag.responded_at,
                 Flag.decision_reason, Flag.decided_at, Flag.decided_by_role)


def _flag_row(values: Any, now: datetime) -> FlagRow:
    (flag_id, term_id, rule, subject, severity, status, raised, confirmed, cleared,
     clear_reason, public_from, version, evidence, current, response, responded_at,
     reason, decided_at, decided_by_role) = values
    public_from = as_utc(public_from)
    assert public_from is not None  # noqa: S101 - NOT NULL column
    return FlagRow(flag_id, term_id, RuleCode(rule), subject, Severity(severity),
                   FlagStatus(status), raised, confirmed, cleared,
                   clear_reason.value if clear_reason is not None else None,
                   public_from <= now, public_from, version, evidence or {}, current or {},
                   response, as_utc(responded_at), reason, as_utc(decided_at),
                   decided_by_role.value if decided_by_role is not None else None)


def is_public(now: datetime) -> ColumnElement[bool]:
    return Flag.public_from <= now


def _order() -> tuple[Any, ...]:
    """Live flags first, triggers before warnings, then by rule and the oldest first."""
    return (Flag.cleared_on.is_not(None), case((Flag.severity == Severity.TRIGGER, 0), else_=1),
            Flag.first_raised_on, Flag.id)


def flags_for_terms(term_ids: Iterable[int], public_only: bool = True,
                    now: datetime | None = None) -> dict[int, list[FlagRow]]:
    """Every flag of each term (live first), public ones only unless asked. One query."""
    ids = sorted(set(term_ids))
    result: dict[int, list[FlagRow]] = {term_id: [] for term_id in ids}
    if not ids:
        return result
    now = now or utcnow()
    statement = select(*_FLAG_COLUMNS).where(Flag.term_id.in_(ids)).order_by(*_order())
    if public_only:
        statement = statement.where(is_public(now))
    for row in db.session.execute(statement):
        result[row[1]].append(_flag_row(row, now))
    return result


def open_flag_statement(ids: Sequence[int],
                        now: datetime | None = None) -> Select[int, int]:
    """Term id and its count of open flags (the module docstring), grouped by term
    (`portal.figures` joins it with the other figures' statements into one query)."""
    return (
        select(Flag.term_id, func.count(Flag.id))
        .where(Flag.term_id.in_(ids), Flag.cleared_on.is_(None),
               Flag.status.in_(COUNTED_AS_OPEN), is_public(now or utcnow()))
        .group_by(Flag.term_id)
    )


def open_flag_counts_for_terms(term_ids: Iterable[int],
                               now: datetime | None = None) -> dict[int, int]:
    """Per term, its open flags as the module docstring defines them (0 when none). One
    query."""
    ids = sorted(set(term_ids))
    result = dict.fromkeys(ids, 0)
    if ids:
        result.update({term_id: int(count) for term_id, count
                       in db.session.execute(open_flag_statement(ids, now))})
    return result


def public_flags(status: FlagStatus | None = None, rule: RuleCode | None = None,
                 region_kato2: str | None = None, per_page: int = 50,
                 page: int | None = None, now: datetime | None = None) -> Page[FlagRow]:
    """Published flags across the country, for the API's list: two queries (count, page)."""
    now = now or utcnow()
    statement = select(*_FLAG_COLUMNS).where(is_public(now))
    if status is not None:
        statement = statement.where(Flag.status == status)
    if rule is not None:
        statement = statement.where(Flag.rule == rule)
    if region_kato2:
        statement = _in_region(statement, region_kato2)
    if page is None and not has_request_context():
        page = 1  # outside a request (a PDF job, a script) there is no ?page=
    page_of_rows = paginate(statement.order_by(*_order()), per_page, page=page, scalars=False)
    return Page([_flag_row(row, now) for row in page_of_rows.items], page_of_rows.page,
                page_of_rows.per_page, page_of_rows.total)


def published_flag_page(state: str, offset: int, limit: int,
                        now: datetime | None = None) -> tuple[list[FlagRow], int]:
    """Published flags for the open-data API: `state` "open" (counted as open, as the module
    docstring defines it), "closed" (the others) or "all"; newest first. Two queries."""
    now = now or utcnow()
    condition: ColumnElement[bool] = is_public(now)
    is_open = and_(Flag.cleared_on.is_(None), Flag.status.in_(COUNTED_AS_OPEN))
    if state == "open":
        condition = and_(condition, is_open)
    elif state == "closed":
        condition = and_(condition, ~is_open)
    total = db.session.scalar(select(func.count(Flag.id)).where(condition)) or 0
    rows = db.session.execute(
        select(*_FLAG_COLUMNS).where(condition)
        .order_by(Flag.first_raised_on.desc(), Flag.id.desc()).offset(offset).limit(limit)
    )
    return [_flag_row(row, now) for row in rows], int(total)


def _in_region(statement: Select[Any], kato2: str) -> Select[Any]:
    return (statement.join(Term, Term.id == Flag.term_id)
            .join(RuralDistrict, RuralDistrict.id == Term.rural_district_id)
            .join(District, District.id == RuralDistrict.district_id)
            .join(Region, Region.id == District.region_id)
            .where(Region.kato2 == kato2))


# --------------------------------------------------------------------------- profile

@dataclass(frozen=True)
class PetitionRow:
    id: int
    status: PetitionStatus
    signature_count: int
    opened_on: date
    closes_on: date
    succeeded_on: date | None
    accepting: bool  # open for signatures today (Almaty calendar)


@dataclass
class TermRecall:
    """What a profile shows: the term's flags and its current petition."""

    flags: list[FlagRow] = field(default_factory=list)
    petition: PetitionRow | None = None

    @property
    def live(self) -> list[FlagRow]:
        """The open flags, as the figure "open-flags" counts them (`open_flag_counts_for_terms`,
        the API, the dossier): not cleared and not dismissed. A dismissed flag whose condition
        still holds is closed for the reader; listing it as open contradicted the count."""
        return [flag for flag in self.flags if _counted_open(flag)]

    @property
    def closed(self) -> list[FlagRow]:
        return [flag for flag in self.flags if not _counted_open(flag)]


def _counted_open(flag: FlagRow) -> bool:
    return flag.is_live and flag.status in COUNTED_AS_OPEN


def recall_for_terms(term_ids: Iterable[int], public_only: bool = True,
                     now: datetime | None = None) -> dict[int, TermRecall]:
    """Flags and the current petition (collecting or succeeded; at most one per term, by a
    unique index) of each term, in ONE query: terms outer-joined to both."""
    ids = sorted(set(term_ids))
    result = {term_id: TermRecall() for term_id in ids}
    if not ids:
        return result
    now = now or utcnow()
    today = local_today(now)
    flag_on = Flag.term_id == Term.id
    if public_only:
        flag_on = and_(flag_on, is_public(now))
    current = Petition.status.in_((PetitionStatus.OPEN, PetitionStatus.SUCCEEDED))
    statement = (
        select(Term.id, *_FLAG_COLUMNS, Petition.id, Petition.status, Petition.signature_count,
               Petition.opened_on, Petition.closes_on, Petition.succeeded_on)
        .select_from(Term)
        .outerjoin(Flag, flag_on)
        .outerjoin(Petition, and_(Petition.term_id == Term.id, current))
        .where(Term.id.in_(ids))
        .order_by(Term.id, *_order())
    )
    flag_width = len(_FLAG_COLUMNS)
    for row in db.session.execute(statement):
        entry = result[row[0]]
        if row[1] is not None:
            entry.flags.append(_flag_row(row[1:1 + flag_width], now))
        petition = row[1 + flag_width:]
        if petition[0] is not None and entry.petition is None:
            petition_id, status, count, opened_on, closes_on, succeeded_on = petition
            status = PetitionStatus(status)
            entry.petition = PetitionRow(
                petition_id, status, count, opened_on, closes_on, succeeded_on,
                accepting=status == PetitionStatus.OPEN and today <= closes_on)
    return result


# --------------------------------------------------------------------------- pages

def flag_for_page(flag_id: int) -> Flag | None:
    """A flag with its term, akim and place (region included): one query."""
    return db.session.scalar(
        select(Flag)
        .options(joinedload(Flag.term).joinedload(Term.akim),
                 joinedload(Flag.term).joinedload(Term.rural_district)
                 .joinedload(RuralDistrict.district).joinedload(District.region))
        .where(Flag.id == flag_id)
    )


def petition_for_page(petition_id: int) -> Petition | None:
    return db.session.scalar(
        select(Petition)
        .options(joinedload(Petition.term).joinedload(Term.akim),
                 joinedload(Petition.term).joinedload(Term.rural_district)
                 .joinedload(RuralDistrict.district).joinedload(District.region))
        .where(Petition.id == petition_id)
    )


def petitions_of_term(term_id: int) -> list[Petition]:
    return list(db.session.scalars(
        select(Petition).where(Petition.term_id == term_id)
        .order_by(Petition.opened_on.desc(), Petition.id.desc())))


# --------------------------------------------------------------------------- staff

@dataclass(frozen=True)
class DashboardFilters:
    region: str | None = None  # kato2
    rule: RuleCode | None = None
    status: str = "active"  # "active", "all", or a FlagStatus value
    severity: Severity | None = None
    sort: str = "severity"  # "severity", "oldest", "newest"


@dataclass(frozen=True)
class DashboardRow:
    flag: Flag
    akim: Akim
    rural_district: RuralDistrict
    region: Region


SORTS = ("severity", "oldest", "newest")


def _filtered(statement: Any, filters: DashboardFilters) -> Any:
    if filters.status == "active":
        statement = statement.where(Flag.status.in_(ACTIVE))
    elif filters.status != "all":
        statement = statement.where(Flag.status == FlagStatus(filters.status))
    if filters.rule is not None:
        statement = statement.where(Flag.rule == filters.rule)
    if filters.severity is not None:
        statement = statement.where(Flag.severity == filters.severity)
    return statement


def dashboard(filters: DashboardFilters, per_page: int = 25,
              page: int | None = None) -> Page[DashboardRow]:
    """Flags for parliamentary staff, pending ones included: two queries (count, page)."""
    statement = (
        _filtered(select(Flag, Akim, RuralDistrict, Region).select_from(Flag), filters)
        .join(Term, Term.id == Flag.term_id)
        .join(Akim, Akim.id == Term.akim_id)
        .join(RuralDistrict, RuralDistrict.id == Term.rural_district_id)
        .join(District, District.id == RuralDistrict.district_id)
        .join(Region, Region.id == District.region_id)
    )
    if filters.region:
        statement = statement.where(Region.kato2 == filters.region)
    severity_first = case((Flag.severity == Severity.TRIGGER, 0), else_=1)
    order: tuple[Any, ...] = {
        "severity": (severity_first, Flag.first_raised_on, Flag.id),
        "oldest": (Flag.first_raised_on, Flag.id),
        "newest": (Flag.first_raised_on.desc(), Flag.id.desc()),
    }[filters.sort if filters.sort in SORTS else "severity"]
    result = paginate(statement.order_by(*order), per_page, page=page, scalars=False)
    return Page([DashboardRow(*row) for row in result.items], result.page, result.per_page,
                result.total)


def counts_by_region_and_rule(filters: DashboardFilters) -> dict[int, dict[RuleCode, int]]:
    """Region id → rule → number of flags matching the status and severity filters. One
    query."""
    statement = (
        _filtered(select(District.region_id, Flag.rule, func.count(Flag.id)).select_from(Flag),
                  DashboardFilters(status=filters.status, severity=filters.severity))
        .join(Term, Term.id == Flag.term_id)
        .join(RuralDistrict, RuralDistrict.id == Term.rural_district_id)
        .join(District, District.id == RuralDistrict.district_id)
        .group_by(District.region_id, Flag.rule)
    )
    result: dict[int, dict[RuleCode, int]] = {}
    for region_id, rule, count in db.session.execute(statement):
        result.setdefault(region_id, {})[RuleCode(rule)] = int(count)
    return result


def regions() -> list[Region]:
    return list(db.session.scalars(select(Region).order_by(Region.kato2)))


def flags_of_akim_term(term_id: int) -> list[Flag]:
    """All flags of a term for its akim (pending ones included), live first."""
    return list(db.session.scalars(select(Flag).where(Flag.term_id == term_id)
                                   .order_by(*_order())))


__all__ = ["ACTIVE", "COUNTED_AS_OPEN", "DashboardFilters", "FlagRow", "PetitionRow",
           "TermRecall", "counts_by_region_and_rule", "dashboard", "flag_for_page",
           "flags_for_terms", "open_flag_counts_for_terms", "petition_for_page",
           "public_flags", "recall_for_terms"]
