"""The officers' dashboard plot: submissions and decisions per day as bars of an inline SVG."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

WIDTH, HEIGHT = 720, 220
LEFT, BOTTOM, TOP = 32, 28, 12


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    series: str
    value: int
    day: str


def day_bars(per_day: Sequence[Any]) -> dict[str, Any]:
    """Bars (two per day, side by side), the y-axis ticks and the labels of every seventh day."""
    top = max([1, *(max(day.submissions, day.decisions) for day in per_day)])
    slot = (WIDTH - LEFT) / max(1, len(per_day))
    bars, labels = [], []
    for index, day in enumerate(per_day):
        x = LEFT + index * slot
        bars.append(_bar(x, slot, day.submissions, top, "submissions", day.day))
        bars.append(_bar(x + slot / 2, slot, day.decisions, top, "decisions", day.day))
        if index % 7 == 0:
            labels.append({"x": round(x + slot / 2, 1), "text": day.day.strftime("%m-%d")})
    ticks = [{"y": round(_y(value, top), 1), "value": value} for value in sorted({0, top // 2, top})]
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "bars": bars,
        "labels": labels,
        "ticks": ticks,
        "axis_y": HEIGHT - BOTTOM,
    }


def _bar(x: float, slot: float, value: int, top: int, series: str, day: Any) -> Bar:
    y = _y(value, top)
    return Bar(
        round(x + slot * 0.05, 1),
        round(y, 1),
        round(slot * 0.4, 1),
        round(HEIGHT - BOTTOM - y, 1),
        series,
        value,
        day.isoformat(),
    )


def _y(value: int, top: int) -> float:
    return HEIGHT - BOTTOM - (HEIGHT - BOTTOM - TOP) * value / top
