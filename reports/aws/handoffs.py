"""Handoffs on S3: every `*.md` object under a prefix, read through the run's one S3 client."""

from __future__ import annotations

from typing import Any

from reports.errors import ConfigError
from reports.location import S3Url
from reports.model import Src, Warning_


def _code(exc: Exception) -> str:
    response = getattr(exc, "response", {}) or {}
    return str(response.get("Error", {}).get("Code", ""))


class S3Handoffs:
    """The handoff objects under one s3://bucket/prefix/, listed and read with one client."""

    def __init__(self, url: S3Url, client: Any) -> None:
        self.url = url
        self._s3 = client
        self.newest: float | None = None  # the newest LastModified among the handoffs, as a timestamp

    def files(self) -> tuple[list[tuple[str, str]], list[Warning_]]:
        """(key, name shown) of every `*.md` object, sorted, and a warning for each key that
        cannot name a file (`..`, an empty part): sources name the object key itself."""
        out: list[tuple[str, str]] = []
        warnings: list[Warning_] = []
        kwargs: dict[str, Any] = {"Bucket": self.url.bucket, "Prefix": self.url.prefix}
        while True:
            try:
                page = self._s3.list_objects_v2(**kwargs)
            except Exception as exc:
                if _code(exc) == "NoSuchBucket":
                    raise ConfigError(f"HANDOFFS_DIR: the bucket {self.url.bucket} does not exist "
                                      f"(or is in another account); check {self.url}") from None
                raise ConfigError(f"cannot list the handoffs under {self.url}: {exc}") from None
            for item in page.get("Contents", []):
                key = str(item["Key"])
                rel = key[len(self.url.prefix):]
                parts = rel.split("/")
                if not rel.lower().endswith(".md") or any(part.startswith(".") and part not in ("..", ".")
                                                          for part in parts):
                    continue  # not a handoff, or hidden, as in a folder
                if any(part in ("", ".", "..") for part in parts):
                    warnings.append(Warning_(Src(key, 0), "an object key with '.', '..' or an empty part "
                                             "names no file under the prefix; skipped"))
                    continue
                out.append((key, key))
                modified = item.get("LastModified")
                if modified is not None:
                    self.newest = max(self.newest or 0.0, modified.timestamp())
            if not page.get("IsTruncated"):
                break
            kwargs["ContinuationToken"] = page["NextContinuationToken"]
        return sorted(out, key=lambda t: t[1]), warnings

    def read(self, key: str, limit: int) -> bytes:
        """An object's bytes, at most `limit` + 1 of them."""
        body = self._s3.get_object(Bucket=self.url.bucket, Key=key)["Body"]
        try:
            return bytes(body.read(limit + 1))
        finally:
            body.close()
