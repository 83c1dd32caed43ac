"""Benchmark send-exec-reports against baselines measured in the same run.

Usage (after `pip install '.[test]'`):

    python bench/run.py                 # the full table, about two minutes
    python bench/run.py --quick         # smaller sizes, fewer repetitions
    python bench/run.py --markdown docs/benchmarks.md

Every figure is a median of repeated runs in fresh processes; peak memory is
the child process's maximum resident set size. Targets are ratios against
baselines measured in this same run, so they hold on any machine.
Exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
AS_OF = "2026-11-15"
PY = sys.executable
CLI = [PY, "-m", "send_exec_reports"]
SCRIPT = shutil.which("send-exec-reports", path=str(Path(PY).parent)) or ""


# --------------------------------------------------------------------------
# Children: each measurement runs in a fresh process and prints one JSON line


def child(kind: str, folder: str, endpoint: str = "", log_path: str = "") -> None:
    """Run one measurement inside this (fresh) process."""
    from datetime import date

    as_of = date.fromisoformat(AS_OF)
    if kind in ("parse", "render"):
        from reports import run as pipeline
        from reports.config import Settings

        settings, request = Settings(), pipeline.Request(handoffs=Path(folder), as_of=as_of)
        started = time.perf_counter()
        inputs = pipeline.read_inputs(settings, request)
        parsed = time.perf_counter()
        if kind == "render":
            pipeline.compose(settings, request, inputs)
        done = time.perf_counter()
        seconds = {"parse": parsed - started, "render": done - parsed}[kind]
        print(json.dumps({"seconds": seconds, "both": done - started}))
    elif kind in ("send", "bare"):
        import boto3

        from reports import ROLES
        from reports import run as pipeline
        from reports.config import Settings
        from reports.location import Location, parse_s3_url

        log: Location = (parse_s3_url(log_path) if log_path.startswith("s3://")
                         else Path(log_path) if log_path else Path(tempfile.mkdtemp()) / "audit.jsonl")
        settings = Settings(region="us-east-1", sender="reports@example.com",
                            recipients={r: ("owner@example.com",) for r in ROLES},
                            bcc=("audit@example.com",), audit_log=log)
        request = pipeline.Request(handoffs=Path(folder), as_of=as_of, force=True)
        # Both sides read and render the portfolio inside the timing (the run API
        # does it under the lock); imports are not timed.
        started = time.perf_counter()
        if kind == "send":
            pipeline.run(settings, request)
        else:
            messages = pipeline.compose(settings, request, pipeline.read_inputs(settings, request))
            client = boto3.client("sesv2", region_name="us-east-1", endpoint_url=endpoint)
            for m in messages:
                client.send_email(
                    FromEmailAddress=m.sender,
                    Destination={"ToAddresses": list(m.to), "BccAddresses": list(m.bcc)},
                    Content={"Simple": {"Subject": {"Data": m.subject, "Charset": "UTF-8"},
                                        "Body": {"Text": {"Data": m.body, "Charset": "UTF-8"}}}})
        print(json.dumps({"seconds": time.perf_counter() - started}))
    elif kind == "verify":
        from reports.ledger.local import LocalStore

        started = time.perf_counter()
        result = LocalStore(Path(folder)).verify()
        verified = time.perf_counter()
        with open(folder, "rb") as fh:
            for line in fh:
                json.loads(line)
        loaded = time.perf_counter()
        assert result.ok, result.problem
        print(json.dumps({"seconds": verified - started, "loads": loaded - verified}))
    elif kind == "dry-run":
        import contextlib
        import io

        from send_exec_reports import cli

        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            try:
                cli.main(["--dry-run", "-q", "--handoffs", folder, "--as-of", AS_OF], standalone_mode=False)
            except SystemExit:
                pass
        print(json.dumps({"seconds": 0.0}))
    print(json.dumps({"peak_kb": _peak_kb()}))


def _peak_kb() -> int:
    """This process's peak resident set since exec (VmHWM), in KB."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


# --------------------------------------------------------------------------
# The parent: build portfolios, run children, print the table


def run(cmd: list[str], env: dict[str, str] | None = None, cwd: Path = ROOT) -> tuple[float, str]:
    """Run a command; return (wall seconds, stdout)."""
    started = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, cwd=cwd)
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"benchmark step failed: {' '.join(cmd)}")
    return wall, proc.stdout.decode()


def measure(kind: str, folder: Path, repeat: int, endpoint: str = "", env: dict[str, str] | None = None,
            log: Path | str | None = None) -> tuple[dict[str, float], int]:
    """Median figures of `repeat` fresh child processes, and their peak memory in KB."""
    results, peaks = [], []
    for _ in range(repeat):
        _, out = run([PY, __file__, "--child", kind, str(folder), endpoint, str(log or "")], env)
        figures, memory = (json.loads(line) for line in out.strip().splitlines()[-2:])
        results.append(figures)
        peaks.append(memory["peak_kb"])
    keys = results[0].keys()
    return {k: statistics.median(r[k] for r in results) for k in keys}, max(peaks)


def build_log(path: Path, n: int) -> None:
    """A valid audit log of `n` records (attempts and sends, five roles), then its checkpoint."""
    from reports.ledger import records as audit
    from reports.ledger.local import LocalStore

    path.parent.mkdir(parents=True, exist_ok=True)
    prev = None
    with path.open("wb") as fh:
        for seq in range(1, n + 1):
            role = ("ceo", "cto", "accounting", "cmo", "cfo")[(seq - 1) // 2 % 5]
            event = "attempt" if seq % 2 else "sent"
            rec: dict[str, object] = {
                "v": audit.SCHEMA, "seq": seq, "ts": "2026-11-15T00:00:00.000000+00:00", "event": event,
                "run_id": f"{seq // 10:032x}", "kind": "real", "role": role, "as_of": "2026-11-15",
                "subject": f"[Exec Report] {role} report", "from": "reports@example.com",
                "to": ["owner@example.com"], "bcc": ["audit@example.com"], "sha256": f"{seq:064x}",
                "prev": prev}
            if event == "attempt":
                rec["inputs_sha256"] = "b" * 64
            else:
                rec.update(outcome="sent", message_id=f"m{seq}")
            rec["hash"] = audit.record_hash(rec)
            prev = str(rec["hash"])
            fh.write(audit.canonical(rec) + b"\n")
    with LocalStore(path):  # the first run after a log grew by other means chains its state
        pass


def interleaved(a: list[str], b: list[str], repeat: int, cwd: Path = ROOT) -> tuple[float, float]:
    """Median wall times of two commands run alternately (fair under drift)."""
    ta, tb = [], []
    for _ in range(repeat):
        ta.append(run(a, cwd=cwd)[0])
        tb.append(run(b)[0])
    return statistics.median(ta), statistics.median(tb)


def start_ses() -> tuple[subprocess.Popen[bytes], str]:
    """A local SES server with the sender's domain verified."""
    import boto3

    from tests.ses_server import start_moto_server

    proc, url = start_moto_server()
    boto3.client("sesv2", region_name="us-east-1", endpoint_url=url).create_email_identity(
        EmailIdentity="example.com")
    return proc, url


def machine() -> str:
    mem = ""
    try:
        with open("/proc/meminfo") as fh:
            mem = f", {int(fh.readline().split()[1]) // 1024 // 1024} GiB"
    except OSError:
        pass
    return (f"{platform.machine()}, {os.cpu_count()} cores{mem}, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    parser.add_argument("--quick", action="store_true", help="smaller sizes and fewer repetitions")
    parser.add_argument("--markdown", type=Path, help="also write the results to this file")
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return 0

    sizes = (10, 100, 1000) if args.quick else (10, 100, 1000, 10000)
    repeat = 1 if args.quick else 3
    work = Path(tempfile.mkdtemp(prefix="ser-bench-"))
    from tests.synth import build

    folders = {n: build(work / f"p{n}", n) for n in sorted(set(sizes) | {2000})}
    # Dummy credentials for the local SES server only; nothing here talks to AWS.
    os.environ.update(AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench",
                      AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull)
    os.environ.pop("AWS_PROFILE", None)
    ses, endpoint = start_ses()
    env = dict(os.environ, AWS_ENDPOINT_URL=endpoint)
    lines: list[str] = []

    def say(text: str = "") -> None:
        print(text, flush=True)
        lines.append(text)

    try:
        say(f"Machine: {machine()}")
        say()
        say(f"Date: {time.strftime('%Y-%m-%d')}; medians of {repeat} run(s) in fresh processes; "
            "peak MB = the measuring process's peak resident memory (VmHWM)")
        say()
        say("| entities | parse s | peak MB | render s | peak MB | dry-run s | peak MB | send s | peak MB "
            "| bare boto3 send s |")
        say("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        both: dict[int, float] = {}
        for n in sizes:
            p, p_peak = measure("parse", folders[n], repeat)
            r, r_peak = measure("render", folders[n], repeat)
            both[n] = r["both"]
            dry = statistics.median(run(CLI + ["--dry-run", "-q", "--handoffs", str(folders[n]), "--as-of",
                                                AS_OF])[0] for _ in range(repeat))
            _, d_peak = measure("dry-run", folders[n], 1)
            s, s_peak = measure("send", folders[n], repeat, endpoint, env)
            bare, _ = measure("bare", folders[n], repeat, endpoint, env)
            say(f"| {n:,} | {p['seconds']:.3f} | {p_peak / 1024:.0f} | {r['seconds']:.3f} | {r_peak / 1024:.0f} "
                f"| {dry:.3f} | {d_peak / 1024:.0f} | {s['seconds']:.3f} | {s_peak / 1024:.0f} "
                f"| {bare['seconds']:.3f} |")

        say()
        say("| target | measured | baseline | ratio | limit | met |")
        say("|---|---:|---:|---:|---:|---|")
        results = []

        def target(name: str, measured: float, baseline: float | None, limit: float, unit: str = "s") -> None:
            ratio = measured / baseline if baseline else measured
            ok = ratio <= limit
            results.append(ok)
            base = f"{baseline:.3f} {unit}" if baseline else "\u2014"
            say(f"| {name} | {measured:.3f} {unit} | {base} | {ratio:.3f} | {limit:g} | "
                f"{'yes' if ok else 'NO'} |")

        script = [SCRIPT] if SCRIPT else CLI
        dry, boto = interleaved(script + ["--dry-run", "-q"], [PY, "-c", "import boto3"], 21 if repeat > 1 else 7)
        target("dry-run of the sample \u00f7 `python -c \"import boto3\"`", dry, boto, 0.5)
        configured = work / "configured"  # the everyday case: a repos.env in the current folder
        configured.mkdir()
        shutil.copy(ROOT / "repos.env.example", configured / "repos.env")
        dry, boto = interleaved(script + ["--dry-run", "-q"], [PY, "-c", "import boto3"],
                                21 if repeat > 1 else 7, cwd=configured)
        target("dry-run with repos.env \u00f7 `python -c \"import boto3\"`", dry, boto, 0.5)
        r2000, _ = measure("render", folders[2000], repeat)
        target("parse + render five reports, 2,000 entities (seconds)", r2000["both"], None, 3.0)
        big = max(sizes)
        target(f"parse + render, {big:,} \u00f7 {big // 10:,} entities", both[big], both[big // 10], 11.0)
        sends, bares = [], []
        for _ in range(7 if repeat > 1 else 3):  # alternate, so drift hits both alike
            sends.append(measure("send", ROOT / "reports" / "sample", 1, endpoint, env)[0]["seconds"])
            bares.append(measure("bare", ROOT / "reports" / "sample", 1, endpoint, env)[0]["seconds"])
        target("send five with the audit log \u00f7 a bare boto3 loop", statistics.median(sends),
               statistics.median(bares), 1.5)
        big_log = work / "big-log" / "audit.jsonl"
        build_log(big_log, 100_000)
        with_big, empty, big_peaks, empty_peaks = [], [], [], []
        for _ in range(7 if repeat > 1 else 3):
            figures, peak = measure("send", ROOT / "reports" / "sample", 1, endpoint, env, log=big_log)
            with_big.append(figures["seconds"])
            big_peaks.append(peak)
            figures, peak = measure("send", ROOT / "reports" / "sample", 1, endpoint, env)
            empty.append(figures["seconds"])
            empty_peaks.append(peak)
        target("send five, 100,000-record audit log \u00f7 an empty log", statistics.median(with_big),
               statistics.median(empty), 1.3)
        target("peak memory of that send \u00f7 with an empty log (MB)", max(big_peaks) / 1024,
               max(empty_peaks) / 1024, 1.1, "MB")
        import boto3

        boto3.client("s3", region_name="us-east-1", endpoint_url=endpoint).create_bucket(Bucket="bench-audit")
        on_s3, local = [], []
        for i in range(7 if repeat > 1 else 3):  # a fresh prefix each time: the same work as a fresh local log
            on_s3.append(measure("send", ROOT / "reports" / "sample", 1, endpoint, env,
                                 log=f"s3://bench-audit/run{i}/")[0]["seconds"])
            local.append(measure("send", ROOT / "reports" / "sample", 1, endpoint, env)[0]["seconds"])
        target("send five, audit log on S3 \u00f7 a local audit log", statistics.median(on_s3),
               statistics.median(local), 3.0)
        checked, _ = measure("verify", big_log, 3)
        target("`audit --verify` of 100,000 records \u00f7 json.loads of each line", checked["seconds"],
               checked["loads"], 2.0)
        say()
        say("every target met" if all(results) else "SOME TARGETS MISSED")
    finally:
        ses.terminate()
        ses.wait(10)
        shutil.rmtree(work, ignore_errors=True)
    if args.markdown:
        args.markdown.write_text(_document(args.markdown, lines), encoding="utf-8")
    return 0 if all(results) else 1


def _document(path: Path, lines: list[str]) -> str:
    """Put the results between the results markers of an existing document."""
    text = path.read_text(encoding="utf-8")
    start, end = "<!-- results -->", "<!-- /results -->"
    before, _, rest = text.partition(start)
    _, _, after = rest.partition(end)
    return f"{before}{start}\n" + "\n".join(lines) + f"\n{end}{after}"


if __name__ == "__main__":
    sys.exit(main())
