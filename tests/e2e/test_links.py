"""No dead links (issue 17, item 5): served by `scripts/serve.sh` on a free port with no
PUBLIC_BASE_URL given (as `PORT=5077 make run` serves), every link printed in a dossier and
every `url` of the API's lists answers 200 on that port."""

from __future__ import annotations

import io
import json
import re
import subprocess
import tempfile
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from pypdf import PdfReader

from tests.e2e.server import ServedPortal

pytestmark = pytest.mark.e2e

URL = re.compile(r"https?://[^\s<>\"')]+")


def fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 - our server
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, b""


def pdf_links(data: bytes) -> set[str]:
    """Link annotations and every address printed in the text (pdftotext keeps the footer)."""
    links: set[str] = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        for annotation in page.get("/Annots") or ():
            action = annotation.get_object().get("/A") or {}
            if "/URI" in action:
                links.add(str(action["/URI"]))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "dossier.pdf"
        path.write_bytes(data)
        text = subprocess.run(["pdftotext", "-layout", str(path), "-"],  # noqa: S603, S607
                              capture_output=True, text=True, check=True).stdout
    links.update(match.rstrip(".,;") for match in URL.findall(text))
    return links


def urls_in(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key.endswith("url") and isinstance(item, str) and item.startswith("http"):
                yield item
            else:
                yield from urls_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from urls_in(item)


def test_every_link_in_a_dossier_and_the_api_answers_on_the_served_port(
        portal: ServedPortal) -> None:
    assert not portal.base_url.endswith(":5000")
    status, body = fetch(f"{portal.base_url}/api/v1/akims?per_page=5")
    assert status == 200
    listing = json.loads(body)
    akim_id = listing["items"][0]["id"]
    found = set(urls_in(listing))
    for path in (f"/api/v1/akims/{akim_id}/promises", f"/api/v1/akims/{akim_id}/reports",
                 "/api/v1/flags?per_page=5"):
        status, body = fetch(portal.base_url + path)
        assert status == 200, path
        found.update(urls_in(json.loads(body)))
    assert any("/akims/" in url for url in found) and any("/reports/" in url for url in found)

    printed: set[str] = set()
    for language in ("kk", "en"):
        status, data = fetch(f"{portal.base_url}/akims/{akim_id}/accountability.pdf"
                             f"?lang={language}")
        assert status == 200 and data.startswith(b"%PDF")
        printed |= pdf_links(data)
    assert f"{portal.base_url}/akims/{akim_id}" in printed
    found |= printed

    # The portal's own links must be on the served address; a budget year's sources (the
    # maslikhat decisions, on the seed's example.org register) are other sites, not fetched.
    served = urlsplit(portal.base_url)
    dead = {}
    for url in sorted(found):
        if urlsplit(url).hostname not in {served.hostname, "localhost", "127.0.0.1"}:
            continue
        if not url.startswith(portal.base_url + "/"):
            dead[url] = "not on the served address"
            continue
        status, _body = fetch(url)
        if status != 200:
            dead[url] = str(status)
    assert not dead, dead
