"""The tables of the bulk download: what each column means, and the query that fills it.

Published data only, exactly what the public pages show: no user ids, emails, IINs, authors or
signers (timeline entries carry the author's role, as the pages do), no drafts (report texts
come from published versions), no private files. Rows are streamed, never held in memory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import aliased

from portal.akims.models import Akim, Term
from portal.budgets.indicators import YearIndicators
from portal.budgets.models import BudgetCategory, BudgetLine
from portal.budgets.readers import budget_summaries_for_rural_districts
from portal.budgets.validation import period_label
from portal.extensions import db
from portal.geo.models import District, Region, RuralDistrict, Settlement
from portal.promises.models import (
    Programme,
    Promise,
    PromiseAmendment,
    PromiseEvidence,
    PromiseUpdate,
    promise_settlement,
)
from portal.reports.models import CONTENT_FIELDS, Report, ReportAttachment, ReportVersion
from portal.reports.readers import owed
from portal.reports.timeliness import classify, local_today
from portal.uploads import StoredFile

BATCH = 5_000


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # a Frictionless Table Schema type: string, integer, number, boolean, date, …
    description: str
    format: str | None = None


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    description: str
    columns: list[Column]
    rows: Callable[[], Iterator[tuple[Any, ...]]]
    primary_key: list[str] = field(default_factory=list)
    foreign_keys: list[tuple[str, str, str]] = field(default_factory=list)  # col, table, col


def S(name: str, description: str) -> Column:  # noqa: N802 - short column constructors
    return Column(name, "string", description)


def I(name: str, description: str) -> Column:  # noqa: N802, E743
    return Column(name, "integer", description)


def D(name: str, description: str) -> Column:  # noqa: N802
    return Column(name, "date", description)


def B(name: str, description: str) -> Column:  # noqa: N802
    return Column(name, "boolean", description)


def N(name: str, description: str) -> Column:  # noqa: N802
    return Column(name, "number", description)


def T(name: str, description: str) -> Column:  # noqa: N802
    return Column(name, "datetime", description)


def NAMES(what: str) -> list[Column]:  # noqa: N802
    return [S("name_kk", f"{what} in Kazakh."), S("name_ru", f"{what} in Russian."),
            S("name_en", f"{what} in English.")]


def stream(statement: Select) -> Iterator[tuple[Any, ...]]:
    for row in db.session.execute(statement.execution_options(yield_per=BATCH)):
        yield tuple(row)


def _names(model: Any) -> tuple[Any, ...]:
    return (model.name_kk, model.name_ru, model.name_en)


# --------------------------------------------------------------------------- places and people

def _regions() -> Iterator[tuple[Any, ...]]:
    return stream(select(Region.kato2, Region.kato, Region.iso_code, Region.kind, *_names(Region),
                         Region.name_kk_latn).order_by(Region.kato2))


def _districts() -> Iterator[tuple[Any, ...]]:
    return stream(select(District.kato4, District.kato, Region.kato2, District.kind,
                         *_names(District))
                  .join(Region, Region.id == District.region_id).order_by(District.kato4))


def _rural_districts() -> Iterator[tuple[Any, ...]]:
    return stream(select(RuralDistrict.kato, District.kato4, *_names(RuralDistrict),
                         RuralDistrict.population, RuralDistrict.registered_voters)
                  .join(District, District.id == RuralDistrict.district_id)
                  .order_by(RuralDistrict.kato))


def _settlements() -> Iterator[tuple[Any, ...]]:
    support = aliased(Settlement)
    return stream(select(Settlement.kato, RuralDistrict.kato, Settlement.kind,
                         *_names(Settlement), Settlement.population, support.kato)
                  .join(RuralDistrict, RuralDistrict.id == Settlement.rural_district_id)
                  .outerjoin(support, support.id == Settlement.support_settlement_id)
                  .order_by(Settlement.kato))


def _akims() -> Iterator[tuple[Any, ...]]:
    return stream(select(Akim.id, Akim.full_name, Akim.full_name_latn, Akim.birth_year,
                         Akim.gender, Akim.party).order_by(Akim.id))


def _terms() -> Iterator[tuple[Any, ...]]:
    return stream(select(Term.id, Term.akim_id, RuralDistrict.kato, Term.elected_on,
                         Term.starts_on, Term.ends_on, Term.ended_on, Term.status,
                         Term.end_reason, Term.vote_share, Term.turnout)
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
    ], _akims, ["id"]),
    Table("terms", "Terms", "Each mandate of an akim in a rural district.", [
        I("id", "The term's id."), I("akim_id", "The akim."),
        S("rural_district_kato", "The rural district."), D("elected_on", "Election day."),
        D("starts_on", "First day in office."), D("ends_on", "Scheduled end."),
        D("ended_on", "Actual last day, once ended."), S("status", "serving or ended."),
        S("end_reason", "Why it ended: term_end, resigned, dismissed, recalled or died."),
        N("vote_share", "Share of valid votes, percent."), N("turnout", "Turnout, percent."),
    ], _terms, ["id"], [("akim_id", "akims", "id"),
                        ("rural_district_kato", "rural_districts", "kato")]),
]


# --------------------------------------------------------------------------- promises

def _programmes() -> Iterator[tuple[Any, ...]]:
    return stream(select(Programme.term_id, Programme.baseline_date).order_by(Programme.term_id))


def _promises() -> Iterator[tuple[Any, ...]]:
    return stream(select(
        Promise.id, Promise.term_id, Promise.number, Promise.title, Promise.description,
        Promise.language, Promise.category, Promise.deadline, Promise.original_deadline,
        Promise.cost_estimate, Promise.funding_source, Promise.inherited, Promise.in_baseline,
        Promise.claimed_status, Promise.claimed_progress, Promise.claimed_broken_reason,
        Promise.verified_status, Promise.verified_broken_reason, Promise.status,
        Promise.confirm_count, Promise.dispute_count, Promise.amendment_count,
    ).order_by(Promise.id))


def _promise_settlements() -> Iterator[tuple[Any, ...]]:
    return stream(select(promise_settlement.c.promise_id, Settlement.kato)
                  .join(Settlement, Settlement.id == promise_settlement.c.settlement_id)
                  .order_by(promise_settlement.c.promise_id, Settlement.kato))


def _promise_updates() -> Iterator[tuple[Any, ...]]:
    return stream(select(
        PromiseUpdate.id, PromiseUpdate.promise_id, PromiseUpdate.created_at,
        PromiseUpdate.kind, PromiseUpdate.status, PromiseUpdate.previous_status,
        PromiseUpdate.progress, PromiseUpdate.broken_reason, PromiseUpdate.note,
        PromiseUpdate.source, PromiseUpdate.author_role, PromiseUpdate.confirm_count,
        PromiseUpdate.dispute_count,
    ).order_by(PromiseUpdate.id))


def _promise_evidence() -> Iterator[tuple[Any, ...]]:
    from portal.api.serialize import public_url

    statement = (select(PromiseEvidence.id, PromiseEvidence.update_id, PromiseUpdate.promise_id,
                        PromiseEvidence.url, PromiseEvidence.file_id, StoredFile.content_type,
                        StoredFile.size_bytes, StoredFile.sha256)
                 .join(PromiseUpdate, PromiseUpdate.id == PromiseEvidence.update_id)
                 .outerjoin(StoredFile, StoredFile.id == PromiseEvidence.file_id)
                 .order_by(PromiseEvidence.id))
    for (evidence_id, update_id, promise_id, url, file_id, content_type, size,
         sha256) in stream(statement):
        file_url = (public_url("promises.evidence_file", promise_id=promise_id,
                               evidence_id=evidence_id) if file_id else None)
        yield (evidence_id, update_id, url, file_url, content_type, size, sha256)


def _promise_amendments() -> Iterator[tuple[Any, ...]]:
    return stream(select(PromiseAmendment.id, PromiseAmendment.promise_id,
                         PromiseAmendment.created_at, PromiseAmendment.kind,
                         PromiseAmendment.changes, PromiseAmendment.reason)
                  .order_by(PromiseAmendment.id))


STATUS = ("not_yet_rated, in_progress, stalled, partially_kept, kept, broken, not_verifiable, "
          "outside_competence or withdrawn.")
PROMISES = [
    Table("programmes", "Programmes", "Each term's programme and the day its baseline froze.", [
        I("term_id", "The term."), D("baseline_date", "The day the registered programme "
                                                      "became the baseline; empty: a draft."),
    ], _programmes, ["term_id"], [("term_id", "terms", "id")]),
    Table("promises", "Promises", "Promises of the akims' programmes, with their current "
          "claimed status, verified verdict and residents' confirm/dispute counts.", [
        I("id", "The promise's id (page: /promises/<id>)."), I("term_id", "The term."),
        I("number", "Place in the programme."), S("title", "The promise."),
        S("description", "Details (Markdown)."), S("language", "Language of the text."),
        S("category", "Area of the System of Regional Standards, or economy_jobs, "
                      "local_governance, other."),
        D("deadline", "Current deadline."), D("original_deadline", "Deadline in the baseline."),
        I("cost_estimate", "Estimated cost, whole tenge."), S("funding_source", "Funding."),
        B("inherited", "Taken over from a predecessor."),
        B("in_baseline", "In the registered programme (false: added later)."),
        S("claimed_status", f"The akim's claim: {STATUS}"),
        I("claimed_progress", "Claimed progress, percent."),
        S("claimed_broken_reason", "For a claimed broken promise: why."),
        S("verified_status", "The independent verdict; empty until verified."),
        S("verified_broken_reason", "For a verified broken promise: why."),
        S("status", "What indicators count: the verdict, else the claim."),
        I("confirm_count", "Residents confirming the current claim."),
        I("dispute_count", "Residents disputing it."),
        I("amendment_count", "Public changes after the baseline froze."),
    ], _promises, ["id"], [("term_id", "terms", "id")]),
    Table("promise_settlements", "Promise villages", "The villages a promise concerns.", [
        I("promise_id", "The promise."), S("settlement_kato", "The village."),
    ], _promise_settlements, ["promise_id", "settlement_kato"],
        [("promise_id", "promises", "id"), ("settlement_kato", "settlements", "kato")]),
    Table("promise_updates", "Promise timeline", "Claims, verdicts and reopenings, oldest "
          "first; the author is given by role only.", [
        I("id", "The update's id."), I("promise_id", "The promise."),
        T("created_at", "When (UTC)."), S("kind", "claim, verdict or reopen."),
        S("status", "The status it set."), S("previous_status", "The status before."),
        I("progress", "Claimed progress, percent (claims)."),
        S("broken_reason", "Why broken, when it says so."), S("note", "The note (Markdown)."),
        S("source", "Where a verdict was checked."),
        S("author_role", "akim, moderator, staff or admin."),
        I("confirm_count", "Residents confirming this claim."),
        I("dispute_count", "Residents disputing it."),
    ], _promise_updates, ["id"], [("promise_id", "promises", "id")]),
    Table("promise_evidence", "Promise evidence", "Links and files backing updates.", [
        I("id", "The evidence's id."), I("update_id", "The update."), S("url", "A link."),
        S("file_url", "Download address of a file."), S("content_type", "The file's type."),
        I("size_bytes", "The file's size."), S("sha256", "SHA-256 of the file."),
    ], _promise_evidence, ["id"], [("update_id", "promise_updates", "id")]),
    Table("promise_amendments", "Programme amendments", "Changes after the baseline froze, "
          "with the reason.", [
        I("id", "The amendment's id."), I("promise_id", "The promise."),
        T("created_at", "When (UTC)."), S("kind", "added or edited."),
        Column("changes", "object", "{field: [before, after]} as JSON."),
        S("reason", "Why."),
    ], _promise_amendments, ["id"], [("promise_id", "promises", "id")]),
]


# --------------------------------------------------------------------------- reports

def _reports() -> Iterator[tuple[Any, ...]]:
    today = local_today()
    statement = (select(Report.id, Report.term_id, Report.period_start, Report.period_end,
                        Report.due_on, Report.first_published_on, Report.days_late,
                        Report.current_version)
                 .join(Term, Term.id == Report.term_id).where(owed()).order_by(Report.id))
    for row in stream(statement):
        yield (*row[:5], classify(row[4], row[5], today), *row[5:])


def _report_versions() -> Iterator[tuple[Any, ...]]:
    return stream(select(ReportVersion.report_id, ReportVersion.number,
                         ReportVersion.published_at, ReportVersion.reason,
                         *[getattr(ReportVersion, name) for name in CONTENT_FIELDS])
                  .order_by(ReportVersion.report_id, ReportVersion.number))


def _report_attachments() -> Iterator[tuple[Any, ...]]:
    from portal.api.serialize import public_url

    statement = (select(ReportAttachment.id, ReportAttachment.report_id,
                        ReportAttachment.added_in_version, StoredFile.original_name,
                        StoredFile.content_type, StoredFile.size_bytes, StoredFile.sha256)
                 .join(StoredFile, StoredFile.id == ReportAttachment.stored_file_id)
                 .join(Report, Report.id == ReportAttachment.report_id)
                 .where(ReportAttachment.added_in_version.is_not(None),
                        Report.first_published_at.is_not(None))
                 .order_by(ReportAttachment.id))
    for row in stream(statement):
        yield (*row, public_url("reports.attachment", report_id=row[1], attachment_id=row[0]))


REPORTS = [
    Table("reports", "Reports", "Every mandatory report a term owes, with its timeliness on "
          "the day of the download (texts: report_versions).", [
        I("id", "The report's id (page: /reports/<id>, once published)."),
        I("term_id", "The term."), D("period_start", "First day of the period."),
        D("period_end", "Last day."), D("due_on", "Due date."),
        S("timeliness", "on_time, late, missing (past due, unpublished) or upcoming."),
        D("first_published_on", "Day of first publication (Almaty)."),
        I("days_late", "Days after the due date it was published."),
        I("current_version", "Published versions."),
    ], _reports, ["id"], [("term_id", "terms", "id")]),
    Table("report_versions", "Report texts", "Every published version, frozen; corrections "
          "are later versions with a reason. Sections are Markdown.", [
        I("report_id", "The report."), I("number", "Version, from 1."),
        T("published_at", "When (UTC)."), S("reason", "Why corrected (versions 2+)."),
        S("summary", "Summary."), S("promises_progress", "Progress on promises."),
        S("budget_execution", "Budget execution."),
        D("meeting_held_on", "Meeting with residents."), S("meeting_place", "Where."),
        I("meeting_attendance", "Residents present."),
        S("meeting_broadcast_url", "Online broadcast."),
        S("meeting_questions", "Residents' questions and answers."),
        S("next_plans", "Plans."),
    ], _report_versions, ["report_id", "number"], [("report_id", "reports", "id")]),
    Table("report_attachments", "Report files", "Files of published reports.", [
        I("id", "The file's id."), I("report_id", "The report."),
        I("added_in_version", "The version that published it."), S("name", "File name."),
        S("content_type", "Type."), I("size_bytes", "Size."), S("sha256", "SHA-256."),
        S("url", "Download address."),
    ], _report_attachments, ["id"], [("report_id", "reports", "id")]),
]


# --------------------------------------------------------------------------- budgets

def _budget_categories() -> Iterator[tuple[Any, ...]]:
    return stream(select(BudgetCategory.code, BudgetCategory.section,
                         BudgetCategory.is_own_revenue, BudgetCategory.confirmed,
                         BudgetCategory.valid_from_year, *_names(BudgetCategory))
                  .order_by(BudgetCategory.sort_order, BudgetCategory.code))


def _budget_lines() -> Iterator[tuple[Any, ...]]:
    statement = (select(RuralDistrict.kato, BudgetLine.year, BudgetLine.period_kind,
                        BudgetLine.period_number, BudgetCategory.code, BudgetLine.approved,
                        BudgetLine.adjusted, BudgetLine.actual)
                 .join(RuralDistrict, RuralDistrict.id == BudgetLine.rural_district_id)
                 .join(BudgetCategory, BudgetCategory.id == BudgetLine.category_id)
                 .order_by(RuralDistrict.kato, BudgetLine.year, BudgetCategory.sort_order,
                           BudgetLine.period_kind.desc(), BudgetLine.period_number))
    for kato, year, kind, number, code, approved, adjusted, actual in stream(statement):
        yield (kato, year, period_label(kind, number), code, approved, adjusted, actual)


INDICATOR_COLUMNS = [name for name in YearIndicators.__dataclass_fields__
                     if name != "rural_districts"]


def _budget_indicators() -> Iterator[tuple[Any, ...]]:
    """Indicators of every rural district and year, from the maintained yearly summaries."""
    katos = dict(db.session.execute(select(RuralDistrict.id, RuralDistrict.kato)).all())
    series = budget_summaries_for_rural_districts(katos)
    for rural_district_id in sorted(series, key=katos.__getitem__):
        for item in series[rural_district_id]:
            values = item.as_dict()
            yield (katos[rural_district_id], *[values[name] for name in INDICATOR_COLUMNS],
                   item.closed)


def _indicator_column(name: str) -> Column:
    if name in ("year", "first_year"):
        return I(name, "Year." if name == "year" else "Base year of the growth since the "
                                                       "first year.")
    if name in ("own_share", "plan_execution", "own_plan_execution", "growth", "own_growth",
                "growth_since_first", "own_growth_since_first"):
        return N(name, f"{name.replace('_', ' ').capitalize()}: a fraction (0.3312 = 33.12 %).")
    if name == "actual_through":
        return I(name, "The last month the actuals cover (12: the whole year).")
    return I(name, f"{name.replace('_', ' ').capitalize()} (whole tenge, or people).")


BUDGETS = [
    Table("budget_categories", "Budget revenue categories", "The revenue lines of rural "
          "district budgets.", [
        S("code", "The category's code."),
        S("section", "tax, non_tax, capital or transfers."),
        B("is_own_revenue", "Counts as own revenue."),
        B("confirmed", "Confirmed by law for fourth-level budgets."),
        I("valid_from_year", "First year it applies."), *NAMES("Name"),
    ], _budget_categories, ["code"]),
    Table("budget_lines", "Budget lines", "Rural district budget revenues as filed: approved "
          "and adjusted plans and actuals per category and period, whole tenge.", [
        S("rural_district_kato", "The rural district."), I("year", "Fiscal year."),
        S("period", "YEAR, Q1–Q4 or M01–M12."), S("category", "The category's code."),
        I("approved", "Approved plan."), I("adjusted", "Adjusted plan."),
        I("actual", "Actual receipts."),
    ], _budget_lines, ["rural_district_kato", "year", "period", "category"],
        [("rural_district_kato", "rural_districts", "kato"),
         ("category", "budget_categories", "code")]),
    Table("budget_indicators", "Budget indicators", "Yearly indicators of each rural district "
          "(definitions: the portal's budget categories page).", [
        S("rural_district_kato", "The rural district."),
        *[_indicator_column(name) for name in INDICATOR_COLUMNS],
        B("closed", "The actuals cover the whole year."),
    ], _budget_indicators, ["rural_district_kato", "year"],
        [("rural_district_kato", "rural_districts", "kato")]),
]


def all_tables() -> list[Table]:
    from portal.api.external import open_data_tables

    return [*PLACES, *PROMISES, *REPORTS, *BUDGETS, *open_data_tables()]
