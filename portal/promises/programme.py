"""Building a term's programme: add, edit and delete promises before the baseline freezes,
amendments with a public reason after it, and registering a programme entered late.

Services validate, flush and audit; they never commit (the view or command does).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from portal import audit
from portal.accounts.models import User
from portal.akims.models import Term
from portal.budgets.models import BudgetFunction
from portal.extensions import db
from portal.formats import date_text
from portal.geo.models import Settlement
from portal.modeling import utcnow
from portal.promises.errors import PromiseError
from portal.promises.models import (
    AmendmentKind,
    FundingSource,
    Programme,
    Promise,
    PromiseAmendment,
    PromiseCategory,
)
from portal.reports.timeliness import local_today

TITLE_MAX = 200
DESCRIPTION_MAX = 5_000
REASON_MAX = 2_000
COST_MAX = 10**13  # ten trillion tenge: far above any rural district's budget
LANGUAGES = ("kk", "ru", "en")
EDITABLE_FIELDS = ("title", "description", "language", "category", "settlements", "deadline",
                   "cost_estimate", "funding_source", "budget_function", "inherited")


@dataclass
class PromiseData:
    """What an akim enters for a promise; statuses are never part of it."""

    title: str
    category: PromiseCategory
    deadline: date
    description: str = ""
    language: str = "kk"
    settlement_ids: list[int] = field(default_factory=list)
    cost_estimate: int | None = None
    funding_source: FundingSource | None = None
    budget_function: str | None = None  # the functional group's code ("07"); None: not stated
    inherited: bool = False


def programme_of(term: Term) -> Programme | None:
    return db.session.scalar(select(Programme).where(Programme.term_id == term.id))


def ensure_programme(term: Term, today: date,
                     actor: User | str | None = None) -> Programme:
    """The term's programme, created on first use. Entered before the term starts, it freezes
    on the first day of the term; entered later, it stays a draft until registered."""
    programme = programme_of(term)
    if programme is None:
        programme = Programme(term=term,
                              baseline_date=term.starts_on if today < term.starts_on else None)
        db.session.add(programme)
        db.session.flush()
        audit.record(actor, "programme.create", programme, None,
                     {"term_id": term.id, "baseline_date": _plain(programme.baseline_date)})
    return programme


def is_frozen(term: Term, today: date | None = None) -> bool:
    programme = programme_of(term)
    return programme is not None and programme.is_frozen(today or local_today())


def add_promise(term: Term, data: PromiseData, actor: User | str | None, *,
                reason: str | None = None, today: date | None = None) -> Promise:
    """Add a promise: part of the baseline before the freeze, an amendment with a reason after."""
    today = today or local_today()
    _validate(term, data)
    paid_from = _budget_function(data.budget_function)
    programme = ensure_programme(term, today, actor)
    frozen = programme.is_frozen(today)
    reason = _reason(reason, frozen)
    number = (db.session.scalar(
        select(func.max(Promise.number)).where(Promise.term_id == term.id)) or 0) + 1
    promise = Promise(
        term=term, number=number, title=data.title.strip(), description=data.description.strip(),
        language=data.language, category=data.category, deadline=data.deadline,
        original_deadline=data.deadline, cost_estimate=data.cost_estimate,
        funding_source=data.funding_source, budget_function=paid_from,
        inherited=data.inherited, in_baseline=not frozen, created_by_id=getattr(actor, "id", None),
    )
    promise.settlements = _settlements(data.settlement_ids)
    db.session.add(promise)
    db.session.flush()
    values = _values(promise)
    if frozen:
        added: dict[str, Any] = {name: [None, value] for name, value in values.items()}
        added["settlements"] = [None, _names(promise.settlements)]
        added["budget_function"] = [None, _function_names(promise.budget_function)]
        _amend(promise, AmendmentKind.ADDED, added, reason, actor)
    audit.record(actor, "promise.add_amendment" if frozen else "promise.create", promise,
                 None, values)
    return promise


def edit_promise(promise: Promise, data: PromiseData, actor: User | str | None, *,
                 reason: str | None = None,
                 today: date | None = None) -> PromiseAmendment | None:
    """Change a promise's description. After the freeze the change is a public amendment with
    its reason and the old values; nothing changed means nothing recorded."""
    today = today or local_today()
    _validate(promise.term, data)
    paid_from = _budget_function(data.budget_function)
    programme = ensure_programme(promise.term, today)
    frozen = programme.is_frozen(today)
    before = _values(promise)
    settlements = _settlements(data.settlement_ids)
    after = dict(before, title=data.title.strip(), description=data.description.strip(),
                 language=data.language, category=data.category.value,
                 settlements=[s.id for s in settlements], deadline=data.deadline.isoformat(),
                 cost_estimate=data.cost_estimate,
                 funding_source=data.funding_source.value if data.funding_source else None,
                 budget_function=paid_from.code if paid_from else None,
                 inherited=data.inherited)
    changes = {name: [before[name], after[name]] for name in EDITABLE_FIELDS
               if before[name] != after[name]}
    if not changes:
        return None
    reason = _reason(reason, frozen)
    audit_changes = dict(changes)
    if "settlements" in changes:  # the public record names the villages, in every language
        changes["settlements"] = [_names(promise.settlements), _names(settlements)]
    if "budget_function" in changes:  # and the functional group, by code and name
        changes["budget_function"] = [_function_names(promise.budget_function),
                                      _function_names(paid_from)]
    promise.title, promise.description = data.title.strip(), data.description.strip()
    promise.language, promise.category = data.language, data.category
    promise.settlements = settlements
    promise.deadline = data.deadline
    if not frozen:
        promise.original_deadline = data.deadline
    promise.cost_estimate, promise.funding_source = data.cost_estimate, data.funding_source
    promise.budget_function = paid_from
    promise.inherited = data.inherited
    promise.updated_at = utcnow()
    db.session.flush()
    amendment = _amend(promise, AmendmentKind.EDITED, changes, reason, actor) if frozen else None
    audit.record(actor, "promise.amend" if frozen else "promise.edit", promise,
                 {name: pair[0] for name, pair in audit_changes.items()},
                 {name: pair[1] for name, pair in audit_changes.items()})
    return amendment


def delete_promise(promise: Promise, actor: User | str | None,
                   today: date | None = None) -> None:
    """Only a draft may be deleted; after the freeze a promise is withdrawn, in public."""
    today = today or local_today()
    if is_frozen(promise.term, today):
        raise PromiseError(_("The programme is registered: a promise can no longer be deleted. "
                             "Post an update that withdraws it, with the reason."))
    audit.record(actor, "promise.delete", promise, _values(promise), None)
    db.session.delete(promise)
    db.session.flush()


def register_programme(term: Term, actor: User | str | None,
                       today: date | None = None) -> Programme:
    """Freeze a draft programme today: from now on changes are public amendments."""
    today = today or local_today()
    programme = ensure_programme(term, today, actor)
    if programme.is_frozen(today):
        raise PromiseError(_("The programme is already registered."))
    count = db.session.scalar(select(func.count()).where(Promise.term_id == term.id)) or 0
    if count == 0:
        raise PromiseError(_("Add at least one promise before registering the programme."))
    before = _plain(programme.baseline_date)
    programme.baseline_date = today
    programme.registered_at = utcnow()
    db.session.flush()
    audit.record(actor, "programme.register", programme, {"baseline_date": before},
                 {"baseline_date": today.isoformat(), "promises": count})
    return programme


def _validate(term: Term, data: PromiseData) -> None:
    title = data.title.strip()
    if not title:
        raise PromiseError(_("Enter the promise's title."), "title")
    if len(title) > TITLE_MAX:
        raise PromiseError(_("The title can have at most %(max)d characters.", max=TITLE_MAX),
                           "title")
    if len(data.description) > DESCRIPTION_MAX:
        raise PromiseError(_("The description can have at most %(max)d characters.",
                             max=DESCRIPTION_MAX), "description")
    if data.language not in LANGUAGES:
        raise PromiseError(_("Choose the language the promise is written in."), "language")
    if not term.starts_on <= data.deadline <= term.ends_on:
        raise PromiseError(deadline_message(term), "deadline")
    if data.cost_estimate is not None and not 0 <= data.cost_estimate <= COST_MAX:
        raise PromiseError(_("Enter the cost in whole tenge, from 0."), "cost_estimate")
    if data.settlement_ids:
        found = set(db.session.scalars(select(Settlement.id).where(
            Settlement.id.in_(data.settlement_ids),
            Settlement.rural_district_id == term.rural_district_id)))
        if found != set(data.settlement_ids):
            raise PromiseError(_("Choose villages of this rural district only."), "settlements")


def _budget_function(code: str | None) -> BudgetFunction | None:
    """The functional group a promise is paid from, by its code; refused when unknown."""
    if not code:
        return None
    found = db.session.scalar(select(BudgetFunction).where(BudgetFunction.code == code))
    if found is None:
        raise PromiseError(_("Choose a functional group of the budget from the list."),
                           "budget_function")
    return found


def deadline_message(term: Term) -> str:
    return _("The deadline must fall within the term: from %(start)s to %(end)s.",
             start=date_text(term.starts_on), end=date_text(term.ends_on))


def _reason(reason: str | None, frozen: bool) -> str:
    text = (reason or "").strip()
    if frozen and not text:
        raise PromiseError(_("The programme is registered, so this change is a public "
                             "amendment: say why it is made."), "reason")
    if len(text) > REASON_MAX:
        raise PromiseError(_("The reason can have at most %(max)d characters.", max=REASON_MAX),
                           "reason")
    return text


def _settlements(ids: list[int]) -> list[Settlement]:
    if not ids:
        return []
    return list(db.session.scalars(select(Settlement).where(Settlement.id.in_(ids))
                                   .order_by(Settlement.kato)))


def _amend(promise: Promise, kind: AmendmentKind, changes: dict[str, Any], reason: str,
           actor: User | str | None) -> PromiseAmendment:
    amendment = PromiseAmendment(promise=promise, kind=kind, changes=changes, reason=reason,
                                 author_id=getattr(actor, "id", None))
    db.session.add(amendment)
    promise.amendment_count = (promise.amendment_count or 0) + 1
    db.session.flush()
    return amendment


def _values(promise: Promise) -> dict[str, Any]:
    """The editable fields as plain JSON values, for amendments and the audit trail."""
    return {
        "title": promise.title,
        "description": promise.description,
        "language": promise.language,
        "category": promise.category.value,
        "settlements": [settlement.id for settlement in promise.settlements],
        "deadline": promise.deadline.isoformat(),
        "cost_estimate": promise.cost_estimate,
        "funding_source": promise.funding_source.value if promise.funding_source else None,
        # By code, which the classification keeps: the public record names the group by it.
        "budget_function": promise.budget_function.code if promise.budget_function else None,
        "inherited": bool(promise.inherited),
    }


def _names(settlements: list[Settlement]) -> dict[str, str]:
    return {language: ", ".join(s.name_in(language) for s in settlements)
            for language in LANGUAGES}


def _function_names(function: BudgetFunction | None) -> dict[str, str] | None:
    if function is None:
        return None
    return {"code": function.code,
            **{language: function.name_in(language) for language in LANGUAGES}}


def _plain(value: date | None) -> str | None:
    return value.isoformat() if value else None
