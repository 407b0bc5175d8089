"""The operations of the API (`paths`): parameters, responses and examples of each."""

from __future__ import annotations

from typing import Any

from portal.api.http import DEFAULT_PER_PAGE, MAX_ID, MAX_PAGE, MAX_PER_PAGE, MAX_TEXT
from portal.api.openapi.building import Schema, enum_of, integer, ref, string
from portal.api.openapi.schemas import LEAGUE_FIGURES
from portal.meetings.models import MeetingStatus
from portal.promises.models import PromiseCategory, PromiseStatus
from portal.reports.models import Timeliness

Operation = dict[str, Any]
LEAGUE_SORTS = ("place", "name", *(key for key, _slug, _what in LEAGUE_FIGURES))

ERRORS = {
    "400": "A parameter is invalid (the error names it).",
    "404": "Nothing is there.",
    "429": "Too many requests from your address; wait for Retry-After seconds.",
}


def _query(name: str, schema: Schema, description: str, example: Any = None) -> Schema:
    parameter = {"name": name, "in": "query", "required": False, "description": description,
                 "schema": schema}
    if example is not None:
        parameter["example"] = example
    return parameter


def _path(name: str, schema: Schema, description: str, example: Any) -> Schema:
    return {"name": name, "in": "path", "required": True, "description": description,
            "schema": schema, "example": example}


def _header(description: str, schema: Schema | None = None) -> Schema:
    return {"description": description, "schema": schema or string()}


PAGE = _query("page", integer(minimum=1, maximum=MAX_PAGE, default=1), "Page number, from 1.")
PER_PAGE = _query("per_page", integer(minimum=1, maximum=MAX_PER_PAGE,
                                      default=DEFAULT_PER_PAGE),
                  f"Items per page, 1 to {MAX_PER_PAGE}.")
FORMAT = _query("format", enum_of(["json", "csv"]) | {"default": "json"},
                "csv: the same page as CSV (UTF-8 with a byte-order mark, nested fields as "
                "dotted columns such as rural_district.kato).")
LIST_PARAMETERS = [PAGE, PER_PAGE, FORMAT]
ID_SCHEMA = integer(minimum=1, maximum=MAX_ID)
CACHING_HEADERS = {
    "ETag": _header("A validator of this answer: send it back as If-None-Match to get a 304 "
                    "when nothing changed."),
    "Last-Modified": _header("When the public data last changed (or the day turned)."),
    "Cache-Control": _header("How long a cache may keep the answer."),
}
LIST_HEADERS = {
    **CACHING_HEADERS,
    "X-Total-Count": _header("Items on all pages together.", integer(minimum=0)),
    "Link": _header('Neighbouring pages (RFC 8288): rel="first", "prev", "next", "last".'),
}


def _errors(*statuses: str) -> dict[str, Any]:
    return {status: {"description": ERRORS[status],
                     "content": {"application/json": {"schema": ref("Error")}}}
            for status in statuses}


def _read(summary: str, description: str, schema: str, parameters: list[Schema],
          tag: str, errors: tuple[str, ...] = ("400", "404", "429"),
          csv: bool = False) -> Operation:
    content: dict[str, Any] = {"application/json": {"schema": ref(schema)}}
    if csv:
        content["text/csv"] = {"schema": string("CSV with a header row.")}
    return {
        "tags": [tag],
        "summary": summary,
        "description": description,
        "operationId": summary.lower().replace(" ", "_").replace("'", ""),
        "parameters": parameters,
        "responses": {
            "200": {"description": "OK", "headers": LIST_HEADERS if csv else CACHING_HEADERS,
                    "content": content},
            "304": {"description": "Not modified since the ETag you sent."},
            **_errors(*errors),
        },
    }


def _list(summary: str, description: str, schema: str, parameters: list[Schema],
          tag: str) -> Operation:
    return _read(summary, description, schema, [*parameters, *LIST_PARAMETERS], tag,
                 csv=True)


# What http.text refuses with a 400 (portal.web.safety): a NUL and the other control characters.
NO_CONTROL_CHARACTERS = "^[^\\u0000-\\u001f\\u007f-\\u009f]*$"
REGION_KATO = _path("kato", string(pattern="^[0-9]{2}$"), "The region's 2-digit KATO prefix.",
                    "61")
AKIM_ID = _path("akim_id", ID_SCHEMA, "The akim's id.", 1)
TERM_ID = _query("term_id", ID_SCHEMA, "One of the akim's terms (default: the serving term, "
                                       "else the most recent).")


def paths() -> dict[str, Any]:
    return {
        "/regions": {"get": _list(
            "List regions", "The 17 regions and 3 cities of republican significance, with "
            "counts of rural districts and serving akims.", "RegionList", [], "Places")},
        "/regions/{kato}/districts": {"get": _list(
            "List districts of a region", "The districts of one region, with counts.",
            "DistrictList", [REGION_KATO], "Places")},
        "/akims": {"get": _list(
            "List akims", "Akims with their current term's figures. By default those serving "
            "now; status=all adds former akims (with their most recent term).", "AkimList", [
                _query("region", string(pattern="^[0-9]{2}$"), "Only this region (2-digit "
                       "KATO prefix).", "61"),
                _query("district", string(pattern="^[0-9]{4}$"), "Only this district "
                       "(4-digit KATO prefix).", "6136"),
                _query("q", string(maxLength=MAX_TEXT, pattern=NO_CONTROL_CHARACTERS),
                       "Name search: Cyrillic or Latin, Kazakh letters optional (\"Сейітов\", "
                       "\"сейитов\" and \"seiitov\" alike); no control characters.",
                       "Сейітов"),
                _query("status", enum_of(["serving", "ended", "all"]) | {"default": "serving"},
                       "serving (now in office), ended (former akims) or all."),
            ], "Akims")},
        "/akims/{akim_id}": {"get": _read(
            "Get an akim", "An akim with the current term's scores, promises, reports and "
            "flags, and a list of every term.", "AkimDetail", [AKIM_ID], "Akims")},
        "/akims/{akim_id}/promises": {"get": _list(
            "List an akim's promises", "The promises of one of the akim's terms, in programme "
            "order.", "PromiseList", [
                AKIM_ID, TERM_ID,
                _query("status", enum_of(PromiseStatus), "Only promises with this status."),
                _query("category", enum_of(PromiseCategory), "Only this category."),
            ], "Akims")},
        "/akims/{akim_id}/reports": {"get": _list(
            "List an akim's reports", "The reports one of the akim's terms owes, with their "
            "timeliness (texts: /reports/{report_id}).", "ReportLineList", [
                AKIM_ID, TERM_ID,
                _query("timeliness", enum_of(Timeliness), "Only reports with this "
                                                          "timeliness."),
            ], "Akims")},
        "/reports/{report_id}": {"get": _read(
            "Get a report", "A published report: its text (Markdown source), meeting, "
            "versions, files and rating.", "Report",
            [_path("report_id", ID_SCHEMA, "The report's id.", 1)], "Reports",
            errors=("404", "429"))},
        "/meetings": {"get": _list(
            "List meetings", "Meetings of akims with residents (Decree No. 826 of 3 March "
            "2022): announced, held and cancelled, latest start first, with how many "
            "questions were raised and how many are still open.", "MeetingList", [
                _query("region", string(pattern="^[0-9]{2}$"), "Only this region (2-digit "
                       "KATO prefix).", "61"),
                _query("district", string(pattern="^[0-9]{4}$"), "Only this district "
                       "(4-digit KATO prefix).", "6136"),
                _query("rural_district", string(pattern="^[0-9]{9}$"), "Only this rural "
                       "district (9-digit KATO code).", "613633000"),
                _query("status", enum_of(MeetingStatus), "Only meetings with this status."),
            ], "Meetings")},
        "/meetings/{meeting_id}": {"get": _read(
            "Get a meeting", "A meeting with residents and every question raised at it: the "
            "answer, who is responsible, the due date and whether it was closed with "
            "evidence.", "MeetingDetail",
            [_path("meeting_id", ID_SCHEMA, "The meeting's id.", 1)], "Meetings",
            errors=("404", "429"))},
        "/rural-districts/{kato}/budget": {"get": _read(
            "Get a rural district's budget", "Revenues of a fourth-level budget for one year: "
            "per category, the lines as filed, indicators, and the series of every year.",
            "Budget", [
                _path("kato", string(pattern="^[0-9]{9}$"), "The rural district's 9-digit "
                      "KATO code.", "613633000"),
                _query("year", integer(minimum=2000, maximum=2100), "The fiscal year; "
                       "default: the latest year whose actuals are complete.", 2025),
            ], "Budgets")},
        "/flags": {"get": _list(
            "List flags", "Published recall-trigger flags (civic accountability flags, never a "
            "legal recall decision), newest first.", "FlagList", [
                _query("status", enum_of(["open", "closed", "all"]) | {"default": "all"},
                       "open, closed or all."),
            ], "Flags")},
        "/search": {"get": _read(
            "Search", "Places at every level, akims, promises (title and description), "
            "reports (the current published version, never a draft) and meeting questions, "
            "grouped by kind, as on the /search page. Kazakh letters are optional; Latin "
            "spellings and one typo in a place name are tolerated.", "SearchResults", [
                {**_query("q", string(minLength=2, maxLength=MAX_TEXT,
                                      pattern=NO_CONTROL_CHARACTERS),
                          "What to look for (at least 2 characters).", "Бәйдібек"),
                 "required": True},
                _query("kind", enum_of(["akims", "places", "promises", "reports",
                                        "questions"]), "Only this kind."),
                _query("region", string(pattern="^[0-9]{2}$"), "Only this region (2-digit "
                       "KATO prefix).", "61"),
            ], "Search")},
        "/league": {"get": _list(
            "List a league table", "Every serving akim of the nation, a region or a district "
            "with the figures of /how-we-count, in the order asked: the same rows as the "
            "/league page. A figure resting on too few cases (the portal's small-sample rule, "
            "/how-we-count#comparing) has too_few true and sorts after the comparable ones, "
            "whichever the order; a figure with no value sorts last.", "LeagueList", [
                _query("region", string(pattern="^[0-9]{2}$"), "Only this region (2-digit "
                       "KATO prefix).", "61"),
                _query("district", string(pattern="^[0-9]{4}$"), "Only this district (4-digit "
                       "KATO prefix); wins over region.", "6136"),
                _query("sort", enum_of(list(LEAGUE_SORTS)) | {"default": "place"},
                       "place (KATO order), name, or a figure's key."),
                _query("order", enum_of(["asc", "desc"]), "Default: desc for a figure, asc "
                       "for place and name."),
            ], "Akims")},
        "/me": {"get": {
            "tags": ["Account"],
            "summary": "Get the signed-in user",
            "description": "Your own account: for pages of this site calling the API with "
                           "your session. Never cached.",
            "operationId": "get_me",
            "security": [{"session": []}],
            "responses": {
                "200": {"description": "OK",
                        "content": {"application/json": {"schema": ref("Me")}}},
                "401": {"description": "Not signed in.",
                        "content": {"application/json": {"schema": ref("Error")}}},
                **_errors("429"),
            },
        }},
        "/openapi.json": {"get": {
            "tags": ["Meta"],
            "summary": "Get this description",
            "description": "The OpenAPI 3.1 description of the API.",
            "operationId": "get_openapi",
            "responses": {"200": {"description": "OK",
                                  "content": {"application/json": {"schema": {
                                      "type": "object"}}}},
                          "304": {"description": "Not modified."}},
        }},
    }
