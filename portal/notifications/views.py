"""Unsubscribing with one click (RFC 8058) and "My follows": what one follows, how often."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response

from portal import audit
from portal.akims.models import Akim, Term
from portal.api.serialize import public_url
from portal.extensions import csrf, db
from portal.geo import services as geo
from portal.geo.models import District, RuralDistrict
from portal.notifications import delivery, feeds, mine, preferences, tasks
from portal.notifications import follows as follows_service
from portal.notifications.forms import SettingsForm
from portal.notifications.models import DeliveryStatus, FollowTarget, Notification
from portal.permissions import Permission, public, require, require_login
from portal.web.forms import ButtonForm
from portal.web.pagination import paginate
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


@blueprint.route("/my")
@require_login
def my_portal() -> str:
    return render_template("notifications/my_portal.html", mine=mine.my_portal(current_user),
                           form=ButtonForm())


@blueprint.route("/my/mail-again", methods=["POST"])
@require_login
def write_again() -> Response:
    """The owner of an address whose mail stopped (bounce, complaint, refusal) asks for it."""
    if ButtonForm().validate_on_submit() and preferences.write_again(current_user):
        db.session.commit()
        flash(_("We will write to %(email)s again.", email=current_user.email), "success")
    return redirect(url_for("notifications.my_portal"))


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


# --------------------------------------------------------------------------- Atom feeds

def _atom(scope: feeds.Scope) -> Response:
    response = Response(feeds.atom(scope), mimetype="application/atom+xml")
    response.headers["Cache-Control"] = "public, max-age=600"
    return response


def _akim(akim_id: int) -> Akim | None:
    return db.session.get(Akim, akim_id)


@blueprint.route("/akims/<int:akim_id>/feed.atom")
@public(load=_akim)
def akim_feed(akim: Akim) -> Response:
    return _atom(feeds.Scope(f"akim:{akim.id}", akim.name,
                             public_url("akims.profile", akim_id=akim.id),
                             public_url("notifications.akim_feed", akim_id=akim.id),
                             Term.akim_id == akim.id))


@blueprint.route("/rural-districts/<kato>/feed.atom")
@public
def rural_district_feed(kato: str) -> Response:
    place = geo.rural_district_by_kato(kato)
    if place is None:
        abort(404)
    return _atom(feeds.Scope(f"rural_district:{kato}", place.name,
                             public_url("geo.rural_district", kato=kato),
                             public_url("notifications.rural_district_feed", kato=kato),
                             RuralDistrict.id == place.id))


@blueprint.route("/districts/<kato4>/feed.atom")
@public
def district_feed(kato4: str) -> Response:
    place = geo.district_by_kato(kato4)
    if place is None:
        abort(404)
    return _atom(feeds.Scope(f"district:{kato4}", place.name,
                             public_url("geo.district", kato4=kato4),
                             public_url("notifications.district_feed", kato4=kato4),
                             District.id == place.id))


@blueprint.route("/regions/<kato2>/feed.atom")
@public
def region_feed(kato2: str) -> Response:
    place = geo.region_by_kato(kato2)
    if place is None:
        abort(404)
    return _atom(feeds.Scope(f"region:{kato2}", place.name,
                             public_url("geo.region", kato2=kato2),
                             public_url("notifications.region_feed", kato2=kato2),
                             District.region_id == place.id))


@blueprint.route("/feed.atom")
@public
def national_feed() -> Response:
    return _atom(feeds.Scope("nation", _("Akim accountability portal"),
                             public_url("web.home"), public_url("notifications.national_feed"),
                             None))


# --------------------------------------------------------------------------- failed deliveries

def _notification(notification_id: int) -> Notification | None:
    return db.session.get(Notification, notification_id)


@blueprint.route("/admin/notifications")
@require(Permission.JOBS_MANAGE)
def deliveries() -> str:
    """Failed deliveries and those that needed more than one try, newest first."""
    statement = (select(Notification)
                 .options(joinedload(Notification.event), joinedload(Notification.user))
                 .where(or_(Notification.status == DeliveryStatus.FAILED,
                            Notification.attempts > 1,
                            Notification.last_error.is_not(None)))
                 .order_by(Notification.id.desc()))
    # The delays as `delivery` applies them, not copied into the text.
    minutes = ", ".join(str(seconds // 60) for seconds in delivery.RETRY_DELAYS)
    return render_template("notifications/deliveries.html", page=paginate(statement, 50),
                           form=ButtonForm(), retry_minutes=minutes,
                           tries=delivery.MAX_ATTEMPTS)


@blueprint.route("/admin/notifications/<int:notification_id>/retry", methods=["POST"])
@require(Permission.JOBS_MANAGE, load=_notification)
def retry(row: Notification) -> Response:
    if ButtonForm().validate_on_submit():
        if row.status is DeliveryStatus.FAILED:
            row.status = DeliveryStatus.QUEUED
            audit.record(current_user, "notifications.retry", row.user, None,
                         {"notification": row.id})
            db.session.commit()
            tasks.send_notifications([row.id])
            flash(_("The mail is queued again."), "success")
        else:
            flash(_("Only a failed mail can be tried again."), "info")
    return redirect(url_for("notifications.deliveries"))
