"""Meetings with residents: the akim schedules and records them; everyone reads them, by
region on a calendar page and in iCalendar feeds."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from werkzeug.wrappers import Response

from portal.akims import services as akims
from portal.akims.models import Term
from portal.clock import zone
from portal.extensions import db
from portal.geo import services as geo
from portal.geo.models import Settlement
from portal.meetings import ical, readers, services
from portal.meetings.forms import CancelForm, CloseForm, HeldForm, QuestionForm, ScheduleForm
from portal.meetings.models import Meeting, MeetingQuestion, MeetingStatus
from portal.meetings.services import MeetingError
from portal.modeling import utcnow
from portal.permissions import Permission, can, public, require
from portal.richtext import plain_text_with_links
from portal.uploads import send_stored_file
from portal.web.forms import apply_errors

blueprint = Blueprint("meetings", __name__)


@blueprint.app_template_filter("meeting_text")
def meeting_text(value: str | None) -> Markup:
    """Evidence written by the akim: plain text with links, escaped."""
    return plain_text_with_links(value)

# The region calendar shows past meetings of this many days back.
PAST_DAYS = 180


@blueprint.route("/terms/<int:term_id>/meetings/new", methods=["GET", "POST"])
@require(Permission.MEETINGS_MANAGE, load=akims.term_with_place)
def schedule(term: Term) -> Any:
    form = ScheduleForm()
    form.settlement_id.choices = _village_choices(term)
    status = 200
    if form.validate_on_submit():
        starts = form.starts_at.data.replace(tzinfo=zone())  # typed in Almaty time
        settlement = db.session.get(Settlement, form.settlement_id.data)
        try:
            meeting = services.schedule(term, settlement, form.place.data or "", starts,
                                        current_user)
        except MeetingError as error:
            apply_errors(form, error.errors)
            status = 400
        else:
            db.session.commit()
            flash(_("The meeting is announced on the portal."), "success")
            return redirect(url_for("meetings.show", meeting_id=meeting.id))
    elif form.is_submitted():
        status = 400
    return render_template("meetings/schedule.html", term=term, form=form), status


@blueprint.route("/meetings/<int:meeting_id>")
@public(load=readers.meeting_for_page)
def show(meeting: Meeting) -> tuple[str, int]:
    return _show_with(meeting, 200, manage=can(current_user, Permission.MEETINGS_MANAGE, meeting))


def _show_with(meeting: Meeting, status: int, manage: bool = True,
               **forms: Any) -> tuple[str, int]:
    """The meeting's page; the forms a refused change gave back replace the empty ones."""
    context = {"held_form": HeldForm(), "question_form": QuestionForm(),
               "close_form": CloseForm(), "cancel_form": CancelForm(), **forms}
    return render_template("meetings/meeting.html", meeting=meeting, term=meeting.term,
                           manage=manage, now=utcnow(), **context), status


def _village_choices(term: Term) -> list[tuple[int, str]]:
    villages = sorted(term.rural_district.settlements, key=lambda village: village.name)
    return [(village.id, village.name) for village in villages]


@blueprint.route("/meetings/<int:meeting_id>/change", methods=["GET", "POST"])
@require(Permission.MEETINGS_MANAGE, load=readers.meeting_for_page)
def change(meeting: Meeting) -> Any:
    """The akim moves an announced meeting: another time, village or place."""
    if not meeting.is_scheduled:
        return redirect(url_for("meetings.show", meeting_id=meeting.id))
    form = ScheduleForm()
    if request.method == "GET":
        form = ScheduleForm(formdata=None, settlement_id=meeting.settlement_id,
                            place=meeting.place,
                            starts_at=meeting.starts.astimezone(zone()).replace(tzinfo=None))
    form.settlement_id.choices = _village_choices(meeting.term)
    status = 200
    if form.validate_on_submit():
        starts = form.starts_at.data.replace(tzinfo=zone())  # typed in Almaty time
        settlement = db.session.get(Settlement, form.settlement_id.data)
        try:
            services.change(meeting, settlement, form.place.data or "", starts, current_user)
        except MeetingError as error:
            db.session.rollback()
            apply_errors(form, error.errors)
            status = 400
        else:
            db.session.commit()
            flash(_("The meeting is changed; those who follow it are told."), "success")
            return redirect(url_for("meetings.show", meeting_id=meeting.id))
    elif form.is_submitted():
        status = 400
    found = readers.meeting_for_page(meeting.id) or meeting
    return render_template("meetings/schedule.html", term=found.term, form=form,
                           meeting=found), status


@blueprint.route("/meetings/<int:meeting_id>/cancel", methods=["POST"])
@require(Permission.MEETINGS_MANAGE, load=readers.meeting_for_page)
def cancel(meeting: Meeting) -> Any:
    form = CancelForm()
    if form.validate_on_submit():
        try:
            services.cancel(meeting, form.reason.data or "", current_user)
        except MeetingError as error:
            apply_errors(form, error.errors)
        else:
            db.session.commit()
            flash(_("The meeting is cancelled. It stays on the portal with your reason."),
                  "success")
            return redirect(url_for("meetings.show", meeting_id=meeting.id))
    return _show_with(meeting, 400, cancel_form=form)


@blueprint.route("/meetings/<int:meeting_id>/held", methods=["POST"])
@require(Permission.MEETINGS_MANAGE, load=readers.meeting_for_page)
def held(meeting: Meeting) -> Any:
    form = HeldForm()
    if form.validate_on_submit():
        try:
            services.record_held(meeting, form.attendance.data, form.video_url.data or "",
                                 request.files.get(form.minutes.name), current_user)
        except MeetingError as error:
            db.session.rollback()
            apply_errors(form, error.errors)
        else:
            db.session.commit()
            flash(_("The meeting is recorded as held."), "success")
            return redirect(url_for("meetings.show", meeting_id=meeting.id))
    return _show_with(meeting, 400, held_form=form)


@blueprint.route("/meetings/<int:meeting_id>/questions", methods=["POST"])
@require(Permission.MEETINGS_MANAGE, load=readers.meeting_for_page)
def add_question(meeting: Meeting) -> Any:
    form = QuestionForm()
    if form.validate_on_submit():
        try:
            services.add_question(meeting, form.question.data or "", form.answer.data or "",
                                  form.responsible.data or "", form.due_on.data, current_user)
        except MeetingError as error:
            apply_errors(form, error.errors)
        else:
            db.session.commit()
            flash(_("The question is recorded."), "success")
            return redirect(url_for("meetings.show", meeting_id=meeting.id,
                                    _anchor="questions"))
    return _show_with(meeting, 400, question_form=form)


@blueprint.route("/meetings/<int:meeting_id>/questions/<int:question_id>/close",
                 methods=["POST"])
@require(Permission.MEETINGS_MANAGE, load=readers.question_for_edit)
def close_question(question: MeetingQuestion) -> Any:
    form = CloseForm()
    if form.validate_on_submit():
        try:
            services.close_question(question, form.evidence.data or "", current_user)
        except MeetingError as error:
            apply_errors(form, error.errors)
        else:
            db.session.commit()
            flash(_("The question is closed, with its evidence."), "success")
            return redirect(url_for("meetings.show", meeting_id=question.meeting_id,
                                    _anchor=f"question-{question.id}"))
    meeting = readers.meeting_for_page(question.meeting_id)
    assert meeting is not None  # noqa: S101 - the question's own meeting
    return _show_with(meeting, 400, close_form=form, closing=question.id)


def _minutes_of(meeting_id: int) -> Meeting | None:
    meeting = readers.meeting_for_page(meeting_id)
    return meeting if meeting is not None and meeting.minutes_file is not None else None


@blueprint.route("/meetings/<int:meeting_id>/minutes")
@public(load=_minutes_of)
def minutes(meeting: Meeting) -> Response:
    assert meeting.minutes_file is not None  # noqa: S101 - the loader checked
    return send_stored_file(meeting.minutes_file, public=True)  # minutes are published


@blueprint.route("/regions/<kato2>/meetings")
@public
def region(kato2: str) -> str:
    place = geo.region_by_kato(kato2)
    if place is None:
        abort(404)
    now = utcnow()
    meetings = readers.meetings_of_area(region=place, since=now - timedelta(days=PAST_DAYS))
    upcoming: list[Meeting] = []
    past: list[Meeting] = []
    for meeting in meetings:  # newest first
        coming = meeting.status == MeetingStatus.SCHEDULED and meeting.starts >= now
        (upcoming if coming else past).append(meeting)
    upcoming.reverse()  # soonest first
    return render_template("meetings/region.html", region=place, upcoming=upcoming, past=past,
                           past_days=PAST_DAYS)


def _ics(meetings: list[Meeting], name: str) -> Response:
    host = urlsplit(request.host_url).hostname or "portal"
    body = ical.feed(meetings, name,
                     lambda m: url_for("meetings.show", meeting_id=m.id, _external=True), host)
    return Response(body, mimetype="text/calendar",
                    headers={"Content-Disposition": "inline; filename=meetings.ics"})


@blueprint.route("/regions/<kato2>/meetings.ics")
@public
def region_feed(kato2: str) -> Response:
    place = geo.region_by_kato(kato2)
    if place is None:
        abort(404)
    return _ics(readers.meetings_of_area(region=place, since=utcnow() - timedelta(days=365)),
                _("Meetings with residents: %(place)s", place=place.name))


@blueprint.route("/rural-districts/<kato>/meetings.ics")
@public
def rural_district_feed(kato: str) -> Response:
    place = geo.rural_district_by_kato(kato)
    if place is None:
        abort(404)
    return _ics(readers.meetings_of_area(rural_district=place,
                                         since=utcnow() - timedelta(days=365)),
                _("Meetings with residents: %(place)s", place=place.name))
