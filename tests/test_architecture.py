"""The house as docs/architecture.md draws it: directions, no cycles, sizes, and a map that names
every module. Read from the code's own imports (ast), so the page cannot drift from the code."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CLI = ROOT / "send_exec_reports.py"
LIBRARY = sorted(p for p in (ROOT / "reports").rglob("*.py") if "sample" not in p.parts)
MAX_MODULE, MAX_FUNCTION, MAX_CLI = 450, 60, 250


def _module(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
    return ".".join(parts)


def _imports(path: Path) -> set[str]:
    """Every module a file imports, at any depth (lazy imports count: they are arrows too)."""
    found: set[str] = set()
    here = _module(path)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def _ours(names: set[str], known: set[str]) -> set[str]:
    return {n for n in names if n in known}


GRAPH = {_module(p): _imports(p) for p in [*LIBRARY, CLI]}
KNOWN = set(GRAPH)


def _stage(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 and parts[0] == "reports" else module


NEVER = {
    "read": ("figures", "render", "ledger", "run", "aws"),
    "figures": ("render", "ledger", "run", "aws"),
    "render": ("ledger", "run", "aws"),
    "ledger": ("run", "aws"),
}


@pytest.mark.parametrize("stage", sorted(NEVER))
def test_each_stage_imports_only_the_stages_before_it(stage: str) -> None:
    wrong = sorted(f"{m} -> {n}" for m, names in GRAPH.items() if _stage(m) == stage
                   for n in _ours(names, KNOWN) if _stage(n) in NEVER[stage])
    assert not wrong


def test_there_is_no_import_cycle() -> None:
    edges = {m: {n for n in _ours(names, KNOWN) if n != m} for m, names in GRAPH.items()}
    # A package's __init__ re-exporting its own modules is not a cycle of meaning; leave it out.
    edges = {m: {n for n in ns if not m.startswith(n + ".") or n.count(".") == 0} for m, ns in edges.items()}
    seen: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> list[str] | None:
        seen[node] = 1
        for nxt in sorted(edges.get(node, ())):
            if seen.get(nxt) == 1:
                return [*path, node, nxt]
            if nxt not in seen and (found := visit(nxt, [*path, node])):
                return found
        seen[node] = 2
        return None

    for start in sorted(edges):
        if start not in seen:
            assert visit(start, []) is None


def test_boto3_and_botocore_live_only_under_aws_and_click_only_in_the_cli() -> None:
    boto = sorted(m for m, names in GRAPH.items() if any(n.split(".")[0] in ("boto3", "botocore") for n in names)
                  and not m.startswith("reports.aws"))
    click = sorted(m for m, names in GRAPH.items() if any(n.split(".")[0] == "click" for n in names)
                   and m != "send_exec_reports")
    assert boto == [] and click == []


def test_records_are_made_by_the_librarys_cheaper_namedtuple() -> None:
    """typing's NamedTuple costs a preview's start-up 0.2 ms a class (reports/record.py)."""
    typed = sorted(m for m, names in GRAPH.items() if "typing.NamedTuple" in names and m != "reports.record")
    assert typed == []


def test_patterns_are_compiled_through_the_cache() -> None:
    """`re.compile` and `re.match("...")` compile on every run; `patterns.compiled` once per
    machine (reports/patterns.py: a tenth of a preview's start-up)."""
    direct = []
    for path in [*LIBRARY, CLI]:
        for node in ast.walk(ast.parse(path.read_text())):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "re"
                    and node.func.attr in ("compile", "match", "search", "sub", "fullmatch", "split", "findall",
                                           "finditer", "subn")
                    and path.name != "patterns.py"):
                direct.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert direct == []


def test_the_library_never_imports_tests_or_bench_and_bench_never_imports_tests() -> None:
    library = sorted(m for m, names in GRAPH.items() if any(n.split(".")[0] in ("tests", "bench") for n in names))
    bench = sorted(str(p) for p in (ROOT / "bench").rglob("*.py")
                   if any(n.split(".")[0] == "tests" for n in _imports(p)))
    assert library == [] and bench == []


def test_no_module_over_450_lines_no_function_over_60_and_a_thin_cli() -> None:
    too_long = []
    for path in [*LIBRARY, CLI, *(ROOT / "bench").rglob("*.py")]:
        text = path.read_text()
        if len(text.splitlines()) > MAX_MODULE:
            too_long.append(f"{path.relative_to(ROOT)}: {len(text.splitlines())} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                size = (node.end_lineno or node.lineno) - node.lineno + 1
                if size > MAX_FUNCTION:
                    too_long.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}: {size} lines")
    assert too_long == []
    assert len(CLI.read_text().splitlines()) <= MAX_CLI


def test_the_map_names_every_module_and_only_modules_that_exist() -> None:
    page = (ROOT / "docs" / "architecture.md").read_text()
    named = set(re.findall(r"`((?:reports/)?(?:read|figures|render|run|ledger|aws)/\w+\.py|reports/\w+\.py)`", page))
    named = {n if n.startswith("reports/") else f"reports/{n}" for n in named}
    real = {str(p.relative_to(ROOT)) for p in LIBRARY if p.name != "__init__.py"}
    real.add("reports/__init__.py")
    missing = sorted(real - named)
    assert missing == [], "modules the map does not name"
    assert sorted(named - real) == [], "the map names modules that do not exist"
