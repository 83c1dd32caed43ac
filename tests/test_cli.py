import json
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result
from hypothesis import given
from hypothesis import strategies as st

from reports import SAMPLE_DIR
from send_exec_reports import cli

from .conftest import AS_OF, Write

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def test_dry_run_previews_all_five_from_the_bundled_sample() -> None:
    result = run("--dry-run", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    assert result.stdout.count("Subject: [Exec Report]") == 5
    assert "bundled sample" in result.stderr and "bundled sample" not in result.stdout


def test_dry_run_json_has_one_object_per_report() -> None:
    result = run("--dry-run", "--json", "--role", "cfo", "--role", "ceo", "--as-of", AS_OF)
    objs = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["role"] for o in objs] == ["cfo", "ceo"]
    assert set(objs[0]) == {"role", "subject", "from", "to", "bcc", "body", "sha256"}


def test_sending_the_sample_by_default_is_refused(write: Write) -> None:
    env = write("repos.env", """
        SES_REGION=us-east-1
        SES_FROM_ADDRESS=reports@example.com
        SES_TO_ADDRESS=owner@example.com
        """)
    result = run("--env-file", str(env), "--as-of", AS_OF)
    assert result.exit_code == 2
    assert "refusing to send the bundled sample" in result.stderr and "--handoffs" in result.stderr


@pytest.mark.parametrize("line, key", [
    ("SES_FROM_ADDRESS=not-an-address", "SES_FROM_ADDRESS 'not-an-address'"),
    ("SES_TO_CFO=ok@example.com, broken@", "SES_TO_CFO 'broken@'"),
    ("SES_BCC_ADDRESS=a@@example.com", "SES_BCC_ADDRESS"),
])
def test_bad_address_is_exit_2_naming_key_and_line(write: Write, line: str, key: str) -> None:
    env = write("repos.env", f"SES_REGION=us-east-1\n{line}\n")
    result = run("--env-file", str(env), "--dry-run")
    assert result.exit_code == 2
    assert key in result.stderr and "repos.env line 2" in result.stderr
    assert "Traceback" not in result.output


def test_unknown_role_is_a_usage_error() -> None:
    result = run("--role", "cmoo", "--dry-run")
    assert result.exit_code == 2 and "cmoo" in result.stderr


def test_missing_handoff_folder_is_exit_2_naming_it(tmp_path: Path) -> None:
    result = run("--handoffs", str(tmp_path / "nope"), "--dry-run")
    assert result.exit_code == 2 and str(tmp_path / "nope") in result.stderr


def test_missing_folder_from_config_names_the_key(write: Write, tmp_path: Path) -> None:
    env = write("repos.env", f"HANDOFFS_DIR={tmp_path / 'gone'}\n")
    result = run("--env-file", str(env), "--dry-run")
    assert result.exit_code == 2 and "HANDOFFS_DIR (repos.env line 1)" in result.stderr


def test_typod_key_gets_did_you_mean(write: Write) -> None:
    env = write("repos.env", "SES_FORM_ADDRESS=reports@example.com\n")
    result = run("--env-file", str(env), "--dry-run", "--role", "cfo")
    assert result.exit_code == 0
    assert "unknown key SES_FORM_ADDRESS (repos.env line 1); did you mean SES_FROM_ADDRESS?" in result.stderr


def test_precedence_flag_then_environment_then_file(write: Write, tmp_path: Path) -> None:
    env = write("repos.env", "SES_TO_ADDRESS=file@example.com\nSES_TO_CFO=\n")
    result = run("--env-file", str(env), "--dry-run", "--json", "--role", "cfo",
                 env={"SES_TO_ADDRESS": "environ@example.com"})
    assert json.loads(result.stdout)["to"] == ["environ@example.com"]
    result = run("--env-file", str(env), "--dry-run", "--json", "--role", "cfo")
    assert json.loads(result.stdout)["to"] == ["file@example.com"]


def test_per_role_recipients_and_allowed_domains(write: Write) -> None:
    env = write("repos.env", "SES_TO_ADDRESS=all@example.com\nSES_TO_CFO=cfo@example.net\n")
    out = run("--env-file", str(env), "--dry-run", "--json", "--role", "cfo", "--role", "cto").stdout
    assert [json.loads(line)["to"] for line in out.splitlines()] == [["cfo@example.net"], ["all@example.com"]]
    env = write("repos.env", "SES_ALLOWED_DOMAINS=example.com\nSES_TO_CFO=cfo@example.net\n")
    result = run("--env-file", str(env), "--dry-run")
    assert result.exit_code == 2 and "outside SES_ALLOWED_DOMAINS" in result.stderr


def test_explicit_missing_env_file_is_exit_2(tmp_path: Path) -> None:
    result = run("--env-file", str(tmp_path / "missing.env"), "--dry-run")
    assert result.exit_code == 2 and "missing.env" in result.stderr


def test_strict_turns_warnings_into_exit_3(write: Write) -> None:
    folder = write("h/e.md", "# E\n\n## KPIs\n\n- Broken: soon\n").parent
    assert run("--handoffs", str(folder), "--dry-run", "--strict").exit_code == 3
    result = run("check", "--handoffs", str(folder))
    assert result.exit_code == 0 and "e.md:5: KPI 'Broken'" in result.stdout
    assert run("check", "--handoffs", str(folder), "--strict").exit_code == 3


def test_check_json_on_the_sample_gives_seven_units_and_no_warnings() -> None:
    result = run("check", "--json", "--handoffs", str(SAMPLE_DIR), "--as-of", AS_OF)
    data = json.loads(result.stdout)
    assert len(data["entities"]) == 7 and data["warnings"] == []
    assert data["cash_on_hand"] == 86500


def test_every_command_has_help_and_an_example() -> None:
    commands = {"": cli, **cli.commands}
    for name, command in commands.items():
        with click.Context(command, info_name=name or "send-exec-reports") as ctx:
            text = command.get_help(ctx)
        assert "Example:" in text, name
    assert "Exit codes:" in run("--help").stdout


def test_doctor_offline_reports_missing_settings() -> None:
    result = run("doctor")
    assert result.exit_code == 2
    assert "[FAIL] SES_REGION: not set" in result.stdout and "bundled sample" in result.stdout


def test_dry_run_never_imports_boto3(tmp_path: Path) -> None:
    code = ("import sys, runpy; sys.argv=['send-exec-reports','--dry-run','--as-of','2026-11-15'];"
            "\ntry: runpy.run_module('send_exec_reports', run_name='__main__')\nexcept SystemExit: pass\n"
            "bad=[m for m in sys.modules if m.split('.')[0] in ('boto3','botocore')];"
            "print('LOADED', bad, file=sys.stderr)")
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}, timeout=60)
    assert "Subject:" in proc.stdout
    assert "LOADED []" in proc.stderr


@pytest.mark.parametrize("argv", [["send_exec_reports.py"], ["-m", "send_exec_reports"]])
def test_runs_as_a_script_and_a_module(argv: list[str], tmp_path: Path) -> None:
    target = [str(ROOT / argv[0])] if argv[0].endswith(".py") else argv
    proc = subprocess.run([sys.executable, *target, "--help"], capture_output=True, text=True, timeout=60,
                          cwd=ROOT)
    assert proc.returncode == 0 and "Example:" in proc.stdout


def test_preview_names_each_report_and_the_hash_expect_sha256_takes() -> None:
    text = run("--dry-run", "--role", "cfo", "--as-of", AS_OF).stdout
    marker, sender, to, subject = text.splitlines()[:4]
    sha = json.loads(run("--dry-run", "--json", "--role", "cfo", "--as-of", AS_OF).stdout)["sha256"]
    assert marker == f"==> cfo report, sha256 {sha} <=="
    assert (sender, to) == ("From: (not configured)", "To: (not configured)")
    assert subject == f"Subject: [Exec Report] CFO report \u2014 Ladd Ventures Portfolio \u2014 {AS_OF}"


@pytest.mark.parametrize("xdg", [None, "", "  ", "/tmp/xdg-state"])
def test_the_default_audit_path_is_platformdirs_own(monkeypatch: pytest.MonkeyPatch, xdg: str | None) -> None:
    from platformdirs import user_state_path

    from reports.run.inputs import default_state_dir

    if xdg is None:
        monkeypatch.delenv("XDG_STATE_HOME", raising=False)
    else:
        monkeypatch.setenv("XDG_STATE_HOME", xdg)
    assert default_state_dir() == user_state_path("send-exec-reports")


def _dotenv_reading(text: str) -> list[tuple[str, str]] | None:
    import io

    from reports.config import _dotenv_parser

    out = []
    for b in _dotenv_parser().parse_stream(io.StringIO(text)):
        if b.error:
            return None
        if b.key is not None and b.value is not None:
            out.append((b.key, b.value))
    return out


@pytest.mark.parametrize("text", [
    "A=1\n\n# c\nB = two words # note\nC=\"x, y\" # q\nD='z'\nE=\nF= #c\nG=#h\n",
    'SES_FROM_ADDRESS="Exec Reports <reports@example.com>"\n', "A=\"x\\ny\"\n", "export A=1\n",
    "A='it''s'\n", "A=\"unterminated\n", "A=x\"y\n", "  A  =  b  \n", "A=b\r\nC=d\r\n", "A\n",
])
def test_plain_repos_env_lines_read_exactly_as_python_dotenv_reads_them(text: str) -> None:
    from reports.config import simple_env

    fast = simple_env(text)
    if fast is not None:  # None means "ask python-dotenv": always allowed
        assert [(k, v) for k, v, _ in fast] == _dotenv_reading(text)


@given(st.lists(st.text(alphabet=st.sampled_from(list("AB_1=#\"' \t\\xy,<>@.")), max_size=14), max_size=5))
def test_plain_repos_env_reading_never_disagrees_with_python_dotenv(lines: list[str]) -> None:
    from reports.config import simple_env

    text = "\n".join(lines) + "\n"
    fast = simple_env(text)
    if fast is not None:
        assert [(k, v) for k, v, _ in fast] == _dotenv_reading(text)
        for key, _, line in fast:
            assert text.split("\n")[line - 1].lstrip().startswith(key)


def test_a_repos_env_line_names_its_own_line_after_blank_lines_and_comments(tmp_path: Path) -> None:
    env = tmp_path / "repos.env"
    env.write_text("\n\n# recipients\n\nSES_REGION=us-east-1\n\nSES_TO_CFO=\"unclosed <cfo@example.com>\n")
    result = run("--env-file", str(env), "--dry-run")
    assert result.exit_code == 2 and "repos.env line 7 cannot be read" in result.stderr


@pytest.mark.parametrize("where", ["/", "folder"])
def test_an_audit_log_naming_a_folder_is_exit_2_naming_the_option_or_key(write: Write, tmp_path: Path,
                                                                          where: str) -> None:
    folder = "/" if where == "/" else str(tmp_path)
    flag = CliRunner().invoke(cli, ["--dry-run", "--role", "cfo", "--audit-log", folder])
    env = write("repos.env", f"AUDIT_LOG={folder}\n")
    key = CliRunner().invoke(cli, ["--dry-run", "--role", "cfo", "--env-file", str(env)])
    assert (flag.exit_code, key.exit_code) == (2, 2), (flag.exception, key.exception)
    assert "'--audit-log'" in flag.stderr and "is a folder; the audit log is a file" in flag.stderr
    assert f"AUDIT_LOG (repos.env line 1): '{folder}' is a folder" in key.stderr


def test_an_os_error_without_a_file_name_reads_plainly() -> None:
    from reports.errors import explain

    assert explain(IsADirectoryError(21, "Is a directory")) == ("error: Is a directory", 2)
    assert explain(FileNotFoundError(2, "No such file", "/x/y")) == ("error: /x/y: No such file", 2)
