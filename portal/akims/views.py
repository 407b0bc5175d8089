"""The public profile of an akim."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request

from portal.akims import services
from portal.permissions import public
from portal.promises.sections import profile_section

blueprint = Blueprint("akims", __name__)


@blueprint.route("/akims/<int:akim_id>")
@public
def profile(akim_id: int) -> str:
    akim = services.akim_with_terms(akim_id)
    if akim is None:
        abort(404)
    term = services.current_or_latest_term(akim)
    return render_template(
        "akims/profile.html", akim=akim, term=term,
        promises_section=profile_section(term, request.args),
    )
