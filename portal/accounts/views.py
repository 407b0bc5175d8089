"""Sign in and out, register and confirm, forgot and reset a password.

No answer here tells a visitor whether an email or IIN is known: registration and reset
requests always lead to the same "check your email" page, and the email says the rest.
Links with tokens are turned into a session value at once (GET /…/<token> → redirect), so the
token does not stay in the address bar, the history or a Referer header; the form that uses it
is a POST, so mail scanners that open links do not use it up.
"""

from __future__ import annotations

import time

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
from werkzeug.exceptions import TooManyRequests
from werkzeug.wrappers import Response

from portal.accounts import notices, services, sessions, throttle, two_factor
from portal.accounts.forms import (
    ForgotPasswordForm,
    LoginForm,
    RegistrationForm,
    ResetPasswordForm,
    SecondFactorForm,
)
from portal.accounts.models import User
from portal.accounts.verification import try_register_match
from portal.extensions import db, limiter
from portal.modeling import current_language
from portal.permissions import Permission, can, public, require_login
from portal.transactions import commit_with_retry
from portal.web.forms import ButtonForm
from portal.web.safety import safe_next_url

blueprint = Blueprint("accounts", __name__)

ViewResult = str | Response | tuple[str, int]

CONFIRM_TOKEN = "confirm_token"  # noqa: S105 - session keys, not secrets
RESET_TOKEN = "reset_token"  # noqa: S105
# Between the right password and the second factor: who, and for how long.
PENDING_LOGIN = "pending_login"
PENDING_MINUTES = 10


def _sign_in(user: User) -> None:
    """A new session at sign-in: nothing from before (a planted id, a CSRF token) carries over,
    and the server keeps a row for it that signing out ends."""
    session.clear()
    services.record_login(user)
    continue_signed_in(user)


def continue_signed_in(user: User) -> None:
    """This browser signed in with a session of its own (after sign-in, or after every other
    session of the account was ended)."""
    session[sessions.SESSION_KEY] = sessions.start(user)
    login_user(user)


def outbox_hint() -> str | None:
    """In development without SMTP, where the email can be read."""
    if current_app.config["PORTAL_ENV"] != "development" or current_app.config.get("MAIL_SERVER"):
        return None
    return str(current_app.config["OUTBOX_FOLDER"])


@blueprint.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(throttle.login_limit, methods=["POST"], deduct_when=throttle.failed_attempt)
@limiter.limit(throttle.login_account_limit, methods=["POST"],
               key_func=throttle.login_account_key, deduct_when=throttle.failed_attempt)
def login() -> ViewResult:
    form = LoginForm()
    if form.validate_on_submit():
        pause = throttle.login_pause(form.email.data or "")
        if pause is not None:
            raise TooManyRequests(retry_after=pause)
        user = services.authenticate(form.email.data or "", form.password.data or "")
        if user is None:
            throttle.login_failed(form.email.data or "")
            form.password.errors = [_("The email or password is not right.")]
        elif user.email_confirmed_at is None:
            # Only someone who knows the password gets here, so saying so reveals nothing.
            notice = services.resend_confirmation(user)
            db.session.commit()
            notices.deliver(notice)
            form.email.errors = [_("Confirm your email address first: we have sent you a new "
                                   "link. It works for 48 hours.")]
        else:
            next_url = safe_next_url(request.args.get("next"))
            if two_factor.is_enabled(user) or two_factor.required_for(user):
                # The password was right; the session remembers only that, for a few minutes.
                session.clear()
                session[PENDING_LOGIN] = two_factor.pending(user, next_url)
                db.session.commit()
                return redirect(url_for("accounts.second_factor"))
            # Retried on a writer's conflict: on SQLite the audit chain's write can meet
            # another process's commit (seen with two machines on one file).
            commit_with_retry(lambda: _sign_in(user))
            flash(_("You are signed in."), "success")
            return redirect(next_url or landing_page(user))
    return render_template("accounts/login.html", form=form, outbox=outbox_hint())


def landing_page(user: User) -> str:
    """Where signing in leads without a `next`: an akim to their dashboard (the questions
    waiting for them), everyone else to the home page."""
    if user.akim_id is not None and can(user, Permission.AKIM_DASHBOARD):
        return url_for("reports.dashboard")
    return url_for("web.home")


def _pending_user() -> User | None:
    """Whoever gave the right password a few minutes ago in this browser, if still valid: in
    time, and with tries left (counted on the server, so a copy of the cookie buys none)."""
    pending = session.get(PENDING_LOGIN)
    if not isinstance(pending, dict) or not isinstance(pending.get("id"), str):
        return None
    if time.time() - int(pending.get("at", 0)) > PENDING_MINUTES * 60 or \
            not throttle.code_tries_left(pending["id"]):
        return None
    user = db.session.get(User, int(pending.get("user_id", 0)))
    if user is None or not user.is_active or user.session_version != pending.get("version"):
        return None
    return user


@blueprint.route("/login/code", methods=["GET", "POST"])
@public
@limiter.limit(throttle.login_limit, methods=["POST"], deduct_when=throttle.failed_attempt)
def second_factor() -> ViewResult:
    """After the password: the code from the app (or a recovery code). An account that must
    use two factors and has not set them up does so here, before it is signed in."""
    user = _pending_user()
    if user is None:
        session.pop(PENDING_LOGIN, None)
        flash(_("Please sign in again: the time for the code ran out."), "info")
        return redirect(url_for("accounts.login"))
    pending = dict(session[PENDING_LOGIN])
    enrolling = not two_factor.is_enabled(user)
    if enrolling and "secret" not in pending:
        pending["secret"] = two_factor.new_secret()
        session[PENDING_LOGIN] = pending
    form = SecondFactorForm()
    if form.validate_on_submit():
        pause = throttle.login_pause(user.email)
        if pause is not None:
            raise TooManyRequests(retry_after=pause)
        typed = form.code.data or ""

        def use_code_and_sign_in() -> list[str]:
            """The recovery codes when this turns two factors on; none otherwise."""
            codes = two_factor.enable(user, pending["secret"], typed) if enrolling else []
            if not enrolling and not two_factor.check(user, typed):
                raise two_factor.TwoFactorError(_("This code does not match, or it was used "
                                                  "already."))
            _sign_in(user)
            return codes

        try:
            # Retried on a writer's conflict, like the password's sign-in: the code is checked
            # again in the retried transaction, so a step is still used only once.
            codes = commit_with_retry(use_code_and_sign_in)
        except two_factor.TwoFactorError as error:
            throttle.code_failed(user.email, pending["id"])
            form.code.errors = [str(error)]
        else:
            if codes:
                return render_template("accounts/recovery_codes.html", codes=codes,
                                       next_url=pending.get("next") or landing_page(user))
            flash(_("You are signed in."), "success")
            return redirect(pending.get("next") or landing_page(user))
    secret = pending.get("secret") if enrolling else None
    return render_template(
        "accounts/second_factor.html", form=form, enrolling=enrolling, secret=secret,
        uri=two_factor.provisioning_uri(user, secret) if secret else None,
    ), 400 if form.is_submitted() else 200


@blueprint.route("/logout", methods=["POST"])
@require_login
def logout() -> Response:
    """Ends this browser's session on the server: a copy of the cookie no longer works."""
    sessions.end(sessions.current_token())
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You are signed out."), "info")
    return redirect(url_for("web.home"))


@blueprint.route("/register", methods=["GET", "POST"])
@public
@limiter.limit(throttle.register_limit, methods=["POST"])
def register() -> ViewResult:
    if current_user.is_authenticated:
        return redirect(url_for("account.overview"))
    form = RegistrationForm()
    if form.validate_on_submit() and form.found_rural_district is not None:
        registration = services.register_citizen(
            form.email.data or "", form.password.data or "", form.iin.data or "",
            form.found_rural_district, display_name=(form.display_name.data or "").strip() or None,
            locale=current_language(),
        )
        db.session.commit()
        notices.deliver(registration.notice)
        return redirect(url_for("accounts.check_email", reason="register"))
    return render_template("accounts/register.html", form=form)


@blueprint.route("/check-email")
@public
def check_email() -> str:
    reason = "reset" if request.args.get("reason") == "reset" else "register"
    return render_template("accounts/check_email.html", reason=reason, outbox=outbox_hint())


@blueprint.route("/register/confirm/<token>")
@public
def confirm_link(token: str) -> Response:
    session[CONFIRM_TOKEN] = token[:100]
    return redirect(url_for("accounts.confirm"))


@blueprint.route("/register/confirm", methods=["GET", "POST"])
@public
@limiter.limit(throttle.token_limit, methods=["POST"])
def confirm() -> ViewResult:
    token = session.get(CONFIRM_TOKEN, "")
    form = ButtonForm()
    if form.validate_on_submit():
        user = services.confirm_email(token)
        if user is not None:
            try_register_match(user)
            db.session.commit()
            session.pop(CONFIRM_TOKEN, None)
            # Not signed in here: whoever opens the link must also know the password, so an
            # account someone else pre-registered with your address cannot be slipped to you.
            flash(_("Your email address is confirmed. Sign in to continue."), "success")
            return redirect(url_for("accounts.login"))
        db.session.rollback()
    elif request.method == "GET" and services.confirmation_is_live(token):
        return render_template("accounts/confirm.html", form=form)
    return render_template("accounts/link_invalid.html", purpose="confirm"), 400


@blueprint.route("/password/forgot", methods=["GET", "POST"])
@public
@limiter.limit(throttle.reset_limit, methods=["POST"])
@limiter.limit(throttle.reset_account_limit, methods=["POST"], key_func=throttle.reset_account_key)
def forgot_password() -> ViewResult:
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        pause = throttle.reset_pause(form.email.data or "")
        if pause is not None:
            raise TooManyRequests(retry_after=pause)
        throttle.reset_requested(form.email.data or "")
        notice = services.request_password_reset(form.email.data or "")
        db.session.commit()
        notices.deliver(notice)
        return redirect(url_for("accounts.check_email", reason="reset"))
    return render_template("accounts/forgot_password.html", form=form)


@blueprint.route("/password/reset/<token>")
@public
def reset_link(token: str) -> Response:
    session[RESET_TOKEN] = token[:100]
    return redirect(url_for("accounts.reset_password"))


@blueprint.route("/password/reset", methods=["GET", "POST"])
@public
@limiter.limit(throttle.token_limit, methods=["POST"])
def reset_password() -> ViewResult:
    token = session.get(RESET_TOKEN, "")
    if not services.reset_is_live(token):
        session.pop(RESET_TOKEN, None)
        return render_template("accounts/link_invalid.html", purpose="reset"), 400
    form = ResetPasswordForm()
    form.account_email = services.email_for_token(token)
    if form.validate_on_submit():
        user = services.reset_password(token, form.password.data or "")
        if user is not None:
            db.session.commit()
            session.clear()  # any session of this browser ends with the old password
            flash(_("Your password has been changed and every session of your account was "
                    "ended. Sign in with the new password."), "success")
            return redirect(url_for("accounts.login"))
        db.session.rollback()
        return render_template("accounts/link_invalid.html", purpose="reset"), 400
    return render_template("accounts/reset_password.html", form=form)
