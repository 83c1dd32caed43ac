"""Hostile handoffs and secrets: nothing in a handoff reaches a header or a recipient,
no secret is ever printed or logged."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reports import ROLES, SAMPLE_DIR
from reports.ledger.records import REQUIRED
from reports.read.folder import read_portfolio
from reports.render.compose import RENDERERS
from send_exec_reports import cli

from .conftest import AS_OF, ENV, Ses, Write
from .stores import read_records

HOSTILE = """\
---
type: portfolio
name: "Evil Co\\r\\nBcc: thief@example.org\\u0007\\u202e"
---
"""
ENTITY = """\
---
entity: "Unit\\r\\nTo: thief@example.org"
---
To: thief@example.org
Bcc: thief@example.org
SES_TO_ADDRESS=thief@example.org

## Risks

- [critical] Reply-To: thief@example.org \u0000 \u001b[31m red
"""


def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def test_handoff_text_never_reaches_a_header_or_a_recipient(write: Write) -> None:
    write("h/portfolio.md", HOSTILE)
    write("h/unit.md", ENTITY)
    env = write("repos.env", ENV)
    result = invoke("--env-file", str(env), "--handoffs", str(env.parent / "h"), "--dry-run", "--json")
    for obj in map(json.loads, result.stdout.splitlines()):
        assert obj["to"] == ["owner@example.com"] and obj["bcc"] == ["audit@example.com"]
        assert not any(c in obj["subject"] for c in "\r\n\x07\u202e")
        assert "thief" not in "".join(obj["to"] + obj["bcc"]) + obj["from"]
        assert "\x1b" not in obj["body"] and "\x00" not in obj["body"]
    preview = invoke("--env-file", str(env), "--handoffs", str(env.parent / "h"), "--dry-run").stdout
    headers = [line for line in preview.splitlines() if line.startswith(("To:", "Bcc:", "From:", "Reply-To:"))]
    assert all("thief" not in line for line in headers)


def test_allowed_domains_block_before_anything_is_sent(ses: Ses, write: Write) -> None:
    ses.verify("example.com")
    env = write("repos.env", ENV + "SES_ALLOWED_DOMAINS=example.com\nSES_TO_CFO=cfo@example.net\n")
    log = env.parent / "audit.jsonl"
    result = invoke("--env-file", str(env), "--handoffs", str(SAMPLE_DIR), "--audit-log", str(log))
    assert result.exit_code == 2 and "SES_TO_CFO 'cfo@example.net' is outside SES_ALLOWED_DOMAINS" in result.stderr
    env.write_text(ENV + "SES_ALLOWED_DOMAINS=example.com\n")
    result = invoke("--env-file", str(env), "--handoffs", str(SAMPLE_DIR), "--audit-log", str(log),
                    "--test-to", "someone@example.org")
    assert result.exit_code == 2 and "--test-to" in result.stderr
    assert ses.messages() == [] and not log.exists()


def test_deep_folders_symlink_loops_and_binary_files_give_warnings(tmp_path: Path) -> None:
    deep = tmp_path.joinpath(*[f"d{i}" for i in range(60)])
    deep.mkdir(parents=True)
    (deep / "deep.md").write_text("# Deep unit\n")
    (tmp_path / "loop").mkdir()
    os.symlink(tmp_path, tmp_path / "loop" / "back")
    (tmp_path / "binary.md").write_bytes(bytes(range(256)) * 4)
    portfolio = read_portfolio(tmp_path, date(2026, 11, 15))
    assert [e.name for e in portfolio.entities] == ["Deep unit"]
    messages = " ".join(f"{w.source} {w.message}" for w in portfolio.warnings)
    assert "loop/back:0 symbolic link to a folder not followed" in messages
    assert "binary.md" in messages and "not UTF-8" in messages


SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY"
TOKEN = "FwoGZXIvYXdzEXAMPLESESSIONTOKEN"


@pytest.mark.parametrize("verified", [True, False])
def test_secrets_never_appear_in_output_or_the_audit_log(ses: Ses, write: Write, monkeypatch: pytest.MonkeyPatch, verified: bool) -> None:
    if verified:
        ses.verify("example.com")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    monkeypatch.setenv("AWS_SESSION_TOKEN", TOKEN)
    env = write("repos.env", ENV + f"AWS_ACCESS_KEY_ID=testing\nAWS_SECRET_ACCESS_KEY={SECRET}\n")
    env.chmod(0o600)
    log = env.parent / "audit.jsonl"
    outputs = []
    for args in (["--dry-run"], [], ["--force", "-vvv"], ["doctor", "-vvv"], ["audit", "--json"],
                 ["check", "--json"]):
        result = invoke(*args, "--env-file", str(env), "--handoffs", str(SAMPLE_DIR), "--audit-log", str(log),
                        "--as-of", AS_OF)
        outputs.append(result.output + (str(result.exception) if result.exception else ""))
    assert any("FAILED" in o or "sent to" in o for o in outputs)
    for text in outputs + [log.read_text()]:
        assert SECRET not in text and TOKEN not in text


def test_half_a_key_pair_in_repos_env_is_a_config_error(write: Write) -> None:
    env = write("repos.env", f"AWS_SECRET_ACCESS_KEY={SECRET}\n")
    result = invoke("--env-file", str(env), "--dry-run", "--role", "cfo")
    assert result.exit_code == 2 and "AWS_SECRET_ACCESS_KEY is set without its pair (repos.env line 1)" in result.stderr
    assert SECRET not in result.output


def test_a_repos_env_with_secrets_readable_by_others_draws_a_warning(write: Write) -> None:
    env = write("repos.env", f"AWS_ACCESS_KEY_ID=AKIDEXAMPLE\nAWS_SECRET_ACCESS_KEY={SECRET}\n")
    env.chmod(0o644)
    result = invoke("--env-file", str(env), "--dry-run", "--role", "cfo")
    assert "readable by other users" in result.stderr and "chmod 600" in result.stderr
    assert SECRET not in result.output
    env.chmod(0o600)
    assert "readable by other users" not in invoke("--env-file", str(env), "--dry-run", "--role", "cfo").stderr


_pieces = st.sampled_from([
    "---\n", "type: portfolio\n", "entity: ", "name: ", "## Financials\n", "## KPIs\n", "## Pipeline\n",
    "## Risks\n", "## Actions\n", "## Stack\n", "## Channels\n", "## Campaigns\n", "## Accounts\n",
    "## Guardrails\n", "## Targets\n", "## Capital deployment\n", "## Expenses\n",
    "| Month | Revenue | Expenses |\n|---|---|---|\n", "| 2026-10 | $1.2k | (300) |\n",
    "| Channel | Status | Spend | Leads |\n|---|---|---|---|\n", "| Sailo [ota] | live | $5 | 0 |\n",
    "- Utilisation: 5% (target: <= 9%)\n", "- Deal: $9 \u2014 won (close 2026-01-01)\n",
    "- [critical] [security] x\n", "- [ ] [P0] [eng] y (due 2026-11-20)\n", "- Max burn: $1\n",
    "- Hosting: AWS ($9/mo)\n", "- 2026-11-01: Blast (list: l)\n", "- Free [zero-cost]\n",
    "\r\n", "\u202e", "\x00", "\x1b", "\u200b", "W" * 100, "\u6f22\u5b57" * 30, " ", "\n",
])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(st.one_of(_pieces, st.text(max_size=30)), max_size=40), min_size=1, max_size=3),
       st.binary(max_size=300))
def test_pipeline_fuzz_from_bytes_to_reports(tmp_path_factory: pytest.TempPathFactory, files: list[list[str]], junk: bytes) -> None:
    folder = tmp_path_factory.mktemp("fuzz")
    for i, pieces in enumerate(files):
        (folder / f"f{i}.md").write_bytes("".join(pieces).encode("utf-8", "replace"))
    (folder / "junk.md").write_bytes(junk)
    as_of = date(2026, 11, 15)
    portfolio = read_portfolio(folder, as_of)
    for role in ROLES:
        text = RENDERERS[role](portfolio, as_of, "UTC")
        assert all(len(line) <= 78 for line in text.splitlines()), role


def test_audit_log_never_holds_a_body(ses: Ses, write: Write) -> None:
    ses.verify("example.com")
    env = write("repos.env", ENV)
    log = env.parent / "audit.jsonl"
    invoke("--env-file", str(env), "--handoffs", str(SAMPLE_DIR), "--audit-log", str(log), "--as-of", AS_OF)
    text = log.read_text()
    assert "Burn-rate model" not in text and "Headline" not in text
    records = read_records(log)
    allowed = {"v", "seq", "ts", "event", "run_id", "prev", "hash", "outcome", "message_id", "error",
               "inputs_sha256", "snapshot"}
    assert records and all(set(r) <= set(REQUIRED[r["event"]]) | allowed for r in records)
    assert not any(len(json.dumps(r)) > 2000 for r in records)


def test_settings_never_show_credentials_from_repos_env(write: Write) -> None:
    from reports.config import load_settings

    env = write("repos.env", f"AWS_ACCESS_KEY_ID=AKIDEXAMPLE\nAWS_SECRET_ACCESS_KEY={SECRET}\n")
    settings = load_settings(env, {})
    assert settings.aws_env["AWS_SECRET_ACCESS_KEY"] == SECRET  # kept for boto3 ...
    assert SECRET not in repr(settings) and SECRET not in str(settings)  # ... never shown
