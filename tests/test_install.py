"""A regular install ships every sub-package: build a wheel, install it into a fresh venv, and run
the console script from outside the repository (tests run from the source tree, which hides a
package the wheel leaves out)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _copy_source(dest: Path) -> Path:
    """The project's files as a clean checkout has them (no venv, caches or build output)."""
    ignore = shutil.ignore_patterns(".git", ".venv*", "__pycache__", "build", "dist", "*.egg-info",
                                    ".mypy_cache", ".ruff_cache", ".pytest_cache", ".aws-sam")
    shutil.copytree(ROOT, dest, ignore=ignore)
    return dest


def test_the_wheel_installs_every_sub_package_and_runs_from_outside(tmp_path: Path) -> None:
    source = _copy_source(tmp_path / "src")
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path / "dist"),
                            str(source)], capture_output=True, text=True, timeout=300)
    if built.returncode != 0 and ("Could not find a version" in built.stderr or "NewConnectionError" in built.stderr):
        pytest.skip(f"the build backend could not be fetched: {built.stderr.strip().splitlines()[-1]}")
    assert built.returncode == 0, built.stderr
    wheel = next((tmp_path / "dist").glob("send_exec_reports-*.whl"))

    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    installed = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps",
                                str(wheel)], capture_output=True, text=True, timeout=300)
    assert installed.returncode == 0, installed.stderr
    # The runtime dependencies come from this test's own environment, after the wheel's files;
    # that environment's copy of the project is shadowed by the wheel's.
    site = Path(subprocess.check_output([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                        text=True).strip())
    deps = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (site / "zz_test_dependencies.pth").write_text("\n".join(sorted(deps)) + "\n")

    outside = tmp_path / "elsewhere"
    outside.mkdir()
    result = subprocess.run([str(env_dir / "bin" / "send-exec-reports"), "--dry-run", "-q", "--as-of", "2026-11-15"],
                            cwd=outside, capture_output=True, text=True, timeout=120,
                            env={"PATH": "/usr/bin:/bin", "HOME": str(outside), "XDG_STATE_HOME": str(outside)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("==> ") == 5 and "==> cfo report, sha256 " in result.stdout
    where = subprocess.check_output([str(python), "-c", "import reports.read.folder as m; print(m.__file__)"],
                                    cwd=outside, text=True)
    assert where.startswith(str(site)), where  # the wheel's copy, not the source tree's
