"""Typed, JSON-round-trippable records: what a run's artifacts look like to a page.

A scenario declares its artifacts as a frozen dataclass deriving from :class:`Record`. The store writes
``to_json()`` into the manifest and reads it back with ``from_json()``, so a cached run and a fresh run give the
page the same typed object. Arrays become nested lists of plain numbers on the way out; fields stay what their
annotations say (nested records, lists and dicts of records) on the way back in.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from typing import Any, TypeVar

import numpy as np

R = TypeVar("R", bound="Record")


def jsonable(value: Any) -> Any:
    """NumPy arrays and scalars, tuples and records → plain JSON values (dict keys become strings)."""
    if isinstance(value, Record):
        return value.to_json()
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return jsonable(value.tolist())
    if isinstance(value, np.generic):
        return value.item()
    return value


def _build(annotation: Any, value: Any) -> Any:
    """``value`` (from JSON) shaped as ``annotation`` says, for records and containers of records."""
    if value is None:
        return None
    origin = typing.get_origin(annotation)
    if isinstance(annotation, type) and issubclass(annotation, Record):
        return annotation.from_json(value)
    if origin in (list, tuple) and typing.get_args(annotation):
        inner = typing.get_args(annotation)[0]
        return type([])(_build(inner, v) for v in value) if origin is list else tuple(_build(inner, v) for v in value)
    if origin is dict and typing.get_args(annotation):
        inner = typing.get_args(annotation)[1]
        return {k: _build(inner, v) for k, v in value.items()}
    if origin in (typing.Union, types.UnionType):  # Optional[X] or X | None
        options = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _build(options[0], value) if len(options) == 1 else value
    return value


@dataclasses.dataclass(frozen=True)
class Record:
    """Base of every artifacts record (and of records nested inside one)."""

    def to_json(self) -> dict[str, Any]:
        return {f.name: jsonable(getattr(self, f.name)) for f in dataclasses.fields(self)}

    @classmethod
    def from_json(cls: type[R], data: dict[str, Any]) -> R:
        """Rebuild from ``to_json()``'s output; raises ValueError naming a missing field."""
        if not isinstance(data, dict):
            raise ValueError(f"{cls.__name__}: must be a JSON object; received {type(data).__name__}")
        hints = typing.get_type_hints(cls)
        values = {}
        for f in dataclasses.fields(cls):
            if f.name not in data:
                if f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING:
                    continue
                raise ValueError(f"{cls.__name__}.{f.name}: required; received a record without it")
            values[f.name] = _build(hints[f.name], data[f.name])
        return cls(**values)
