"""A folder of handoff files -> one Portfolio: walking, reading, merging by entity.

Nothing here raises on bad input: whatever cannot be read becomes a warning
that names `path:line`, and the rest of the folder is still read.
"""

from __future__ import annotations

import os
import stat
from datetime import date
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any, Protocol

from reports.digest import sha256_hex
from reports.location import S3Url
from reports.model import Coverage, Entity, Portfolio, Source, Src, Warning_
from reports.progress import TRACE, logger
from reports.read import values as v
from reports.read.sections import Document, meta_text, parse_document

log = logger(__name__)
MAX_FILE_BYTES = 5 * 1024 * 1024
KINDS = ("operating", "ancillary")


def display_name(rel: str) -> tuple[str, bool]:
    """A path as it can be shown and printed, and whether it was valid UTF-8 (a name that is
    not is shown with its bytes escaped, so no terminal or encoder chokes on it)."""
    try:
        rel.encode("utf-8")
        return rel, True
    except UnicodeEncodeError:
        return rel.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace"), False


def handoff_files(folder: Path) -> tuple[list[tuple[Path, str]], list[Warning_]]:
    """(path, shown name) of every regular `*.md` under `folder`, in sorted order, skipping
    hidden entries; what cannot be walked or is not a regular file inside the folder is a
    warning, never a hang (a FIFO) or a read outside the folder (a symbolic link)."""
    root = folder.resolve()
    found: list[tuple[Path, str]] = []
    warnings: list[Warning_] = []

    def shown(path: Path) -> str:
        return display_name(path.relative_to(folder).as_posix() if path != folder else ".")[0]

    def walk_error(exc: OSError) -> None:
        where = shown(Path(exc.filename)) if exc.filename else "."
        warnings.append(Warning_(Src(where, 0), f"cannot read this folder ({exc.strerror or exc}); "
                                 "its files were skipped"))

    for top, dirs, files in os.walk(folder, followlinks=False, onerror=walk_error):
        here = Path(top)
        keep = []
        for d in dirs:
            if d.startswith("."):
                continue
            if (here / d).is_symlink():
                warnings.append(Warning_(Src(shown(here / d), 0), "symbolic link to a folder not followed"))
                continue
            keep.append(d)
        dirs[:] = keep
        for f in files:
            if not f.lower().endswith(".md") or f.startswith("."):
                continue
            problem = _not_readable(here / f, root)
            name, utf8 = display_name((here / f).relative_to(folder).as_posix())
            if problem:
                warnings.append(Warning_(Src(name, 0), problem))
                continue
            if not utf8:
                warnings.append(Warning_(Src(name, 0), "the file name is not valid UTF-8; shown with its "
                                         "bytes escaped"))
            found.append((here / f, name))
    found.sort(key=lambda t: t[1])
    return found, warnings


def _not_readable(path: Path, root: Path) -> str | None:
    """Why a handoff entry is skipped: a link out of the folder, or not a regular file."""
    try:
        st = os.lstat(path)
        if stat.S_ISLNK(st.st_mode):
            target = path.resolve()
            if not target.is_relative_to(root):
                return "symbolic link to a file outside the handoff folder; not followed"
            st = os.stat(path)
    except (OSError, RuntimeError) as exc:
        return f"cannot read the file ({getattr(exc, 'strerror', None) or exc}); skipped"
    if not stat.S_ISREG(st.st_mode):
        return "not a regular file (a FIFO, device or socket); skipped"
    return None


def _decode(data: bytes, rel: str) -> tuple[str | None, str, Warning_ | None]:
    """Return (text, sha256 of the bytes, warning) for one handoff's bytes."""
    digest = sha256_hex(data)
    if len(data) > MAX_FILE_BYTES:
        return None, digest, Warning_(Src(rel, 0), "file is over the 5 MB limit; skipped")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, digest, Warning_(Src(rel, line), f"not UTF-8 (byte {exc.start}); file skipped")
    return text.replace("\r\n", "\n").replace("\r", "\n"), digest, None


class Remote(Protocol):
    """Handoffs kept elsewhere (S3): their keys with the names sources show, and their bytes."""

    def files(self) -> tuple[list[tuple[str, str]], list[Warning_]]: ...

    def read(self, key: str, limit: int) -> bytes: ...


def _read_object(remote: Remote, key: str, rel: str) -> tuple[str | None, str, Warning_ | None]:
    try:
        data = remote.read(key, MAX_FILE_BYTES)
    except Exception as exc:  # an object that cannot be read is a warning, like a file
        return None, "", Warning_(Src(rel, 0), f"cannot read the object {key} ({exc}); skipped")
    return _decode(data, rel)


def _read_file(path: Path, rel: str) -> tuple[str | None, str, Warning_ | None]:
    """Return (text, sha256 of the bytes, warning) for one handoff file."""
    try:
        # Non-blocking, and checked again once open: a FIFO swapped in meanwhile cannot hang us.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        with os.fdopen(fd, "rb") as fh:
            st = os.fstat(fh.fileno())
            if not stat.S_ISREG(st.st_mode):
                return None, "", Warning_(Src(rel, 0), "not a regular file; skipped")
            if st.st_size > MAX_FILE_BYTES:
                return None, "", Warning_(Src(rel, 0), f"file is {st.st_size:,} bytes, over the 5 MB limit; "
                                          "skipped")
            data = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        return None, "", Warning_(Src(rel, 0), f"cannot read the file ({exc.strerror or exc}); skipped")
    return _decode(data, rel)


_ENTITY_LISTS = ("financials", "expenses", "kpis", "pipeline", "risks", "actions", "stack",
                 "channels", "campaigns", "revenue_recognition", "accounts", "notes")


def read_portfolio(folder: Path | S3Url, as_of: date | None = None, remote: Remote | None = None) -> Portfolio:
    """Read every handoff under `folder` into one Portfolio with its warnings; an
    s3://bucket/prefix/ folder is read through `remote` (the same parser, sources named by
    object key)."""
    reader: Any
    files: list[tuple[Any, str]]  # (path or object key, the name sources show)
    warnings: list[Warning_]
    if isinstance(folder, S3Url):
        if remote is None:
            raise ValueError(f"{folder} is read through a Remote")
        files, warnings = remote.files()
        reader = partial(_read_object, remote)
    else:
        files, warnings = handoff_files(folder)
        reader = _read_file
    sources: list[Source] = []
    coverage: list[Coverage] = []
    entities: dict[str, dict[str, Any]] = {}
    port: dict[str, Any] = {"guardrails": [], "targets": [], "capital_plan": [], "files": []}
    port_meta: dict[str, tuple[Any, str]] = {}
    for path, rel in files:
        text, digest, problem = reader(path, rel)
        log.log(TRACE, "read %s (%s)", rel, "skipped" if text is None else f"{len(text):,} characters")
        if digest:
            sources.append(Source(rel, digest))
        if problem is not None:
            warnings.append(problem)
        if text is None:
            continue
        doc = parse_document(text, rel, as_of)
        warnings.extend(doc.warnings)
        coverage.append(_coverage(doc))
        if doc.is_portfolio:
            port["files"].append(doc.path)
            _merge_portfolio(doc, port, port_meta, warnings)
        else:
            _merge_entity(doc, entities, warnings)

    inputs = sha256_hex("".join(f"{s.path}\0{s.sha256}\n" for s in sources).encode())
    default_name = folder.prefix.rstrip("/").rpartition("/")[2] or folder.bucket if isinstance(folder, S3Url) \
        else folder.resolve().name
    name, _ = port_meta.get("name", (default_name or "Portfolio", ""))
    cash = _meta_money(port_meta, "cash_on_hand", warnings)
    horizon = _meta_horizon(port_meta, as_of, warnings)
    cash_as_of = _meta_date(port_meta, "cash_as_of", warnings)
    frozen = tuple(
        Entity(
            name=e["name"], code=e["code"], kind=e["kind"] or "operating", owner=e["owner"], sector=e["sector"],
            sources=tuple(e["sources"]), **{k: tuple(e[k]) for k in _ENTITY_LISTS},
        )
        for e in entities.values()
    )
    return Portfolio(
        name=str(name), as_of=as_of, cash_on_hand=cash, horizon=horizon, entities=frozen, cash_as_of=cash_as_of,
        guardrails=tuple(port["guardrails"]), targets=tuple(port["targets"]),
        capital_plan=tuple(port["capital_plan"]), warnings=tuple(warnings),
        files=tuple(sources), portfolio_files=tuple(port["files"]), inputs_sha256=inputs,
        coverage=tuple(coverage),
    )


def _coverage(doc: Document) -> Coverage:
    unrated = sum(1 for r in doc.facts.get("risks", []) if r.severity is None)
    unrated += sum(1 for a in doc.facts.get("actions", []) if a.priority is None and not a.done)
    return Coverage(doc.path, doc.blocks[0], doc.blocks[1], tuple(doc.skipped), unrated)


def _merge_entity(doc: Document, entities: dict[str, dict[str, Any]], warnings: list[Warning_]) -> None:
    key = doc.name.casefold()
    ent = entities.get(key)
    if ent is None:
        ent = {"name": doc.name, "code": "", "kind": "", "owner": "", "sector": "", "sources": [], "named_by": doc.named_by}
        ent.update({k: [] for k in _ENTITY_LISTS})
        entities[key] = ent
    elif "front matter" not in (doc.named_by, ent["named_by"]) or doc.named_by != ent["named_by"]:
        how = {"heading": "titled", "file": "named by their files"}
        said = how.get(doc.named_by if doc.named_by != "front matter" else ent["named_by"], "named")
        warnings.append(Warning_(Src(doc.path, 1), f"merged with {ent['sources'][0]} as one entity, "
                                 f"'{doc.name}', only because both are {said} so; give each file an "
                                 "`entity:` in front matter to keep them apart, or the same one to merge "
                                 "them on purpose"))
    ent["sources"].append(doc.path)
    kind = meta_text(doc.meta, "kind").lower()
    if kind and kind not in KINDS:
        warnings.append(Warning_(Src(doc.path, 1), f"kind '{kind}' is not operating or ancillary; "
                                 "read as operating"))
        kind = "operating"
    for field_name, value in (("code", meta_text(doc.meta, "code")), ("kind", kind),
                              ("owner", meta_text(doc.meta, "owner")),
                              ("sector", meta_text(doc.meta, "sector").lower())):
        if value and ent[field_name] and ent[field_name] != value:
            warnings.append(Warning_(Src(doc.path, 1), f"{field_name} '{value}' differs from "
                                     f"'{ent[field_name]}' given earlier for {doc.name}; kept the first"))
        elif value:
            ent[field_name] = value
    for k, items in doc.facts.items():
        ent[k].extend(items)


def _merge_portfolio(doc: Document, port: dict[str, Any], meta: dict[str, tuple[Any, str]],
                     warnings: list[Warning_]) -> None:
    for key in ("name", "cash_on_hand", "horizon", "cash_as_of"):
        if key in doc.meta and doc.meta[key] is not None:
            if key in meta and meta[key][0] != doc.meta[key]:
                warnings.append(Warning_(Src(doc.path, 1), f"portfolio {key} given again; kept the "
                                         f"value from {meta[key][1]}"))
            else:
                meta[key] = (doc.meta[key], doc.path)
    if "name" not in meta and doc.name:
        meta["name"] = (doc.name, doc.path)
    for k, items in doc.facts.items():
        if k in port:
            port[k].extend(items)


def _meta_money(meta: dict[str, tuple[Any, str]], key: str, warnings: list[Warning_]) -> Decimal | None:
    if key not in meta:
        return None
    raw, path = meta[key]
    value = v.parse_money(str(raw))
    if value is None:
        warnings.append(Warning_(Src(path, 1), f"{key} '{raw}' is not an amount", "portfolio"))
    return value


def _meta_date(meta: dict[str, tuple[Any, str]], key: str, warnings: list[Warning_]) -> date | None:
    """A date in front matter: YYYY-MM-DD, or YYYY-MM read as that month's last day."""
    if key not in meta:
        return None
    raw, path = meta[key]
    if isinstance(raw, date):
        return raw
    text = str(raw).strip()
    day = v.parse_date(text)
    month = v.parse_month(text) if day is None else None
    if month is not None:
        import calendar

        year, mon = int(month[:4]), int(month[5:])
        day = date(year, mon, calendar.monthrange(year, mon)[1])
    if day is None:
        warnings.append(Warning_(Src(path, 1), f"{key} '{raw}' is not a date (YYYY-MM-DD or YYYY-MM)",
                                 "portfolio"))
    return day


def _meta_horizon(meta: dict[str, tuple[Any, str]], as_of: date | None,
                  warnings: list[Warning_]) -> str | None:
    if "horizon" in meta:
        raw, path = meta["horizon"]
        month = v.parse_month(str(raw))
        if month is not None:
            return month
        warnings.append(Warning_(Src(path, 1), f"horizon '{raw}' is not YYYY-MM; using the default"))
    if as_of is None:
        return None
    return default_horizon(as_of)


def default_horizon(as_of: date) -> str:
    """Return the last month of the first full quarter after the one `as_of` is in."""
    quarter_end = ((as_of.month - 1) // 3 + 1) * 3
    return v.month_add(f"{as_of.year:04d}-{quarter_end:02d}", 3)
