"""The stack's bucket as the gate writes to it: each object once, encrypted, under the model's version.

A registered package points at its archive for as long as the package exists, so an object the gate wrote is
never replaced: an upload is conditional on the key being free (``IfNoneMatch``), and an archive already
stored under the same key is reused only when its sha256 (kept in the object's metadata) is the same.
Keys sit under ``registry/``, the prefix the endpoint's role may read when it serves a package (the root's
output ``model_package_data_prefix_s3_uri``); Terraform's own uploads keep ``models/``.
"""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from botocore.exceptions import BotoCoreError, ClientError

PREFIX = "registry/"
SSE = "AES256"


class StoreError(Exception):
    """The bucket cannot be written or read as needed: the command line exits 2 with this message."""


def _missing(exc: ClientError) -> bool:
    return exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound")


def archive_key(model_version: str) -> str:
    return f"{PREFIX}{model_version}/model.tar.gz"


def evaluation_key(model_version: str, stamp: str) -> str:
    """A fresh key per run: two runs in the same second (same model, same figures) must not collide."""
    return f"{PREFIX}{model_version}/promotion-{stamp}-{uuid.uuid4().hex[:8]}.json"


def _put(client: Any, bucket: str, key: str, body: bytes, content_type: str, sha256: str) -> None:
    try:
        client.put_object(
            Bucket=bucket,
            Key=key,
            Body=body,
            ContentType=content_type,
            ServerSideEncryption=SSE,
            Metadata={"sha256": sha256},
            IfNoneMatch="*",
        )
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in ("PreconditionFailed", "ConditionalRequestConflict"):
            raise StoreError(f"s3://{bucket}/{key} was written meanwhile; not overwriting it") from exc
        raise StoreError(f"cannot write s3://{bucket}/{key}: {exc}") from exc
    except BotoCoreError as exc:
        raise StoreError(f"cannot write s3://{bucket}/{key}: {exc}") from exc


def upload_archive(client: Any, bucket: str, archive: Path, model_version: str, sha256: str) -> str:
    """The archive's ``s3://`` URL: uploaded if the key is free, reused if it holds these very bytes."""
    key = archive_key(model_version)
    try:
        head = client.head_object(Bucket=bucket, Key=key)
    except ClientError as exc:
        if not _missing(exc):
            raise StoreError(f"cannot read s3://{bucket}/{key}: {exc}") from exc
        head = None
    except BotoCoreError as exc:
        raise StoreError(f"cannot reach s3://{bucket}: {exc}") from exc
    if head is not None:
        stored = head.get("Metadata", {}).get("sha256")
        if stored != sha256:
            raise StoreError(
                f"s3://{bucket}/{key} already holds another archive of model {model_version} "
                f"(sha256 {stored or 'unknown'}, this one {sha256}); not overwriting it"
            )
    else:
        _put(client, bucket, key, archive.read_bytes(), "application/x-gzip", sha256)
    return f"s3://{bucket}/{key}"


def upload_document(client: Any, bucket: str, key: str, body: bytes) -> tuple[str, str]:
    """Write a new JSON document; its ``s3://`` URL and sha256."""
    sha256 = hashlib.sha256(body).hexdigest()
    _put(client, bucket, key, body, "application/json", sha256)
    return f"s3://{bucket}/{key}", sha256


def download(client: Any, url: str, target: Path) -> Path:
    """Fetch an ``s3://bucket/key`` object to ``target``."""
    parsed = urlparse(url)
    if parsed.scheme != "s3" or not parsed.netloc or not parsed.path.strip("/"):
        raise StoreError(f"not an s3:// object URL: {url!r}")
    try:
        client.download_file(parsed.netloc, parsed.path.lstrip("/"), str(target))
    except (ClientError, BotoCoreError) as exc:
        raise StoreError(f"cannot download {url}: {exc}") from exc
    return target
