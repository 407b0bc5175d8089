"""The storage contract, on both stores: the local folder and an S3 server (moto)."""

from __future__ import annotations

import io
import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from portal.storage import NotStored, StorageError, from_url
from portal.storage.base import Store
from portal.storage.local import LocalStore
from portal.storage.s3 import S3Store
from tests.s3server import free_port


@pytest.fixture(params=["local", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "local":
        yield from_url(f"file://{tmp_path}", tmp_path)
    else:
        yield from_url(request.getfixturevalue("s3_url"), tmp_path)


def test_what_is_put_reads_back_whole(store: Store) -> None:
    data = os.urandom(300_000)
    info = store.put("uploads/ab/abcdef", data, "application/pdf")
    assert info.size == len(data) and info.key == "uploads/ab/abcdef"
    assert store.read("uploads/ab/abcdef") == data
    with store.open("uploads/ab/abcdef") as stream:
        assert stream.read(1000) == data[:1000]
        assert stream.read() == data[1000:]
    stat = store.stat("uploads/ab/abcdef")
    assert stat is not None and stat.size == len(data)
    assert abs((stat.modified - datetime.now(UTC)).total_seconds()) < 120


def test_a_file_object_is_stored_from_where_it_stands(store: Store) -> None:
    stream = io.BytesIO(b"header-" + b"x" * 5000)
    stream.seek(7)
    assert store.put("exports/bundles/f.zip", stream).size == 5000
    assert store.read("exports/bundles/f.zip") == b"x" * 5000


def test_overwriting_replaces_and_deleting_removes(store: Store) -> None:
    store.put("exports/dossiers/a.pdf", b"first")
    store.put("exports/dossiers/a.pdf", b"second")
    assert store.read("exports/dossiers/a.pdf") == b"second"
    store.delete("exports/dossiers/a.pdf")
    store.delete("exports/dossiers/a.pdf")  # gone already: nothing happens
    assert store.stat("exports/dossiers/a.pdf") is None
    assert not store.exists("exports/dossiers/a.pdf")
    with pytest.raises(NotStored):
        store.read("exports/dossiers/a.pdf")


def test_listing_follows_the_prefix(store: Store) -> None:
    for key in ("uploads/aa/aa1", "uploads/ab/ab1", "exports/dossiers/d.pdf",
                "exports/bundles/b.zip"):
        store.put(key, key.encode())
    assert sorted(info.key for info in store.list("uploads/")) == ["uploads/aa/aa1",
                                                                   "uploads/ab/ab1"]
    assert [info.key for info in store.list("exports/dossiers/")] == ["exports/dossiers/d.pdf"]
    assert [info.size for info in store.list("exports/bundles/")] == [len(b"exports/bundles/b.zip")]
    assert list(store.list("uploads/zz/")) == []
    # A prefix that ends inside a name matches like a string prefix, on both stores.
    assert sorted(info.key for info in store.list("uploads/a")) == ["uploads/aa/aa1",
                                                                    "uploads/ab/ab1"]
    assert [info.key for info in store.list("exports/dossiers/d")] == ["exports/dossiers/d.pdf"]


@pytest.mark.parametrize("key", ["../etc/passwd", "uploads/../instance/secret_key",
                                 "portal.db", "uploads", "uploads//x", "uploads/.hidden",
                                 "other/area", "/uploads/x", "uploads/a b"])
def test_keys_that_look_like_paths_are_refused(store: Store, key: str) -> None:
    with pytest.raises(StorageError):
        store.put(key, b"x")


def test_the_health_probe_writes_and_cleans_up(store: Store) -> None:
    store.check()
    assert list(store.list("exports/")) == []


def test_an_unreachable_s3_endpoint_is_a_storage_error() -> None:
    store = S3Store("portal", endpoint_url=f"http://127.0.0.1:{free_port()}", path_style=True)
    with pytest.raises(StorageError):
        store.check()
    with pytest.raises(StorageError):
        store.put("uploads/aa/x", b"x")


def test_a_missing_bucket_is_a_storage_error(s3_endpoint: str, tmp_path: Path) -> None:
    store = from_url(f"s3://no-such-bucket?endpoint={s3_endpoint}&path_style=1", tmp_path)
    with pytest.raises(StorageError):
        store.check()


def test_an_unwritable_folder_fails_its_check(tmp_path: Path) -> None:
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("")
    with pytest.raises(StorageError):
        LocalStore(blocked).check()


def test_touch_keeps_a_used_local_file_young(tmp_path: Path) -> None:
    store = LocalStore(tmp_path)
    store.put("exports/dossiers/old.pdf", b"%PDF")
    path = tmp_path / "exports/dossiers/old.pdf"
    long_ago = time.time() - 30 * 86400
    os.utime(path, (long_ago, long_ago))
    store.touch("exports/dossiers/old.pdf")
    info = store.stat("exports/dossiers/old.pdf")
    assert info is not None and datetime.now(UTC) - info.modified < timedelta(minutes=5)


def test_touch_on_s3_keeps_the_object_and_its_type(s3_url: str, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    # A touch copies the object onto itself with new metadata; S3 then drops every header
    # not given again, so a touched PDF became "binary/octet-stream" for anyone reading the
    # bucket directly (a backup tool, a CDN in front of it).
    store = from_url(s3_url, tmp_path)
    assert isinstance(store, S3Store)
    store.put("exports/dossiers/used.pdf", b"%PDF-1.7 used", "application/pdf")
    monkeypatch.setattr("portal.storage.s3.TOUCH_INTERVAL", timedelta(0))
    before = store.client.head_object(Bucket=store.bucket, Key=store._name(
        "exports/dossiers/used.pdf"))
    store.touch("exports/dossiers/used.pdf")
    after = store.client.head_object(Bucket=store.bucket, Key=store._name(
        "exports/dossiers/used.pdf"))
    assert after["Metadata"].get("touched")  # the copy happened
    assert after["ContentType"] == before["ContentType"] == "application/pdf"
    assert store.read("exports/dossiers/used.pdf") == b"%PDF-1.7 used"


def test_storage_urls(tmp_path: Path) -> None:
    assert isinstance(from_url(None, tmp_path), LocalStore)
    assert from_url(None, tmp_path).root == tmp_path  # type: ignore[attr-defined]
    shared = from_url("file:///mnt/portal?shared=1", tmp_path)
    assert isinstance(shared, LocalStore) and shared.shared and shared.root == Path("/mnt/portal")
    s3 = from_url("s3://bucket/some/prefix?endpoint=https://s3.example&region=kz-1", tmp_path)
    assert isinstance(s3, S3Store) and s3.shared
    assert (s3.bucket, s3.prefix, s3.endpoint_url, s3.region) == (
        "bucket", "some/prefix/", "https://s3.example", "kz-1")
    for bad in ("ftp://host/x", "file://host/x", "s3://"):
        with pytest.raises(StorageError):
            from_url(bad, tmp_path)
