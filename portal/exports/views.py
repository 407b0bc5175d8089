"""The public dossier PDF of one akim, and the staff pages that build bundles of them."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_decimal, get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response as WerkzeugResponse

from portal import storage
from portal.exports import bulk, freshness, services, store, tasks, verify
from portal.exports.forms import LANGUAGE_CHOICES, BundleForm, VerifyForm
from portal.exports.labels import export_label
from portal.exports.models import ExportJob
from portal.exports.scope import area_choices, scope_names
from portal.extensions import db, limiter
from portal.permissions import Permission, public, require
from portal.richtext import plain_text_with_links

blueprint = Blueprint("exports", __name__)

# Per client address; 304 revalidations are not counted. `RATELIMIT_DOSSIER` overrides.
DEFAULT_DOSSIER_LIMIT = "20 per minute;300 per hour"


@blueprint.record_once
def _register_filters(state: Any) -> None:
    app: Flask = state.app
    # The same sanitising function other domains may register under this name.
    app.jinja_env.filters.setdefault("plain_text", plain_text_with_links)
    app.jinja_env.filters["export_label"] = export_label
    # Every process that registers the exports domain (web, worker, CLI) queues the dossiers
    # its commits make stale.
    freshness.listen_for_changes()


# Per client address, on checks only (reading the page is free). `RATELIMIT_VERIFY` overrides.
DEFAULT_VERIFY_LIMIT = "10 per minute;100 per hour"
# A dossier is a few hundred kilobytes; anything much larger is not one (and is not read).
MAX_VERIFY_BYTES = 5 * 1024 * 1024


def _verify_limit() -> str:
    return str(current_app.config.get("RATELIMIT_VERIFY") or DEFAULT_VERIFY_LIMIT)


def _dossier_limit() -> str:
    return str(current_app.config.get("RATELIMIT_DOSSIER") or DEFAULT_DOSSIER_LIMIT)


def requested_language() -> str:
    """?lang= when valid, else the reader's language as the site chose it."""
    asked = request.args.get("lang")
    if asked in services.LANGUAGES:
        return asked
    locale = get_locale()
    if locale is not None and locale.language in services.LANGUAGES:
        return str(locale.language)
    return str(current_app.config["BABEL_DEFAULT_LOCALE"])


# --------------------------------------------------------------------------- one dossier

def dossier_in_requested_language(akim_id: int) -> services.PreparedDossier | None:
    """The akim's dossier data in the language asked for; None without akim or term."""
    return services.prepare(akim_id, requested_language())


@blueprint.route("/akims/<int:akim_id>/accountability.pdf")
@public(load=dossier_in_requested_language)
@limiter.limit(_dossier_limit, deduct_when=lambda response: response.status_code == 200)
def dossier(item: services.PreparedDossier) -> Response:
    """Public, published data. Cheap to ask again: the data is read (a few queries) and
    fingerprinted; an unchanged dossier is a 304 or a cached file, never a new render. The
    job worker rebuilds a dossier served once whenever its data changes (`freshness`), so a
    new render here is rare, and one at a time: readers who ask for a dossier while another
    request or the worker renders it wait for that file (never an older one).
    `X-Dossier-Cache` says which it was: `hit` (the file was there), `miss` (this request
    rendered it) or `wait` (this request waited for another's render)."""
    if item.rendition in request.if_none_match:
        response = Response(status=304)
    else:
        key, served = services.dossier_pdf(item)
        # A few hundred kilobytes: sent from memory, so no file stays open after a response.
        response = Response(store.read(key), mimetype="application/pdf")
        response.headers["Content-Disposition"] = (
            f'inline; filename="{services.download_name(item)}"')
        response.headers["X-Dossier-Cache"] = served.value
    freshness.record_demand(db.session(), item.dossier.akim_id, item.language)
    response.set_etag(item.rendition)
    # Revalidate every time: a changed record shows at once, an unchanged one costs a 304.
    response.headers["Cache-Control"] = "no-cache"
    if "lang" not in request.args:
        response.vary.update(("Accept-Language", "Cookie"))
    return response


# --------------------------------------------------------------------------- verify

@blueprint.route("/verify", methods=["GET", "POST"])
@public
@limiter.limit(_verify_limit, methods=["POST"])
def verify_page() -> str:
    """Is a dossier current? Upload it (read in memory, never stored) or type its data
    fingerprint; the same answer as `flask export verify`."""
    form = VerifyForm()
    verdict = None
    if form.validate_on_submit():
        claim = _claim(form)
        if claim is not None:
            verdict = verify.verify(claim)
    return render_template("exports/verify.html", form=form, verdict=verdict,
                           outcome=verify.Outcome, max_size=_cap())


def _cap() -> str:
    """The upload limit in megabytes, as the reader writes numbers."""
    return _("%(num)s MB", num=format_decimal(MAX_VERIFY_BYTES / (1024 * 1024), format="#,##0.#"))


def _claim(form: VerifyForm) -> verify.Claim | None:
    """The claim of the uploaded file or the typed fingerprint; errors go beside the field."""
    upload = form.dossier.data
    typed = (form.fingerprint.data or "").strip()
    if upload and getattr(upload, "filename", ""):
        try:  # read in memory and let go: a large upload is spooled to a temporary file
            data = upload.stream.read(MAX_VERIFY_BYTES + 1)
        finally:
            upload.close()
        if len(data) > MAX_VERIFY_BYTES:
            form.dossier.errors.append(_("This file is larger than any dossier (%(size)s at "
                                         "most).", size=_cap()))
            return None
        if not data.startswith(verify.PDF_MAGIC):
            form.dossier.errors.append(_("This file is not a PDF."))
            return None
        claim = verify.claim_from_pdf(data)
        if claim is None:
            form.dossier.errors.append(_("This PDF is not an accountability dossier of this "
                                         "portal: it carries no data fingerprint."))
        return claim
    if typed:
        value = verify.normalise_typed(typed)
        if value is None:
            form.fingerprint.errors.append(_("A data fingerprint is 12 characters, digits 0–9 "
                                             "and letters a–f, as printed on the dossier."))
            return None
        return verify.Claim(value)
    form.dossier.errors.append(_("Choose a dossier file, or type its data fingerprint."))
    return None


# --------------------------------------------------------------------------- bundles

def export_job(job_id: int) -> ExportJob | None:
    """A bulk export; `can()` lets its owner (and administrators) at it, and for anyone else
    the routes answer 404: someone else's job does not exist for you."""
    return db.session.get(ExportJob, job_id)


@blueprint.route("/exports/", methods=["GET", "POST"])
@require(Permission.EXPORTS_BULK)
def index() -> str | WerkzeugResponse:
    form = BundleForm()
    if request.method == "GET":
        form.language.data = requested_language()
    form.area.choices = area_choices(
        requested_language(), _("Kazakhstan"), _("%(region)s — whole region (%(count)s)"))
    if form.validate_on_submit():
        try:
            job = bulk.start_export(current_user, form.area.data, form.format.data,
                                    form.language.data)
        except bulk.ExportError as error:
            getattr(form, error.field or "area").errors.append(str(error))
        else:
            db.session.commit()
            tasks.build_export(job.id)  # after the commit: the worker must see the row
            return redirect(url_for("exports.job", job_id=job.id))
    jobs = bulk.recent_jobs(current_user)
    return render_template("exports/index.html", form=form, jobs=jobs,
                           names=_names([job.scope for job in jobs]))


def _names(keys: list[str]) -> dict[str, str]:
    return scope_names(keys, requested_language(), _("Kazakhstan"))


def _progress_text(export: ExportJob) -> str:
    if not export.progress_total:
        return ""
    return ngettext("%(done)s of %(num)d dossier", "%(done)s of %(num)d dossiers",
                    export.progress_total, done=format_decimal(export.progress_done))


@blueprint.route("/exports/<int:job_id>")
@require(Permission.EXPORTS_BULK, load=export_job, hide=True)
def job(export: ExportJob) -> str:
    return render_template("exports/job.html", job=export, result=bulk.result_key(export),
                           area=_names([export.scope])[export.scope],
                           language_name=dict(LANGUAGE_CHOICES).get(export.language),
                           progress_text=_progress_text(export))


@blueprint.route("/exports/<int:job_id>/status.json")
@require(Permission.EXPORTS_BULK, load=export_job, hide=True)
def job_status(export: ExportJob) -> Response:
    """What the progress script polls: status, counts, and the download once done."""
    result = bulk.result_key(export)
    response = jsonify({
        "status": export.status.value, "status_label": export_label(export.status),
        "done": export.progress_done, "total": export.progress_total,
        "progress_text": _progress_text(export),
        "finished": export.is_finished,
        "download_url": url_for("exports.download", job_id=export.id) if result else None,
    })
    response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.route("/exports/<int:job_id>/cancel", methods=["POST"])
@require(Permission.EXPORTS_BULK, load=export_job, hide=True)
def cancel(export: ExportJob) -> WerkzeugResponse:
    try:
        bulk.cancel_export(export, current_user)
    except bulk.ExportError as error:
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(_("The export will stop after the dossier it is working on."), "success")
    return redirect(url_for("exports.job", job_id=export.id))


@blueprint.route("/exports/<int:job_id>/download")
@require(Permission.EXPORTS_BULK, load=export_job, hide=True)
def download(export: ExportJob) -> WerkzeugResponse:
    result = bulk.result_key(export)
    if result is None:
        if export.status.value == "done":
            flash(_("This file is no longer kept. Start the export again; unchanged dossiers "
                    "are reused, so it is quick."), "error")
        return redirect(url_for("exports.job", job_id=export.id))
    # Streamed from the storage: a national bundle is hundreds of megabytes.
    response = storage.send(result, download_name=bulk.download_name(export),
                            mimetype="application/zip" if export.format.value == "zip"
                            else "application/pdf", etag=export.inputs_fingerprint)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
