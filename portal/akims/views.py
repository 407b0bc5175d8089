"""The public profile of an akim."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from portal.akims import services
from portal.akims.models import TERM_LIMIT, Akim, Term
from portal.api.serialize import public_url
from portal.figures.readers import TermFigures, figures_for_terms
from portal.formats import place_of
from portal.meetings.readers import profile_meetings
from portal.modeling import utcnow
from portal.permissions import Permission, can, public
from portal.promises.sections import profile_section
from portal.recall.readers import recall_for_terms
from portal.reports.policy import meetings_owed_by_term
from portal.reports.readers import timelines_for_terms
from portal.reports.timeliness import local_today, meeting_obligations
from portal.web.cite import Citation

blueprint = Blueprint("akims", __name__)


@blueprint.route("/akims/<int:akim_id>")
@public(load=services.akim_with_terms)
def profile(akim: Akim) -> str:
    term = services.current_or_latest_term(akim)
    # Every figure the profile shows (portal.figures): the lists below only format them.
    figures = figures_for_terms([term.id], local_today())[term.id] if term else None
    return render_template(
        "akims/profile.html", akim=akim, term=term, **_reports_section(term, figures),
        terms_served=services.terms_served(akim, term) if term else 0, term_limit=TERM_LIMIT,
        **_meetings_section(term),
        budget=figures.term_budget if figures else None,
        promises_section=profile_section(term, request.args, figures.promises, figures.as_of)
        if term and figures else None,
        recall=_recall_section(term),
        ratings=figures.ratings if figures else None,
        citation=_citation(akim, term, figures.as_of if figures else local_today()),
    )


def _citation(akim: Akim, term: Term | None, as_of: date) -> Citation | None:
    """The profile's "cite this": the record as of the figures' day, at its permanent
    address."""
    if term is None:
        return None
    place = place_of(term.rural_district.name)
    title = (_("%(name)s, akim of %(place)s: record on the Akim accountability portal",
               name=akim.name, place=place) if term.is_serving else
             _("%(name)s, former akim of %(place)s: record on the Akim accountability portal",
               name=akim.name, place=place))
    return Citation(title, as_of, public_url("akims.profile", akim_id=akim.id))


def _recall_section(term: Term | None) -> Any:
    """Flags and the current petition of the term shown: one query. Staff and the akim
    concerned also see flags still inside their response window."""
    if term is None:
        return None
    pending = (can(current_user, Permission.FLAGS_VIEW_PENDING)
               or can(current_user, Permission.FLAGS_RESPOND, term))
    return recall_for_terms([term.id], public_only=not pending)[term.id]


# How many of the latest meeting periods the profile shows.
MEETING_PERIODS_SHOWN = 4


def _meetings_section(term: Term | None) -> dict[str, Any]:
    """The serving term's next meeting, and the latest periods in which the law asks the akim
    for a meeting with residents, each judged by the rule in force for it (held, missed,
    open). One query."""
    if term is None or not term.is_serving:
        return {"next_meeting": None, "meeting_periods": []}
    today = local_today()
    next_meeting, held_days = profile_meetings(term.id, utcnow())
    periods = [period for period in meetings_owed_by_term(term.starts_on, term.ends_on, None)
               if period.period_start <= today]
    return {"next_meeting": next_meeting,
            "meeting_periods": meeting_obligations(periods, held_days, today)[
                -MEETING_PERIODS_SHOWN:][::-1]}


def _reports_section(term: Term | None, figures: TermFigures | None) -> dict[str, Any]:
    """Timeliness of each report of the term shown (one query) and the term's report
    figures."""
    if term is None or figures is None:
        return {}
    today = figures.as_of
    return {
        "report_lines": timelines_for_terms([term.id], today)[term.id],
        "report_summary": figures.reports,
        "report_today": today,
    }
