"""Timeliness rolled up by region and district, the late-and-missing list, the akim dashboard."""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, current_app, render_template, request
from flask_login import current_user

from portal.extensions import cache
from portal.geo import services as geo
from portal.geo.models import Region
from portal.permissions import Permission, public, require
from portal.reports import readers
from portal.reports.policy import owed_by_term, policy_from_app
from portal.reports.timeliness import ReportSummary, local_today
from portal.reports.views import blueprint

STATUS_FILTERS = ("missing", "late")
# Roll-ups over whole regions read every report there; a few minutes' delay before a new
# publication shows in them is fine (the akim's own pages and the late list are live).
ROLL_UP_SECONDS = 300


def _cached(key: str, compute: Callable[[], dict[int, ReportSummary]]) -> dict[int, ReportSummary]:
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout=ROLL_UP_SECONDS)
    return value


def _total(summaries: dict[int, ReportSummary]) -> ReportSummary:
    total = ReportSummary()
    for summary in summaries.values():
        total = total + summary
    return total


@blueprint.route("/reports/")
@public
def national() -> str:
    today = local_today()
    by_region = _cached(f"reports:by-region:{today}",
                        lambda: readers.summaries_by_region(today))
    regions = sorted(readers.regions(), key=lambda region: region.name)  # in the reader's language
    rows = [(region, by_region.get(region.id, ReportSummary())) for region in regions]
    return render_template("reports/national.html", rows=rows, total=_total(by_region),
                           today=today)


def _region_or_404(kato2: str) -> Region:
    region = geo.region_by_kato(kato2) if kato2.isdigit() and len(kato2) == 2 else None
    if region is None:
        abort(404)
    return region


@blueprint.route("/regions/<kato2>/reports")
@public
def region(kato2: str) -> str:
    region = _region_or_404(kato2)
    today = local_today()
    by_district = _cached(f"reports:by-district:{region.id}:{today}",
                          lambda: readers.summaries_by_district(region.id, today))
    rows = [(district, by_district[district.id]) for district in region.districts
            if district.id in by_district]
    return render_template("reports/region.html", region=region, rows=rows,
                           total=_total(by_district), today=today)


@blueprint.route("/districts/<kato4>/reports")
@public
def district(kato4: str) -> str:
    """Each rural district of a district: its akim now and its record over all terms."""
    district = geo.district_by_kato(kato4) if kato4.isdigit() and len(kato4) == 4 else None
    if district is None:
        abort(404)
    today = local_today()
    by_rural_district = readers.summaries_by_rural_district(district.id, today)
    rows = [(rural_district, term, by_rural_district.get(rural_district.id, ReportSummary()))
            for rural_district, term in geo.rural_districts_of(district)]
    return render_template("reports/district.html", district=district, rows=rows,
                           total=_total(by_rural_district), today=today)


@blueprint.route("/regions/<kato2>/reports/late")
@public
def late(kato2: str) -> str:
    region = _region_or_404(kato2)
    status = request.args.get("status")
    status = status if status in STATUS_FILTERS else None
    today = local_today()
    page = readers.late_and_missing(region, today, int(current_app.config["PER_PAGE"]),
                                    status=status)
    return render_template("reports/late.html", region=region, page=page, status=status,
                           today=today)


@blueprint.route("/akim/dashboard")
@require(Permission.AKIM_DASHBOARD)
def dashboard() -> str:
    """What is due and when, drafts, overdue reports; other domains add their own parts."""
    today = local_today()
    term = (readers.serving_term_of_akim(current_user.akim_id)
            if current_user.akim_id is not None else None)
    lines = readers.timelines_for_terms([term.id], today)[term.id] if term else []
    scheduled = {line.period_start for line in lines}
    future = [period for period in owed_by_term(policy_from_app(), term.starts_on,
                                                 term.ends_on, term.ended_on)
              if period.period_start not in scheduled] if term else []
    return render_template("reports/dashboard.html", term=term, lines=lines, future=future,
                           today=today)
