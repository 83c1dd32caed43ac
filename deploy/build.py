"""Build the Lambda artifact: the runtime code and its dependencies for the function's platform.

    python deploy/build.py [--out DIR] [--arch arm64|x86_64] [--python-version 3.12]

The folder it writes (by default deploy/build/, which the template's CodeUri names)
holds send_exec_reports.py, reports/ with its sample, and the dependencies listed
in pyproject.toml, installed by pip for the target platform (manylinux2014 wheels,
`--only-binary=:all:`): no Docker and no local Python 3.12 are needed. Tests, docs
and benchmarks are left out. `sam deploy` zips the folder as it is.

Exit codes: 0 built; 2 bad usage, or pip could not provide a dependency for that
platform (the message names it, and says when the package index is unreachable).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "deploy" / "build"
DEFAULT_ARCH, DEFAULT_PYTHON = "arm64", "3.12"  # the template's Architectures and Runtime
MARKER = ".build-info.json"  # names a folder this script made, so it may replace it
# Lambda's python3.12 runs on Amazon Linux 2023, whose minimal image need not carry
# /usr/share/zoneinfo; zoneinfo falls back to the tzdata package for REPORT_TZ.
ARTIFACT_ONLY = ("tzdata",)
OFFLINE = re.compile(r"NewConnectionError|Failed to establish a new connection|Temporary failure in name "
                     r"resolution|Name or service not known|Network is unreachable|Max retries exceeded|"
                     r"ConnectTimeoutError|ProxyError")
MISSING = re.compile(r"(?:No matching distribution found for|Could not find a version that satisfies "
                     r"the requirement) ([^\s(]+)")


class BuildError(Exception):
    """The artifact cannot be built; the message says why and what to do."""


def requirements(root: Path = ROOT) -> list[str]:
    """Return the runtime dependencies pyproject.toml declares, plus the artifact-only ones."""
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return [*project["dependencies"], *ARTIFACT_ONLY]


def pip_install(target: Path, arch: str, python_version: str, packages: list[str]) -> None:
    """Install wheels for manylinux2014 on `arch` and CPython `python_version` into target."""
    platform = f"manylinux2014_{'aarch64' if arch == 'arm64' else 'x86_64'}"
    command = [sys.executable, "-m", "pip", "install", "--target", str(target), "--platform", platform,
               "--python-version", python_version, "--implementation", "cp", "--only-binary=:all:",
               "--no-compile", "--no-input", "--disable-pip-version-check", *packages]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode == 0:
        return
    output = done.stderr + done.stdout
    named = MISSING.search(output)
    what = named.group(1) if named else "a dependency"
    why = ("the package index is unreachable" if OFFLINE.search(output)
           else f"no wheel of it for {platform}, CPython {python_version}")
    lines = output.strip().splitlines()
    tail = "\n".join([line for line in lines if line.startswith("ERROR")] or lines[-5:])
    raise BuildError(f"pip could not provide {what}: {why}.\n{tail}")


def copy_project(target: Path, root: Path = ROOT) -> int:
    """Copy the runtime code (the CLI module, reports/ and its sample) into target; return the file count."""
    files = [root / "send_exec_reports.py", root / "reports" / "py.typed"]
    files += sorted(p for p in (root / "reports").rglob("*.py") if "__pycache__" not in p.parts)
    files += sorted((root / "reports" / "sample").rglob("*.md"))
    for path in files:
        destination = target / path.relative_to(root)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, destination)
    return len(files)


def replace(out: Path, built: Path) -> None:
    """Put the freshly built folder at `out`, removing an earlier build (never another folder)."""
    if out.exists():
        if not (out / MARKER).is_file() and any(out.iterdir()):
            raise BuildError(f"{out} exists and is not a build of this script: choose another --out")
        shutil.rmtree(out)
    built.rename(out)


def build(out: Path, arch: str, python_version: str) -> str:
    """Build the artifact into `out`; return a one-line summary."""
    staging = out.with_name(out.name + ".partial")
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    try:
        packages = requirements()
        pip_install(staging, arch, python_version, packages)
        shutil.rmtree(staging / "bin", ignore_errors=True)  # console scripts with this machine's shebang
        count = copy_project(staging)
        info = {"arch": arch, "python_version": python_version, "requirements": packages}
        (staging / MARKER).write_text(json.dumps(info, indent=1) + "\n", encoding="utf-8")
        replace(out, staging)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    return (f"built {out} for {arch}, Python {python_version}: {count} project files and "
            f"{len(packages)} requirements, {size / 1e6:.0f} MB unzipped")


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help="the folder to write (default deploy/build/, the template's CodeUri)")
    parser.add_argument("--arch", choices=("arm64", "x86_64"), default=DEFAULT_ARCH,
                        help="the function's architecture (default arm64, as in the template)")
    parser.add_argument("--python-version", default=DEFAULT_PYTHON,
                        help="the function's Python, MAJOR.MINOR (default 3.12, as in the template)")
    args = parser.parse_args(argv)
    if not re.fullmatch(r"3\.\d{1,2}", args.python_version):
        parser.error(f"--python-version {args.python_version!r} is not MAJOR.MINOR, e.g. 3.12")
    try:
        print(build(args.out.resolve(), args.arch, args.python_version))
    except BuildError as exc:
        print(f"build.py: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
