"""Every route makes an access decision: gated by a permission or login, or explicitly public."""

from flask import Flask

from portal.permissions import ACCESS_ATTRIBUTE

# Adding a public route means adding it here, on purpose.
PUBLIC_ENDPOINTS = {
    "static",
    "web.home",
    "web.search",
    "web.healthz",
    "web.readyz",
    "web.ping",
    "geo.regions",
    "geo.region",
    "geo.district",
    "geo.rural_district",
    "akims.profile",
    "accounts.login",
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
    "api.akim_reports",
    "api.report",
    "api.budget",
    "api.flags",
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
    "reports.district",
    "budgets.nation",
    "budgets.region",
    "budgets.district",
    "budgets.rural_district",
    "budgets.categories",
    "budgets.template_csv_file",
    "budgets.template_xlsx_file",
    "promises.page",
    "promises.evidence_file",
    "promises.programme",
    "recall.flag",
    "recall.methodology",
    "recall.term_petitions",
    "recall.petition",
    "exports.dossier",
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
