"""Typed artifacts records: JSON out (arrays become lists), the same typed record back in."""

from dataclasses import dataclass

import numpy as np
import pytest

from seqcore.records import Record


@dataclass(frozen=True)
class Point(Record):
    x: float
    label: str


@dataclass(frozen=True)
class Chart(Record):
    points: list[Point]
    by_name: dict[str, Point]
    best: Point | None
    values: list[float]


def test_a_record_round_trips_through_json_with_nested_records_and_arrays():
    chart = Chart(
        points=[Point(1.5, "a")],
        by_name={"b": Point(2.0, "b")},
        best=None,
        values=np.array([0.25, 0.5], dtype=np.float32),
    )
    data = chart.to_json()
    assert data["values"] == [0.25, 0.5] and isinstance(data["values"][0], float)
    back = Chart.from_json(data)
    assert back.points == [Point(1.5, "a")] and back.by_name == {"b": Point(2.0, "b")} and back.best is None
    assert Chart.from_json({**data, "best": {"x": 3.0, "label": "c"}}).best == Point(3.0, "c")


def test_a_record_missing_a_field_is_refused_naming_it():
    with pytest.raises(ValueError, match="Point.label"):
        Point.from_json({"x": 1.0})
    with pytest.raises(ValueError, match="JSON object"):
        Point.from_json([1.0, "a"])
