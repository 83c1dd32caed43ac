"""Shared fixtures: the sample folder, inline handoffs, and a real moto SES server."""

from __future__ import annotations

import atexit
import json
import os
import shutil
import tempfile
import textwrap
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from bench.servers import start_moto_server

# The library's compiled-pattern cache (reports/patterns.py) goes to a scratch folder, not the
# user's own ~/.cache, for this process and every command it starts.
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="send-exec-reports-test-cache-")
atexit.register(shutil.rmtree, os.environ["XDG_CACHE_HOME"], ignore_errors=True)

SAMPLE = Path(__file__).resolve().parent.parent / "reports" / "sample"
AS_OF = "2026-11-15"
# A repos.env for sending tests: example.com sender, recipient and BCC audit copy.
ENV = """\
SES_REGION=us-east-1
SES_FROM_ADDRESS=reports@example.com
SES_TO_ADDRESS=owner@example.com
SES_BCC_ADDRESS=audit@example.com
"""


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="Rewrite tests/golden/ from the current output.")


Write = Callable[[str, str], Path]


@pytest.fixture
def write(tmp_path: Path) -> Write:
    """Write dedented text to a file under tmp_path and return its path."""

    def _write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    return _write


@pytest.fixture(scope="session")
def moto_server() -> Iterator[str]:
    """A standalone moto_server on a free loopback port, stopped at the end."""
    proc, url = start_moto_server()
    yield url
    proc.terminate()
    proc.wait(timeout=10)


class Ses:
    """The moto server as the tests see it: reset, verify identities, read what arrived."""

    def __init__(self, url: str) -> None:
        self.url = url

    def reset(self) -> None:
        urllib.request.urlopen(urllib.request.Request(f"{self.url}/moto-api/reset", method="POST"), timeout=5)

    def verify(self, identity: str) -> None:
        import boto3

        boto3.client("sesv2", region_name="us-east-1", endpoint_url=self.url).create_email_identity(
            EmailIdentity=identity)

    def messages(self) -> list[dict[str, Any]]:
        with urllib.request.urlopen(f"{self.url}/moto-api/data.json", timeout=5) as resp:
            data = json.load(resp)
        return list(data.get("ses", {}).get("Message", []))


Setup = tuple[Ses, Path, Path]  # the server, a handoff folder, an audit log path


@pytest.fixture
def ses(moto_server: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Ses:
    """Point boto3 at the moto server with dummy credentials; start each test empty."""
    for key in ("AWS_PROFILE", "AWS_ENDPOINT_URL_SESV2", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_server)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    server = Ses(moto_server)
    server.reset()
    return server


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Keep the developer's own configuration out of every test."""
    import os

    for key in list(os.environ):
        if key.startswith("SES_") or key in ("HANDOFFS_DIR", "AUDIT_LOG", "REPORT_TZ", "REPORT_SUBJECT_PREFIX"):
            monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
