"""Benchmark send-exec-reports against baselines measured in the same run.

Usage (after `pip install '.[test]'`):

    python bench/run.py                 # the full table, a few minutes
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
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.children import AS_OF, child  # noqa: E402 - needs ROOT on the path when run as a script

PY = sys.executable
CLI = [PY, "-m", "send_exec_reports"]
SCRIPT = shutil.which("send-exec-reports", path=str(Path(PY).parent)) or ""
SAMPLE = ROOT / "reports" / "sample"
TINY_FILES = 20_000


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


def copy_log_to_s3(path: Path, n: int, url: str, endpoint: str) -> None:
    """A valid audit log of `n` records on S3 (moto), with its checkpoint: built as a file,
    copied record by record, then opened once so that the checkpoint points at its state."""
    import boto3

    from reports.ledger.stores import open_store
    from reports.location import parse_s3_url

    build_log(path, n)
    s3 = boto3.client("s3", region_name="us-east-1", endpoint_url=endpoint)
    local, remote = open_store(path, lambda: s3), open_store(parse_s3_url(url), lambda: s3)
    remote.copy_in(local.raw_records())
    with remote:
        pass


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


def alternate(times: int, a: Callable[[], float], b: Callable[[], float]) -> tuple[float, float]:
    """Median of `a` and of `b`, run alternately so that drift hits both alike."""
    ta, tb = [], []
    for _ in range(times):
        ta.append(a())
        tb.append(b())
    return statistics.median(ta), statistics.median(tb)


def start_ses() -> tuple[subprocess.Popen[bytes], str]:
    """A local SES server with the sender's domain verified."""
    import boto3

    from bench.servers import start_moto_server

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


class Bench:
    """One benchmark run: its settings, its folders, and the lines of its tables."""

    def __init__(self, quick: bool, work: Path, endpoint: str) -> None:
        self.quick, self.work, self.endpoint = quick, work, endpoint
        self.sizes = (10, 100, 1000) if quick else (10, 100, 1000, 10000)
        self.repeat = 1 if quick else 3
        self.alternations = 3 if quick else 7
        self.env = dict(os.environ, AWS_ENDPOINT_URL=endpoint)
        self.lines: list[str] = []
        self.results: list[bool] = []
        self.folders: dict[int, Path] = {}
        self.both: dict[int, float] = {}

    def say(self, text: str = "") -> None:
        print(text, flush=True)
        self.lines.append(text)

    def target(self, name: str, measured: float, baseline: float | None, limit: float, unit: str = "s") -> None:
        ratio = measured / baseline if baseline else measured
        ok = ratio <= limit
        self.results.append(ok)
        base = f"{baseline:.3f} {unit}" if baseline else "\u2014"
        self.say(f"| {name} | {measured:.3f} {unit} | {base} | {ratio:.3f} | {limit:g} | "
                 f"{'yes' if ok else 'NO'} |")

    def info(self, name: str, measured: float, baseline: float) -> None:
        """A row that is measured and shown, not a target."""
        self.say(f"| {name} | {measured:.3f} s | {baseline:.3f} s | {measured / baseline:.3f} | \u2014 | (not a target) |")

    def send(self, log: Path | str | None = None, kind: str = "send") -> tuple[float, int]:
        figures, peak = measure(kind, SAMPLE, 1, self.endpoint, self.env, log=log)
        return figures["seconds"], peak


def sizes_table(b: Bench) -> None:
    """Parse, render, preview and send at each portfolio size."""
    from bench.synth import build

    b.folders = {n: build(b.work / f"p{n}", n) for n in sorted(set(b.sizes) | {2000})}
    b.say(f"Date: {time.strftime('%Y-%m-%d')}; medians of {b.repeat} run(s) in fresh processes; "
          "peak MB = the measuring process's peak resident memory (VmHWM)")
    b.say()
    b.say("| entities | parse s | peak MB | render s | peak MB | dry-run s | peak MB | send s | peak MB "
          "| bare boto3 send s |")
    b.say("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n in b.sizes:
        folder = b.folders[n]
        p, p_peak = measure("parse", folder, b.repeat)
        r, r_peak = measure("render", folder, b.repeat)
        b.both[n] = r["both"]
        dry = statistics.median(run(CLI + ["--dry-run", "-q", "--handoffs", str(folder), "--as-of",
                                            AS_OF])[0] for _ in range(b.repeat))
        _, d_peak = measure("dry-run", folder, 1)
        s, s_peak = measure("send", folder, b.repeat, b.endpoint, b.env)
        bare, _ = measure("bare", folder, b.repeat, b.endpoint, b.env)
        b.say(f"| {n:,} | {p['seconds']:.3f} | {p_peak / 1024:.0f} | {r['seconds']:.3f} | {r_peak / 1024:.0f} "
              f"| {dry:.3f} | {d_peak / 1024:.0f} | {s['seconds']:.3f} | {s_peak / 1024:.0f} "
              f"| {bare['seconds']:.3f} |")


def hostile_table(b: Bench) -> tuple[float, float]:
    """Read each hostile file (with one ordinary handoff beside it): (slowest s, largest peak MB)."""
    from bench.synth import HOSTILE, build_hostile

    b.say("| hostile file (under 5 MB) | read s | peak MB | warnings |")
    b.say("|---|---:|---:|---:|")
    slowest = largest = 0.0
    for i, name in enumerate(HOSTILE):
        folder = build_hostile(b.work / f"hostile{i}", name)
        figures, peak = measure("read", folder, b.repeat)
        slowest, largest = max(slowest, figures["seconds"]), max(largest, peak / 1024)
        b.say(f"| {name} | {figures['seconds']:.3f} | {peak / 1024:.0f} | {figures['warnings']:.0f} |")
        shutil.rmtree(folder, ignore_errors=True)
    return slowest, largest


def reading_targets(b: Bench, slowest: float, largest: float) -> None:
    """Hostile files in bounded time and memory; many tiny files near the cost of reading them."""
    from bench.synth import build_tiny

    b.target("slowest hostile file above (seconds)", slowest, None, 2.0)
    b.target("largest peak memory of a hostile file (MB)", largest, None, 200.0, "MB")
    tiny = build_tiny(b.work / "tiny", TINY_FILES)
    measure("walk", tiny, 1)  # warm the page cache for both sides
    read, walk = alternate(b.alternations, lambda: measure("read", tiny, 1)[0]["seconds"],
                           lambda: measure("walk", tiny, 1)[0]["seconds"])
    b.target(f"read {TINY_FILES:,} tiny files \u00f7 a bare walk, read and hash of them", read, walk, 8.0)


def startup_targets(b: Bench) -> None:
    """A preview's start-up against importing boto3, without and with a repos.env."""
    script = [SCRIPT] if SCRIPT else CLI
    run(script + ["--dry-run", "-q"])  # as on any machine after its first run: the pattern cache is written
    dry, boto = interleaved(script + ["--dry-run", "-q"], [PY, "-c", "import boto3"], 7 if b.quick else 21)
    b.target("dry-run of the sample \u00f7 `python -c \"import boto3\"`", dry, boto, 0.5)
    configured = b.work / "configured"  # the everyday case: a repos.env in the current folder
    configured.mkdir()
    shutil.copy(ROOT / "repos.env.example", configured / "repos.env")
    dry, boto = interleaved(script + ["--dry-run", "-q"], [PY, "-c", "import boto3"], 7 if b.quick else 21,
                            cwd=configured)
    b.target("dry-run with repos.env \u00f7 `python -c \"import boto3\"`", dry, boto, 0.5)
    cold, boto_again = [], []  # each run with an empty pattern cache (reports/patterns.py)
    for n in range(5 if b.quick else 11):
        cold.append(run(script + ["--dry-run", "-q"], env={**os.environ, "XDG_CACHE_HOME": str(b.work / f"cold{n}")})[0])
        boto_again.append(run([PY, "-c", "import boto3"])[0])
    b.info("first dry-run, no pattern cache yet \u00f7 `python -c \"import boto3\"`", statistics.median(cold),
           statistics.median(boto_again))


def scale_targets(b: Bench) -> None:
    """Parse and render at 2,000 entities, and how they grow tenfold."""
    r2000, _ = measure("render", b.folders[2000], b.repeat)
    b.target("parse + render five reports, 2,000 entities (seconds)", r2000["both"], None, 3.0)
    big = max(b.sizes)
    b.target(f"parse + render, {big:,} \u00f7 {big // 10:,} entities", b.both[big], b.both[big // 10], 11.0)


def send_targets(b: Bench) -> None:
    """Sending with the audit log: against bare boto3, a big log, and a log on S3."""
    sends, bares = alternate(b.alternations, lambda: b.send()[0], lambda: b.send(kind="bare")[0])
    b.target("send five with the audit log \u00f7 a bare boto3 loop", sends, bares, 1.5)
    big_log = b.work / "big-log" / "audit.jsonl"
    build_log(big_log, 100_000)
    runs = [(b.send(big_log), b.send()) for _ in range(b.alternations)]
    b.target("send five, 100,000-record audit log \u00f7 an empty log",
             statistics.median(big[0] for big, _ in runs), statistics.median(empty[0] for _, empty in runs), 1.3)
    b.target("peak memory of that send \u00f7 with an empty log (MB)", max(big[1] for big, _ in runs) / 1024,
             max(empty[1] for _, empty in runs) / 1024, 1.1, "MB")
    import boto3

    boto3.client("s3", region_name="us-east-1", endpoint_url=b.endpoint).create_bucket(Bucket="bench-audit")
    counter = iter(range(1000))  # a fresh prefix each time: the same work as a fresh local log
    on_s3, local = alternate(b.alternations, lambda: b.send(f"s3://bench-audit/run{next(counter)}/")[0],
                             lambda: b.send()[0])
    b.target("send five, audit log on S3 \u00f7 a local audit log", on_s3, local, 3.0)
    big_s3 = "s3://bench-audit/big/"
    copy_log_to_s3(b.work / "s3-log" / "audit.jsonl", 10_000, big_s3, b.endpoint)
    s3_runs = [(b.send(big_s3)[0], b.send(f"s3://bench-audit/run{next(counter)}/")[0])
               for _ in range(b.alternations)]
    b.target("send five, 10,000-record audit log on S3 \u00f7 an empty one on S3",
             statistics.median(big for big, _ in s3_runs), statistics.median(empty for _, empty in s3_runs), 1.3)
    checked, _ = measure("verify", big_log, 3)
    b.target("`audit --verify` of 100,000 records \u00f7 json.loads of each line", checked["seconds"],
             checked["loads"], 2.0)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    parser.add_argument("--quick", action="store_true", help="smaller sizes and fewer repetitions")
    parser.add_argument("--markdown", type=Path, help="also write the results to this file")
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return 0
    work = Path(tempfile.mkdtemp(prefix="ser-bench-"))
    # Dummy credentials for the local SES server only; nothing here talks to AWS.
    os.environ.update(AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench",
                      AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull)
    os.environ.pop("AWS_PROFILE", None)
    ses, endpoint = start_ses()
    b = Bench(args.quick, work, endpoint)
    try:
        b.say(f"Machine: {machine()}")
        b.say()
        sizes_table(b)
        b.say()
        slowest, largest = hostile_table(b)
        b.say()
        b.say("| target | measured | baseline | ratio | limit | met |")
        b.say("|---|---:|---:|---:|---:|---|")
        startup_targets(b)
        scale_targets(b)
        send_targets(b)
        reading_targets(b, slowest, largest)
        b.say()
        b.say("every target met" if all(b.results) else "SOME TARGETS MISSED")
    finally:
        ses.terminate()
        ses.wait(10)
        shutil.rmtree(work, ignore_errors=True)
    if args.markdown:
        args.markdown.write_text(_document(args.markdown, b.lines), encoding="utf-8")
    return 0 if all(b.results) else 1


def _document(path: Path, lines: list[str]) -> str:
    """Put the results between the results markers of the document (a new one holds only them)."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    start, end = "<!-- results -->", "<!-- /results -->"
    before, _, rest = text.partition(start)
    _, _, after = rest.partition(end)
    return f"{before}{start}\n" + "\n".join(lines) + f"\n{end}{after}"


if __name__ == "__main__":
    sys.exit(main())
