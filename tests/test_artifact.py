"""The Lambda artifact starts: `deploy/build.py` builds it for this machine, and each
Handler the template names runs from it in an interpreter that sees only the artifact
and the standard library, against the real moto server.

Marked `artifact` (deselect with `-m "not artifact"`): the build needs the package index.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import boto3
import pytest

from reports import ROLES, SAMPLE_DIR
from reports.location import S3Url

from .conftest import AS_OF, Ses
from .stores import read_records, verify_log
from .test_deploy import function_environment, functions

pytestmark = pytest.mark.artifact

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"
ARCH = {"x86_64": "x86_64", "amd64": "x86_64", "aarch64": "arm64", "arm64": "arm64"}

# What the Lambda runtime does, and no more: the artifact first on the path, the handler
# imported by its dotted name and called with (event, context). The answer and any module
# loaded from outside the artifact and the standard library go to the file named last.
# The system time zone database is dropped: the function's machine need not have one.
BOOTSTRAP = """\
import importlib, json, sys, sysconfig, zoneinfo
artifact, handler, event, answer_file = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), sys.argv[4]
sys.path.insert(0, artifact)
zoneinfo.reset_tzpath([])
module, _, name = handler.rpartition(".")
answer = getattr(importlib.import_module(module), name)(event, None)
allowed = (artifact, sysconfig.get_paths()["stdlib"], sysconfig.get_paths()["platstdlib"])
outside = sorted(n for n, m in list(sys.modules.items())
                 if getattr(m, "__file__", None) and not m.__file__.startswith(allowed))
with open(answer_file, "w") as f:
    json.dump({"answer": answer, "outside": outside}, f)
"""


@pytest.fixture(scope="module")
def artifact(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the artifact for this machine's platform and Python, once for the module."""
    arch = ARCH.get(platform.machine().lower())
    if arch is None:
        pytest.skip(f"no manylinux build for this machine ({platform.machine()})")
    out = tmp_path_factory.mktemp("artifact") / "build"
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    built = subprocess.run([sys.executable, str(ROOT / "deploy" / "build.py"), "--out", str(out),
                            "--arch", arch, "--python-version", version],
                           capture_output=True, text=True, timeout=600, check=False)
    if built.returncode != 0 and "package index is unreachable" in built.stderr:
        pytest.skip(f"cannot build the artifact: {built.stderr.splitlines()[0]}")
    assert built.returncode == 0, built.stderr
    return out


class Function:
    """One function of the template, run from the artifact like Lambda would run it."""

    def __init__(self, artifact: Path, handler: str, env: dict[str, str], scratch: Path) -> None:
        self.artifact, self.handler, self.env, self.scratch = artifact, handler, env, scratch
        self.log = ""

    def invoke(self, event: dict[str, Any]) -> Any:
        """Call the handler with `event`; return its answer. What it logged is added to self.log."""
        answer_file = self.scratch / f"answer-{uuid.uuid4().hex}.json"
        done = subprocess.run([sys.executable, "-I", "-S", "-B", "-c", BOOTSTRAP, str(self.artifact),
                               self.handler, json.dumps(event), str(answer_file)],
                              env=self.env, capture_output=True, text=True, timeout=120, check=False)
        assert done.returncode == 0, done.stderr + done.stdout
        self.log += done.stdout + done.stderr
        result = json.loads(answer_file.read_text())
        assert result["outside"] == [], f"imported from outside the artifact: {result['outside']}"
        return result["answer"]


@pytest.fixture
def deployed(artifact: Path, ses: Ses, tmp_path: Path) -> dict[str, Any]:
    """What the stack creates, on moto: bucket with the handoffs, queue, topic, configuration
    set; each function with the environment the template gives it (values for moto)."""
    ses.verify("example.com")
    ses.verify("example.net")
    region = "us-east-1"
    bucket = f"reports-{uuid.uuid4().hex[:12]}"
    s3 = boto3.client("s3", region_name=region)
    s3.create_bucket(Bucket=bucket)
    # The weekly sync's result: the sample's notes, uploaded under handoffs/ (not the bundled copy).
    for path in sorted(SAMPLE_DIR.rglob("*.md")):
        s3.put_object(Bucket=bucket, Key=f"handoffs/{path.relative_to(SAMPLE_DIR).as_posix()}",
                      Body=path.read_bytes())
    queue = boto3.client("sqs", region_name=region).create_queue(QueueName=f"events-{bucket}")["QueueUrl"]
    topic = boto3.client("sns", region_name=region).create_topic(Name=f"events-{bucket}")["TopicArn"]
    boto3.client("sesv2", region_name=region).create_configuration_set(ConfigurationSetName=f"set-{bucket}")
    values = {
        "SES_REGION": region, "AUDIT_LOG": f"s3://{bucket}/audit/", "REPORT_TZ": "America/Los_Angeles",
        "SES_CONFIGURATION_SET": f"set-{bucket}", "SES_EVENTS_QUEUE_URL": queue, "SES_EVENTS_TOPIC_ARN": topic,
        "SES_FROM_ADDRESS": '"Exec Reports" <reports@example.com>', "SES_TO_ADDRESS": "owner@example.com",
        "SES_TO_CEO": "", "SES_TO_CTO": "", "SES_TO_ACCOUNTING": "", "SES_TO_CMO": "",
        "SES_TO_CFO": "cfo@example.net", "SES_BCC_ADDRESS": "audit@example.com", "SES_REPLY_TO": "",
        "SES_ALLOWED_DOMAINS": "example.com,example.net", "SES_HTML_MONOSPACE": "off",
        "REPORT_SUBJECT_PREFIX": "[Exec Report]", "PIPELINE_STAGE_WEIGHTS": "", "EXPENSE_JUMP_FLOOR": "",
        "HANDOFFS_DIR": f"s3://{bucket}/handoffs/", "HANDOFFS_MAX_AGE_DAYS": "8",
    }
    aws = {"AWS_ENDPOINT_URL": os.environ["AWS_ENDPOINT_URL"], "AWS_ACCESS_KEY_ID": "testing",
           "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": region,
           "AWS_CONFIG_FILE": str(tmp_path / "no-aws-config"),
           "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "no-aws-credentials"),
           "HOME": str(tmp_path), "LANG": "C.UTF-8"}
    running = {}
    for name, function in functions().items():
        keys = function_environment(name)
        missing = sorted(set(keys) - set(values))
        assert not missing, f"the test gives no value for {missing}: add one"
        env = {**aws, **{key: values[key] for key in keys}}
        running[function["Properties"]["Handler"].rpartition(".")[2]] = Function(
            artifact, function["Properties"]["Handler"], env, tmp_path)
    return {"bucket": bucket, "topic": topic, "functions": running}


def test_the_artifact_holds_runtime_code_only(artifact: Path) -> None:
    assert (artifact / "send_exec_reports.py").is_file()
    assert (artifact / "reports" / "sample" / "portfolio.md").is_file()
    assert (artifact / "pyromark").is_dir() and (artifact / "boto3").is_dir()
    for name in ("tests", "docs", "bench", "deploy", ".venv", "bin"):
        assert not (artifact / name).exists(), name
    assert not list(artifact.rglob("__pycache__"))


def test_the_template_handlers_send_skip_and_record_feedback(deployed: dict[str, Any], ses: Ses) -> None:
    assert set(deployed["functions"]) == {"send_handler", "events_handler"}
    send, events = deployed["functions"]["send_handler"], deployed["functions"]["events_handler"]

    preview = send.invoke({"as_of": AS_OF, "dry_run": True})
    assert [r["outcome"] for r in preview["results"]] == ["preview: send"] * 5, preview
    assert ses.messages() == []
    answer = send.invoke({"as_of": AS_OF})
    assert [r["outcome"] for r in answer["results"]] == ["sent"] * 5, answer
    assert [r["sha256"] for r in answer["results"]] == [r["sha256"] for r in preview["results"]]
    messages = ses.messages()
    assert len(messages) == 5
    assert {tuple(m["destinations"]["ToAddresses"]) for m in messages} == {("owner@example.com",),
                                                                           ("cfo@example.net",)}
    again = send.invoke({"as_of": AS_OF})
    assert [r["outcome"] for r in again["results"]] == ["skipped"] * 5, again
    assert len(ses.messages()) == 5
    # The function's log (CloudWatch) carries hashes and outcomes, never a report's figures.
    figures = {line.strip() for role in ROLES for line in (GOLDEN / f"{role}.txt").read_text().splitlines()
               if "$" in line and len(line.strip()) > 20}
    assert figures and not [line for line in figures if line in send.log]

    sent = {r["role"]: r["message_id"] for r in answer["results"]}

    def delivery(role: str, address: str, sns_id: str) -> str:
        event = {"eventType": "Delivery",
                 "mail": {"messageId": sent[role], "source": "reports@example.com", "destination": [address]},
                 "delivery": {"recipients": [address], "smtpResponse": "250 ok", "processingTimeMillis": 900}}
        return json.dumps({"Type": "Notification", "MessageId": sns_id, "TopicArn": deployed["topic"],
                           "Message": json.dumps(event)})

    batch = {"Records": [{"messageId": "q1", "body": delivery("cfo", "cfo@example.net", "sns-1")},
                         {"messageId": "q2", "body": delivery("ceo", "owner@example.com", "sns-2")},
                         {"messageId": "q3", "body": delivery("cfo", "cfo@example.net", "sns-1")},
                         {"messageId": "q4", "body": "{not json"}]}
    assert events.invoke(batch) == {"batchItemFailures": [{"itemIdentifier": "q4"}]}
    log = S3Url(deployed["bucket"], "audit/")
    delivered = [(r["role"], r["message_id"]) for r in read_records(log) if r["event"] == "delivered"]
    assert sorted(delivered) == sorted([("cfo", sent["cfo"]), ("ceo", sent["ceo"])])  # the repeat added nothing
    assert verify_log(log).ok
