"""The response schemas of the API (`components/schemas`): one definition per shape.

Used by the document, the tests that validate real responses, the CSV headers and the docs
page.
"""

from __future__ import annotations

from portal.accounts.models import Role
from portal.akims.models import TermEndReason, TermStatus
from portal.api.openapi.building import (
    Schema,
    array,
    boolean,
    date,
    datetime,
    described,
    enum_of,
    integer,
    money,
    nullable,
    number,
    obj,
    page_of,
    ref,
    string,
)
from portal.budgets.models import DecisionKind, RevenueSection
from portal.geo.models import DistrictKind, RegionKind
from portal.meetings.models import MeetingStatus, QuestionStatus
from portal.promises.models import PromiseCategory, PromiseStatus
from portal.reports.models import Timeliness

SYNTHETIC = ("Fictional: made by a seed for a demonstration, not a real record "
             "(docs/development.md, \"Fictional data\").")
# A district's names (the reference map has all three) and a rural district's: the KATO
# extract gives units and villages their official Russian name only, so their Kazakh and
# English names are empty until a classifier file with Kazakh names is imported.
NAMES_EXAMPLE = {"kk": "Бәйдібек ауданы", "ru": "район Байдибека", "en": "Baidibek District"}
UNIT_NAMES_EXAMPLE = {"kk": "", "ru": "Агыбетский с.о.", "en": ""}
PLACE_EXAMPLE = {"kato": "613633000", "name": UNIT_NAMES_EXAMPLE, "district_kato": "6136",
                 "region_kato": "61"}
TERM_EXAMPLE = {"id": 41, "starts_on": "2023-06-07", "ends_on": "2027-06-07",
                "ended_on": None, "status": "serving", "end_reason": None, "synthetic": False}
SCORES_EXAMPLE = {"promises_total": 12, "promises_due": 5, "promises_kept": 3,
                  "promises_kept_early": 1, "promises_broken": 1, "promises_overdue": 1,
                  "reports_due": 4, "reports_on_time": 3, "reports_late": 1,
                  "reports_missing": 0, "rating_avg": 3.85, "rating_count": 41}


def _names(what: str) -> Schema:
    return obj({
        "kk": string(f"{what} in Kazakh."),
        "ru": string(f"{what} in Russian."),
        "en": string(f"{what} in English."),
    }, f"{what} in the three languages of the portal. A name not on record in a language is "
       "an empty string: rural districts and villages have only their official Russian name "
       "until a classifier file with Kazakh names is imported (the pages then show the "
       "Russian name).", example=NAMES_EXAMPLE)


def _error() -> Schema:
    return obj({
        "error": obj({
            "code": string("A stable, machine-readable code: invalid_parameter, not_found, "
                           "unauthorized, method_not_allowed, rate_limited, …"),
            "message": string("What went wrong, for a person (in the request's language)."),
            "parameter": string("The query parameter at fault, for invalid_parameter."),
        }, optional=("parameter",)),
    }, "Every error: a 4xx status and this body.",
        example={"error": {"code": "invalid_parameter", "parameter": "per_page",
                           "message": "per_page must be between 1 and 200."}})


def _area_counts(kind: Schema, kato: Schema, what: str) -> dict[str, Schema]:
    return {
        "kato": kato,
        "kind": kind,
        "name": ref("Names"),
        "rural_districts": integer(f"Rural districts in the {what}.", minimum=0),
        "serving_akims": integer(f"Rural districts of the {what} with a serving akim.",
                                 minimum=0),
    }


def _place() -> Schema:
    return obj({
        "kato": string("The rural district's 9-digit KATO code.", pattern="^[0-9]{9}$"),
        "name": ref("Names"),
        "district_kato": string("Its district's 4-digit KATO prefix.", pattern="^[0-9]{4}$"),
        "region_kato": string("Its region's 2-digit KATO prefix (= ISO 3166-2:KZ number).",
                              pattern="^[0-9]{2}$"),
    }, "A rural district (auyl okrug).", example=PLACE_EXAMPLE)


def _term() -> Schema:
    return obj({
        "id": integer("The term's id.", minimum=1),
        "starts_on": date("First day in office."),
        "ends_on": date("Scheduled end of the four-year term."),
        "ended_on": nullable(date("The actual last day, once the term has ended.")),
        "status": enum_of(TermStatus, "serving or ended."),
        "end_reason": nullable(enum_of(TermEndReason, "Why the term ended.")),
        "synthetic": boolean(SYNTHETIC),
    }, "One mandate of an akim in one rural district.", example=TERM_EXAMPLE)


def _scores() -> Schema:
    return obj({
        "promises_total": integer("Promises in the term's programme.", minimum=0),
        "promises_due": integer("Promises whose deadline has come (figure promises-due on "
                                "/how-we-count).", minimum=0),
        "promises_kept": integer("Promises due that are kept (the verified verdict where there "
                                 "is one, else the akim's claim); kept ahead of the deadline "
                                 "are in promises_kept_early.", minimum=0),
        "promises_kept_early": integer("Promises kept whose deadline is still ahead (in no "
                                       "share).", minimum=0),
        "promises_broken": integer("Promises due that are broken.", minimum=0),
        "promises_overdue": integer("Promises past their deadline and still open.", minimum=0),
        # The words of portal.figures.definitions: only a version covering the whole period
        # discharges a report; an interim one alone leaves it owed.
        "reports_due": integer("Reports whose outcome is known: a version covering the whole "
                               "period published, or past their due date (figure reports-due "
                               "on /how-we-count).", minimum=0),
        "reports_on_time": integer("Reports whose version covering the whole period was "
                                   "published by their due date.", minimum=0),
        "reports_late": integer("Reports whose version covering the whole period was "
                                "published after their due date.", minimum=0),
        "reports_missing": integer("Reports past their due date with no version covering the "
                                   "whole period published (an interim report alone counts "
                                   "here).", minimum=0),
        "rating_avg": nullable(number("Residents' average rating of the term's reports, 1 to "
                                      "5; null while nobody has rated.", minimum=1,
                                      maximum=5)),
        "rating_count": integer("Ratings counted (one per verified resident and report).",
                                minimum=0),
    }, "The term's record in numbers.", example=SCORES_EXAMPLE)


def _akim_fields(place: Schema, term: Schema) -> dict[str, Schema]:
    return {
        "id": integer("The akim's id (also in the profile address /akims/<id>).", minimum=1),
        "name": string("Full name in Cyrillic, as used in Kazakh and Russian."),
        "name_latn": string("Full name in Latin letters."),
        "party": nullable(string("Nominating party's code; null when self-nominated.")),
        "rural_district": described(place, "The rural district of the term shown."),
        "term": described(term, "The serving term, else the most recent one."),
        "scores": ref("Scores"),
        "open_flags": integer("Published recall-trigger flags open on the term.", minimum=0),
        "synthetic": boolean(SYNTHETIC),
        "url": string("The public profile page.", format="uri"),
    }


AKIM_EXAMPLE = {"id": 7, "name": "Сейітов Нұрлан Асқарұлы", "name_latn": "Seiitov Nurlan",
                "party": "amanat", "rural_district": PLACE_EXAMPLE, "term": TERM_EXAMPLE,
                "scores": SCORES_EXAMPLE, "open_flags": 0, "synthetic": False,
                "url": "https://akim-portal.kz/akims/7"}


def _promise() -> Schema:
    return obj({
        "id": integer("The promise's id.", minimum=1),
        "term_id": integer("The term whose programme it belongs to.", minimum=1),
        "number": integer("Its place in the programme, from 1.", minimum=1),
        "title": string("The promise as the akim worded it."),
        "language": string("The language of the title: kk, ru or en."),
        "category": enum_of(PromiseCategory, "The area (the 12 of the System of Regional "
                                             "Standards, then economy, governance, other)."),
        "status": enum_of(PromiseStatus, "The status indicators count: the verified verdict "
                                         "where there is one, else the akim's claim."),
        "claimed_status": enum_of(PromiseStatus, "The akim's own claim."),
        "progress": integer("The akim's claimed progress, in percent.", minimum=0,
                            maximum=100),
        "verified_status": nullable(enum_of(PromiseStatus, "The independent verdict; null "
                                                           "until verified.")),
        "deadline": date("The current deadline."),
        "original_deadline": date("The deadline in the baseline (or when added)."),
        "due": boolean("The deadline has come."),
        "overdue": boolean("The deadline has passed and the promise is still open."),
        "cost_estimate": nullable(money("Estimated cost.")),
        "funding_source": nullable(string("Where the money is to come from.")),
        "budget_function": nullable(string(
            "The code of the functional group of the rural district's budget that pays for "
            "it (as in the budget's `spending`, e.g. 07); null: not linked. A group, not a "
            "budget programme: the portal records spending by group.", pattern=r"^\d{2}$")),
        "inherited": boolean("Taken over from a predecessor."),
        "in_baseline": boolean("In the programme as registered; false: added later."),
        "confirm_count": integer("Residents who confirmed the current claim.", minimum=0),
        "dispute_count": integer("Residents who disputed the current claim.", minimum=0),
        "evidence_count": integer("Links and files backing the promise's updates.",
                                  minimum=0),
        "synthetic": boolean(SYNTHETIC),
        "url": string("The promise's public page.", format="uri"),
    }, "A promise of an akim's programme.")


def _report_line() -> Schema:
    return obj({
        "id": integer("The report's id.", minimum=1),
        "term_id": integer("The term that owes it.", minimum=1),
        "period_start": date("First day of the period reported on."),
        "period_end": date("Last day of the period."),
        "due_on": date("The day it must be published by."),
        "timeliness": enum_of(Timeliness, "on_time, late, missing (past due, no version "
                                          "covering the whole period), interim (published "
                                          "before the period ended, still owed) or upcoming."),
        "published": boolean("It has been published."),
        "first_published_on": nullable(date("The day of its first publication (Almaty).")),
        "covered_on": nullable(date("The day (Almaty) the first version covering the whole "
                                    "period was published: one published after the period "
                                    "ended. Null while nothing or only an interim version is "
                                    "published.")),
        "days_late": nullable(integer("Days after the due date the version covering the "
                                      "whole period was published (null while interim).",
                                      minimum=0)),
        "current_version": integer("Published versions (corrections add one).", minimum=0),
        "synthetic": boolean(SYNTHETIC),
        "url": nullable(string("Its public page, once published.", format="uri")),
    }, "One mandatory report a term owes, without its text.")


def _rating() -> Schema:
    scores = {str(score): integer(f"Ratings of {score}.", minimum=0) for score in range(1, 6)}
    return obj({
        "avg": nullable(number("Average, 1 to 5; null while nobody has rated.", minimum=1,
                               maximum=5)),
        "count": integer("Ratings counted.", minimum=0),
        "distribution": obj(scores, "How many residents gave each score."),
    }, "Verified residents' ratings (aggregates only: never who rated).")


def _flag() -> Schema:
    return obj({
        "id": integer("The flag's id.", minimum=1),
        "akim_id": integer("The akim concerned.", minimum=1),
        "term_id": integer("The term concerned.", minimum=1),
        "rural_district": ref("Place"),
        "rule": obj({
            "code": string("The rule's stable code."),
            "title": string("The rule, in words."),
        }, "The recall-trigger rule whose conditions were met."),
        "severity": string("How serious the rule says this is."),
        "status": string("Where the flag stands, e.g. open."),
        "first_raised_on": date("When the conditions were first met."),
        "last_confirmed_on": nullable(date("When an evaluation last found them still met.")),
        "published_on": nullable(date("When the flag was made public after review.")),
        "evidence": {"type": "object", "description": "The facts the rule found, as the rule "
                                                       "records them (free-form)."},
        "response": nullable(string("The akim's published response.")),
        "decision": nullable(string("The reviewers' published decision.")),
        "decided_by_role": nullable(string(
            "The role the decision was taken under: moderator (the portal's moderators review "
            "flags), admin, or staff for decisions taken by parliamentary staff before review "
            "passed to the moderators.")),
        "synthetic": boolean("Raised on a fictional term (" + SYNTHETIC[0].lower()
                             + SYNTHETIC[1:] + ")"),
    }, "A civic accountability flag: the conditions of a configurable recall-trigger rule "
       "were met. It is never a legal recall decision. Only published flags appear.")


def _report() -> Schema:
    section = "Markdown source, as the akim wrote it."
    return obj({
        "id": integer("The report's id.", minimum=1),
        "akim": obj({"id": integer("", minimum=1), "name": string("Name in Cyrillic."),
                     "name_latn": string("Name in Latin letters."),
                     "synthetic": boolean(SYNTHETIC)}, "Whose report it is."),
        "term": ref("Term"),
        "rural_district": ref("Place"),
        "period_start": date("First day of the period."),
        "period_end": date("Last day of the period."),
        "due_on": date("The day it had to be published by."),
        "timeliness": enum_of(Timeliness, "on_time, late, or interim (published before the "
                                          "period ended; missing once past due)."),
        "first_published_on": date("The day of its first publication (Almaty)."),
        "covered_on": nullable(date("The day (Almaty) the first version covering the whole "
                                    "period was published; null while the report is "
                                    "interim.")),
        "interim": boolean("Published before the period ended and not yet followed by a "
                           "version covering the whole period: the period is still owed."),
        "days_late": integer("Days after the due date the version covering the whole period "
                             "was published (0 while interim).", minimum=0),
        "current_version": integer("The version shown (corrections add versions).",
                                   minimum=1),
        "published_at": datetime("When the version shown was published (UTC)."),
        "sections": obj({name: string(section) for name in (
            "summary", "promises_progress", "budget_execution", "meeting_questions",
            "next_plans")}, "The text of the latest version."),
        "meeting": obj({
            "held_on": nullable(date("The residents' meeting the report was presented at.")),
            "place": string("Where it was held."),
            "attendance": nullable(integer("How many residents came.", minimum=0)),
            "broadcast_url": nullable(string("The online broadcast.")),
        }, "The meeting with residents."),
        "promise_entries": array(obj({
            "promise_id": integer("", minimum=1),
            "promise_number": integer("Its number in the programme.", minimum=1),
            "promise_title": string("The promise as the programme states it."),
            "claim": enum_of(PromiseStatus, "The status the akim claims in this report."),
            "text": string("What was done, in the akim's words."),
            "evidence_url": nullable(string("A link to the evidence.")),
            "since_version": integer("The version that published this entry (a correction "
                                     "may replace an earlier one).", minimum=1),
            "promise_url": string("The promise's public page.", format="uri"),
        }), "Progress on promises in the latest version: one entry per promise of the term's "
            "programme, in programme order."),
        "meetings": array(obj({
            "id": integer("", minimum=1),
            "starts_at": datetime("When it started (UTC)."),
            "attendance": nullable(integer("Residents who came.", minimum=0)),
            "url": string("The meeting's page.", format="uri"),
            "api_url": string("The meeting in this API.", format="uri"),
        }), "The held meetings with residents the report accounts for: those of its term from "
            "the first day of the period to the due date."),
        "versions": array(obj({
            "number": integer("1 is the first publication.", minimum=1),
            "published_at": datetime("When it was published (UTC)."),
            "reason": nullable(string("Why it was corrected; null for version 1.")),
            "url": string("The version's page.", format="uri"),
        }), "Every published version, oldest first."),
        "attachments": array(obj({
            "id": integer("", minimum=1),
            "name": string("The file's name."),
            "content_type": string("application/pdf, image/png or image/jpeg."),
            "size_bytes": integer("", minimum=0),
            "sha256": string("SHA-256 of the file, hex.", pattern="^[0-9a-f]{64}$"),
            "added_in_version": integer("The version that published the file.", minimum=1),
            "url": string("Download address.", format="uri"),
        }), "Published files."),
        "rating": ref("Rating"),
        "synthetic": boolean(SYNTHETIC),
        "url": string("The report's public page.", format="uri"),
    }, "A published report with its text. Drafts are never in the API.")


def _meeting_fields() -> dict[str, Schema]:
    return {
        "id": integer("The meeting's id.", minimum=1),
        "akim": obj({"id": integer("", minimum=1), "name": string("Name in Cyrillic."),
                     "name_latn": string("Name in Latin letters."),
                     "synthetic": boolean(SYNTHETIC)}, "Whose meeting it is."),
        "term_id": integer("The akim's term it belongs to.", minimum=1),
        "rural_district": ref("Place"),
        "settlement": obj({"kato": string("9-digit KATO code.", pattern="^[0-9]{9}$"),
                           "name": ref("Names")}, "The village it is held in."),
        "place": string("The building or address in the village."),
        "starts_at": datetime("When it starts (UTC; the pages show Almaty time)."),
        "announced_at": datetime("When the akim announced it (UTC)."),
        "changed_at": nullable(datetime("When the akim last moved it (time, village or "
                                        "place) after announcing it (UTC).")),
        "status": enum_of(MeetingStatus, "scheduled (announced), held or cancelled."),
        "cancelled_at": nullable(datetime("When it was cancelled (UTC). A cancelled meeting "
                                          "stays listed.")),
        "cancel_reason": nullable(string("Why it was cancelled, as the akim gave it.")),
        "attendance": nullable(integer("Residents who came; null until held.", minimum=0)),
        "video_url": nullable(string("The recording or broadcast.")),
        "minutes_url": nullable(string("The minutes file.", format="uri")),
        "questions_total": integer("Questions recorded at it.", minimum=0),
        "questions_open": integer("Of those, still open (not closed with evidence).",
                                  minimum=0),
        "synthetic": boolean(SYNTHETIC),
        "url": string("The meeting's public page.", format="uri"),
    }


def _meeting_detail() -> Schema:
    fields = _meeting_fields()
    fields["questions"] = array(obj({
        "id": integer("", minimum=1),
        "question": string("As residents asked it."),
        "answer": string("The answer given at the meeting."),
        "responsible": nullable(string("Who is responsible for acting on it.")),
        "due_on": nullable(date("By when.")),
        "status": enum_of(QuestionStatus, "open, or closed with evidence."),
        "closed_on": nullable(date("When it was closed (Almaty).")),
        "evidence": nullable(string("What was done, with links; set when closed.")),
        "synthetic": boolean(SYNTHETIC),
    }), "Every question recorded at the meeting, in the order recorded.")
    return obj(fields, "A meeting with residents and the questions raised at it.")


def _category_year() -> Schema:
    amount = "null when not stated."
    return obj({
        "code": string("The revenue category's code."),
        "section": enum_of(RevenueSection, "tax, non_tax, capital (sales of fixed capital) or "
                                           "transfers."),
        "is_own_revenue": boolean("Counts as own revenue (everything but transfers)."),
        "name": ref("Names"),
        "approved": nullable(money(f"Approved annual plan; {amount}")),
        "adjusted": nullable(money(f"Adjusted annual plan; {amount}")),
        "actual": nullable(money(f"Actual receipts so far; {amount}")),
        "plan": nullable(money("The plan measured against: adjusted where stated, else "
                               "approved.")),
        "plan_execution": nullable(number("actual / plan, a fraction (0.9731 is 97.31 %).")),
        "actual_through": integer("The last month the actuals cover (12: the whole year).",
                                  minimum=0, maximum=12),
    }, "One revenue category of the year.")


def _budget_line() -> Schema:
    return obj({
        "category": string("The revenue category's code."),
        "period": string("YEAR, Q1–Q4 or M01–M12.", pattern="^(YEAR|Q[1-4]|M(0[1-9]|1[0-2]))$"),
        "approved": nullable(money("Approved plan.")),
        "adjusted": nullable(money("Adjusted plan.")),
        "actual": nullable(money("Actual receipts.")),
        "synthetic": boolean(SYNTHETIC),
    }, "A line exactly as the budget file states it.")


def _function_year() -> Schema:
    amount = "null when not stated."
    return obj({
        "code": string("The functional group's two-digit code in the Unified Budget "
                       "Classification (01 general public services, 07 housing and communal "
                       "services, …)."),
        "name": ref("Names"),
        "approved": nullable(money(f"Approved annual plan; {amount}")),
        "adjusted": nullable(money(f"Adjusted annual plan; {amount}")),
        "actual": nullable(money(f"Actual spending so far; {amount}")),
        "plan": nullable(money("The plan measured against: adjusted where stated, else "
                               "approved.")),
        "plan_execution": nullable(number("actual / plan, a fraction (0.9731 is 97.31 %).")),
        "actual_through": integer("The last month the actuals cover (12: the whole year).",
                                  minimum=0, maximum=12),
        "per_resident": nullable(money("Actual spending per resident of the rural district "
                                       "(/how-we-count#spending-per-resident); null without "
                                       "actual spending.")),
    }, "One functional group's spending in the year.")


def _spending() -> Schema:
    return obj({
        "functions": array(ref("FunctionYear"), "The year's spending per functional group."),
        "total": nullable(ref("FunctionYear")),
        "lines": array(obj({
            "function": string("The functional group's code."),
            "period": string("YEAR, Q1–Q4 or M01–M12.",
                             pattern="^(YEAR|Q[1-4]|M(0[1-9]|1[0-2]))$"),
            "approved": nullable(money("Approved plan.")),
            "adjusted": nullable(money("Adjusted plan.")),
            "actual": nullable(money("Actual spending.")),
            "synthetic": boolean(SYNTHETIC),
        }, "A spending line exactly as the file states it."), "The year's spending lines as "
                                                             "filed."),
    }, "A rural district's spending by functional group for the year (total: code and name "
       "empty).")


def _decision() -> Schema:
    return obj({
        "year": integer("The budget year the decision adopted or amended."),
        "kind": enum_of(DecisionKind, "adopted: the decision that approved the year's budget; "
                                      "amending: a later decision that changed it."),
        "number": string("The decision's number as published."),
        "decided_on": date("The decision's date."),
        "url": string("The decision in the legal register.", format="uri"),
        "synthetic": boolean(SYNTHETIC),
    }, "A district maslikhat decision: the legal source of a budget year's figures.")


def _indicators() -> Schema:
    fraction = "A fraction rounded to four places (0.3312 is 33.12 %); null when undefined."
    return obj({
        "year": integer("The fiscal year."),
        "rural_districts": integer("Rural districts summed (1 here).", minimum=0),
        "population": integer("Residents.", minimum=0),
        "approved": money("Approved plan, all categories."),
        "plan": money("Plan measured against (adjusted where stated)."),
        "revenue": money("Actual total revenue."),
        "own_revenue": money("Actual own revenue (all but transfers)."),
        "transfers": money("Actual transfers."),
        "tax": money("Actual tax receipts."),
        "non_tax": money("Actual non-tax receipts."),
        "capital": money("Actual sales of fixed capital."),
        "own_plan": money("Plan of own revenue."),
        "actual_through": integer("The last month the actuals cover.", minimum=0, maximum=12),
        "closed": boolean("The actuals cover the whole year."),
        "own_share": nullable(number(f"Own revenue / revenue. {fraction}")),
        "own_revenue_per_resident": nullable(money("Own revenue per resident.")),
        "plan_execution": nullable(number(f"Revenue / plan. {fraction}")),
        "own_plan_execution": nullable(number(f"Own revenue / its plan. {fraction}")),
        "growth": nullable(number(f"Revenue growth on the previous year. {fraction}")),
        "own_growth": nullable(number(f"Own revenue growth on the previous year. {fraction}")),
        "growth_since_first": nullable(number(f"Revenue growth since first_year. {fraction}")),
        "own_growth_since_first": nullable(number(f"Own revenue growth since first_year. "
                                                  f"{fraction}")),
        "first_year": nullable(integer("The base year of the growth since the first year.")),
        "spending_rural_districts": integer("Rural districts with spending on record (0 or 1 "
                                            "here).", minimum=0),
        "spending_population": integer("Residents of the rural districts with spending on "
                                       "record.", minimum=0),
        "spending_approved": money("Approved spending plan, all functional groups."),
        "spending_plan": money("Spending plan measured against (adjusted where stated)."),
        "spending": money("Actual spending, all functional groups."),
        "spending_through": integer("The last month the spending actuals cover.", minimum=0,
                                    maximum=12),
        "spending_per_resident": nullable(money("Actual spending / spending_population "
                                                "(/how-we-count#spending-per-resident).")),
        "spending_plan_execution": nullable(number(f"Spending / spending plan "
                                                   f"(/how-we-count#spending-plan-execution). "
                                                   f"{fraction}")),
        "own_revenue_coverage": nullable(number(f"Own revenue / spending over the same months, "
                                                f"not capped (/how-we-count#"
                                                f"own-revenue-coverage). {fraction}")),
    }, "Budget indicators of one year (definitions: docs/budgets.md and /how-we-count).")


def _budget() -> Schema:
    return obj({
        "rural_district": ref("Place"),
        "year": nullable(integer("The year shown; null when no budget is on record.")),
        "year_selection": enum_of(["requested", "latest_closed", "latest", "none"],
                                  "How the year was chosen: as requested with ?year=, else the "
                                  "latest year whose actuals are complete, else the latest "
                                  "year on record."),
        "years": array(integer(), "Every year on record, oldest first."),
        "categories": array(ref("CategoryYear"), "The year's figures per revenue category."),
        "lines": array(ref("BudgetLine"), "The year's lines as filed (annual, quarterly, "
                                          "monthly)."),
        "indicators": nullable(ref("Indicators")),
        "series": array(ref("Indicators"), "Indicators of every year on record."),
        "spending": ref("Spending"),
        "sources": array(ref("Decision"), "The maslikhat decisions behind the year's revenue "
                                          "and spending figures: the adopting one first, then "
                                          "the amending ones by date. Empty: the source is "
                                          "not recorded."),
        "synthetic": boolean("The year's figures are fictional: made by a seed for a "
                             "demonstration (docs/development.md, \"Fictional data\")."),
    }, "A rural district's fourth-level budget for one year (revenues, spending, their "
       "sources), with the revenue series.")


def _me() -> Schema:
    return obj({
        "email": string("Your email address.", format="email"),
        "roles": array(enum_of(Role), "Your roles."),
        "akim_id": nullable(integer("The akim whose account this is, for akims.", minimum=1)),
        "rural_district": nullable(ref("Place")),
        "resident_verified": boolean("You are a verified resident of that rural district."),
        "language": nullable(string("Your preferred language.")),
    }, "The signed-in user. Never cached; never shown to anyone else.")


def _search() -> Schema:
    hit = obj({
        "id": nullable(integer("The akim's, promise's, report's or question's id; null for "
                               "a place.")),
        "kato": nullable(string("A place's KATO code (2 digits a region, 4 a district, 9 a "
                                "rural district or village); null otherwise.")),
        "name": nullable(ref("Names") | {"description": "A place's names; null otherwise."}),
        "title": nullable(string("An akim's name, a promise's title, a report's period as "
                                 "an ISO 8601 interval (2025-01-01/2025-06-30), or a meeting "
                                 "question.")),
        "excerpt": nullable(string("Plain text around the first word found (promises: the "
                                   "description; reports: the current published version).")),
        "akim_id": nullable(integer("The akim the hit belongs to.")),
        "url": string("The public page."),
    }, "One thing found.")
    group = obj({
        "kind": enum_of(["regions", "districts", "rural_districts", "villages", "akims",
                         "promises", "reports", "questions"]),
        "total": integer("How many match (items holds the first 20).", minimum=0),
        "items": array(hit),
    }, "The hits of one kind, best or newest first.")
    return obj({
        "query": string("The query as searched (spaces squeezed)."),
        "kind": nullable(enum_of(["akims", "places", "promises", "reports", "questions"])),
        "region": nullable(string("The region filter (2-digit KATO prefix).",
                                  pattern="^[0-9]{2}$")),
        "groups": array(group, "Every kind searched, in a fixed order, empty ones too."),
    }, "What matched, grouped by kind.")


# The league table's columns (portal.comparisons.league.COLUMNS): key, figure slug, value.
LEAGUE_FIGURES = (
    ("kept", "promises-kept-share", "share of the promises due that are kept; count: kept, "
     "base: due"),
    ("broken", "promises-broken-share", "share of the promises due that are broken; count: "
     "broken, base: due"),
    ("on_time", "reports-on-time", "share of the reports due published on time; count: on "
     "time, base: due"),
    ("missing", "reports-missing", "reports missing (a count); base: reports due"),
    ("rating", "rating-average", "average rating, two decimals; base: how many ratings"),
    ("own_revenue", "own-revenue-share", "own revenues as a share of all revenues collected "
     "in the year the profile leads with; null without budget figures"),
    ("flags", "open-flags", "open recall-trigger flags (a count)"),
    ("questions", "meeting-questions-open", "open questions from meetings (a count)"),
)


def _league_row() -> Schema:
    def figure(slug: str, what: str) -> Schema:
        return obj({
            "value": nullable(number(f"The figure {slug} (/how-we-count#{slug}): {what}.")),
            "count": nullable(integer("The numerator shown beside a share; null otherwise.",
                                      minimum=0)),
            "base": nullable(integer("What the figure is counted of; null when nothing.",
                                     minimum=0)),
            "too_few": boolean("True when the figure rests on fewer cases than the portal's "
                               "small-sample rule asks (/how-we-count#comparing): shown greyed "
                               "and sorted last."),
        }, f"Figure {slug}.")

    return obj({
        "rank": nullable(integer("Competition rank (1, 2, 2, 4) among the comparable rows "
                                 "of the sorted figure; null when sorted by place or name, "
                                 "or when this row's figure is too few to compare or has no "
                                 "value.", minimum=1)),
        "akim": obj({
            "id": integer("The akim's id.", minimum=1),
            "name": string("Full name in Cyrillic."),
            "name_latn": string("The name in Latin letters."),
            "url": string("The public profile."),
        }, "The serving akim."),
        "rural_district": obj({
            "kato": string("9-digit KATO code.", pattern="^[0-9]{9}$"),
            "name": ref("Names"),
        }, "The rural district served."),
        "district_kato": string("4-digit KATO prefix of the district.", pattern="^[0-9]{4}$"),
        "region_kato": string("2-digit KATO prefix of the region.", pattern="^[0-9]{2}$"),
        "as_of": date("The Almaty day the figures are counted on."),
        "figures": obj({key: figure(slug, what) for key, slug, what in LEAGUE_FIGURES},
                       "The table's figures, each with what it is counted of."),
        "synthetic": boolean(SYNTHETIC),
    }, "A row of a league table: a serving akim with the portal's figures.")


def components() -> dict[str, Schema]:
    akim_detail = _akim_fields(nullable(ref("Place")), nullable(ref("Term")))
    akim_detail.update({
        "terms": array(obj({"term": ref("Term"), "rural_district": ref("Place")}),
                       "All of the akim's terms, newest first."),
        "promises": array(ref("Promise"), "The promises of the term shown."),
        "reports": array(ref("ReportLine"), "The reports the term shown owes, oldest first."),
        "flags": array(ref("Flag"), "Published recall-trigger flags on the term shown."),
    })
    return {
        "Error": _error(),
        "Names": _names("The name"),
        "Region": obj(_area_counts(enum_of(RegionKind, "region, or city of republican "
                                                       "significance."),
                                   string("2-digit KATO prefix (= ISO 3166-2:KZ number).",
                                          pattern="^[0-9]{2}$"), "region")
                      | {"iso_code": string("ISO 3166-2 code.")},
                      "A region or a city of republican significance."),
        "District": obj(_area_counts(enum_of(DistrictKind, "district, city administration or "
                                                           "city district."),
                                     string("4-digit KATO prefix.", pattern="^[0-9]{4}$"),
                                     "district"), "A district (audan) of a region."),
        "Place": _place(),
        "Term": _term(),
        "Scores": _scores(),
        "AkimSummary": obj(_akim_fields(ref("Place"), ref("Term")),
                           "An akim with the current term's numbers.", example=AKIM_EXAMPLE),
        "AkimDetail": obj(akim_detail, "An akim with the term's promises, reports and flags."),
        "Promise": _promise(),
        "Meeting": obj(_meeting_fields(), "A meeting of an akim with residents (Decree No. "
                                          "826 of 3 March 2022), without its questions."),
        "MeetingDetail": _meeting_detail(),
        "ReportLine": _report_line(),
        "Report": _report(),
        "Rating": _rating(),
        "Flag": _flag(),
        "CategoryYear": _category_year(),
        "BudgetLine": _budget_line(),
        "FunctionYear": _function_year(),
        "Spending": _spending(),
        "Decision": _decision(),
        "Indicators": _indicators(),
        "Budget": _budget(),
        "Me": _me(),
        "SearchResults": _search(),
        "RegionList": page_of("Region", "Regions, by Kazakh name."),
        "DistrictList": page_of("District", "Districts of a region, by KATO."),
        "AkimList": page_of("AkimSummary", "Akims, by rural district KATO, then id."),
        "PromiseList": page_of("Promise", "Promises, in programme order."),
        "ReportLineList": page_of("ReportLine", "Reports, oldest period first."),
        "FlagList": page_of("Flag", "Published flags, newest first."),
        "MeetingList": page_of("Meeting", "Meetings, latest start first."),
        "LeagueRow": _league_row(),
        "LeagueList": page_of("LeagueRow", "Serving akims of the area in the order asked."),
    }
