"""Budget pages: a rural district's budget, roll-ups by district, region and nation, and the
staff import with its templates and history."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response as WerkzeugResponse

from portal.budgets import figures, queued, readers, tasks
from portal.budgets.categories import all_categories, all_functions
from portal.budgets.forms import ImportForm
from portal.budgets.models import BudgetImportJob
from portal.budgets.services import import_budget_file, recent_imports
from portal.budgets.template_files import DECISIONS, SPENDING, template_csv, template_xlsx
from portal.budgets.validation import RowError
from portal.collation import by_name
from portal.extensions import db
from portal.geo.models import District, Region, RuralDistrict
from portal.geo.services import is_code
from portal.permissions import Permission, public, require

blueprint = Blueprint("budgets", __name__)

ERRORS_SHOWN = 200
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@blueprint.app_context_processor
def budget_helpers() -> dict[str, Any]:
    """For partials included in other domains' pages (the map's placeholders, the profile):
    each helper runs only when a template calls it, and costs at most one query."""
    return {"budget_overview_for": _overview_for,
            "budget_sources_for": _sources_for,
            "budget_revenue_chart": figures.revenue_by_source}


def _sources_for(rural_district_id: int, year: int) -> list[readers.Decision]:
    """The maslikhat decisions behind a rural district's year: one query."""
    return readers.budget_sources([rural_district_id], year).get(rural_district_id, [])


def _overview_for(rural_district_id: int) -> tuple[list[readers.YearIndicators],
                                                   readers.YearIndicators | None]:
    series = readers.budget_summaries_for_rural_districts([rural_district_id]).get(
        rural_district_id, [])
    year = readers.pick_year(series)
    return series, next((item for item in series if item.year == year), None)


@blueprint.app_template_filter("millions")
def millions_filter(amount: int | None) -> str:
    return "—" if amount is None else figures.millions_text(amount)


@blueprint.app_template_filter("signed_percent")
def signed_percent_filter(value: Any) -> str:
    return figures.signed_percent(value)


@blueprint.app_template_filter("budget_period")
def budget_period_filter(period: str) -> str:
    """A file's period (YEAR, Q1, M07) in words: 'year', 'quarter 1', 'July'."""
    return figures.period_words(period)


@blueprint.app_template_filter("months_through")
def months_through_filter(through: int) -> str:
    return figures.month_span(through)


def _year_argument() -> int | None:
    return request.args.get("year", type=int)


# --------------------------------------------------------------------------- public pages

@blueprint.route("/rural-districts/<kato>/budget")
@public
def rural_district(kato: str) -> str:
    place = db.session.scalar(
        select(RuralDistrict)
        .options(joinedload(RuralDistrict.district).joinedload(District.region))
        .where(RuralDistrict.kato == kato)
    ) if is_code(kato, 9) else None
    if place is None:
        abort(404)
    budget = readers.rural_district_budget(place, _year_argument())
    spending_chart = figures.spending_by_function(
        "rd-spending", budget.spending, place.name, budget.year
    ) if budget.spending and budget.year else None
    return render_template(
        "budgets/rural_district.html", rural_district=place, budget=budget,
        charts=_charts(budget.series, place.name, "rd"), spending_chart=spending_chart,
    )


@blueprint.route("/budgets/")
@public
def nation() -> str:
    regions = by_name(db.session.scalars(select(Region)))
    area = readers.area_budget(readers.AreaLevel.NATION)
    units = [(region.id, region.name, "budgets.region", {"kato2": region.kato2})
             for region in regions]
    return _area_page(area, _("Kazakhstan"), units, unit_heading=_("Region"),
                      breadcrumbs=[(_("Budgets"), None)])


@blueprint.route("/regions/<kato2>/budget")
@public
def region(kato2: str) -> str:
    place = db.session.scalar(
        select(Region).options(joinedload(Region.districts)).where(Region.kato2 == kato2)
    ) if is_code(kato2, 2) else None
    if place is None:
        abort(404)
    area = readers.area_budget(readers.AreaLevel.REGION, place.id)
    units = [(district.id, district.name, "budgets.district", {"kato4": district.kato4})
             for district in place.districts]
    return _area_page(area, place.name, units, unit_heading=_("District"), breadcrumbs=[
        (_("Budgets"), url_for("budgets.nation")),
        (place.name, url_for("geo.region", kato2=place.kato2)),
        (_("Budget"), None)])


@blueprint.route("/districts/<kato4>/budget")
@public
def district(kato4: str) -> str:
    place = db.session.scalar(
        select(District)
        .options(joinedload(District.region), joinedload(District.rural_districts))
        .where(District.kato4 == kato4)
    ) if is_code(kato4, 4) else None
    if place is None:
        abort(404)
    area = readers.area_budget(readers.AreaLevel.DISTRICT, place.id)
    units = [(rd.id, rd.name, "budgets.rural_district", {"kato": rd.kato})
             for rd in place.rural_districts]
    return _area_page(area, place.name, units, unit_heading=_("Rural district"), breadcrumbs=[
        (_("Budgets"), url_for("budgets.nation")),
        (place.region.name, url_for("budgets.region", kato2=place.region.kato2)),
        (place.name, url_for("geo.district", kato4=place.kato4)),
        (_("Budget"), None)])


def _area_page(area: readers.AreaBudget, place_name: str,
               units: list[tuple[int, str, str, dict[str, Any]]], unit_heading: str,
               breadcrumbs: list[tuple[str, str | None]]) -> str:
    year = readers.pick_year(area.series, _year_argument())
    rows = [(name, url_for(endpoint, **{**values, "year": year}),
             area.unit_year(unit_id, year) if year else None)
            for unit_id, name, endpoint, values in units]
    return render_template(
        "budgets/area.html", place_name=place_name, area=area, year=year,
        indicators=area.year(year) if year else None, rows=rows, unit_heading=unit_heading,
        breadcrumb_items=breadcrumbs, charts=_charts(area.series, place_name, "area"),
    )


def _charts(series: list[readers.YearIndicators], place: str, prefix: str) -> list[Any]:
    if not series:
        return []
    return [figures.revenue_by_source(f"{prefix}-sources", series, place),
            figures.plan_and_actual(f"{prefix}-plan", series, place)]


@blueprint.route("/budgets/categories")
@public
def categories() -> str:
    return render_template("budgets/categories.html", categories=all_categories(),
                           functions=all_functions())


@blueprint.route("/budgets/template.csv")
@public
def template_csv_file() -> Response:
    return _download(template_csv(), "text/csv; charset=utf-8", "budget-template.csv")


@blueprint.route("/budgets/template.xlsx")
@public
def template_xlsx_file() -> Response:
    return _download(template_xlsx(categories=all_categories()), XLSX_TYPE, "budget-template.xlsx")


@blueprint.route("/budgets/spending-template.csv")
@public
def spending_template_csv() -> Response:
    return _download(template_csv(SPENDING), "text/csv; charset=utf-8",
                     "spending-template.csv")


@blueprint.route("/budgets/spending-template.xlsx")
@public
def spending_template_xlsx() -> Response:
    return _download(template_xlsx(SPENDING, functions=all_functions()), XLSX_TYPE,
                     "spending-template.xlsx")


@blueprint.route("/budgets/decisions-template.csv")
@public
def decisions_template_csv() -> Response:
    return _download(template_csv(DECISIONS), "text/csv; charset=utf-8",
                     "decisions-template.csv")


@blueprint.route("/budgets/decisions-template.xlsx")
@public
def decisions_template_xlsx() -> Response:
    return _download(template_xlsx(DECISIONS), XLSX_TYPE, "decisions-template.xlsx")


def _download(data: bytes, content_type: str, name: str) -> Response:
    response = Response(data, content_type=content_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


# --------------------------------------------------------------------------- staff import

@blueprint.route("/budgets/import", methods=["GET", "POST"])
@require(Permission.BUDGETS_IMPORT)
def import_file() -> str | WerkzeugResponse:
    form = ImportForm()
    errors: list[RowError] = []
    error_count = 0
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.read()
        if queued.runs_as_job(len(data)):
            job = queued.queue_import(data, upload.filename or "", current_user)
            db.session.commit()
            tasks.run_import(job.id)  # after the commit: the worker must see the row
            return redirect(url_for("budgets.import_job", job_id=job.id))
        try:
            outcome = import_budget_file(data, upload.filename or "", current_user)
            db.session.commit()
        except IntegrityError:
            # Another import wrote the same lines between our read and our write.
            db.session.rollback()
            form.file.errors = [_("Another import changed the same budget lines at the same "
                                  "time. Nothing was imported; please upload the file again.")]
        else:
            record = outcome.record
            if outcome.succeeded:
                flash(ngettext("Imported %(num)s row from %(name)s: %(inserted)s new, "
                               "%(updated)s changed, %(unchanged)s unchanged.",
                               "Imported %(num)s rows from %(name)s: %(inserted)s new, "
                               "%(updated)s changed, %(unchanged)s unchanged.", record.row_count,
                               name=record.file_name, inserted=record.inserted,
                               updated=record.updated, unchanged=record.unchanged), "success")
                return redirect(url_for("budgets.import_file"))
            errors = outcome.errors[:ERRORS_SHOWN]
            error_count = record.error_count
            form.file.errors = [ngettext("Nothing was imported: the file has %(num)s problem. "
                                         "Correct it and upload the file again.",
                                         "Nothing was imported: the file has %(num)s problems. "
                                         "Correct them and upload the file again.", error_count)]
    return render_template("budgets/import.html", form=form, errors=errors,
                           error_count=error_count, history=recent_imports(),
                           running=queued.recent_jobs(), shown=ERRORS_SHOWN)


def import_job_loader(job_id: int) -> BudgetImportJob | None:
    """A queued import; any member of staff may follow it (the history is shared too)."""
    return db.session.get(BudgetImportJob, job_id)


@blueprint.route("/budgets/import/jobs/<int:job_id>")
@require(Permission.BUDGETS_IMPORT, load=import_job_loader)
def import_job(job: BudgetImportJob) -> str:
    """A large import's progress, then its outcome (refreshes itself while it runs)."""
    outcome = job.outcome
    errors = ([RowError.from_dict(item) for item in outcome.errors or []][:ERRORS_SHOWN]
              if outcome is not None else [])
    return render_template("budgets/import_job.html", job=job, outcome=outcome,
                           errors=errors, error_count=outcome.error_count if outcome else 0)
