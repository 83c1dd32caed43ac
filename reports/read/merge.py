"""Documents -> entities and the portfolio's own settings, merged as they are read.

Files that name the same entity are merged into one (with a warning when only
their titles or file names say so); the portfolio file's front matter gives
the cash, horizon and name, each checked here.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from reports.digest import sha256_hex
from reports.model import Coverage, Entity, Portfolio, Source, Src, Warning_
from reports.read import values as v
from reports.read.dates import days_in
from reports.read.document import Document, meta_text

KINDS = ("operating", "ancillary")


class Merge:
    """Documents merged in the order they are read, and the warnings that merging gives."""

    def __init__(self, warnings: list[Warning_]) -> None:
        self.warnings = warnings  # the folder's warnings, in order: merging adds to them
        self.coverage: list[Coverage] = []
        self.entities: dict[str, dict[str, Any]] = {}
        self.port: dict[str, Any] = {"guardrails": [], "targets": [], "capital_plan": [], "files": []}
        self.meta: dict[str, tuple[Any, str]] = {}

    def add(self, doc: Document) -> None:
        """Merge one document: its facts into its entity, or the portfolio file's settings."""
        self.warnings.extend(doc.warnings)
        self.coverage.append(_coverage(doc))
        if doc.is_portfolio:
            self.port["files"].append(doc.path)
            _merge_portfolio(doc, self.port, self.meta, self.warnings)
        else:
            _merge_entity(doc, self.entities, self.warnings)

    def portfolio(self, default_name: str, as_of: date | None, sources: list[Source],
                  newest_mtime: float | None = None) -> Portfolio:
        """The merged Portfolio, named by the portfolio file or else `default_name`."""
        meta, warnings, port = self.meta, self.warnings, self.port
        inputs = sha256_hex("".join(f"{s.path}\0{s.sha256}\n" for s in sources).encode())
        name, _ = meta.get("name", (default_name or "Portfolio", ""))
        currency = _currency({"currency": meta["currency"][0]}, meta["currency"][1], warnings) \
            if "currency" in meta else ""
        currency = currency or "USD"
        fx = _meta_fx(meta, currency, warnings)
        cash, cash_currency, cash_written = _meta_cash(meta, currency, fx, warnings)
        horizon = _meta_horizon(meta, as_of, warnings)
        cash_as_of = _meta_date(meta, "cash_as_of", warnings)
        for e in self.entities.values():
            if _MONEY.isdisjoint(e["facts"]):
                continue  # no money to convert (a folder of small files: most of its entities)
            if e["facts"].get("financials"):
                e["facts"]["financials"] = _in_currency(e, currency, fx, warnings)
            for key in _OTHER_MONEY:
                if e["facts"].get(key):
                    e["facts"][key] = _converted(e["facts"][key], e["currency"], key, (currency, fx), warnings)
        capital = _converted(port["capital_plan"], "", "capital_plan", (currency, fx), warnings)
        limits = {k: _limits(port[k], k, (currency, fx), warnings) for k in ("guardrails", "targets")}
        frozen = tuple(
            Entity(
                name=e["name"], code=e["code"], kind=e["kind"] or "operating", owner=e["owner"], sector=e["sector"],
                sources=tuple(e["sources"]), currency=currency,
                **{k: tuple(items) for k, items in e["facts"].items()},
            )
            for e in self.entities.values()
        )
        return Portfolio(
            name=str(name), as_of=as_of, cash_on_hand=cash, horizon=horizon, entities=frozen,
            cash_as_of=cash_as_of, guardrails=tuple(limits["guardrails"]), targets=tuple(limits["targets"]),
            capital_plan=tuple(capital), warnings=tuple(warnings),
            files=tuple(sources), portfolio_files=tuple(port["files"]), inputs_sha256=inputs,
            coverage=tuple(self.coverage), newest_mtime=newest_mtime, currency=currency,
            fx=tuple(sorted(fx.items())), cash_currency=cash_currency,
            cash_rate=fx.get(cash_currency or currency) if cash_currency != currency else None,
            cash_written=cash_written,
        )


def _coverage(doc: Document) -> Coverage:
    facts = doc.facts
    unrated = sum(1 for r in facts["risks"] if r.severity is None) if "risks" in facts else 0
    if "actions" in facts:
        unrated += sum(1 for a in facts["actions"] if a.priority is None and not a.done)
    return Coverage(doc.path, doc.blocks[0], doc.blocks[1], tuple(doc.skipped), unrated, doc.blocks[2])


def _merge_entity(doc: Document, entities: dict[str, dict[str, Any]], warnings: list[Warning_]) -> None:
    key = doc.name.casefold()
    ent = entities.get(key)
    if ent is None:
        ent = {"name": doc.name, "code": "", "kind": "", "owner": "", "sector": "", "currency": "", "sources": [],
               "named_by": doc.named_by, "facts": {}}
        entities[key] = ent
    elif "front matter" not in (doc.named_by, ent["named_by"]) or doc.named_by != ent["named_by"]:
        how = {"heading": "titled", "file": "named by their files"}
        said = how.get(doc.named_by if doc.named_by != "front matter" else ent["named_by"], "named")
        warnings.append(Warning_(Src(doc.path, 1), f"merged with {ent['sources'][0]} as one entity, "
                                 f"'{doc.name}', only because both are {said} so; give each file an "
                                 "`entity:` in front matter to keep them apart, or the same one to merge "
                                 "them on purpose"))
    ent["sources"].append(doc.path)
    if doc.meta:
        _merge_meta(doc, ent, warnings)
    facts = ent["facts"]
    own = _currency(doc.meta, doc.path, []) if doc.meta else ""
    for key in ("financials", *_OTHER_MONEY) if own else ():  # its unmarked amounts
        if doc.facts.get(key):
            doc.facts[key] = [f if f.currency else f._replace(currency=own) for f in doc.facts[key]]
    for k, items in doc.facts.items():
        if k in facts:
            facts[k].extend(items)
        else:
            facts[k] = list(items)


def _merge_meta(doc: Document, ent: dict[str, Any], warnings: list[Warning_]) -> None:
    """An entity's code, kind and owner from a file's front matter: the first given wins."""
    kind = meta_text(doc.meta, "kind").lower()
    if kind and kind not in KINDS:
        warnings.append(Warning_(Src(doc.path, 1), f"kind '{kind}' is not operating or ancillary; "
                                 "read as operating"))
        kind = "operating"
    for field_name, value in (("code", meta_text(doc.meta, "code")), ("kind", kind),
                              ("owner", meta_text(doc.meta, "owner")),
                              ("sector", meta_text(doc.meta, "sector").lower()),
                              ("currency", _currency(doc.meta, doc.path, warnings))):
        if value and ent[field_name] and ent[field_name] != value:
            warnings.append(Warning_(Src(doc.path, 1), f"{field_name} '{value}' differs from "
                                     f"'{ent[field_name]}' given earlier for {doc.name}; kept the first"))
        elif value:
            ent[field_name] = value


def _merge_portfolio(doc: Document, port: dict[str, Any], meta: dict[str, tuple[Any, str]],
                     warnings: list[Warning_]) -> None:
    for key in ("name", "cash_on_hand", "horizon", "cash_as_of", "currency", "fx"):
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


def _meta_cash(meta: dict[str, tuple[Any, str]], currency: str, fx: dict[str, Decimal],
               warnings: list[Warning_]) -> tuple[Decimal | None, str | None, Decimal | None]:
    """`cash_on_hand:` in the reporting currency, the currency it was written in and the amount
    as written: another currency is converted by `fx:`, else left out (warned)."""
    if "cash_on_hand" not in meta:
        return None, None, None
    raw, path = meta["cash_on_hand"]
    if isinstance(raw, float) and currency in v.DOT_THOUSANDS:  # YAML read `50.000` as 50.0 before we could
        warnings.append(Warning_(Src(path, 1), f"cash_on_hand {raw:g} was written as a plain number, which "
                                 f"front matter reads with a decimal point; in {currency} write it quoted "
                                 f"('{raw:,.3f}') or without a separator", "portfolio"))
    amount = v.read_amount(str(raw), currency)
    if amount is None:
        warnings.append(Warning_(Src(path, 1), f"cash_on_hand '{raw}' is not an amount", "portfolio"))
        return None, None, None
    if amount.currency in (None, currency):
        return amount.value, currency, amount.value
    if amount.currency in fx:
        return amount.value * fx[amount.currency], amount.currency, amount.value
    warnings.append(Warning_(Src(path, 1), _foreign("cash_on_hand", amount.value, amount.currency, currency),
                             "portfolio"))
    return None, amount.currency, amount.value


# Money facts other than monthly financials, each converted one by one: (its field, what a
# warning calls it, the fields that name it).
_OTHER_MONEY = {"expenses": ("amount", "expense", ("vendor",)), "accounts": ("balance", "account", ("account",)),
                "pipeline": ("value", "deal", ("name",)), "stack": ("monthly_cost", "stack", ("layer", "tech")),
                "channels": ("spend", "channel", ("channel",)), "capital_plan": ("cost", "capital item", ("text",)),
                "guardrails": ("limit", "guardrail", ("name",)), "targets": ("revenue", "target", ("month",))}

_MONEY = frozenset(("financials", *_OTHER_MONEY))


def _foreign(what: str, value: Decimal, code: str, currency: str) -> str:
    return (f"{what}: {value:,f} {code}, not in {currency}: never added to a total; give "
            f"`fx: {{{code}: <{currency} per {code}>}}` in portfolio.md's front matter to convert it")


def _converted(facts: list[Any], own: str, key: str, reporting: tuple[str, dict[str, Decimal]],
               warnings: list[Warning_]) -> list[Any]:
    """Money facts of one kind (an `_OTHER_MONEY` key) in the reporting currency: unmarked ones are
    in `own` (else the reporting currency); another currency is converted at its `fx:` rate (kept
    as `rate`), else the amount is left out of every total and warned with its currency."""
    currency, fx = reporting
    field, what, names = _OTHER_MONEY[key]
    out = []
    for f in facts:
        code, value = f.currency or own or currency, getattr(f, field)
        if code == currency or value is None:
            out.append(f._replace(currency=code))
        elif code in fx:
            out.append(f._replace(**{field: value * fx[code]}, currency=code, rate=fx[code]))
        else:
            out.append(f._replace(**{field: None}, currency=code))
            name = next((n for n in (getattr(f, a) for a in names) if n), "")
            warnings.append(Warning_(f.source, _foreign(f"{what} '{name}'", value, code, currency), key))
    return out


def _limits(facts: list[Any], key: str, reporting: tuple[str, dict[str, Decimal]],
            warnings: list[Warning_]) -> list[Any]:
    """Guardrails or revenue targets: one written in another currency is converted at its `fx:`
    rate, else left out (warned); the rest (unmarked, `%`, days) are as written."""
    field = _OTHER_MONEY[key][0]
    out = []
    for f in facts:
        if f.currency is None:
            out.append(f)
            continue
        [converted] = _converted([f], "", key, reporting, warnings)
        if getattr(converted, field) is not None:
            out.append(converted)
    return out


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
        year, mon = int(month[:4]), int(month[5:])
        day = date(year, mon, days_in(year, mon))
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


def _currency(meta: dict[str, Any], path: str, warnings: list[Warning_]) -> str:
    """`currency:` in front matter as an ISO code (`JPY`, or a mark such as `¥`); "" when absent
    or not a currency (warned)."""
    raw = meta_text(meta, "currency")
    if not raw:
        return ""
    code = v.currency_code(raw)
    if not code:
        warnings.append(Warning_(Src(path, 1), f"currency '{raw}' is not a currency this tool knows "
                                 f"({', '.join(sorted(v.CURRENCIES))}); ignored", "portfolio"))
    return code


def _meta_fx(meta: dict[str, tuple[Any, str]], currency: str, warnings: list[Warning_]) -> dict[str, Decimal]:
    """`fx: {JPY: 0.0067}`: units of the reporting currency per unit of each other currency."""
    if "fx" not in meta:
        return {}
    raw, path = meta["fx"]
    if not isinstance(raw, dict):
        warnings.append(Warning_(Src(path, 1), f"fx '{raw}' is not a mapping such as `fx: {{JPY: 0.0067}}` "
                                 f"({currency} per unit); ignored", "portfolio"))
        return {}
    rates: dict[str, Decimal] = {}
    for key, value in raw.items():
        code = str(key).strip().upper()
        try:
            rate = v.sane(Decimal(str(value)))
        except ArithmeticError:
            rate = None
        if code not in v.CURRENCIES or rate is None or rate <= 0:
            warnings.append(Warning_(Src(path, 1), f"fx {key}: {value} is not a currency code with a rate above "
                                     f"0 ({currency} per unit); ignored", "portfolio"))
        else:
            rates[code] = rate
    return rates


def _in_currency(ent: dict[str, Any], currency: str, fx: dict[str, Decimal],
                 warnings: list[Warning_]) -> list[Any]:
    """The entity's months with their currency resolved: unmarked amounts are in its own
    `currency:` (else the portfolio's); another currency takes its `fx:` rate, or is warned
    (once per file and currency) and never added to a total."""
    out, warned = [], set()
    for f in ent["facts"]["financials"]:
        code = f.currency or ent["currency"] or currency
        if code == currency:
            out.append(f._replace(currency=code))
        elif code in fx:
            out.append(f._replace(currency=code, rate=fx[code]))
        else:
            out.append(f._replace(currency=code))
            if (f.source.path, code) not in warned:
                warned.add((f.source.path, code))
                warnings.append(Warning_(f.source, f"{ent['name']}: financials in {code}, not {currency}: shown, "
                                         f"never added to a total; give `fx: {{{code}: <{currency} per {code}>}}` "
                                         "in portfolio.md's front matter to convert them", "financials"))
    return out
