"""The library's `NamedTuple` (reports/record.py) behaves as typing's: a record made by either is
the same to every caller."""

from __future__ import annotations

import pickle
import typing
from datetime import date

import pytest

from reports import record


def _pair(base: typing.Any) -> typing.Any:
    class Line(base):  # type: ignore[misc]
        """A line of a handoff."""

        path: str
        number: int
        when: date | None = None
        tags: tuple[str, ...] = ()

        @property
        def where(self) -> str:
            return f"{self.path}:{self.number}"

        def later(self, days: int) -> int:
            return self.number + days

    return Line


OURS, THEIRS = _pair(record.NamedTuple), _pair(typing.NamedTuple)


def test_a_record_behaves_as_typings_namedtuple() -> None:
    kinds: tuple[typing.Any, ...] = (OURS, THEIRS)
    for kind in kinds:
        line: typing.Any = kind("a.md", 3)
        assert tuple(line) == ("a.md", 3, None, ())
        assert repr(line) == "Line(path='a.md', number=3, when=None, tags=())"
        assert line.where == "a.md:3" and line.later(2) == 5
        assert line._replace(number=4) == ("a.md", 4, None, ())
        assert line._asdict() == {"path": "a.md", "number": 3, "when": None, "tags": ()}
        assert kind._fields == ("path", "number", "when", "tags")
        assert kind._field_defaults == {"when": None, "tags": ()}
        assert kind._make(["b.md", 1, date(2026, 1, 2), ("x",)]).when == date(2026, 1, 2)
        assert kind.__doc__ == "A line of a handoff."
        assert kind.__qualname__.endswith("Line") and kind.__module__ == __name__
        assert isinstance(line, tuple) and hash(line) == hash(("a.md", 3, None, ()))
        with pytest.raises(AttributeError):
            setattr(line, "path", "b.md")  # noqa: B010
        with pytest.raises(TypeError):
            kind()
    assert OURS.__annotations__ == {
        "path": "str", "number": "int", "when": "date | None", "tags": "tuple[str, ...]"}
    assert typing.get_type_hints(OURS) == typing.get_type_hints(THEIRS) == {
        "path": str, "number": int, "when": date | None, "tags": tuple[str, ...]}


class Kept(record.NamedTuple):
    name: str
    share: float = 0.0


def test_a_record_made_at_module_level_pickles() -> None:
    kept = Kept("JADA", 0.29)
    assert pickle.loads(pickle.dumps(kept)) == kept
    assert type(pickle.loads(pickle.dumps(kept))) is Kept


def test_a_record_refuses_what_typing_refuses() -> None:
    with pytest.raises(TypeError, match="without a default"):
        class Wrong(record.NamedTuple):  # noqa: F841
            first: int = 0
            second: int  # type: ignore[misc]
    with pytest.raises(AttributeError, match="_replace"):
        class Clash(record.NamedTuple):  # noqa: F841
            first: int

            def _replace(self) -> None:  # type: ignore[misc]
                pass


def test_the_functional_form_is_typings() -> None:
    Pair = record.NamedTuple("Pair", [("left", int), ("right", int)])
    assert Pair(1, 2).right == 2 and Pair._fields == ("left", "right")


def test_a_record_refuses_other_bases_and_underscore_fields_as_typing_does() -> None:
    class Mixin:
        pass

    with pytest.raises(TypeError):
        class Mixed(record.NamedTuple, Mixin):  # type: ignore[misc]  # noqa: F841
            first: int
    with pytest.raises(ValueError, match="underscore"):
        class Hidden(record.NamedTuple):  # noqa: F841
            _first: int  # type: ignore[misc]


def test_a_record_with_its_own_equality_keeps_the_tuples_hash() -> None:
    kinds: tuple[typing.Any, ...] = (record.NamedTuple, typing.NamedTuple)
    for base in kinds:
        class Loose(base):  # type: ignore[misc, valid-type]
            name: str

            def __eq__(self, other: object) -> bool:
                return isinstance(other, tuple) and self[0].lower() == str(other[0]).lower()

        assert hash(Loose("A")) == hash(("A",)) and Loose("A") == Loose("a")


def test_copy_replace_changes_a_field() -> None:
    kept: typing.Any = Kept("JADA", 0.29)
    assert kept.__replace__(share=0.3) == Kept("JADA", 0.3)
