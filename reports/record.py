"""`NamedTuple` for the library's records: typing's, as mypy reads it; a cheaper builder at run time.

`typing.NamedTuple` checks each field's annotation when the class is made (under
`from __future__ import annotations` each is a string compiled into a `ForwardRef`), and
`collections.namedtuple` then compiles a `__new__` and a set of methods for every class. The
library defines 64 record classes on a preview's path: about 250 µs a class that way against
35 µs here (measured on a five-field record with methods), 10 ms of a dry-run's start-up
against 4 (docs/benchmarks.md has the target). The class made here is a tuple with the same
fields, defaults, docstring, methods, `_make`, `_replace`, `_asdict`, `__match_args__` and
pickling; the shared methods live once in `_Methods`, `__new__` is one compiled template per
number of fields, renamed; annotations are kept as written and never evaluated.
`tests/test_record.py` holds the two to the same behaviour."""

from __future__ import annotations

import types
from typing import TYPE_CHECKING, Any

__all__ = ["NamedTuple"]

if TYPE_CHECKING:
    from typing import NamedTuple as NamedTuple
else:
    try:
        from _collections import _tuplegetter
    except ImportError:  # not CPython: the field accessors namedtuple itself falls back to
        from operator import itemgetter

        def _tuplegetter(index: int, doc: str) -> Any:
            return property(itemgetter(index), doc=doc)

    # What a class body may not set, as typing refuses it; and what is not copied to the tuple.
    _PROHIBITED = frozenset({"__new__", "__init__", "__slots__", "__getnewargs__", "_fields",
                             "_field_defaults", "_make", "_replace", "_asdict", "_source"})
    _SKIPPED = frozenset({"__module__", "__qualname__", "__annotations__", "__doc__",
                          "__orig_bases__", "__classcell__"})
    _TEMPLATES: dict[int, Any] = {}

    class _Methods(tuple):
        """What `collections.namedtuple` writes for each class, written once for all records."""

        __slots__ = ()
        _fields = ()

        @classmethod
        def _make(cls, iterable: Any) -> Any:
            result = tuple.__new__(cls, iterable)
            if len(result) != len(cls._fields):
                raise TypeError(f"Expected {len(cls._fields)} arguments, got {len(result)}")
            return result

        def _replace(self, /, **changes: Any) -> Any:
            result = self._make(map(changes.pop, self._fields, self))
            if changes:
                raise ValueError(f"Got unexpected field names: {list(changes)!r}")
            return result

        def __replace__(self, /, **changes: Any) -> Any:  # copy.replace (Python 3.13)
            return self._replace(**changes)

        def __repr__(self) -> str:
            return (type(self).__name__ + "("
                    + ", ".join(f"{name}={value!r}" for name, value in zip(self._fields, self, strict=True)) + ")")

        def _asdict(self) -> dict[str, Any]:
            return dict(zip(self._fields, self, strict=True))

        def __getnewargs__(self) -> tuple[Any, ...]:
            return tuple(self)

    def _new(name: str, fields: tuple[str, ...], defaults: tuple[Any, ...]) -> Any:
        """`__new__(_cls, a, b=...)` with the fields' names, without namedtuple's `eval`: one
        compiled template per number of fields, renamed."""
        template = _TEMPLATES.get(len(fields))
        if template is None:
            args = "".join(f"f{i}, " for i in range(len(fields)))
            space = {"_tuple_new": tuple.__new__}
            exec(f"def __new__(_cls, {args}): return _tuple_new(_cls, ({args}))", space)
            template = _TEMPLATES[len(fields)] = space["__new__"]
        code = template.__code__.replace(co_varnames=("_cls", *fields))
        made = types.FunctionType(code, template.__globals__, "__new__", defaults or None)
        made.__qualname__ = f"{name}.__new__"
        return made

    class _RecordMeta(type):
        def __new__(mcls, name: str, bases: tuple[type, ...], space: dict[str, Any]) -> type:
            if bases != (_Record,):
                raise TypeError(f"{name}: a record can only inherit from NamedTuple")
            annotations = space.get("__annotations__", {})
            fields = tuple(annotations)
            if any(field.startswith("_") for field in fields):
                raise ValueError(f"{name}: field names cannot start with an underscore: {fields}")
            defaults = []
            for field in fields:
                if field in space:
                    defaults.append(space[field])
                elif defaults:
                    raise TypeError(f"{name}: field {field} without a default follows one "
                                    "with a default")
            body: dict[str, Any] = {
                "__doc__": space.get("__doc__") or f"{name}({', '.join(fields)})",
                "__slots__": (), "_fields": fields, "__match_args__": fields,
                "_field_defaults": dict(zip(fields[len(fields) - len(defaults):], defaults, strict=True)),
                "__new__": _new(name, fields, tuple(defaults)),
                "__module__": space["__module__"], "__qualname__": space.get("__qualname__", name),
                "__annotations__": dict(annotations),
            }
            if "__eq__" in space and "__hash__" not in space:
                body["__hash__"] = tuple.__hash__  # as typing's: its methods are set after the class
            for index, field in enumerate(fields):
                body[field] = _tuplegetter(index, f"Alias for field number {index}")
            for key, value in space.items():
                if key in _PROHIBITED:
                    raise AttributeError("Cannot overwrite NamedTuple attribute " + key)
                if key not in _SKIPPED and key not in annotations:
                    body[key] = value
            return type(name, (_Methods,), body)

    _Record = type.__new__(_RecordMeta, "NamedTuple", (), {})

    def NamedTuple(typename: str, fields: Any = None, /, **kwargs: Any) -> type:
        """The functional form, as typing's."""
        import typing

        return typing.NamedTuple(typename, fields, **kwargs)

    NamedTuple.__mro_entries__ = lambda bases: (_Record,)
