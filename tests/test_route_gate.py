"""Every route makes an access decision: gated by a permission or login, or explicitly public."""

from flask import Flask

from portal.permissions import ACCESS_ATTRIBUTE, loader_arguments

# Adding a public route means adding it here, on purpose.
PUBLIC_ENDPOINTS = {
    "notifications.akim_feed",
    "notifications.rural_district_feed",
    "notifications.district_feed",
    "notifications.region_feed",
    "notifications.national_feed",
    "static",
    "web.home",
    "web.search",
    "geo.find",
    "web.how_we_count",
    "web.healthz",
    "web.readyz",
    "web.ping",
    "geo.regions",
    "geo.region",
    "geo.district",
    "geo.rural_district",
    "akims.profile",
    "notifications.unsubscribe",
    "accounts.login",
    "accounts.second_factor",
    "accounts.register",
    "accounts.check_email",
    "accounts.confirm_link",
    "accounts.confirm",
    "accounts.forgot_password",
    "accounts.reset_link",
    "accounts.reset_password",
    "api.regions",
    "api.region_districts",
    "api.akim_list",
    "api.akim_detail",
    "api.akim_promises",
    "api.meetings",
    "api.meeting",
    "api.akim_reports",
    "api.report",
    "api.budget",
    "api.flags",
    "api.search_all",
    "api.league",
    "comparisons.league_page",
    "comparisons.league_csv",
    "comparisons.compare",
    "api.openapi_document",
    "api.api_docs",
    "opendata.index",
    "opendata.download",
    "reports.show",
    "reports.version",
    "reports.changes",
    "reports.attachment",
    "reports.akim_reports",
    "reports.national",
    "reports.region",
    "reports.late",
    "reports.rules",
    "meetings.show",
    "meetings.minutes",
    "meetings.region",
    "meetings.region_feed",
    "meetings.rural_district_feed",
    "reports.district",
    "budgets.nation",
    "budgets.region",
    "budgets.district",
    "budgets.rural_district",
    "budgets.categories",
    "budgets.template_csv_file",
    "budgets.template_xlsx_file",
    "budgets.spending_template_csv",
    "budgets.spending_template_xlsx",
    "budgets.decisions_template_csv",
    "budgets.decisions_template_xlsx",
    "promises.page",
    "promises.evidence_file",
    "promises.programme",
    "recall.flag",
    "recall.methodology",
    "recall.term_petitions",
    "recall.petition",
    "exports.dossier",
    "exports.verify_page",
}


def test_every_route_is_gated_or_listed_public(app: Flask) -> None:
    problems = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        view = app.view_functions[rule.endpoint]
        access = getattr(view, ACCESS_ATTRIBUTE, None)
        if access is None:
            problems.append(f"{rule.rule} ({rule.endpoint}) has no access decision")
        elif access[0] == "public" and rule.endpoint not in PUBLIC_ENDPOINTS:
            problems.append(f"{rule.rule} ({rule.endpoint}) is public but not on the list")
        elif access[0] != "public" and rule.endpoint in PUBLIC_ENDPOINTS:
            problems.append(f"{rule.rule} ({rule.endpoint}) is listed public but gated")
    assert not problems, "\n".join(problems)


def test_public_list_has_no_stale_entries(app: Flask) -> None:
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints >= PUBLIC_ENDPOINTS, PUBLIC_ENDPOINTS - endpoints


# Routes with an id in their path that do not load an object through their access mark, and
# why. Shrinks to the routes that truly take no object; never add a route that loads one.
NO_LOADER: set[str] = set()


def test_routes_about_an_object_load_it_in_their_access_mark(app: Flask) -> None:
    """A view about one object gets it from `@require(P, load=…)` / `@public(load=…)`, so it
    never holds an object its permission was not checked on."""
    problems = []
    for rule in app.url_map.iter_rules():
        access = getattr(app.view_functions[rule.endpoint], ACCESS_ATTRIBUTE, None)
        if access is None:
            continue  # the test above names it
        ids = sorted(name for name in rule.arguments if name.endswith("_id"))
        load = access[2] if len(access) > 2 else None
        if load is None:
            if ids and rule.endpoint not in NO_LOADER:
                problems.append(f"{rule.rule} ({rule.endpoint}) takes {ids} but has no loader")
            continue
        taken = set(loader_arguments(load))
        if not taken <= rule.arguments:
            problems.append(f"{rule.rule} ({rule.endpoint}): its loader wants "
                            f"{sorted(taken - rule.arguments)}, not in the path")
    assert not problems, "\n".join(problems)


def test_no_loader_list_has_no_stale_entries(app: Flask) -> None:
    with_loader = {rule.endpoint for rule in app.url_map.iter_rules()
                   if getattr(getattr(app.view_functions[rule.endpoint], ACCESS_ATTRIBUTE, None),
                              "load", None) is not None}
    assert not NO_LOADER & with_loader, NO_LOADER & with_loader
