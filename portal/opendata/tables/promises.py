"""Programmes, promises, their timeline, evidence and amendments."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import select

from portal.budgets.models import BudgetFunction
from portal.geo.models import Settlement
from portal.opendata.columns import (
    SYNTHETIC,
    B,
    Column,
    D,
    I,
    S,
    T,
    Table,
    stream,
)
from portal.promises.models import (
    Programme,
    Promise,
    PromiseAmendment,
    PromiseEvidence,
    PromiseUpdate,
    promise_settlement,
)
from portal.uploads import StoredFile


def _programmes() -> Iterator[tuple[Any, ...]]:
    return stream(select(Programme.term_id, Programme.baseline_date, Programme.synthetic)
                  .order_by(Programme.term_id))


def _promises() -> Iterator[tuple[Any, ...]]:
    return stream(select(
        Promise.id, Promise.term_id, Promise.number, Promise.title, Promise.description,
        Promise.language, Promise.category, Promise.deadline, Promise.original_deadline,
        Promise.cost_estimate, Promise.funding_source, BudgetFunction.code, Promise.inherited,
        Promise.in_baseline, Promise.claimed_status, Promise.claimed_progress,
        Promise.claimed_broken_reason, Promise.verified_status, Promise.verified_broken_reason,
        Promise.status, Promise.confirm_count, Promise.dispute_count, Promise.amendment_count,
        Promise.synthetic,
    ).outerjoin(BudgetFunction, BudgetFunction.id == Promise.budget_function_id)
        .order_by(Promise.id))


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
        PromiseUpdate.dispute_count, PromiseUpdate.synthetic,
    ).order_by(PromiseUpdate.id))


def _promise_evidence() -> Iterator[tuple[Any, ...]]:
    from portal.api.serialize import public_url

    statement = (select(PromiseEvidence.id, PromiseEvidence.update_id, PromiseUpdate.promise_id,
                        PromiseEvidence.url, PromiseEvidence.file_id, StoredFile.content_type,
                        StoredFile.size_bytes, StoredFile.sha256, PromiseEvidence.synthetic)
                 .join(PromiseUpdate, PromiseUpdate.id == PromiseEvidence.update_id)
                 .outerjoin(StoredFile, StoredFile.id == PromiseEvidence.file_id)
                 .order_by(PromiseEvidence.id))
    for (evidence_id, update_id, promise_id, url, file_id, content_type, size,
         sha256, synthetic) in stream(statement):
        file_url = (public_url("promises.evidence_file", promise_id=promise_id,
                               evidence_id=evidence_id) if file_id else None)
        yield (evidence_id, update_id, url, file_url, content_type, size, sha256, synthetic)


def _promise_amendments() -> Iterator[tuple[Any, ...]]:
    return stream(select(PromiseAmendment.id, PromiseAmendment.promise_id,
                         PromiseAmendment.created_at, PromiseAmendment.kind,
                         PromiseAmendment.changes, PromiseAmendment.reason,
                         PromiseAmendment.synthetic)
                  .order_by(PromiseAmendment.id))


STATUS = ("not_yet_rated, in_progress, stalled, partially_kept, kept, broken, not_verifiable, "
          "outside_competence or withdrawn.")
PROMISES = [
    Table("programmes", "Programmes", "Each term's programme and the day its baseline froze.", [
        I("term_id", "The term."), D("baseline_date", "The day the registered programme "
                                                      "became the baseline; empty: a draft."),
        SYNTHETIC("programme"),
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
        S("budget_function", "The functional group of the rural district budget that pays for "
                             "it (code in budget_functions); empty: not linked. A group, not a "
                             "budget programme: programmes are not recorded."),
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
        SYNTHETIC("promise"),
    ], _promises, ["id"], [("term_id", "terms", "id"),
                           ("budget_function", "budget_functions", "code")]),
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
        SYNTHETIC("update"),
    ], _promise_updates, ["id"], [("promise_id", "promises", "id")]),
    Table("promise_evidence", "Promise evidence", "Links and files backing updates.", [
        I("id", "The evidence's id."), I("update_id", "The update."), S("url", "A link."),
        S("file_url", "Download address of a file."), S("content_type", "The file's type."),
        I("size_bytes", "The file's size."), S("sha256", "SHA-256 of the file."),
        SYNTHETIC("piece of evidence"),
    ], _promise_evidence, ["id"], [("update_id", "promise_updates", "id")]),
    Table("promise_amendments", "Programme amendments", "Changes after the baseline froze, "
          "with the reason.", [
        I("id", "The amendment's id."), I("promise_id", "The promise."),
        T("created_at", "When (UTC)."), S("kind", "added or edited."),
        Column("changes", "object", "{field: [before, after]} as JSON."),
        S("reason", "Why."), SYNTHETIC("amendment"),
    ], _promise_amendments, ["id"], [("promise_id", "promises", "id")]),
]
