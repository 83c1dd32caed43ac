"""Send through SES API v2, at most once.

Sent at most once: botocore's own retries are off, and this module retries
only what proves SES accepted nothing (throttling, a refused connection).
Once the request may have reached SES (a connection closed or reset after it
was written, a read timeout, an empty or garbled answer, a 5xx), the outcome
is *unknown*: not retried, and the role is held until --force. Each send,
retries included, has an overall deadline (SES_SEND_DEADLINE).
"""

from __future__ import annotations

import contextvars
import threading
import time
from typing import Any

from reports.aws.session import Aws, endpoint
from reports.config import Settings
from reports.errors import DeliveryError
from reports.progress import DETAIL, logger
from reports.render.compose import Outgoing

log = logger(__name__)
MAX_TRIES = 4  # one send and up to three retries of what SES refused before accepting
CONNECT_TIMEOUT = 5
READ_TIMEOUT = 10
BACKOFF = 0.5  # seconds before the first retry, doubling
THROTTLE_CODES = ("Throttling", "ThrottlingException", "TooManyRequestsException")
HINTS = {
    "MessageRejected": "SES refused the message: check the sender is verified in this region "
                       "(`aws sesv2 get-email-identity --email-identity DOMAIN`) and, in the sandbox, "
                       "that every recipient is verified too",
    "MailFromDomainNotVerifiedException": "verify the MAIL FROM domain in SES",
    "AccountSuspendedException": "sending is paused for this account; see the SES console",
    "SendingPausedException": "sending is paused for this account or configuration set",
    "LimitExceededException": "an SES quota was reached; see `send-exec-reports doctor`",
    "TooManyRequestsException": "SES kept throttling after retries; run again later",
    "Throttling": "SES kept throttling after retries; run again later",
    "NotFoundException": "the configuration set or identity does not exist in this region",
    "BadRequestException": "SES rejected a parameter; check the addresses in repos.env",
    "AccessDeniedException": "the AWS credentials lack ses:SendEmail; see docs/operations.md",
}
UNKNOWN_HINT = ("SES may have sent it: check the inbox (and the BCC copy) before sending it again "
                "with --force")


def client(aws: Aws, *, read_timeout: float = READ_TIMEOUT, retries: int = 1) -> Any:
    """The run's SES v2 client; `retries` is botocore's total attempts (1: none)."""
    from botocore.config import Config

    config = Config(retries={"mode": "standard", "total_max_attempts": retries},
                    connect_timeout=CONNECT_TIMEOUT, read_timeout=read_timeout)
    return aws.client("sesv2", config)


def request(msg: Outgoing, settings: Settings) -> dict[str, Any]:
    """The SendEmail parameters for one message: exactly what was previewed."""
    destination: dict[str, list[str]] = {"ToAddresses": list(msg.to)}
    if msg.bcc:
        destination["BccAddresses"] = list(msg.bcc)
    kwargs: dict[str, Any] = {
        "FromEmailAddress": msg.sender,
        "Destination": destination,
        "Content": {"Simple": {
            "Subject": {"Data": msg.subject, "Charset": "UTF-8"},
            "Body": {"Text": {"Data": msg.body, "Charset": "UTF-8"},
                     **({"Html": {"Data": msg.html, "Charset": "UTF-8"}} if msg.html else {})},
        }},
        "EmailTags": [{"Name": "role", "Value": msg.role},
                      {"Name": "content", "Value": msg.sha256[:16]}],
    }
    if msg.reply_to:
        kwargs["ReplyToAddresses"] = list(msg.reply_to)
    if settings.configuration_set:
        kwargs["ConfigurationSetName"] = settings.configuration_set
    return kwargs


class SesSender:
    """Send Outgoing messages with one boto3 client, each at most once."""

    def __init__(self, settings: Settings, aws: Aws | None = None) -> None:
        self.settings = settings
        self.aws = aws or Aws(settings)
        self._client: Any = None
        self.tries = 0  # how many requests the last send made

    def prepare(self) -> None:
        """Build and check the client before anything is recorded (a bad endpoint is exit 2)."""
        if self._client is None:
            self.aws.require_credentials()  # none: exit 2 before any attempt is recorded
            self._client = client(self.aws, read_timeout=min(READ_TIMEOUT, self.settings.send_deadline))
            url, key = endpoint(self.settings)
            log.debug("SES endpoint: %s, region %s", f"{url} (from {key})" if url else "AWS",
                      self.settings.region)

    def send(self, msg: Outgoing) -> str:
        """Send one message; return the SES Message ID or raise DeliveryError, whose
        `outcome` says whether SES may have sent it ("unknown") or did not ("failed")."""
        self.prepare()
        deadline = self.settings.send_deadline
        box: dict[str, Any] = {}
        worker = threading.Thread(target=contextvars.copy_context().run,  # its messages reach our route
                                  args=(self._send_in, msg, time.monotonic() + deadline, box),
                                  daemon=True, name=f"ses-send-{msg.role}")
        started = time.monotonic()
        worker.start()
        worker.join(deadline)
        if worker.is_alive():  # a trickling or stalled answer: give up waiting, never resend
            raise DeliveryError(f"DeadlineExceeded: no complete answer within SES_SEND_DEADLINE "
                                f"({deadline:g} s); {UNKNOWN_HINT}", "DeadlineExceeded", outcome="unknown",
                                endpoint_down=True)
        log.debug("%s: SES answered in %.2f s after %d request(s)", msg.role, time.monotonic() - started,
                  self.tries)
        if "error" in box:
            raise box["error"]
        return str(box["message_id"])

    def _send_in(self, msg: Outgoing, deadline: float, box: dict[str, Any]) -> None:
        try:
            box["message_id"] = self._send(msg, deadline)
        except DeliveryError as exc:
            box["error"] = exc
        except Exception as exc:  # anything else after the request may have left: unknown
            box["error"] = DeliveryError(f"{type(exc).__name__}: {exc}; {UNKNOWN_HINT}", type(exc).__name__,
                                         outcome="unknown")

    def _send(self, msg: Outgoing, deadline: float) -> str:
        from botocore.exceptions import (
            ClientError,
            ConnectTimeoutError,
            EndpointConnectionError,
        )

        kwargs = request(msg, self.settings)
        self.tries = 0
        while True:
            self.tries += 1
            try:
                response = self._client.send_email(**kwargs)
            except ClientError as exc:
                error = exc.response.get("Error", {})
                code = str(error.get("Code", "Unknown"))
                status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)
                if code in THROTTLE_CODES and self._wait(msg, code, deadline):
                    continue
                if status >= 500 or not status:
                    shown = error.get("Message") or code
                    raise DeliveryError(f"HTTP {status or '?'} from SES ({shown}); {UNKNOWN_HINT}", code,
                                        outcome="unknown") from None
                hint = HINTS.get(code, "see the SES error code in the AWS documentation")
                raise DeliveryError(f"{code}: {error.get('Message', '')}; {hint}", code) from None
            except (EndpointConnectionError, ConnectTimeoutError) as exc:
                # The connection was never made: SES received nothing.
                if self._wait(msg, type(exc).__name__, deadline):
                    continue
                raise DeliveryError(f"{type(exc).__name__}: {exc}; nothing reached SES",
                                    type(exc).__name__, endpoint_down=True) from None
            except Exception as exc:
                # Closed or reset after the request was written, a read timeout, a garbled
                # answer: SES may have taken it. Never retried.
                raise DeliveryError(f"{type(exc).__name__}: {exc}; {UNKNOWN_HINT}", type(exc).__name__,
                                    outcome="unknown", endpoint_down=True) from None
            message_id = response.get("MessageId") if isinstance(response, dict) else None
            if not isinstance(message_id, str) or not message_id:
                raise DeliveryError(f"SES answered without a message id; {UNKNOWN_HINT}", "NoMessageId",
                                    outcome="unknown", endpoint_down=True)
            return message_id

    def _wait(self, msg: Outgoing, why: str, deadline: float) -> bool:
        """Back off before a retry; False when out of tries or time."""
        if self.tries >= MAX_TRIES:
            return False
        pause = BACKOFF * 2 ** (self.tries - 1)
        if time.monotonic() + pause >= deadline - 1:
            return False
        log.log(DETAIL, "  SES asked us to wait (%s): %s, try %d of %d in %.1f s", why, msg.role,
                self.tries + 1, MAX_TRIES, pause)
        time.sleep(pause)
        return True


def ses_checks(settings: Settings, aws: Aws | None = None) -> list[tuple[str, str]]:
    """Read-only SES checks for `doctor`: (ok | warn | FAIL, text)."""
    from email.utils import parseaddr

    from botocore.exceptions import BotoCoreError, ClientError

    results: list[tuple[str, str]] = []

    def not_there(exc: ClientError) -> bool:
        status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)
        code = str(exc.response.get("Error", {}).get("Code", ""))
        return status in (404, 405, 501) or code in ("NotImplemented", "InvalidAction", "UnknownOperation")

    bodies: list[bytes] = []  # the raw body of each error reply, for replies not in AWS's shape

    def keep(response_dict: dict[str, Any] | None = None, **_: Any) -> None:
        if response_dict and int(response_dict.get("status_code") or 0) >= 400:
            bodies.append(bytes(response_dict.get("body") or b""))

    def shown(exc: ClientError) -> str:
        error = exc.response.get("Error", {})
        code, message = error.get("Code"), error.get("Message")
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        if str(code).isdigit() and bodies:  # not AWS's shape: say what the endpoint said
            text = " ".join(bodies[-1].decode("utf-8", "replace").split())[:200]
            return f"HTTP {status} from the endpoint: {text or message or 'no body'}"
        return f"{code}: {message}" if message else f"HTTP {status} ({code or 'no error code'})"

    try:
        ses = client(aws or Aws(settings), retries=2)
        ses.meta.events.register("before-parse.sesv2", keep)
        try:
            account = ses.get_account()
        except ClientError as exc:
            account = None
            if not_there(exc):
                results.append(("warn", "this endpoint does not implement SES GetAccount: sending status "
                                "and quota not checked"))
            else:
                results.append(("FAIL", f"SES GetAccount failed ({shown(exc)}): cannot read sending "
                                "status or quota"))
        if account is not None:
            enabled = bool(account.get("SendingEnabled"))
            results.append(("ok" if enabled else "FAIL", f"SES sending enabled in {settings.region}: {enabled}"))
            results.append(("ok", "SES production access: "
                            f"{'yes' if account.get('ProductionAccessEnabled') else 'no (sandbox)'}"))
            quota = account.get("SendQuota", {})
            results.append(("ok", f"SES quota: {quota.get('SentLast24Hours', 0):.0f} sent in the last 24 "
                            f"hours of {quota.get('Max24HourSend', 0):.0f}, {quota.get('MaxSendRate', 0):.0f}/s"))
        results.extend(_identity_checks(ses, settings, parseaddr(settings.sender or "")[1], not_there, shown))
    except (BotoCoreError, ClientError) as exc:
        results.append(("FAIL", f"SES checks failed: {type(exc).__name__}: {exc}"))
    return results


def _identity_checks(ses: Any, settings: Settings, address: str, not_there: Any, shown: Any
                     ) -> list[tuple[str, str]]:
    from botocore.exceptions import ClientError

    domain = address.rpartition("@")[2]
    for identity in (address, domain):
        try:
            info = ses.get_email_identity(EmailIdentity=identity)
        except ClientError as exc:
            code = str(exc.response.get("Error", {}).get("Code", ""))
            if code == "NotFoundException":
                continue
            if not_there(exc):
                return [("warn", "this endpoint does not implement SES GetEmailIdentity: the sender's "
                         "verification was not checked")]
            return [("FAIL", f"SES GetEmailIdentity failed for {identity}: {shown(exc)}")]
        if info.get("VerifiedForSendingStatus") or info.get("VerificationStatus") == "SUCCESS":
            return [("ok", f"sender identity {identity} is verified")]
    return [("FAIL", f"sender {address} is not verified in {settings.region}: run "
             f"`aws sesv2 create-email-identity --email-identity {domain}`")]
