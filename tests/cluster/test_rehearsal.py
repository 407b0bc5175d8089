"""The two-machine rehearsal: what one machine writes, the other serves.

A resident rates on A and B shows it (and B's page cache drops the page); an akim uploads on A
and B serves the file from the object store; staff start a bulk export on B, the one job
consumer builds it, and A serves the download; a login throttle counts across A and B.
"""

from __future__ import annotations

import io
import re
import zipfile

import requests
import sqlalchemy as sa

from tests.cluster.harness import Cluster, csrf, form_fields, sign_in, wait_until

PDF = b"%PDF-1.7\n% uploaded on machine A\n" + bytes(range(256)) * 400 + b"\n%%EOF\n"


def one(engine: sa.Engine, query: str, **params: object) -> int:
    with engine.connect() as connection:
        return int(connection.execute(sa.text(query), params).scalar_one())


def akims_published_report(engine: sa.Engine) -> int:
    return one(engine, """
        SELECT r.id FROM report r JOIN term t ON t.id = r.term_id
        JOIN user_account u ON u.akim_id = t.akim_id
        WHERE u.email = 'akim@demo.kz' AND r.state = 'published' ORDER BY r.id DESC LIMIT 1""")


def rating_count(base_url: str, report_id: int) -> int:
    return int(requests.get(f"{base_url}/api/v1/reports/{report_id}", timeout=30)
               .json()["rating"]["count"])


def test_a_rating_on_a_shows_on_b_and_b_drops_its_cached_page(
        portal_cluster: Cluster, cluster_db: sa.Engine) -> None:
    a, b = portal_cluster.a.url, portal_cluster.b.url
    report = akims_published_report(cluster_db)
    page = f"{b}/reports/{report}?lang=en"
    first = requests.get(page, timeout=30)
    again = requests.get(page, timeout=30)
    assert again.headers.get("X-Page-Cache") == "hit", "B did not cache the anonymous page"
    counted = rating_count(b, report)

    resident = sign_in(a, "citizen@demo.kz")
    token = csrf(resident, f"{a}/reports/{report}")
    response = resident.post(f"{a}/reports/{report}/rate", timeout=30, allow_redirects=False,
                             data={"csrf_token": token, "score": "4", "comment": ""})
    assert response.status_code == 302, response.text[:500]

    assert rating_count(b, report) == counted + 1
    after = requests.get(page, timeout=30)
    assert after.headers.get("X-Page-Cache") == "miss", "B served its stale copy"
    assert after.text != first.text
    # The resident's session, signed on A, is valid on B (one SECRET_KEY).
    assert "Thank you" in resident.get(f"{b}/reports/{report}", timeout=30).text or \
        resident.get(f"{b}/api/v1/me", timeout=30).json()["email"] == "citizen@demo.kz"


def test_an_attachment_uploaded_on_a_downloads_on_b(portal_cluster: Cluster,
                                                    cluster_db: sa.Engine) -> None:
    a, b = portal_cluster.a.url, portal_cluster.b.url
    report = one(cluster_db, """
        SELECT r.id FROM report r JOIN term t ON t.id = r.term_id
        JOIN user_account u ON u.akim_id = t.akim_id
        WHERE u.email = 'akim@demo.kz' AND r.state = 'draft' ORDER BY r.id LIMIT 1""")
    akim = sign_in(a, "akim@demo.kz")
    editor = akim.get(f"{a}/reports/{report}/edit", timeout=30).text
    fields = form_fields(editor, f"/reports/{report}/edit")
    response = akim.post(f"{a}/reports/{report}/edit", timeout=60, allow_redirects=False,
                         data={**fields, "save": "Save draft"},
                         files={"attachment": ("minutes-from-a.pdf", io.BytesIO(PDF),
                                               "application/pdf")})
    assert response.status_code == 302, response.text[:800]
    attachment = one(cluster_db, """
        SELECT a.id FROM report_attachment a JOIN stored_file f ON f.id = a.stored_file_id
        WHERE a.report_id = :report AND f.original_name = 'minutes-from-a.pdf'""", report=report)
    download = akim.get(f"{b}/reports/{report}/attachments/{attachment}", timeout=30)
    assert download.status_code == 200 and download.content == PDF
    assert download.headers["Content-Disposition"].startswith("attachment")
    # Nobody else may read a draft's file, on either machine.
    assert requests.get(f"{b}/reports/{report}/attachments/{attachment}",
                        timeout=30).status_code == 404


def test_an_export_started_on_b_is_built_by_the_worker_and_downloads_on_a(
        portal_cluster: Cluster) -> None:
    a, b = portal_cluster.a.url, portal_cluster.b.url
    staff = sign_in(b, "staff@demo.kz")
    page = staff.get(f"{b}/exports/", timeout=30).text
    area = re.findall(r'value="(district:\d+)"', page)[0]
    response = staff.post(f"{b}/exports/", timeout=30, allow_redirects=False, data={
        "csrf_token": csrf(staff, f"{b}/exports/"), "area": area, "format": "zip",
        "language": "en"})
    assert response.status_code == 302
    job = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])

    def finished() -> bool:
        status = staff.get(f"{a}/exports/{job}/status.json", timeout=30).json()
        return bool(status["finished"])

    wait_until(finished, 300, f"export {job} never finished")
    status = staff.get(f"{a}/exports/{job}/status.json", timeout=30).json()
    assert status["status"] == "done", status
    download = staff.get(f"{a}/exports/{job}/download", timeout=120)
    assert download.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(download.content)).namelist()
    assert names[0] == "000-summary.pdf" and len(names) == status["total"] + 1


def test_a_login_throttle_counts_across_both_machines(portal_cluster: Cluster) -> None:
    """Five failed sign-ins a minute per account and address (RATELIMIT_LOGIN_ACCOUNT),
    wherever they land."""
    machines = [portal_cluster.a.url, portal_cluster.b.url]
    statuses = []
    for attempt in range(8):
        base = machines[attempt % 2]
        session = requests.Session()
        fields = form_fields(session.get(f"{base}/login", timeout=30).text, "/login")
        response = session.post(f"{base}/login", timeout=30, allow_redirects=False, data={
            **fields, "email": "moderator@demo.kz", "password": f"wrong-{attempt}"})
        statuses.append(response.status_code)
    assert statuses[:5] == [200] * 5, statuses  # the form again, with its error
    assert statuses[5:] == [429] * 3, statuses
