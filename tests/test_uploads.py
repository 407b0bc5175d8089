"""Uploads are judged by their bytes, capped in size, and stored under random names."""

from __future__ import annotations

import io

import pytest
from flask import Flask
from werkzeug.datastructures import FileStorage

from portal import storage
from portal.uploads import StoredFile, UploadError, key_of, send_stored_file, store_upload

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _file(data: bytes, name: str) -> FileStorage:
    return FileStorage(stream=io.BytesIO(data), filename=name)


def test_a_pdf_is_stored_under_a_random_name(app: Flask) -> None:
    stored = store_upload(_file(PDF, "../../etc/passwd.pdf"), "tests")
    assert isinstance(stored, StoredFile)
    assert stored.kind == "pdf"
    assert stored.original_name == "etc_passwd.pdf"
    key = key_of(stored.storage_key)
    assert storage.current().read(key) == PDF
    assert "passwd" not in key


def test_an_exe_renamed_pdf_is_refused() -> None:
    with pytest.raises(UploadError, match="not an accepted type"):
        store_upload(_file(b"MZ\x90\x00" + b"\x00" * 100, "report.pdf"), "tests")


def test_a_png_named_pdf_is_stored_as_what_it_is() -> None:
    stored = store_upload(_file(PNG, "photo.pdf"), "tests")
    assert stored.kind == "png" and stored.original_name == "photo.png"


def test_oversize_and_empty_files_are_refused(app: Flask) -> None:
    big = PDF + b"0" * (app.config["MAX_UPLOAD_BYTES"])
    with pytest.raises(UploadError, match="too large"):
        store_upload(_file(big, "big.pdf"), "tests")
    with pytest.raises(UploadError, match="empty"):
        store_upload(_file(b"", "empty.pdf"), "tests")


def test_downloads_are_attachments_with_nosniff(app: Flask) -> None:
    stored = store_upload(_file(PDF, "plan.pdf"), "tests")
    with app.test_request_context():
        for public in (False, True):
            response = send_stored_file(stored, public=public)
            try:
                assert response.headers["X-Content-Type-Options"] == "nosniff"
                assert response.headers["Content-Disposition"].startswith("attachment")
                assert response.mimetype == "application/pdf"
                cache_control = response.headers.get("Cache-Control", "")
                assert ("public" in cache_control) is public
            finally:
                response.close()
