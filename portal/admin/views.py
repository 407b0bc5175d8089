"""Administration: accounts (roles, akim link, deactivation) and the residents' register.

Every change goes through a service in portal.accounts that records an audit event with the
values before and after; the account page shows that trail.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response

from portal import audit
from portal.accounts import management, residents_register, verification
from portal.accounts.models import Role, User
from portal.accounts.services import AccountError
from portal.admin.forms import (
    AkimLinkForm,
    AuditFilterForm,
    IinLookupForm,
    RegisterUploadForm,
    RolesForm,
    UserSearchForm,
)
from portal.exports import bulk
from portal.exports import tasks as export_tasks
from portal.exports.forms import LANGUAGE_CHOICES
from portal.exports.models import ExportJob, ExportStatus
from portal.extensions import db
from portal.modeling import utcnow
from portal.opendata import build as opendata_build
from portal.opendata import tasks as opendata_tasks
from portal.opendata.models import OpenDataFailure
from portal.permissions import Permission, require
from portal.web.forms import ButtonForm
from portal.web.pagination import paginate
from portal.web.safety import without_control_characters

blueprint = Blueprint("admin", __name__, url_prefix="/admin")

PER_PAGE = 25
ViewResult = str | Response | tuple[str, int]


@blueprint.route("/")
@require(Permission.USERS_MANAGE)
def index() -> ViewResult:
    return render_template("admin/index.html", pending=verification.pending_count())


def _users_page(status: int = 200, lookup: IinLookupForm | None = None) -> tuple[str, int]:
    form = UserSearchForm(request.args)
    role = Role(form.role.data) if form.role.data in {r.value for r in Role} else None
    page = paginate(management.search_users(form.q.data or "", role), PER_PAGE)
    return render_template("admin/users.html", form=form, page=page,
                           lookup=lookup or IinLookupForm(prefix="lookup")), status


@blueprint.route("/users")
@require(Permission.USERS_MANAGE)
def users() -> ViewResult:
    return _users_page()


@blueprint.route("/users/by-iin", methods=["POST"])
@require(Permission.USERS_MANAGE)
def user_by_iin() -> ViewResult:
    form = IinLookupForm(prefix="lookup")
    if not form.validate_on_submit():
        return _users_page(400, form)
    account = management.find_by_iin(form.iin.data or "", current_user)
    db.session.commit()
    if account is None:
        form.iin.errors = [_("No account has this IIN.")]
        return _users_page(404, form)
    return redirect(url_for("admin.user", user_id=account.id))


def _user_page(user: User, status: int = 200, **forms: object) -> tuple[str, int]:
    akim_query = without_control_characters(request.args.get("akim_q", "")).strip()[:100]
    candidates = management.find_akims(akim_query) if akim_query else []
    context: dict[str, object] = {
        "user": user,
        "roles_form": RolesForm(prefix="roles", data={"roles": [r.value for r in user.roles]}),
        "akim_form": AkimLinkForm(prefix="akim"),
        "action_form": ButtonForm(),
        "akim_query": akim_query,
        "akim_candidates": candidates,
        "linked_accounts": management.accounts_linked_to([akim.id for akim in candidates]),
        "serving_term_of": management.serving_term_of_akim,
        "latest_request": verification.latest_request_of(user),
        "trail": management.audit_trail_of(user),
    }
    context.update(forms)
    return render_template("admin/user.html", **context), status


@blueprint.route("/users/<int:user_id>")
@require(Permission.USERS_VIEW, load=management.user_for_admin)
def user(account: User) -> ViewResult:
    page = _user_page(account)
    management.record_account_view(current_user, account)
    db.session.commit()
    return page


@blueprint.route("/users/<int:user_id>/roles", methods=["POST"])
@require(Permission.USERS_MANAGE, load=management.user_for_admin)
def set_roles(account: User) -> ViewResult:
    form = RolesForm(prefix="roles")
    if not form.validate_on_submit():
        return _user_page(account, 400, roles_form=form)
    try:
        changed = management.set_roles(account, [Role(value) for value in form.roles.data or []],
                                       current_user)
    except AccountError as error:
        db.session.rollback()
        form.roles.errors = [str(error)]
        return _user_page(_reloaded(account), 400, roles_form=form)
    db.session.commit()
    if changed:
        flash(_("Roles saved."), "success")
    return redirect(url_for("admin.user", user_id=account.id))


@blueprint.route("/users/<int:user_id>/akim", methods=["POST"])
@require(Permission.USERS_MANAGE, load=management.user_for_admin)
def link_akim(account: User) -> ViewResult:
    form = AkimLinkForm(prefix="akim")
    if not form.validate_on_submit():
        return _user_page(account, 400, akim_form=form)
    akim = management.find_akims(str(form.akim_id.data))
    if not akim:
        form.akim_id.errors = [_("No akim has this number.")]
        return _user_page(account, 400, akim_form=form)
    try:
        management.link_akim(account, akim[0], current_user)
    except AccountError as error:
        db.session.rollback()
        form.akim_id.errors = [str(error)]
        return _user_page(_reloaded(account), 400, akim_form=form)
    db.session.commit()
    flash(_("The account is linked to akim %(name)s.", name=akim[0].name), "success")
    return redirect(url_for("admin.user", user_id=account.id))


def _reloaded(account: User) -> User:
    """The account again after a rollback, as its page shows it."""
    fresh = management.user_for_admin(account.id)
    if fresh is None:
        abort(404)
    return fresh


def _apply(account: User, change: Callable[[User, User], None], done: str) -> ViewResult:
    """Check the CSRF token, change, commit, and go back to the account."""
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        change(account, current_user)
    except AccountError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("admin.user", user_id=account.id))
    db.session.commit()
    flash(done, "success")
    return redirect(url_for("admin.user", user_id=account.id))


@blueprint.route("/users/<int:user_id>/akim/unlink", methods=["POST"])
@require(Permission.USERS_MANAGE, load=management.user_for_admin)
def unlink_akim(account: User) -> ViewResult:
    return _apply(account, management.unlink_akim, _("The akim link was removed."))


@blueprint.route("/users/<int:user_id>/deactivate", methods=["POST"])
@require(Permission.USERS_MANAGE, load=management.user_for_admin)
def deactivate(account: User) -> ViewResult:
    return _apply(account, management.deactivate,
                  _("The account is deactivated and its sessions have ended."))


@blueprint.route("/users/<int:user_id>/reactivate", methods=["POST"])
@require(Permission.USERS_MANAGE, load=management.user_for_admin)
def reactivate(account: User) -> ViewResult:
    return _apply(account, management.reactivate, _("The account is active again."))


@blueprint.route("/users/<int:user_id>/verification/revoke", methods=["POST"])
@require(Permission.USERS_MANAGE, load=management.user_for_admin)
def revoke_verification(account: User) -> ViewResult:
    return _apply(account, verification.revoke, _("The resident verification was withdrawn."))


@blueprint.route("/residents-register", methods=["GET", "POST"])
@require(Permission.RESIDENTS_IMPORT)
def residents_register_upload() -> ViewResult:
    form = RegisterUploadForm()
    report: residents_register.ImportReport | None = None
    failure: residents_register.RegisterFileError | None = None
    status = 200
    if form.validate_on_submit():
        try:
            rows = residents_register.parse(residents_register.read_upload(form.register.data))
            report = residents_register.import_rows(rows, current_user)
        except residents_register.RegisterFileError as error:
            db.session.rollback()
            failure, status = error, 400
        else:
            db.session.commit()
    elif form.is_submitted():
        status = 400
    return render_template("admin/residents_register.html", form=form, report=report,
                           failure=failure, imports=residents_register.recent_imports()), status


@blueprint.route("/audit")
@require(Permission.AUDIT_VIEW)
def audit_trail() -> ViewResult:
    """Every recorded change, newest first; `flask audit verify` checks the seals."""
    from portal.audit import readers as audit_readers

    form = AuditFilterForm(request.args)
    target_id = form.target_id.data if form.target_id.validate(form) else None
    page = paginate(audit_readers.trail(form.action.data or "", form.actor.data or "",
                                        form.target_type.data or "", target_id), PER_PAGE)
    return render_template("admin/audit.html", form=form, page=page)


# --------------------------------------------------------------------------- failed jobs

FAILED_EXPORTS_SHOWN = 50


def _failed_export(job_id: int) -> ExportJob | None:
    return db.session.get(ExportJob, job_id)


@blueprint.route("/jobs")
@require(Permission.JOBS_MANAGE)
def jobs() -> ViewResult:
    """Bulk exports and open-data builds that failed, newest first, beside the failed mail."""
    exports = list(db.session.scalars(
        select(ExportJob).options(joinedload(ExportJob.user))
        .where(ExportJob.status == ExportStatus.FAILED)
        .order_by(ExportJob.finished_at.desc(), ExportJob.id.desc())
        .limit(FAILED_EXPORTS_SHOWN)))
    return render_template("admin/jobs.html", exports=exports,
                           languages=dict(LANGUAGE_CHOICES), failures=opendata_build.failures(),
                           last_build=opendata_build.current(), form=ButtonForm())


@blueprint.route("/jobs/exports/<int:job_id>/retry", methods=["POST"])
@require(Permission.JOBS_MANAGE, load=_failed_export)
def retry_export(job: ExportJob) -> ViewResult:
    if ButtonForm().validate_on_submit():
        if bulk.retry_failed(job, current_user):
            db.session.commit()
            export_tasks.build_export(job.id)
            flash(_("Export %(number)s is queued again.", number=job.id), "success")
        else:
            flash(_("Only a failed export can be tried again."), "info")
    return redirect(url_for("admin.jobs"))


@blueprint.route("/jobs/opendata/retry", methods=["POST"])
@require(Permission.JOBS_MANAGE)
def retry_opendata() -> ViewResult:
    if ButtonForm().validate_on_submit():
        now = utcnow()
        waiting = list(db.session.scalars(select(OpenDataFailure)
                                          .where(OpenDataFailure.retried_at.is_(None))))
        for failure in waiting:
            failure.retried_at, failure.retried_by_id = now, current_user.id
        audit.record(current_user, "opendata.retry", None, None,
                     {"failures": [failure.id for failure in waiting]})
        db.session.commit()
        opendata_tasks.build_open_data(force=True)
        flash(_("A new build of the open-data download is queued."), "success")
    return redirect(url_for("admin.jobs"))
