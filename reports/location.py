"""Where handoffs and the audit log live: a local path, or s3://bucket/prefix/."""

from pathlib import Path

from reports.errors import ConfigError
from reports.record import NamedTuple


class S3Url(NamedTuple):
    """`s3://bucket/prefix/` (the prefix always ends in `/`, or is empty)."""

    bucket: str
    prefix: str

    def __str__(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}"

    def key(self, name: str) -> str:
        return self.prefix + name


Location = Path | S3Url


def parse_s3_url(text: str, key: str = "AUDIT_LOG") -> S3Url:
    """Read `s3://bucket/prefix/`; exit 2 naming the key when it is not one."""
    rest = text.strip()[len("s3://"):]
    bucket, _, prefix = rest.partition("/")
    if not bucket or any(c in bucket for c in " /\\"):
        raise ConfigError(f"{key} '{text}' is not an s3://bucket/prefix/ URL")
    prefix = prefix.strip("/")
    return S3Url(bucket, prefix + "/" if prefix else "")


def log_file(path: Path, key: str = "AUDIT_LOG") -> Path:
    """A local audit log's path, which names a file: a folder (or `/`) exits 2 naming the key."""
    if not path.name or path.is_dir():
        raise ConfigError(f"{key}: '{path}' is a folder; the audit log is a file (for example "
                          f"{path / 'audit.jsonl'})")
    return path
