"""The dashboard's chart geometry: plain numbers and labels in, SVG shapes out.

Pure (no I/O, no templates), so every chart is tested without a browser; one template macro
draws any `Chart`. Coordinates are in the chart's own viewBox: the SVG scales to its box.
Shapes with `mark` set are data marks (a bar, a cell, a point); the rest are axes and text.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

WIDTH = 480
HEIGHT = 240
# Room for the axis labels: left, right, top, bottom.
LEFT, RIGHT, TOP, BOTTOM = 40, 40, 16, 44
BAR = "#2f6ea5"
LATE = "#c0392b"
GOOD = "#2e8b57"
GRID = "#c8ccd2"


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float
    fill: str
    title: str
    mark: bool = True


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    stroke: str = GRID
    dashed: bool = False


@dataclass(frozen=True)
class Text:
    x: float
    y: float
    text: str
    anchor: str = "middle"
    fill: str = "#333"


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    title: str


@dataclass(frozen=True)
class Chart:
    width: int = WIDTH
    height: int = HEIGHT
    rects: list[Rect] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    texts: list[Text] = field(default_factory=list)
    # A polyline through the points (Pareto's cumulative share), each also a data mark.
    points: list[Point] = field(default_factory=list)

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)

    @property
    def marks(self) -> int:
        return sum(rect.mark for rect in self.rects) + len(self.points)


def _plot() -> tuple[float, float, float, float]:
    """The plot area: left, top, width, height."""
    return LEFT, TOP, WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM


def _axes(chart: Chart, *, top_value: float, suffix: str = "") -> None:
    left, top, width, height = _plot()
    chart.lines.append(Line(left, top + height, left + width, top + height, "#666"))
    for step in range(5):
        y = top + height - height * step / 4
        chart.lines.append(Line(left, y, left + width, y))
        chart.texts.append(Text(left - 4, y + 4, _number(top_value * step / 4) + suffix, "end"))


def _number(value: float) -> str:
    return f"{value:.0f}" if value == int(value) or value >= 10 else f"{value:.1f}"


def _nice_top(largest: float) -> float:
    """A round axis maximum at or above `largest` (at least 4, so four gridlines are whole)."""
    top = 4.0
    while top < largest:
        top *= 2 if str(int(top))[0] in "12" else 2.5
    return top


def bars(values: Sequence[int], labels: Sequence[str], *, every: int = 1, staggered: bool = False) -> Chart:
    """Vertical bars (a volume trend); every `every`-th label is written under its bar.

    `staggered` labels (long category names) alternate between two lines and are shortened to
    what two bars' width holds; the bar's title keeps the whole name."""
    chart = Chart()
    left, top, width, height = _plot()
    top_value = _nice_top(max(values, default=0))
    _axes(chart, top_value=top_value)
    slot = width / max(len(values), 1)
    for index, (value, label) in enumerate(zip(values, labels, strict=True)):
        bar_height = height * value / top_value
        x = left + slot * index + slot * 0.15
        chart.rects.append(
            Rect(x, top + height - bar_height, slot * 0.7, bar_height, BAR, f"{label}: {value}")
        )
        if staggered:
            shown = _fit(label, characters=max(2, int(2 * slot / LABEL_CHARACTER_WIDTH)))
            chart.texts.append(Text(x + slot * 0.35, top + height + 14 + 14 * (index % 2), shown))
        elif index % every == 0:
            chart.texts.append(Text(x + slot * 0.35, top + height + 14, label))
    return chart


# A CJK character at the charts' font size, in viewBox units (Latin letters take about half).
LABEL_CHARACTER_WIDTH = 12


def _fit(label: str, *, characters: int) -> str:
    return label if len(label) <= characters else label[: characters - 1] + "…"


def rate_against_target(value: float | None, target: float | None, *, labels: tuple[str, str]) -> Chart:
    """One horizontal bar for the rate (0–100 %), a dashed line at the target; green when met."""
    chart = Chart(height=120)
    left, width = LEFT + 40, WIDTH - LEFT - RIGHT - 40
    actual, goal = labels
    for step in range(5):
        x = left + width * step / 4
        chart.lines.append(Line(x, 20, x, 84))
        chart.texts.append(Text(x, 104, f"{step * 25}%"))
    if value is not None:
        met = target is None or value >= target
        chart.rects.append(Rect(left, 30, width * value, 40, GOOD if met else LATE, f"{actual}: {value:.1%}"))
        chart.texts.append(Text(left - 6, 55, f"{value:.1%}", "end"))
    if target is not None:
        x = left + width * target
        chart.lines.append(Line(x, 22, x, 78, "#111", dashed=True))
        chart.texts.append(Text(x, 16, f"{goal} {target:.0%}"))
    return chart


def split(parts: Sequence[tuple[str, int, str]]) -> Chart:
    """One bar split into shares (label, count, colour), each share labelled with its percentage."""
    chart = Chart(height=120)
    left, width = LEFT, WIDTH - LEFT - RIGHT
    total = sum(count for _, count, _ in parts)
    x = float(left)
    for label, count, colour in parts:
        if total == 0 or count == 0:
            continue
        share = count / total
        chart.rects.append(Rect(x, 30, width * share, 40, colour, f"{label}: {count} ({share:.0%})"))
        chart.texts.append(Text(x + width * share / 2, 94, f"{label} {share:.0%}"))
        x += width * share
    chart.lines.append(Line(left, 76, left + width, 76, "#666"))
    return chart


def pareto(counts: Sequence[int], labels: Sequence[str]) -> Chart:
    """Bars by count, largest first as given, and the cumulative share as a line (right axis)."""
    chart = bars(counts, labels, staggered=True)
    left, top, width, height = _plot()
    total = sum(counts)
    slot = width / max(len(counts), 1)
    running = 0
    for index, (count, label) in enumerate(zip(counts, labels, strict=True)):
        running += count
        share = running / total if total else 0.0
        chart.points.append(
            Point(left + slot * (index + 0.5), top + height * (1 - share), f"{label}: {share:.0%}")
        )
    for step in range(5):
        chart.texts.append(
            Text(left + width + 4, top + height - height * step / 4 + 4, f"{step * 25}%", "start")
        )
    y80 = top + height * 0.2
    chart.lines.append(Line(left, y80, left + width, y80, LATE, dashed=True))
    return chart


def heat_colour(count: int, largest: int) -> str:
    """From pale blue (none) to dark blue (the most), linearly."""
    share = count / largest if largest else 0.0
    pale, dark = (238, 244, 251), (8, 48, 107)
    red, green, blue = (round(p + (d - p) * share) for p, d in zip(pale, dark, strict=True))
    return f"#{red:02x}{green:02x}{blue:02x}"


def heatmap(rows: Sequence[str], columns: Sequence[str], counts: Sequence[Sequence[int]]) -> Chart:
    """A cell per row × column coloured by its count, the count written in it."""
    row_height, left, top = 28, 110, 70
    cell = (WIDTH - left - 8) / max(len(columns), 1)
    chart = Chart(height=top + row_height * max(len(rows), 1) + 8)
    largest = max((count for row in counts for count in row), default=0)
    for column, name in enumerate(columns):
        x = left + cell * (column + 0.5)
        chart.texts.append(Text(x, top - 8 - (column % 3) * 16, name))
    for row, name in enumerate(rows):
        y = top + row_height * row
        chart.texts.append(Text(left - 6, y + row_height / 2 + 4, name, "end"))
        for column, count in enumerate(counts[row]):
            x = left + cell * column
            chart.rects.append(
                Rect(
                    x + 1,
                    y + 1,
                    cell - 2,
                    row_height - 2,
                    heat_colour(count, largest),
                    f"{name} · {columns[column]}: {count}",
                )
            )
            dark = largest and count / largest > 0.5
            chart.texts.append(
                Text(x + cell / 2, y + row_height / 2 + 4, str(count), fill="#fff" if dark else "#333")
            )
    return chart
