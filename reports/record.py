"""`NamedTuple` for the library's records: typing's, as mypy reads it; a cheaper builder at run time.

`typing.NamedTuple` checks each field's annotation when the class is made, and under
`from __future__ import annotations` every annotation is a string that it compiles into a
`ForwardRef`. The library defines 64 record classes on a preview's path; made by typing they
cost a dry-run about 12 ms of its start-up (262 µs a class against 69 µs here, measured on the
sample's records: five fields, unions, tuples), a fifth of the margin the start-up target
needs (docs/benchmarks.md). The class made here is the same `collections.namedtuple`
typing makes — fields, defaults, docstring, methods, `_replace`, `_asdict`, pickling — with
the annotations kept as they were written and never evaluated. `tests/test_record.py` holds
the two to the same behaviour."""

from __future__ import annotations

import collections
from typing import TYPE_CHECKING, Any

__all__ = ["NamedTuple"]

if TYPE_CHECKING:
    from typing import NamedTuple as NamedTuple
else:
    # What a class body may not set, as typing refuses it; and what is not copied to the tuple.
    _PROHIBITED = frozenset({"__new__", "__init__", "__slots__", "__getnewargs__", "_fields",
                             "_field_defaults", "_make", "_replace", "_asdict", "_source"})
    _SKIPPED = frozenset({"__module__", "__qualname__", "__annotations__", "__doc__",
                          "__orig_bases__", "__classcell__"})

    class _RecordMeta(type):
        def __new__(mcls, name: str, bases: tuple[type, ...], space: dict[str, Any]) -> type:
            annotations = space.get("__annotations__", {})
            fields = list(annotations)
            defaults = []
            for field in fields:
                if field in space:
                    defaults.append(space[field])
                elif defaults:
                    raise TypeError(f"{name}: field {field} without a default follows one "
                                    "with a default")
            made = collections.namedtuple(name, fields, defaults=defaults,
                                          module=space["__module__"])
            made.__annotations__ = dict(annotations)
            made.__new__.__annotations__ = dict(annotations)
            made.__qualname__ = space.get("__qualname__", name)
            if space.get("__doc__") is not None:
                made.__doc__ = space["__doc__"]
            for key, value in space.items():
                if key in _PROHIBITED:
                    raise AttributeError("Cannot overwrite NamedTuple attribute " + key)
                if key in _SKIPPED or key in annotations:
                    continue
                setattr(made, key, value)
                setter = getattr(type(value), "__set_name__", None)
                if setter is not None:
                    setter(value, made, key)
            return made

    _Record = type.__new__(_RecordMeta, "NamedTuple", (), {})

    def NamedTuple(typename: str, fields: Any = None, /, **kwargs: Any) -> type:
        """The functional form, as typing's."""
        import typing

        return typing.NamedTuple(typename, fields, **kwargs)

    NamedTuple.__mro_entries__ = lambda bases: (_Record,)
