"""One AWS session per run: the SES, S3 and SQS clients, made from the settings with one precedence.

For every setting (credentials, region, `AWS_ENDPOINT_URL` and the
service's own `AWS_ENDPOINT_URL_SESV2`, `_S3`, `_SQS`) the order is: a
command-line flag, then the process environment, then `repos.env`, then
boto3's default. At one level the service's own endpoint variable beats
`AWS_ENDPOINT_URL`, as in botocore. Clients are made once per run and
shared: one S3 client reads every handoff object.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from typing import Any

from reports.config import Settings
from reports.errors import ConfigError

SERVICES = {"sesv2": "SESV2", "s3": "S3", "sqs": "SQS"}
CREDENTIAL_KEYS = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE")
NO_CREDENTIALS = ("no AWS credentials found: run `aws configure`, set AWS_PROFILE, or put "
                  "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in repos.env; nothing was sent")


def _levels(settings: Settings, environ: Mapping[str, str],
            flags: Mapping[str, str]) -> tuple[tuple[str, Mapping[str, str]], ...]:
    return (("a command-line flag", flags), ("the environment", environ),
            (str(settings.env_file or "repos.env"), settings.aws_env))


def endpoint(settings: Settings, service: str = "sesv2", environ: Mapping[str, str] | None = None,
             flags: Mapping[str, str] | None = None) -> tuple[str | None, str | None]:
    """The custom endpoint for `service` and the variable that set it (None, None for AWS's own)."""
    keys = (f"AWS_ENDPOINT_URL_{SERVICES[service]}", "AWS_ENDPOINT_URL")
    for _, values in _levels(settings, os.environ if environ is None else environ, flags or {}):
        for key in keys:
            if values.get(key):
                return values[key], key
    return None, None


def check_endpoint(settings: Settings, service: str = "sesv2", environ: Mapping[str, str] | None = None) -> None:
    """Refuse an endpoint URL boto3 cannot use, naming the variable (exit 2)."""
    from urllib.parse import urlsplit

    url, key = endpoint(settings, service, environ)
    if url is None:
        return
    try:
        parts = urlsplit(url)
        ok = parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:
        ok = False
    if not ok:
        raise ConfigError(f"{key} '{mask(url)}' is not an http(s) URL; fix it or unset it to use AWS's own "
                          "endpoint")


def mask(url: str) -> str:
    """An endpoint URL with any user name and password in it replaced by `***`."""
    scheme, sep, rest = url.partition("://")
    if not sep or "@" not in rest.split("/", 1)[0]:
        return url
    return f"{scheme}://***@{rest.split('@', 1)[1]}"


class Aws:
    """The run's AWS session: one boto3 session, one client per service and configuration."""

    def __init__(self, settings: Settings, environ: Mapping[str, str] | None = None,
                 flags: Mapping[str, str] | None = None) -> None:
        self.settings = settings
        self.environ = os.environ if environ is None else environ
        self.flags = dict(flags or {})
        self._session: Any = None
        self._clients: dict[tuple[str, Any], Any] = {}
        self._lock = threading.Lock()

    def _credentials(self) -> dict[str, str | None]:
        """Credentials from the first level that names any (a flag, the environment, repos.env)."""
        for _, values in _levels(self.settings, self.environ, self.flags):
            if any(values.get(k) for k in CREDENTIAL_KEYS):
                if values is self.environ:
                    return {}  # boto3 reads the environment itself
                return {"aws_access_key_id": values.get("AWS_ACCESS_KEY_ID"),
                        "aws_secret_access_key": values.get("AWS_SECRET_ACCESS_KEY"),
                        "aws_session_token": values.get("AWS_SESSION_TOKEN"),
                        "profile_name": values.get("AWS_PROFILE")}
        return {}

    def region(self, service: str) -> str | None:
        """SES: SES_REGION. S3 and SQS: AWS_REGION or AWS_DEFAULT_REGION by level, else SES_REGION."""
        if service == "sesv2" and self.settings.region:
            return self.settings.region
        for _, values in _levels(self.settings, self.environ, self.flags):
            for key in ("AWS_REGION", "AWS_DEFAULT_REGION"):
                if values.get(key):
                    return values[key]
        return self.settings.region

    def session(self) -> Any:
        """The one boto3 session (imported here: a preview never needs boto3)."""
        if self._session is None:
            import boto3

            try:
                self._session = boto3.session.Session(**self._credentials())
            except Exception as exc:  # botocore's ProfileNotFound and kin
                raise ConfigError(f"cannot set up the AWS session: {exc}") from None
        return self._session

    def require_credentials(self) -> None:
        """Refuse to go on without credentials (exit 2), before anything is recorded."""
        try:
            found = self.session().get_credentials()
        except ConfigError:
            raise
        except Exception as exc:
            raise ConfigError(f"cannot read AWS credentials: {exc}") from None
        if found is None:
            raise ConfigError(NO_CREDENTIALS)

    def client(self, service: str, config: Any = None) -> Any:
        """The run's client for `service` ("sesv2", "s3", "sqs"), made once."""
        key = (service, config)
        with self._lock:  # boto3 sessions are not thread-safe while making clients
            if key not in self._clients:
                check_endpoint(self.settings, service, self.environ)
                url, _ = endpoint(self.settings, service, self.environ, self.flags)
                try:
                    self._clients[key] = self.session().client(service, region_name=self.region(service),
                                                               endpoint_url=url, config=config)
                except ValueError as exc:  # botocore's own check of the endpoint
                    raise ConfigError(f"cannot set up the {service} client: {exc}") from None
            return self._clients[key]

    def s3(self) -> Any:
        """The run's S3 client."""
        return self.client("s3")

    def sqs(self) -> Any:
        """The run's SQS client."""
        return self.client("sqs")
