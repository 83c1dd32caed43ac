"""The only module that touches boto3, imported lazily: send through SES API v2."""

from __future__ import annotations

from typing import Any

from .compose import Outgoing
from .config import Settings
from .errors import DeliveryError

MAX_ATTEMPTS = 3  # botocore standard retries: throttling, 5xx and connection errors
CONNECT_TIMEOUT = 5
READ_TIMEOUT = 10
HINTS = {
    "MessageRejected": "SES refused the message: check the sender is verified in this region "
                       "(`aws sesv2 get-email-identity --email-identity DOMAIN`) and, in the sandbox, "
                       "that every recipient is verified too",
    "MailFromDomainNotVerifiedException": "verify the MAIL FROM domain in SES",
    "AccountSuspendedException": "sending is paused for this account; see the SES console",
    "SendingPausedException": "sending is paused for this account or configuration set",
    "LimitExceededException": "an SES quota was reached; see `send-exec-reports doctor`",
    "TooManyRequestsException": "SES kept throttling after retries; run again later",
    "NotFoundException": "the configuration set or identity does not exist in this region",
    "BadRequestException": "SES rejected a parameter; check the addresses in repos.env",
    "AccessDeniedException": "the AWS credentials lack ses:SendEmail; see docs/operations.md",
}


def _client(settings: Settings) -> Any:
    import boto3
    from botocore.config import Config

    env = settings.aws_env
    session = boto3.session.Session(
        aws_access_key_id=env.get("AWS_ACCESS_KEY_ID"),
        aws_secret_access_key=env.get("AWS_SECRET_ACCESS_KEY"),
        aws_session_token=env.get("AWS_SESSION_TOKEN"),
        profile_name=env.get("AWS_PROFILE"),
    )
    config = Config(retries={"mode": "standard", "max_attempts": MAX_ATTEMPTS},
                    connect_timeout=CONNECT_TIMEOUT, read_timeout=READ_TIMEOUT)
    endpoint = env.get("AWS_ENDPOINT_URL_SESV2") or env.get("AWS_ENDPOINT_URL")
    client = session.client("sesv2", region_name=settings.region, config=config, endpoint_url=endpoint)
    client.meta.events.register_first("needs-retry.sesv2.SendEmail", _no_resend_after_read_timeout)
    return client


def _no_resend_after_read_timeout(caught_exception: object = None, **_: object) -> None:
    """Stop botocore's retries when SES got the request but did not answer: it may have
    sent it. Raising here ends the call with that error on every botocore version."""
    from botocore.exceptions import ReadTimeoutError

    if isinstance(caught_exception, ReadTimeoutError):
        raise caught_exception


class SesSender:
    """Send Outgoing messages with one boto3 client."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._client: Any = None

    def send(self, msg: Outgoing) -> str:
        """Send one message; return the SES Message ID or raise DeliveryError."""
        from botocore.exceptions import BotoCoreError, ClientError

        if self._client is None:
            try:
                self._client = _client(self.settings)
            except BotoCoreError as exc:
                raise DeliveryError(f"cannot set up the SES client: {exc}", "ClientSetup") from None
        destination: dict[str, list[str]] = {"ToAddresses": list(msg.to)}
        if msg.bcc:
            destination["BccAddresses"] = list(msg.bcc)
        kwargs: dict[str, Any] = {
            "FromEmailAddress": msg.sender,
            "Destination": destination,
            "Content": {"Simple": {
                "Subject": {"Data": msg.subject, "Charset": "UTF-8"},
                "Body": {"Text": {"Data": msg.body, "Charset": "UTF-8"}},
            }},
            "EmailTags": [{"Name": "role", "Value": msg.role},
                          {"Name": "content", "Value": msg.sha256[:16]}],
        }
        if msg.reply_to:
            kwargs["ReplyToAddresses"] = list(msg.reply_to)
        if self.settings.configuration_set:
            kwargs["ConfigurationSetName"] = self.settings.configuration_set
        try:
            response = self._client.send_email(**kwargs)
        except ClientError as exc:
            error = exc.response.get("Error", {})
            code = str(error.get("Code", "Unknown"))
            hint = HINTS.get(code, "see the SES error code in the AWS documentation")
            raise DeliveryError(f"{code}: {error.get('Message', '')}; {hint}", code) from None
        except BotoCoreError as exc:
            name = type(exc).__name__
            hint = ("; SES did not answer in time, so the message may or may not have gone out: "
                    "check the inbox before sending it again" if name == "ReadTimeoutError" else "")
            raise DeliveryError(f"{name}: {exc}{hint}", name) from None
        return str(response["MessageId"])


def ses_checks(settings: Settings) -> list[tuple[bool, str]]:
    """Read-only SES checks for `doctor`: identity, sending enabled, quota."""
    from email.utils import parseaddr

    from botocore.exceptions import BotoCoreError, ClientError

    results: list[tuple[bool, str]] = []
    try:
        client = _client(settings)
        try:
            account = client.get_account()
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "Unknown")
            results.append((False, f"SES GetAccount failed ({code}): cannot read sending status or quota"))
            account = None
        if account is not None:
            enabled = bool(account.get("SendingEnabled"))
            results.append((enabled, f"SES sending enabled in {settings.region}: {enabled}"))
            results.append((True, "SES production access: "
                            f"{'yes' if account.get('ProductionAccessEnabled') else 'no (sandbox)'}"))
            quota = account.get("SendQuota", {})
            results.append((True, f"SES quota: {quota.get('SentLast24Hours', 0):.0f} sent in the last 24 "
                            f"hours of {quota.get('Max24HourSend', 0):.0f}, {quota.get('MaxSendRate', 0):.0f}/s"))
        address = parseaddr(settings.sender or "")[1]
        verified = False
        for identity in (address, address.rpartition("@")[2]):
            try:
                info = client.get_email_identity(EmailIdentity=identity)
            except ClientError:
                continue
            if info.get("VerifiedForSendingStatus") or info.get("VerificationStatus") == "SUCCESS":
                verified = True
                results.append((True, f"sender identity {identity} is verified"))
                break
        if not verified:
            results.append((False, f"sender {address} is not verified in {settings.region}: run "
                            f"`aws sesv2 create-email-identity --email-identity {address.rpartition('@')[2]}`"))
    except (BotoCoreError, ClientError) as exc:
        results.append((False, f"SES checks failed: {type(exc).__name__}: {exc}"))
    return results
