"""The signed-in person's own account: details, password, language, home, verification."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response

from portal import clock
from portal.accounts import services, sessions, throttle, two_factor, verification
from portal.accounts.forms import (
    ChangePasswordForm,
    HomeDistrictForm,
    LanguageForm,
    SecondFactorForm,
    VerificationRequestForm,
)
from portal.accounts.models import User, VerificationStatus
from portal.accounts.views import continue_signed_in
from portal.akims.models import Akim, Term
from portal.extensions import db, limiter
from portal.geo.models import District, RuralDistrict
from portal.modeling import current_language
from portal.permissions import Permission, require
from portal.richtext import plain_text_with_links
from portal.web.forms import ButtonForm
from portal.web.locale import LANG_COOKIE, ONE_YEAR

blueprint = Blueprint("account", __name__, url_prefix="/account")

ViewResult = str | Response | tuple[str, int]


def _me() -> User:
    """The signed-in user with what the page shows, in one query."""
    user = db.session.scalar(
        select(User)
        .options(
            joinedload(User.rural_district).joinedload(RuralDistrict.district)
            .joinedload(District.region),
            joinedload(User.akim).selectinload(Akim.terms).joinedload(Term.rural_district),
        )
        .where(User.id == current_user.id)
    )
    assert user is not None  # noqa: S101 - current_user was loaded this request
    return user


def _page(user: User, status: int = 200, **forms: Any) -> tuple[str, int]:
    language = LanguageForm(prefix="language", data={"locale": user.locale or current_language()})
    context = {
        "user": user,
        "latest_request": verification.latest_request_of(user),
        "not_eligible": verification.why_not_eligible(user),
        "password_form": ChangePasswordForm(prefix="password"),
        "language_form": language,
        "district_form": HomeDistrictForm(prefix="district"),
        "verification_form": VerificationRequestForm(prefix="verification"),
        "sessions_form": ButtonForm(prefix="sessions"),
        "live_sessions": sessions.live_sessions(user),
        "is_current_session": sessions.is_current,
        "plain_text": plain_text_with_links,
        # A minor is told the day; an adult sees nothing (the portal keeps no age).
        "adult_from_later": (user.adult_from if user.adult_from is not None
                             and not user.is_adult_on(clock.today()) else None),
    }
    context.update(forms)
    return render_template("accounts/account.html", **context), status


@blueprint.route("")
@require(Permission.ACCOUNT_SELF)
def overview() -> ViewResult:
    return _page(_me())


@blueprint.route("/password", methods=["POST"])
@require(Permission.ACCOUNT_SELF)
@limiter.limit(throttle.password_change_limit, key_func=throttle.signed_in_user_key)
def change_password() -> ViewResult:
    user = _me()
    form = ChangePasswordForm(prefix="password")
    form.account_email = user.email
    if form.validate_on_submit():
        try:
            services.change_password(user, form.current_password.data or "",
                                     form.new_password.data or "")
        except services.AccountError as error:
            form.current_password.errors = [str(error)]
        else:
            continue_signed_in(user)  # this browser stays signed in; every other one has ended
            db.session.commit()
            flash(_("Your password has been changed. Other devices were signed out."), "success")
            return redirect(url_for("account.overview"))
    return _page(user, 400, password_form=form)


@blueprint.route("/language", methods=["POST"])
@require(Permission.ACCOUNT_SELF)
def change_language() -> ViewResult:
    user = _me()
    form = LanguageForm(prefix="language")
    if not form.validate_on_submit():
        return _page(user, 400, language_form=form)
    services.set_locale(user, form.locale.data)
    db.session.commit()
    response = redirect(url_for("account.overview", lang=form.locale.data))
    # The language cookie outranks the profile; set it too so the choice shows at once.
    response.set_cookie(LANG_COOKIE, form.locale.data or "kk", max_age=ONE_YEAR,
                        samesite="Lax", httponly=True,
                        secure=current_app.config.get("SESSION_COOKIE_SECURE", False))
    return response


@blueprint.route("/district", methods=["POST"])
@require(Permission.ACCOUNT_SELF)
def change_district() -> ViewResult:
    user = _me()
    form = HomeDistrictForm(prefix="district")
    if not form.validate_on_submit() or form.found_rural_district is None:
        return _page(user, 400, district_form=form)
    if services.change_rural_district(user, form.found_rural_district):
        db.session.commit()
        flash(_("Your rural district is now %(name)s. Ask to be verified as its resident.",
                name=form.found_rural_district.name), "success")
    return redirect(url_for("account.overview"))


@blueprint.route("/verification", methods=["POST"])
@require(Permission.ACCOUNT_SELF)
def request_verification() -> ViewResult:
    user = _me()
    form = VerificationRequestForm(prefix="verification")
    if not form.validate_on_submit():
        return _page(user, 400, verification_form=form)
    try:
        outcome = verification.request_verification(user, form.note.data)
    except services.AccountError as error:
        db.session.rollback()
        flash(str(error), "error")
        return _page(_me(), 400, verification_form=form)
    db.session.commit()
    if outcome.status is VerificationStatus.APPROVED:
        flash(_("You are verified as a resident: the residents' register lists you."), "success")
    else:
        flash(_("Your request was sent. A moderator will review it; we will email you."),
              "success")
    return redirect(url_for("account.overview"))


@blueprint.route("/sessions", methods=["POST"])
@require(Permission.ACCOUNT_SELF)
def end_sessions() -> ViewResult:
    user = _me()
    form = ButtonForm(prefix="sessions")
    if not form.validate_on_submit():
        return _page(user, 400)
    services.end_all_sessions(user, user)
    continue_signed_in(user)
    db.session.commit()
    flash(_("You were signed out on every other device."), "success")
    return redirect(url_for("account.overview"))


# ----------------------------------------------------------------------------- two factors

TOTP_SETUP = "totp_setup"  # the key being set up, until its first code turns it on


@blueprint.route("/two-factor", methods=["GET", "POST"])
@require(Permission.ACCOUNT_SELF)
@limiter.limit(throttle.password_change_limit, methods=["POST"],
               key_func=throttle.signed_in_user_key)
def two_factor_setup() -> ViewResult:
    """Turn two factors on (anyone may; officials must where required): the key, then a
    first code from the app; the recovery codes are shown once."""
    user = _me()
    if two_factor.is_enabled(user):
        return _two_factor_page(user)
    secret = session.get(TOTP_SETUP)
    if not isinstance(secret, str):
        secret = session[TOTP_SETUP] = two_factor.new_secret()
    form = SecondFactorForm()
    if form.validate_on_submit():
        try:
            codes = two_factor.enable(user, secret, form.code.data or "")
        except two_factor.TwoFactorError as error:
            db.session.rollback()
            form.code.errors = [str(error)]
        else:
            db.session.commit()
            session.pop(TOTP_SETUP, None)
            return render_template("accounts/recovery_codes.html", codes=codes,
                                   next_url=url_for("account.overview"))
    return _two_factor_page(user, form=form, secret=secret,
                            status=400 if form.is_submitted() else 200)


def _two_factor_page(user: User, form: SecondFactorForm | None = None,
                     secret: str | None = None, status: int = 200,
                     off_form: SecondFactorForm | None = None) -> tuple[str, int]:
    return render_template(
        "accounts/two_factor.html", user=user, form=form or SecondFactorForm(), secret=secret,
        off_form=off_form or SecondFactorForm(prefix="off", formdata=None),
        uri=two_factor.provisioning_uri(user, secret) if secret else None,
        enabled=two_factor.is_enabled(user), required=two_factor.required_for(user),
        codes_left=two_factor.recovery_codes_left(user) if two_factor.is_enabled(user) else 0,
        action_form=ButtonForm(prefix="two-factor"),
    ), status


@blueprint.route("/two-factor/recovery-codes", methods=["POST"])
@require(Permission.ACCOUNT_SELF)
# A code is six digits: without a limit, a borrowed session could guess its way to new
# recovery codes, or to turning two factors off.
@limiter.limit(throttle.password_change_limit, key_func=throttle.signed_in_user_key)
def renew_recovery_codes() -> ViewResult:
    user = _me()
    form = SecondFactorForm()
    if not two_factor.is_enabled(user):
        return redirect(url_for("account.two_factor_setup"))
    if not (form.validate_on_submit() and two_factor.check(user, form.code.data or "")):
        db.session.rollback()
        form.code.errors = [_("This code does not match, or it was used already.")]
        return _two_factor_page(user, form=form, status=400)
    codes = two_factor.renew_recovery_codes(user)
    db.session.commit()
    return render_template("accounts/recovery_codes.html", codes=codes,
                           next_url=url_for("account.overview"))


@blueprint.route("/two-factor/off", methods=["POST"])
@require(Permission.ACCOUNT_SELF)
# A code is six digits: without a limit, a borrowed session could guess its way to new
# recovery codes, or to turning two factors off.
@limiter.limit(throttle.password_change_limit, key_func=throttle.signed_in_user_key)
def two_factor_off() -> ViewResult:
    """Residents may turn two factors off again (with a code); officials who must use them
    cannot."""
    user = _me()
    form = SecondFactorForm(prefix="off")
    if two_factor.required_for(user):
        flash(_("Your account must sign in with two factors."), "error")
        return redirect(url_for("account.two_factor_setup"))
    if not (form.validate_on_submit() and two_factor.check(user, form.code.data or "")):
        db.session.rollback()
        form.code.errors = [_("This code does not match, or it was used already.")]
        return _two_factor_page(user, off_form=form, status=400)
    two_factor.disable(user, user)
    db.session.commit()
    flash(_("Two factors are off: you sign in with your password alone."), "info")
    return redirect(url_for("account.overview"))
