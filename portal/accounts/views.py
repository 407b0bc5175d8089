"""Sign in, sign out and register."""

from __future__ import annotations

import hashlib

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from portal.accounts import services
from portal.accounts.forms import LoginForm, RegistrationForm
from portal.accounts.models import Role
from portal.extensions import db, limiter
from portal.geo.models import RuralDistrict
from portal.permissions import public, require_login
from portal.web.safety import safe_next_url

blueprint = Blueprint("accounts", __name__)


def _login_account_key() -> str:
    """Throttle per account without keeping the email itself in the limiter's storage."""
    email = services.normalise_email(request.form.get("email", ""))
    return "login-account:" + hashlib.sha256(email.encode()).hexdigest()


@blueprint.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(lambda: current_app.config["RATELIMIT_LOGIN"], methods=["POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_LOGIN_ACCOUNT"], methods=["POST"],
               key_func=_login_account_key)
def login() -> str | Response:
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data or "", form.password.data or "")
        if user is None:
            form.password.errors = [_("The email or password is not right.")]
        else:
            next_url = safe_next_url(request.args.get("next"))
            session.clear()  # a new session at sign-in: nothing from before carries over
            login_user(user)
            db.session.commit()
            flash(_("You are signed in."), "success")
            return redirect(next_url or url_for("web.home"))
    return render_template("accounts/login.html", form=form)


@blueprint.route("/logout", methods=["POST"])
@require_login
def logout() -> Response:
    logout_user()
    session.clear()
    flash(_("You are signed out."), "info")
    return redirect(url_for("web.home"))


@blueprint.route("/register", methods=["GET", "POST"])
@public
@limiter.limit(lambda: current_app.config["RATELIMIT_REGISTER"], methods=["POST"])
def register() -> str | Response:
    if current_user.is_authenticated:
        return redirect(url_for("web.home"))
    form = RegistrationForm()
    if form.validate_on_submit():
        rural_district = db.session.query(RuralDistrict).filter_by(
            kato=(form.rural_district.data or "").strip()
        ).one_or_none()
        if rural_district is None:
            form.rural_district.errors = [_("No rural district has this KATO code.")]
        elif services.iin_in_use(form.iin.data or "") or services.find_by_email(
            form.email.data or ""
        ):
            # One message for both cases, and no hint which: no enumeration of people.
            form.email.errors = [_(
                "We could not create an account with these details. If you already have an "
                "account, sign in or reset your password."
            )]
        else:
            user = services.create_user(
                form.email.data or "", form.password.data, [Role.CITIZEN], None,
                display_name=form.display_name.data or None,
                rural_district=rural_district, iin=form.iin.data,
            )
            db.session.commit()
            session.clear()
            login_user(user)
            flash(_("Welcome! Your account is ready. To rate reports of your rural district, "
                    "your residence must be verified."), "success")
            return redirect(url_for("web.home"))
    return render_template("accounts/register.html", form=form)
