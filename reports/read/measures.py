"""The guardrail measures' vocabulary: the names that mean each one, its label and its unit."""

from reports.model import Measure

UNITS = {Measure.RUNWAY: "months", Measure.INFRA_SHARE: "%"}  # the rest are in $
LABELS = {
    Measure.RUNWAY: "runway (most conservative)",
    Measure.NET_BURN_LATEST: "net burn, latest full month",
    Measure.NET_BURN_3M: "net burn, 3-month average",
    Measure.SINGLE_EXPENSE: "single expenses (review)",
    Measure.MARKETING_SPEND: "marketing spend, live channels",
    Measure.INFRA_SHARE: "infrastructure share of revenue",
    Measure.CASH_RESERVE: "cash on hand",
    Measure.REVENUE: "revenue, latest full month",
}
_MEASURE_WORDS: dict[Measure, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # (every one of these words, none of these)
    Measure.RUNWAY: (("runway",), ()),
    Measure.NET_BURN_LATEST: (("burn",), ("average", "avg", "trailing", "3-month", "3 month", "marketing",
                                           "multiple", "rate")),
    Measure.NET_BURN_3M: (("burn",), ("marketing", "multiple")),
    Measure.SINGLE_EXPENSE: (("expense",), ("ratio", "share", "total")),
    Measure.MARKETING_SPEND: (("marketing",), ("share", "ratio", "per lead")),
    Measure.INFRA_SHARE: (("infra",), ()),
    Measure.CASH_RESERVE: (("cash",), ("burn", "flow")),
    Measure.REVENUE: (("revenue",), ("share", "per ", "infra", "marketing", "expense", "growth")),
}


def resolve_measure(name: str, explicit: str | None = None) -> tuple[Measure | None, str | None]:
    """The measure a guardrail names: `(measure: net-burn-3m)` explicitly, else the one
    measure its name's words map to; (None, why) when none or several do."""
    if explicit is not None:
        try:
            return Measure(explicit.strip().lower()), None
        except ValueError:
            return None, (f"unknown measure '{explicit}'; use one of: {', '.join(m.value for m in Measure)}")
    low = f" {' '.join(name.lower().replace('-', ' ').split())} ".replace("infrastructure", "infra")
    found = [m for m, (need, never) in _MEASURE_WORDS.items()
             if all(w in low for w in need) and not any(w in low for w in never)]
    if Measure.NET_BURN_LATEST in found and Measure.NET_BURN_3M in found:
        monthly = any(w in low for w in (" monthly ", " month ", " latest ", " last month "))
        found.remove(Measure.NET_BURN_3M if monthly else Measure.NET_BURN_LATEST)
        if not monthly and not any(w in low for w in ("average", "avg", "trailing", "3 month")):
            return None, ("say which net burn: add (measure: net-burn-latest) or (measure: net-burn-3m)")
    if len(found) == 1:
        return found[0], None
    if not found:
        return None, ("no measure for this name; add (measure: NAME), one of: "
                      + ", ".join(m.value for m in Measure))
    return None, f"the name fits {' and '.join(m.value for m in found)}; add (measure: NAME) to choose"
