"""Unsubscribing with one click (RFC 8058) and "My follows": what one follows, how often."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from portal.extensions import csrf, db
from portal.notifications import delivery, preferences
from portal.notifications import follows as follows_service
from portal.notifications.forms import SettingsForm
from portal.notifications.models import FollowTarget
from portal.permissions import Permission, public, require, require_login
from portal.web.forms import ButtonForm
from portal.web.safety import safe_next_url

blueprint = Blueprint("notifications", __name__)


@blueprint.route("/unsubscribe/<token>", methods=["GET", "POST"])
@public
def unsubscribe(token: str) -> Any:
    """GET asks (mail scanners follow links; they must not unsubscribe anyone); POST stops
    every email, whether it comes from the button or from the mail program's one-click
    `List-Unsubscribe=One-Click` request, which carries no session and no CSRF token:
    the signed token is the proof."""
    user = delivery.user_for_token(token)
    if user is None:
        abort(404)
    if request.method == "POST":
        preferences.pause(user, True)
        db.session.commit()
        return render_template("notifications/unsubscribed.html", done=True)
    return render_template("notifications/unsubscribed.html", done=False, token=token)


csrf.exempt(unsubscribe)


@blueprint.route("/my/follows", methods=["GET", "POST"])
@require_login
def follows() -> Any:
    form = SettingsForm()
    if request.method == "GET":
        form.load(preferences.settings_of(current_user))
    elif form.validate_on_submit():
        preferences.save(current_user, form.values())
        db.session.commit()
        flash(_("Your email settings are saved."), "success")
        return redirect(url_for("notifications.follows"))
    return render_template("notifications/follows.html", form=form,
                           follows=preferences.follows_of(current_user)), (
        400 if form.errors else 200)


@dataclass(frozen=True)
class Target:
    kind: FollowTarget
    obj: Any


def followable(target: str, target_id: int) -> Target | None:
    """The public thing named by the path; None for an unknown kind or id."""
    try:
        kind = FollowTarget(target)
    except ValueError:
        return None
    obj = preferences.find(kind, target_id)
    return Target(kind, obj) if obj is not None else None


@blueprint.route("/follow/<target>/<int:target_id>", methods=["POST"])
@require(Permission.ACCOUNT_SELF, load=followable)
def follow(item: Target) -> Response:
    """Follow, or (with `stop`) stop following; back to the page the button was on."""
    name, page = preferences.describe(item.kind, item.obj)
    if ButtonForm().validate_on_submit():
        if request.form.get("stop"):
            follows_service.unfollow(current_user, item.kind, item.obj.id, item.obj)
            flash(_("You no longer follow %(name)s.", name=name), "info")
        else:
            follows_service.follow(current_user, item.kind, item.obj.id, item.obj)
            flash(_("You follow %(name)s: choose how often you hear of it in My follows.",
                    name=name), "success")
        db.session.commit()
    return redirect(safe_next_url(request.form.get("next")) or page)


@blueprint.app_template_global()
def is_following(target: str, target_id: int) -> bool:
    """For the Follow buttons: one query, and only for a signed-in reader."""
    if not current_user.is_authenticated:
        return False
    return follows_service.is_following(current_user, FollowTarget(target), target_id)
