"""The dashboard of flags for the moderators who review them and the parliamentary staff who
read and export them: filters, sorting, counts by region and rule."""

from __future__ import annotations

from flask import current_app, render_template, request

from portal.permissions import Permission, require
from portal.recall import readers
from portal.recall.forms import DashboardForm
from portal.recall.models import RuleCode, Severity
from portal.recall.views import blueprint
from portal.reports.timeliness import local_today

PER_PAGE = 25


@blueprint.route("/staff/flags")
@require(Permission.FLAGS_DASHBOARD)
def dashboard() -> str:
    regions = readers.regions()
    form = DashboardForm(request.args, regions=regions)
    form.validate()
    # Anything not offered falls back to the default, so a hand-edited address never fails.
    region = form.region.data if any(form.region.data == r.kato2 for r in regions) else None
    rule = RuleCode(form.rule.data) if form.rule.data in set(RuleCode) else None
    statuses = {value for value, _label in form.status.choices or []}
    status = form.status.data if form.status.data in statuses else "active"
    severity = Severity(form.severity.data) if form.severity.data in set(Severity) else None
    sort = form.sort.data if form.sort.data in readers.SORTS else "severity"
    filters = readers.DashboardFilters(region=region, rule=rule, status=status,
                                       severity=severity, sort=sort)
    page = readers.dashboard(filters, per_page=current_app.config.get("PER_PAGE_FLAGS",
                                                                       PER_PAGE))
    return render_template("recall/dashboard.html", form=form, page=page, filters=filters,
                           regions=regions, rules=list(RuleCode),
                           counts=readers.counts_by_region_and_rule(filters),
                           today=local_today())
