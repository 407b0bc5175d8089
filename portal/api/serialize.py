"""Plain JSON-ready dicts from the domain readers' values, in the shapes of the OpenAPI schemas.

No queries here: views load with the set-based readers, then call these. Links are absolute
on PUBLIC_BASE_URL (never the request's Host, which a cached answer must not depend on).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask import current_app, has_request_context, url_for

from portal.akims.models import Akim, Term
from portal.api.queries import AkimListRow
from portal.budgets.readers import RuralDistrictBudget
from portal.feedback.tallies import RatingSummary
from portal.figures.readers import TermFigures
from portal.geo.models import RuralDistrict
from portal.meetings.models import Meeting
from portal.meetings.readers import QuestionCounts
from portal.modeling import as_utc
from portal.promises.readers import PromiseRow
from portal.reports.models import Report, ReportPromiseEntry
from portal.reports.readers import ReportLine
from portal.reports.timeliness import classify

# Stands in for an id while a route is built once; then each id is put in its place.
_PLACEHOLDER = 2_147_483_123


def public_url(endpoint: str, **values: Any) -> str:
    """An absolute address on PUBLIC_BASE_URL, in a request or in a background job.

    Routes whose values are all ids are built once per endpoint and then filled in: a page of
    200 items would otherwise spend more time building URLs than reading the database."""
    names = tuple(sorted(values))
    if names and all(isinstance(values[name], int) for name in names):
        templates: dict[Any, str] = current_app.extensions.setdefault("portal_api_links", {})
        key = (endpoint, names)
        template = templates.get(key)
        if template is None:
            template = _build(endpoint, {name: _PLACEHOLDER - index
                                         for index, name in enumerate(names)})
            templates[key] = template
        for index, name in enumerate(names):
            template = template.replace(str(_PLACEHOLDER - index), str(values[name]))
        return template
    return _build(endpoint, values)


def _build(endpoint: str, values: dict[str, Any]) -> str:
    base = str(current_app.config["PUBLIC_BASE_URL"]).rstrip("/")
    if has_request_context():
        return base + url_for(endpoint, **values)
    return base + current_app.url_map.bind("localhost").build(endpoint, values)


def iso(value: date | datetime | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        moment = as_utc(value)
        assert moment is not None  # noqa: S101 - a datetime in, a datetime out
        return moment.isoformat().replace("+00:00", "Z")
    return value.isoformat()


def fraction(value: Decimal | None) -> float | None:
    """Shares and averages as JSON numbers; they were rounded exactly before (4 places)."""
    return float(value) if value is not None else None


def names(obj: Any) -> dict[str, str]:
    return {"kk": obj.name_kk, "ru": obj.name_ru, "en": obj.name_en}


def place(rural_district: RuralDistrict) -> dict[str, Any]:
    """Needs `rural_district.district.region` loaded."""
    district = rural_district.district
    return {"kato": rural_district.kato, "name": names(rural_district),
            "district_kato": district.kato4, "region_kato": district.region.kato2}


def term(item: Term) -> dict[str, Any]:
    return {"id": item.id, "starts_on": iso(item.starts_on), "ends_on": iso(item.ends_on),
            "ended_on": iso(item.ended_on), "status": item.status.value,
            "end_reason": item.end_reason.value if item.end_reason else None,
            "synthetic": item.synthetic}


def scores(figures: TermFigures) -> dict[str, Any]:
    """A term's figures as `portal.figures` counts them, in the API's names."""
    promises, reports, rating = figures.promises, figures.reports, figures.ratings
    return {
        "promises_total": promises.total,
        "promises_due": promises.due,
        "promises_kept": promises.kept_due,
        "promises_kept_early": promises.kept_early,
        "promises_broken": promises.broken_due,
        "promises_overdue": promises.overdue,
        "reports_due": reports.due,
        "reports_on_time": reports.on_time,
        "reports_late": reports.late,
        "reports_missing": reports.missing,
        "rating_avg": fraction(rating.average_shown),
        "rating_count": rating.count,
    }


def akim(person: Akim, current: Term | None, score: dict[str, Any],
         open_flags: int) -> dict[str, Any]:
    """An akim (loaded with their terms) and the term shown."""
    return _akim(person.id, person.full_name, person.full_name_latn, person.party,
                 place(current.rural_district) if current else None,
                 term(current) if current else None, score, open_flags, person.synthetic)


def akim_row(row: AkimListRow, score: dict[str, Any], open_flags: int) -> dict[str, Any]:
    """The same from a list row of plain values."""
    return _akim(
        row.akim_id, row.full_name, row.full_name_latn, row.party,
        {"kato": row.kato, "name": {"kk": row.name_kk, "ru": row.name_ru, "en": row.name_en},
         "district_kato": row.district_kato, "region_kato": row.region_kato},
        {"id": row.term_id, "starts_on": iso(row.starts_on), "ends_on": iso(row.ends_on),
         "ended_on": iso(row.ended_on), "status": row.status, "end_reason": row.end_reason,
         "synthetic": row.term_synthetic},
        score, open_flags, row.akim_synthetic)


def _akim(akim_id: int, name: str, name_latn: str, party: str | None,
          where: dict[str, Any] | None, shown: dict[str, Any] | None, score: dict[str, Any],
          open_flags: int, synthetic: bool) -> dict[str, Any]:
    return {
        "id": akim_id,
        "name": name,
        "name_latn": name_latn,
        "party": party,
        "rural_district": where,
        "term": shown,
        "scores": score,
        "open_flags": open_flags,
        "synthetic": synthetic,
        "url": public_url("akims.profile", akim_id=akim_id),
    }


def promise(row: PromiseRow, evidence_count: int) -> dict[str, Any]:
    return {
        "id": row.id,
        "term_id": row.term_id,
        "number": row.number,
        "title": row.title,
        "language": row.language,
        "category": row.category.value,
        "status": row.status.value,
        "claimed_status": row.claimed_status.value,
        "progress": row.claimed_progress,
        "verified_status": row.verified_status.value if row.verified_status else None,
        "deadline": iso(row.deadline),
        "original_deadline": iso(row.original_deadline),
        "due": row.due,
        "overdue": row.overdue,
        "cost_estimate": row.cost_estimate,
        "funding_source": row.funding_source,
        "budget_function": row.budget_function,
        "inherited": row.inherited,
        "in_baseline": row.in_baseline,
        "confirm_count": row.confirm_count,
        "dispute_count": row.dispute_count,
        "evidence_count": evidence_count,
        "synthetic": row.synthetic,
        "url": public_url("promises.page", promise_id=row.id),
    }


def report_line(line: ReportLine) -> dict[str, Any]:
    return {
        "id": line.id,
        "term_id": line.term_id,
        "period_start": iso(line.period_start),
        "period_end": iso(line.period_end),
        "due_on": iso(line.due_on),
        "timeliness": line.timeliness.value,
        "published": line.is_published,
        "first_published_on": iso(line.first_published_on),
        "covered_on": iso(line.covered_on),
        "days_late": line.days_late,
        "current_version": line.current_version,
        "synthetic": line.synthetic,
        "url": public_url("reports.show", report_id=line.id) if line.is_published else None,
    }


def rating(value: RatingSummary) -> dict[str, Any]:
    return value.as_dict()


def report(item: Report, value: RatingSummary, today: date,
           entries: list[ReportPromiseEntry], meetings: list[Meeting]) -> dict[str, Any]:
    """A published report; the text and promise entries are those of its latest version;
    `meetings` are the held meetings it accounts for."""
    latest = item.versions[-1]
    held = item.term
    return {
        "id": item.id,
        "akim": {"id": held.akim.id, "name": held.akim.full_name,
                 "name_latn": held.akim.full_name_latn, "synthetic": held.akim.synthetic},
        "term": term(held),
        "rural_district": place(held.rural_district),
        "period_start": iso(item.period_start),
        "period_end": iso(item.period_end),
        "due_on": iso(item.due_on),
        "timeliness": classify(item.due_on, item.covered_on, today,
                               interim=item.first_published_on is not None).value,
        "first_published_on": iso(item.first_published_on),
        "covered_on": iso(item.covered_on),
        "interim": item.is_interim,
        "days_late": item.days_late or 0,
        "current_version": latest.number,
        "published_at": iso(latest.published_at),
        "sections": {name: getattr(latest, name) for name in (
            "summary", "promises_progress", "budget_execution", "meeting_questions",
            "next_plans")},
        "meeting": {"held_on": iso(latest.meeting_held_on), "place": latest.meeting_place,
                    "attendance": latest.meeting_attendance,
                    "broadcast_url": latest.meeting_broadcast_url or None},
        "promise_entries": [{
            "promise_id": entry.promise_id, "promise_number": entry.promise.number,
            "promise_title": entry.promise.title, "claim": entry.claim, "text": entry.text,
            "evidence_url": entry.evidence_url or None, "since_version": entry.since_version,
            "promise_url": public_url("promises.page", promise_id=entry.promise_id),
        } for entry in entries],
        "meetings": [{
            "id": meeting.id, "starts_at": iso(meeting.starts_at),
            "attendance": meeting.attendance,
            "url": public_url("meetings.show", meeting_id=meeting.id),
            "api_url": public_url("api.meeting", meeting_id=meeting.id),
        } for meeting in meetings],
        "versions": [{
            "number": version.number, "published_at": iso(version.published_at),
            "reason": version.reason,
            "url": public_url("reports.version", report_id=item.id, number=version.number),
        } for version in item.versions],
        "attachments": [{
            "id": attachment.id, "name": attachment.stored_file.original_name,
            "content_type": attachment.stored_file.content_type,
            "size_bytes": attachment.stored_file.size_bytes,
            "sha256": attachment.stored_file.sha256,
            "added_in_version": attachment.added_in_version,
            "url": public_url("reports.attachment", report_id=item.id,
                              attachment_id=attachment.id),
        } for attachment in item.attachments if attachment.added_in_version is not None],
        "rating": rating(value),
        "synthetic": item.synthetic,
        "url": public_url("reports.show", report_id=item.id),
    }


def meeting(item: Meeting, counts: QuestionCounts) -> dict[str, Any]:
    """A meeting with residents; needs its term's akim, rural district (with district and
    region) and settlement loaded."""
    held = item.term
    return {
        "id": item.id,
        "akim": {"id": held.akim.id, "name": held.akim.full_name,
                 "name_latn": held.akim.full_name_latn, "synthetic": held.akim.synthetic},
        "term_id": held.id,
        "rural_district": place(held.rural_district),
        "settlement": {"kato": item.settlement.kato, "name": names(item.settlement)},
        "place": item.place,
        "starts_at": iso(item.starts_at),
        "announced_at": iso(item.announced_at),
        "changed_at": iso(item.changed_at),
        "status": item.status.value,
        "cancelled_at": iso(item.cancelled_at),
        "cancel_reason": item.cancel_reason or None,
        "attendance": item.attendance,
        "video_url": item.video_url or None,
        "minutes_url": public_url("meetings.minutes", meeting_id=item.id)
        if item.minutes_file_id else None,
        "questions_total": counts.total,
        "questions_open": counts.open,
        "synthetic": item.synthetic,
        "url": public_url("meetings.show", meeting_id=item.id),
    }


def meeting_detail(item: Meeting) -> dict[str, Any]:
    """A meeting with every question recorded at it (`item.questions` loaded)."""
    questions = item.questions
    body = meeting(item, QuestionCounts(
        len(questions), sum(1 for question in questions if question.status.value == "open")))
    body["questions"] = [{
        "id": question.id, "question": question.question, "answer": question.answer,
        "responsible": question.responsible or None, "due_on": iso(question.due_on),
        "status": question.status.value, "closed_on": iso(question.closed_on),
        "evidence": question.evidence or None, "synthetic": question.synthetic,
    } for question in questions]
    return body


def _indicators(values: dict[str, Any]) -> dict[str, Any]:
    return {key: fraction(value) if isinstance(value, Decimal) else value
            for key, value in values.items()}


def budget(rural_district: RuralDistrict, found: RuralDistrictBudget, selection: str,
           category_names: dict[str, dict[str, str]],
           function_names: dict[str, dict[str, str]] | None = None) -> dict[str, Any]:
    values = found.as_dict()
    categories = []
    for category in values["categories"]:
        category["name"] = category_names.get(category["code"]) or {
            "kk": category["name"], "ru": category["name"], "en": category["name"]}
        categories.append(_indicators(category))
    spending = values["spending"]
    functions = []
    for item in spending["functions"]:
        item["name"] = (function_names or {}).get(item["code"]) or {
            "kk": item["name"], "ru": item["name"], "en": item["name"]}
        functions.append(_indicators(item))
    total = spending["total"]
    if total is not None:
        total["name"] = {"kk": "", "ru": "", "en": ""}
        total = _indicators(total)
    return {
        "rural_district": place(rural_district),
        "year": values["year"],
        "year_selection": selection,
        "years": values["years"],
        "categories": categories,
        "lines": values["lines"],
        "indicators": _indicators(values["indicators"]) if values["indicators"] else None,
        "series": [_indicators(item) for item in values["series"]],
        "spending": {"functions": functions, "total": total, "lines": spending["lines"]},
        "sources": values["sources"],
        "synthetic": values["synthetic"],
    }
