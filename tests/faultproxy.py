"""A loopback HTTP proxy in front of the real moto server that injects transport faults.

Each request the proxy receives takes the next fault from its schedule (then
`pass` once the schedule runs out) and counts it, so a test can say "reset the
first connection after forwarding, then behave" and assert how many copies
reached moto and what the audit log recorded. The faults:

- `pass`: forward, return moto's answer.
- `reset_after`: forward to moto, read its answer, then reset the client.
- `reset_before`: read the request, reset the client; moto never sees it.
- `trickle`: forward, then return the answer one byte every `trickle_s` seconds.
- `empty_200`: forward, then answer `200 OK` with the body `{}`.
- `truncated`: forward, then answer 200 with the JSON body cut in half.
- `error_5xx`: forward, then answer `500` with a body that is not AWS's shape.
- `throttle`: answer `400 Throttling` without forwarding (SES refused it).
- `slow_down`: answer `503 SlowDown` in S3's shape without forwarding (S3 refused it).

Besides the schedule, `on(method, fragment, *faults)` applies faults to the next
requests whose method is `method` and whose path holds `fragment` (an S3 key,
say), before the schedule is consulted.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
import time
from collections.abc import Iterator
from urllib.parse import urlsplit

FAULTS = ("pass", "reset_after", "reset_before", "trickle", "empty_200", "truncated", "error_5xx",
          "throttle", "slow_down")


def _read_message(sock: socket.socket, buffer: bytearray, *, request: bool = False) -> bytes | None:
    """Read one HTTP message (headers and a Content-Length body) from `sock`. A request that
    expects `100 Continue` (botocore's S3 puts) gets it, so its body follows at once."""
    while b"\r\n\r\n" not in buffer:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        buffer.extend(chunk)
    head_end = buffer.index(b"\r\n\r\n") + 4
    length = 0
    for line in bytes(buffer[:head_end]).split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
        if request and name.strip().lower() == b"expect" and len(buffer) < head_end + int(length or 1):
            sock.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
    while len(buffer) < head_end + length:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        buffer.extend(chunk)
    message = bytes(buffer[: head_end + length])
    del buffer[: head_end + length]
    return message


def _response(status: str, body: bytes, content_type: str = "application/json") -> bytes:
    return (f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n"
            f"x-amzn-RequestId: fault-proxy\r\n\r\n").encode() + body


def _reset(sock: socket.socket) -> None:
    """Close with a TCP reset rather than an orderly shutdown."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


class FaultProxy:
    """A proxy on a free 127.0.0.1 port; `url` is what boto3 is pointed at."""

    def __init__(self, upstream: str, trickle_s: float = 0.5) -> None:
        parts = urlsplit(upstream)
        self.upstream = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.trickle_s = trickle_s
        self.schedule: list[str] = []
        self.rules: list[tuple[bytes, bytes, list[str]]] = []  # method, path fragment, faults left
        self.seen: list[str] = []  # the fault applied to each request, in order
        self.forwarded = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._listener = socket.socket()
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(32)
        self._listener.settimeout(0.2)
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        self._threads: list[threading.Thread] = []
        self._accept = threading.Thread(target=self._serve, daemon=True)
        self._accept.start()

    def faults(self, *schedule: str) -> None:
        """Apply these faults to the next requests, in order; then pass."""
        assert all(f in FAULTS for f in schedule), schedule
        with self._lock:
            self.schedule = list(schedule)
            self.seen = []
            self.forwarded = 0

    def on(self, method: str, fragment: str, *faults: str) -> None:
        """Apply these faults, in order, to the next requests `method ...fragment...`."""
        assert all(f in FAULTS for f in faults), faults
        with self._lock:
            self.rules.append((method.encode(), fragment.encode(), list(faults)))

    def close(self) -> None:
        self._stop.set()
        self._accept.join(5)
        self._listener.close()
        for t in self._threads:
            t.join(5)

    def _next(self, request: bytes = b"") -> str:
        method, _, rest = request.partition(b" ")
        path = rest.partition(b" ")[0]
        with self._lock:
            for want, fragment, left in self.rules:
                if left and method == want and fragment in path:
                    fault = left.pop(0)
                    self.seen.append(fault)
                    return fault
            fault = self.schedule.pop(0) if self.schedule else "pass"
            self.seen.append(fault)
            return fault

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                continue
            thread = threading.Thread(target=self._handle, args=(client,), daemon=True)
            thread.start()
            self._threads.append(thread)

    def _forward(self, request: bytes) -> bytes:
        with socket.create_connection(self.upstream, timeout=10) as upstream:
            # One request per upstream connection: ask moto to close, so its answer ends.
            head, sep, body = request.partition(b"\r\n\r\n")
            lines = [ln for ln in head.split(b"\r\n")  # the body is here: nothing to continue
                     if not ln.lower().startswith((b"connection:", b"expect:"))]
            upstream.sendall(b"\r\n".join(lines) + b"\r\nConnection: close" + sep + body)
            answer = _read_message(upstream, bytearray())
        with self._lock:
            self.forwarded += 1
        return answer or b""

    def _handle(self, client: socket.socket) -> None:
        client.settimeout(30)
        buffer = bytearray()
        with contextlib.suppress(OSError):
            while not self._stop.is_set():
                request = _read_message(client, buffer, request=True)
                if request is None:
                    break
                if not self._answer(client, request, self._next(request)):
                    return
        with contextlib.suppress(OSError):
            client.close()

    def _answer(self, client: socket.socket, request: bytes, fault: str) -> bool:
        """Answer one request with a fault; False when the connection is gone."""
        if fault == "reset_before":
            _reset(client)
            return False
        if fault == "slow_down":
            client.sendall(_response("503 Slow Down", b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error>"
                                     b"<Code>SlowDown</Code><Message>Please reduce your request rate.</Message>"
                                     b"</Error>", "application/xml"))
            return True
        if fault == "throttle":
            client.sendall(_response("400 Bad Request", b'{"__type": "Throttling", '
                                     b'"message": "Maximum sending rate exceeded."}'))
            return True
        answer = self._forward(request)
        if fault == "reset_after":
            _reset(client)
            return False
        if fault == "empty_200":
            answer = _response("200 OK", b"{}")
        elif fault == "truncated":
            body = answer.partition(b"\r\n\r\n")[2]
            answer = _response("200 OK", body[: max(len(body) // 2, 1)])
        elif fault == "error_5xx":
            answer = _response("500 Internal Server Error", b"<html>upstream went away</html>", "text/html")
        if fault == "trickle":
            for i in range(len(answer)):
                if self._stop.is_set():
                    return False
                client.sendall(answer[i:i + 1])
                time.sleep(self.trickle_s)
            return True
        client.sendall(answer)
        return True


@contextlib.contextmanager
def fault_proxy(upstream: str, trickle_s: float = 0.5) -> Iterator[FaultProxy]:
    """A FaultProxy for the duration of a block."""
    proxy = FaultProxy(upstream, trickle_s)
    try:
        yield proxy
    finally:
        proxy.close()
