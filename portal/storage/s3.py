"""An S3-compatible object store (AWS S3, MinIO, Ceph, Yandex/VK clouds, moto in tests).

Every machine that names the same bucket sees the same files, which is what several app
machines need. A `put_object` (or the multipart upload of a large file) is atomic: a reader
sees the whole object or none. Credentials come from boto3's usual chain (the
`AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` variables, a profile, or the machine's role).
"""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any, BinaryIO, cast
from urllib.parse import parse_qs, urlsplit

from portal.storage.base import NotStored, ObjectInfo, StorageError, Store, check_key

# A cached object read within this time of its last touch is not touched again: a touch is a
# copy of the object onto itself, so it is done at most once a day per object.
TOUCH_INTERVAL = timedelta(days=1)


class S3Store(Store):
    kind = "S3"
    shared = True

    def __init__(self, bucket: str, prefix: str = "", endpoint_url: str | None = None,
                 region: str | None = None, path_style: bool = False) -> None:
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.endpoint_url = endpoint_url
        self.region = region
        self.path_style = path_style
        self.description = f"S3 bucket {bucket}" + (f" at {endpoint_url}" if endpoint_url else "")
        self._client: Any = None
        self._lock = threading.Lock()

    @classmethod
    def from_url(cls, url: str) -> S3Store:
        """`s3://bucket[/prefix][?endpoint=https://…&region=…&path_style=1]`."""
        parts = urlsplit(url)
        if not parts.netloc:
            raise StorageError("STORAGE_URL names no bucket: s3://BUCKET[/PREFIX]")
        query = {name: values[-1] for name, values in parse_qs(parts.query).items()}
        return cls(parts.netloc, parts.path, query.get("endpoint"), query.get("region"),
                   query.get("path_style", "") in ("1", "true", "yes"))

    @property
    def client(self) -> Any:
        if self._client is None:
            with self._lock:
                if self._client is None:
                    import boto3
                    from botocore.config import Config

                    config = Config(
                        connect_timeout=5, read_timeout=60,
                        retries={"max_attempts": 4, "mode": "standard"},
                        s3={"addressing_style": "path" if self.path_style else "auto"},
                    )
                    self._client = boto3.session.Session().client(
                        "s3", endpoint_url=self.endpoint_url,
                        region_name=self.region or os.environ.get("AWS_DEFAULT_REGION")
                        or "us-east-1", config=config)
        return self._client

    def _name(self, key: str) -> str:
        return self.prefix + check_key(key)

    def _call(self, operation: str, **arguments: Any) -> Any:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return getattr(self.client, operation)(Bucket=self.bucket, **arguments)
        except ClientError as error:
            code = str(error.response.get("Error", {}).get("Code", ""))
            if code in ("404", "NoSuchKey", "NotFound"):
                raise NotStored(arguments.get("Key", "")) from error
            raise StorageError(f"{self.description}: {operation} failed ({code})") from error
        except BotoCoreError as error:
            raise StorageError(f"{self.description}: {error}") from error

    def put(self, key: str, data: bytes | BinaryIO,
            content_type: str = "application/octet-stream") -> ObjectInfo:
        name = self._name(key)
        if isinstance(data, bytes | bytearray | memoryview):
            self._call("put_object", Key=name, Body=bytes(data), ContentType=content_type)
        else:
            # A managed upload: multipart for large files, still all-or-nothing.
            from boto3.s3.transfer import TransferConfig
            from botocore.exceptions import BotoCoreError, ClientError

            try:
                self.client.upload_fileobj(
                    data, self.bucket, name, ExtraArgs={"ContentType": content_type},
                    Config=TransferConfig(multipart_threshold=16 * 1024 * 1024,
                                          use_threads=False))
            except (ClientError, BotoCoreError) as error:
                raise StorageError(f"{self.description}: upload of {key} failed") from error
        info = self.stat(key)
        if info is None:
            raise StorageError(f"{key} is not in {self.description} after writing it")
        return info

    def open(self, key: str) -> BinaryIO:
        response = self._call("get_object", Key=self._name(key))
        return cast(BinaryIO, _Body(response["Body"]))

    def stat(self, key: str) -> ObjectInfo | None:
        try:
            response = self._call("head_object", Key=self._name(key))
        except NotStored:
            return None
        return ObjectInfo(key, int(response["ContentLength"]),
                          response["LastModified"].astimezone(UTC))

    def delete(self, key: str) -> None:
        self._call("delete_object", Key=self._name(key))

    def list(self, prefix: str) -> Iterator[ObjectInfo]:
        from botocore.exceptions import BotoCoreError, ClientError

        paginator = self.client.get_paginator("list_objects_v2")
        try:
            for page in paginator.paginate(Bucket=self.bucket, Prefix=self.prefix + prefix):
                for item in page.get("Contents", ()):
                    key = str(item["Key"])[len(self.prefix):]
                    yield ObjectInfo(key, int(item["Size"]), item["LastModified"].astimezone(UTC))
        except (ClientError, BotoCoreError) as error:
            raise StorageError(f"{self.description}: listing {prefix} failed") from error

    def touch(self, key: str) -> None:
        name = self._name(key)
        try:
            head = self._call("head_object", Key=name)
            if datetime.now(UTC) - head["LastModified"].astimezone(UTC) < TOUCH_INTERVAL:
                return
            # REPLACE drops every header not given again: keep the object's type.
            self._call("copy_object", Key=name, CopySource={"Bucket": self.bucket, "Key": name},
                       MetadataDirective="REPLACE",
                       ContentType=head.get("ContentType", "application/octet-stream"),
                       Metadata={"touched": datetime.now(UTC).isoformat()})
        except NotStored:
            return  # pruned meanwhile: the caller copes

    def check(self) -> None:
        key = f"exports/health/{socket.gethostname()}-{os.getpid()}"
        self._call("put_object", Key=self._name(key), Body=b"ok", ContentType="text/plain")
        self._call("delete_object", Key=self._name(key))


class _Body:
    """botocore's streaming body as a closable binary file with a context manager."""

    def __init__(self, body: Any) -> None:
        self._body = body

    def read(self, size: int = -1) -> bytes:
        return bytes(self._body.read(None if size is None or size < 0 else size))

    def __iter__(self) -> Iterator[bytes]:
        return iter(self._body.iter_chunks(256 * 1024))

    def close(self) -> None:
        self._body.close()

    def __enter__(self) -> _Body:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
