"""The public profile of an akim."""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from portal.akims import services
from portal.budgets.readers import budget_summaries_for_terms
from portal.permissions import public

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
        budget=budget_summaries_for_terms([term.id]).get(term.id) if term else None,
    )
