"""deploy/template.yaml: cfn-lint passes, every IAM statement is the one intended, failures
reach a person, and the template carries the whole configuration and the build's output."""

from __future__ import annotations

import importlib.util
import re
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from reports import ROLES
from reports.config import KEYS

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "deploy" / "template.yaml"
ROLE_RESOURCES = ("SendRole", "EventsRole", "ScheduleRole")
# Keys the template sets before the library knows them (issue 24 point 1).
PENDING_KEYS = {"SES_EVENTS_TOPIC_ARN"}


@cache
def template() -> dict[str, Any]:
    """The template as cfn-lint reads it: intrinsic functions as {"Ref": ...}, {"Fn::Sub": ...}."""
    from cfnlint.decode import decode_str  # type: ignore[import-untyped]

    decoded, problems = decode_str(TEMPLATE.read_text(encoding="utf-8"))
    assert not problems, problems
    return dict(decoded)


def resources() -> dict[str, Any]:
    return dict(template()["Resources"])


def functions() -> dict[str, Any]:
    """The template's Lambda functions by logical id."""
    return {k: v for k, v in resources().items() if v["Type"] == "AWS::Serverless::Function"}


def function_environment(name: str) -> dict[str, Any]:
    """A function's environment variables: the Globals' and its own."""
    shared = template()["Globals"]["Function"]["Environment"]["Variables"]
    own = functions()[name]["Properties"].get("Environment", {}).get("Variables", {})
    return {**shared, **own}


def build_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build", ROOT / "deploy" / "build.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def show(value: Any) -> str:
    """A resource as a reader writes it: "${ReportsBucket.Arn}/audit/*", "EventsQueue.Arn"."""
    if isinstance(value, dict) and "Fn::Sub" in value:
        sub = value["Fn::Sub"]
        return str(sub[0] if isinstance(sub, list) else sub)
    if isinstance(value, dict) and "Fn::GetAtt" in value:
        return ".".join(value["Fn::GetAtt"])
    if isinstance(value, dict) and "Ref" in value:
        return f"Ref {value['Ref']}"
    return str(value)


def listed(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else [value]


def statements(resource: str) -> dict[str, dict[str, Any]]:
    """A role's policy statements by Sid, both branches of a conditional statement included."""
    found: dict[str, dict[str, Any]] = {}
    for policy in resources()[resource]["Properties"]["Policies"]:
        for statement in policy["PolicyDocument"]["Statement"]:
            if "Fn::If" in statement:
                condition, *branches = statement["Fn::If"]
                statement = next(b for b in branches if b != {"Ref": "AWS::NoValue"})
                statement = {**statement, "OnlyIf": condition}
            found[statement["Sid"]] = statement
    return found


def table(resource: str) -> dict[str, tuple[set[str], set[str]]]:
    return {sid: (set(listed(s["Action"])), {show(r) for r in listed(s["Resource"])})
            for sid, s in statements(resource).items()}


IDENTITY = "arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:identity/"
AUDIT_APPENDS = {"${ReportsBucket.Arn}/audit/records/*", "${ReportsBucket.Arn}/audit/inputs/*",
                 "${ReportsBucket.Arn}/audit/snapshots/*", "${ReportsBucket.Arn}/audit/sent/*"}
# Rewritten each run and checked against the chain when read: the checkpoint and the feedback index.
AUDIT_POINTERS = {"${ReportsBucket.Arn}/audit/checkpoint.json", "${ReportsBucket.Arn}/audit/feedback.json"}


def test_the_template_passes_cfn_lint() -> None:
    from cfnlint.api import ManualArgs, lint  # type: ignore[import-untyped]

    # The regions SES sending is offered in that the docs use; every region would flag SES.
    matches = lint(TEMPLATE.read_text(encoding="utf-8"),
                   config=ManualArgs(regions=["us-east-1", "us-west-2", "eu-west-1"]))
    assert [str(m) for m in matches] == []


def test_each_function_runs_a_library_handler_from_the_built_folder() -> None:
    build = build_script()
    shared = template()["Globals"]["Function"]
    assert (TEMPLATE.parent / shared["CodeUri"]).resolve() == build.DEFAULT_OUT
    assert shared["Runtime"] == f"python{build.DEFAULT_PYTHON}" and shared["Architectures"] == [build.DEFAULT_ARCH]
    handlers = {name: f["Properties"]["Handler"] for name, f in functions().items()}
    assert handlers == {"ReportsFunction": "reports.aws.handlers.send_handler",
                        "EventsFunction": "reports.aws.handlers.events_handler"}


def test_the_send_role_may_do_exactly_this() -> None:
    assert table("SendRole") == {
        "SendAsTheFromAddress": ({"ses:SendEmail"}, {IDENTITY + "${Domain}", IDENTITY + "${FromAddress}",
                                 "arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:configuration-set/${Name}"}),
        "SandboxRecipientsAreIdentities": ({"ses:SendEmail"}, {IDENTITY + "*"}),
        "ListHandoffsAndAudit": ({"s3:ListBucket"}, {"ReportsBucket.Arn"}),
        "ReadHandoffsAndAudit": ({"s3:GetObject"}, {"${ReportsBucket.Arn}/handoffs/*", "${ReportsBucket.Arn}/audit/*"}),
        "AppendAuditRecords": ({"s3:PutObject"}, AUDIT_APPENDS),
        "RewriteCheckpoint": ({"s3:PutObject"}, AUDIT_POINTERS),
        "ReportFailedRuns": ({"sqs:SendMessage"}, {"FailedRunsQueue.Arn"}),
        "WriteOwnLogs": ({"logs:CreateLogStream", "logs:PutLogEvents"}, {"SendLogGroup.Arn"}),
    }
    send = statements("SendRole")
    for sid in ("SendAsTheFromAddress", "SandboxRecipientsAreIdentities"):
        # The bare address: a display name is not part of ses:FromAddress.
        assert send[sid]["Condition"] == {"StringEquals": {"ses:FromAddress": {"Ref": "FromAddress"}}}
    assert send["SandboxRecipientsAreIdentities"]["OnlyIf"] == "InSandbox"
    assert template()["Parameters"]["SesSandbox"]["AllowedValues"] == ["true", "false"]
    assert send["ListHandoffsAndAudit"]["Condition"] == {"StringLike": {"s3:prefix": ["handoffs/*", "audit/*"]}}


def test_the_events_role_may_do_exactly_this() -> None:
    assert table("EventsRole") == {
        "ListAudit": ({"s3:ListBucket"}, {"ReportsBucket.Arn"}),
        "ReadAudit": ({"s3:GetObject"}, {"${ReportsBucket.Arn}/audit/*"}),
        "AppendAuditRecords": ({"s3:PutObject"}, AUDIT_APPENDS),
        "RewriteCheckpoint": ({"s3:PutObject"}, AUDIT_POINTERS),
        "ReadNotifications": ({"sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"},
                              {"EventsQueue.Arn"}),
        "WriteOwnLogs": ({"logs:CreateLogStream", "logs:PutLogEvents"}, {"EventsLogGroup.Arn"}),
    }
    assert statements("EventsRole")["ListAudit"]["Condition"] == {"StringLike": {"s3:prefix": ["audit/*"]}}


def test_the_schedule_may_only_invoke_the_run_and_report_its_failure() -> None:
    assert table("ScheduleRole") == {
        "InvokeTheRun": ({"lambda:InvokeFunction"}, {"ReportsFunction.Arn"}),
        "ReportFailedInvocations": ({"sqs:SendMessage"}, {"FailedRunsQueue.Arn"}),
    }


@pytest.mark.parametrize("role", ["SendRole", "EventsRole"])
def test_audit_records_are_put_only_if_none_is_there(role: str) -> None:
    for statement in statements(role).values():
        if "s3:PutObject" not in listed(statement["Action"]):
            continue
        targets = {show(r) for r in listed(statement["Resource"])}
        if targets == AUDIT_POINTERS:
            continue  # rewritten each run; checked against the chain when read
        assert targets == AUDIT_APPENDS
        assert statement["Condition"] == {"StringEquals": {"s3:if-none-match": "*"}}


def test_no_role_allows_every_action_or_every_resource() -> None:
    for role in ROLE_RESOURCES:
        for sid, statement in statements(role).items():
            assert statement["Effect"] == "Allow"
            assert not any("*" in action for action in listed(statement["Action"])), (role, sid)
            assert all(show(r) != "*" for r in listed(statement["Resource"])), (role, sid)
            wildcard = [r for r in listed(statement["Resource"]) if show(r).endswith(":identity/*")]
            assert not wildcard or (sid == "SandboxRecipientsAreIdentities" and "Condition" in statement)
    for name, function in functions().items():
        assert "Policies" not in function["Properties"], name  # SAM would add managed policies
        assert "ReservedConcurrentExecutions" not in function["Properties"], name


def test_the_bucket_takes_tls_only_and_no_unconditional_audit_write() -> None:
    policy = {s["Sid"]: s for s in resources()["ReportsBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]}
    tls = policy["DenyInsecureTransport"]
    assert (tls["Effect"], tls["Principal"], tls["Action"]) == ("Deny", "*", "s3:*")
    assert {show(r) for r in tls["Resource"]} == {"ReportsBucket.Arn", "${ReportsBucket.Arn}/*"}
    assert tls["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    overwrite = policy["DenyAuditOverwrites"]
    assert (overwrite["Effect"], overwrite["Principal"], overwrite["Action"]) == ("Deny", "*", "s3:PutObject")
    assert {show(r) for r in overwrite["Resource"]} == AUDIT_APPENDS
    assert overwrite["Condition"] == {"Null": {"s3:if-none-match": "true"}}


def test_only_the_topic_may_send_to_the_events_queue() -> None:
    policy = {s["Sid"]: s for s in resources()["EventsQueuePolicy"]["Properties"]["PolicyDocument"]["Statement"]}
    allow, deny = policy["TheTopicDelivers"], policy["NoOtherSender"]
    assert allow["Principal"] == {"Service": "sns.amazonaws.com"}
    assert allow["Condition"] == {"ArnEquals": {"aws:SourceArn": {"Ref": "EventsTopic"}}}
    assert (deny["Effect"], deny["Principal"], deny["Action"]) == ("Deny", "*", "sqs:SendMessage")
    assert deny["Condition"] == {"ArnNotEquals": {"aws:SourceArn": {"Ref": "EventsTopic"}}}
    for name in functions():
        assert function_environment(name)["SES_EVENTS_TOPIC_ARN"] == {"Ref": "EventsTopic"}, name


def test_ses_may_publish_to_the_events_topic() -> None:
    key = template()["Parameters"]["EventsTopicKmsKeyArn"]
    assert key["Default"] == ""  # no KMS key: SES can publish; alias/aws/sns it cannot
    assert resources()["EventsTopic"]["Properties"]["KmsMasterKeyId"] == {
        "Fn::If": ["HasTopicKey", {"Ref": "EventsTopicKmsKeyArn"}, {"Ref": "AWS::NoValue"}]}
    assert "alias/aws/sns" not in TEMPLATE.read_text(encoding="utf-8").split("Resources:")[1]
    (publish,) = resources()["EventsTopicPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    assert publish["Principal"] == {"Service": "ses.amazonaws.com"} and publish["Action"] == "sns:Publish"
    assert show(publish["Condition"]["StringEquals"]["aws:SourceArn"]).endswith(":configuration-set/${Name}")


def test_failures_reach_a_person() -> None:
    alarms = {k: v["Properties"] for k, v in resources().items() if v["Type"] == "AWS::CloudWatch::Alarm"}
    watched = {(a["MetricName"], show(a["Dimensions"][0]["Value"])) for a in alarms.values()}
    assert watched == {("Errors", "Ref ReportsFunction"), ("Errors", "Ref EventsFunction"),
                       ("ApproximateNumberOfMessagesVisible", "FailedRunsQueue.QueueName"),
                       ("ApproximateNumberOfMessagesVisible", "EventsDeadLetterQueue.QueueName")}
    for name, alarm in alarms.items():
        assert alarm["AlarmActions"] == [{"Ref": "AlarmTopic"}], name
        assert (alarm["Threshold"], alarm["ComparisonOperator"]) == (1, "GreaterThanOrEqualToThreshold")
    email = resources()["AlarmEmailSubscription"]
    assert email["Condition"] == "HasAlarmEmail" and email["Properties"]["Protocol"] == "email"
    # The schedule invokes asynchronously: a function error goes to the on-failure destination.
    failures = resources()["ReportsFunctionFailures"]["Properties"]
    assert failures["FunctionName"] == {"Ref": "ReportsFunction"}
    assert show(failures["DestinationConfig"]["OnFailure"]["Destination"]) == "FailedRunsQueue.Arn"
    target = resources()["WeeklySchedule"]["Properties"]["Target"]
    assert show(target["DeadLetterConfig"]["Arn"]) == "FailedRunsQueue.Arn"
    redrive = resources()["EventsQueue"]["Properties"]["RedrivePolicy"]
    assert show(redrive["deadLetterTargetArn"]) == "EventsDeadLetterQueue.Arn"


def test_logs_are_kept_for_the_retention_parameter() -> None:
    assert template()["Parameters"]["LogRetentionDays"]["Default"] == 90
    groups = {k for k, v in resources().items() if v["Type"] == "AWS::Logs::LogGroup"}
    assert groups == {"SendLogGroup", "EventsLogGroup"}
    for group in groups:
        assert resources()[group]["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"}
    assert {n: f["Properties"]["LoggingConfig"]["LogGroup"] for n, f in functions().items()} == {
        "ReportsFunction": {"Ref": "SendLogGroup"}, "EventsFunction": {"Ref": "EventsLogGroup"}}


def test_the_events_function_reports_partial_batches_two_at_a_time() -> None:
    source = functions()["EventsFunction"]["Properties"]["Events"]["Notifications"]
    assert source["Type"] == "SQS" and show(source["Properties"]["Queue"]) == "EventsQueue.Arn"
    assert source["Properties"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert source["Properties"]["ScalingConfig"] == {"MaximumConcurrency": 2}
    visibility = resources()["EventsQueue"]["Properties"]["VisibilityTimeout"]
    assert visibility >= 6 * functions()["EventsFunction"]["Properties"]["Timeout"]


def test_the_template_carries_the_whole_configuration() -> None:
    send = function_environment("ReportsFunction")
    # Every setting of a run, but the send deadline: the function's Timeout is sized for its default.
    assert set(KEYS) - {"SES_SEND_DEADLINE"} <= set(send)
    for name in functions():
        assert set(function_environment(name)) <= set(KEYS) | PENDING_KEYS, name
    for role in ROLES:
        assert send[f"SES_TO_{role.upper()}"] == {"Ref": f"To{role.capitalize()}"}
        assert template()["Parameters"][f"To{role.capitalize()}"]["Default"] == ""
    assert send["SES_FROM_ADDRESS"] == {"Fn::If": [
        "HasDisplayName", {"Fn::Sub": '"${FromDisplayName}" <${FromAddress}>'}, {"Ref": "FromAddress"}]}
    # Never an empty allow-list: without a value, only the From address's own domain.
    assert send["SES_ALLOWED_DOMAINS"] == {"Fn::If": [
        "HasAllowedDomains", {"Ref": "AllowedDomains"}, {"Fn::Select": [1, {"Fn::Split": ["@", {"Ref": "FromAddress"}]}]}]}
    assert send["REPORT_TZ"] == {"Ref": "ReportTimeZone"}
    schedule = resources()["WeeklySchedule"]["Properties"]
    assert schedule["ScheduleExpressionTimezone"] == {"Ref": "ReportTimeZone"}
    assert schedule["Target"]["Input"] == {"Fn::If": ["IsStrict", '{"strict": true}', "{}"]}


def test_an_existing_configuration_set_is_used_and_none_created() -> None:
    assert resources()["ReportsConfigurationSet"]["Condition"] == "CreateConfigurationSet"
    assert template()["Conditions"]["CreateConfigurationSet"] == {"Fn::Equals": [{"Ref": "ExistingConfigurationSet"}, ""]}
    chosen = {"Fn::If": ["CreateConfigurationSet", {"Ref": "ReportsConfigurationSet"}, {"Ref": "ExistingConfigurationSet"}]}
    assert resources()["EventsDestination"]["Properties"]["ConfigurationSetName"] == chosen
    assert template()["Globals"]["Function"]["Environment"]["Variables"]["SES_CONFIGURATION_SET"] == chosen
    text = TEMPLATE.read_text(encoding="utf-8")
    assert "Name: exec-reports" not in text  # a fixed name would collide with a set made by hand


def test_every_parameter_and_output_is_explained_in_docs_aws() -> None:
    doc = (ROOT / "docs" / "aws.md").read_text(encoding="utf-8")
    for name in [*template()["Parameters"], *template()["Outputs"]]:
        assert re.search(rf"`{name}`", doc), f"docs/aws.md does not mention `{name}`"
