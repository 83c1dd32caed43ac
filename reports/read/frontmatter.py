"""YAML front matter -> a dict, and the markdown body with its line numbers kept.

Nothing here raises on bad input: a problem becomes `(line, message)` for the
caller to turn into a warning.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from reports.patterns import compiled
from reports.read.found import Problem

MAX_FRONT_MATTER_BYTES = 64 * 1024

def front_matter(text: str) -> tuple[dict[str, Any], str, list[Problem]]:
    """Split YAML front matter off `text`, blanking its lines so line numbers hold."""
    if not text.startswith("---\n") and text.rstrip("\n") != "---":
        return {}, text, []
    lines = text.split("\n")
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    if end is None:
        return {}, text, [(1, "front matter opened with '---' is never closed; read as markdown")]
    raw = "\n".join(lines[1:end])
    body = "\n" * end + "\n".join(lines[end:]).removeprefix(lines[end])
    if len(raw) > MAX_FRONT_MATTER_BYTES:
        return {}, body, [(1, "front matter is over 64 KB; ignored")]
    simple = simple_front_matter(raw)
    if simple is not None:
        return simple, body, []
    meta, problem = _yaml_front_matter(raw)
    return meta, body, [problem] if problem else []


def _yaml_front_matter(raw: str) -> tuple[dict[str, Any], Problem | None]:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        # Anchors and aliases are refused before anything is built: eight nested
        # aliases in a few hundred bytes expand to gigabytes (an "alias bomb").
        for event in yaml.parse(raw, Loader=loader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                line = event.start_mark.line + 2 if event.start_mark else 1
                return {}, (line, "front matter uses a YAML anchor or alias (& or *); not read: "
                                  "write each value out")
        meta = yaml.load(raw, Loader=loader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 2 if mark is not None else 1
        problem = getattr(exc, "problem", None) or "not valid YAML"
        return {}, (line, f"front matter: {problem}; the body is still read")
    except RecursionError:
        return {}, (1, "front matter is nested too deeply; ignored")
    except (ValueError, OverflowError) as exc:  # PyYAML's date constructor: 2026-02-30
        return {}, (1, f"front matter: {exc}; ignored")
    if meta is None:
        return {}, None
    if not isinstance(meta, dict):
        return {}, (2, "front matter is not a set of `key: value` lines; ignored")
    return {str(k).strip().lower(): val for k, val in meta.items()}, None


_SIMPLE_LINE = compiled(r"^([A-Za-z_][A-Za-z0-9_-]*):(?:[ ]+(.*?))?[ ]*$")
_YAML_INDICATORS = frozenset("?:,[]{}#&*!|>'\"%@`<=")
_YAML_WORDS = frozenset("yes Yes YES no No NO true True TRUE false False FALSE on On ON off Off OFF "
                        "null Null NULL ~ y Y n N".split())
_INT = compiled(r"^(?:0|[1-9][0-9]*)$")
_DATE = compiled(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_MONTH = compiled(r"^[0-9]{4}-[0-9]{2}$")


def simple_front_matter(raw: str) -> dict[str, Any] | None:
    """Read front matter made only of `key: plain value` lines without a YAML parser,
    giving exactly what PyYAML's safe loader would (str, int or date); None for anything
    else, which then goes to PyYAML. Most handoffs look like this, and importing PyYAML
    (its resolvers compile dozens of patterns) is a tenth of a preview's start-up."""
    meta: dict[str, Any] = {}
    for line in raw.split("\n"):
        if not line.strip() or line.startswith("#"):
            continue
        m = _SIMPLE_LINE.match(line)
        if m is None:
            return None
        key, value = m[1].lower(), m[2] or ""
        if not value:
            meta[key] = None
            continue
        if (value[0] in _YAML_INDICATORS or value in _YAML_WORDS or ":" in value or "#" in value
                or "\t" in value or value.startswith("- ") or value == "-" or not value.isprintable()):
            return None
        if value[0] in "-+.0123456789" and " " not in value:
            if _INT.match(value):
                meta[key] = int(value)
                continue
            if _DATE.match(value):
                try:
                    meta[key] = date.fromisoformat(value)
                except ValueError:
                    return None
                continue
            if not _MONTH.match(value):
                return None  # numbers in YAML's other forms (0x1F, 1_000, 1.5, .inf)
        meta[key] = value
    return meta
