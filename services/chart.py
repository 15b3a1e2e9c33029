"""The /stats chart, drawn with Pillow: accuracy per day (line) and cards due per day (bars).

Pillow, not matplotlib: matplotlib's import alone took about 0.5 s of CPU and stayed in the
bot's memory (~28 MiB) after the first /stats; Pillow draws these two panels in a few MiB.
The picture is drawn at twice its size and scaled down, which smooths its lines.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont

# The chart's size in pixels; the tests check the PNG is this size.
WIDTH, HEIGHT = 800, 450
SCALE = 2
BLUE, ORANGE = (31, 119, 180), (255, 127, 14)
INK, GRID, FRAME = (40, 40, 40), (225, 225, 225), (90, 90, 90)
# Margins of each panel around its plot area, in output pixels.
LEFT, RIGHT, TOP, BOTTOM = 44, 14, 34, 28


@dataclass(frozen=True, slots=True)
class ChartData:
    # Per day of the last 30 (oldest first): accuracy in percent, None without answers.
    accuracy: tuple[float | None, ...]
    # Per day of the next 14 (today first): cards that fall due.
    due: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Panel:
    """A plot area in scaled pixels and the data range it shows."""

    box: tuple[int, int, int, int]
    x_range: tuple[float, float]
    y_range: tuple[float, float]

    def at(self, x: float, y: float) -> tuple[float, float]:
        left, top, right, bottom = self.box
        (x0, x1), (y0, y1) = self.x_range, self.y_range
        return (
            left + (x - x0) / (x1 - x0) * (right - left),
            bottom - (y - y0) / (y1 - y0) * (bottom - top),
        )


def nice_ticks(low: float, high: float, most: int = 6) -> list[float]:
    """Round tick values (1, 2 or 5 times a power of ten) within [low, high]."""
    span = max(high - low, 1e-9)
    raw = span / most
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first = math.ceil(low / step) * step
    return [first + i * step for i in range(int((high - first) / step + 1e-9) + 1)]


def _label(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _axes(
    draw: ImageDraw.ImageDraw,
    panel: Panel,
    title: str,
    font: ImageFont.FreeTypeFont | ImageFont.ImageFont,
    x_ticks: Sequence[float],
    grid_x: bool,
) -> None:
    left, top, right, bottom = panel.box
    for y in nice_ticks(*panel.y_range):
        _, py = panel.at(panel.x_range[0], y)
        draw.line([(left, py), (right, py)], fill=GRID, width=SCALE)
        draw.text((left - 6 * SCALE, py), _label(y), fill=INK, font=font, anchor="rm")
    for x in x_ticks:
        px, _ = panel.at(x, panel.y_range[0])
        if grid_x:
            draw.line([(px, top), (px, bottom)], fill=GRID, width=SCALE)
        draw.text((px, bottom + 6 * SCALE), _label(x), fill=INK, font=font, anchor="mt")
    draw.rectangle(panel.box, outline=FRAME, width=SCALE)
    draw.text(((left + right) / 2, top - 10 * SCALE), title, fill=INK, font=font, anchor="mb")


def _panel_box(column: int) -> tuple[int, int, int, int]:
    half = WIDTH // 2
    return (
        (column * half + LEFT) * SCALE,
        TOP * SCALE,
        (column * half + half - RIGHT) * SCALE,
        (HEIGHT - BOTTOM) * SCALE,
    )


def chart_png(data: ChartData, titles: tuple[str, str]) -> bytes:
    image = Image.new("RGB", (WIDTH * SCALE, HEIGHT * SCALE), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(13 * SCALE)
    days = list(range(-len(data.accuracy) + 1, 1))
    accuracy = Panel(_panel_box(0), (days[0] - 0.5, 0.5), (0, 105))
    _axes(draw, accuracy, titles[0], font, nice_ticks(days[0], 0), grid_x=True)
    points = [accuracy.at(d, a) for d, a in zip(days, data.accuracy, strict=True) if a is not None]
    if len(points) > 1:
        draw.line(points, fill=BLUE, width=2 * SCALE, joint="curve")
    radius = 3 * SCALE
    for x, y in points:
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=BLUE)
    top = max([*data.due, 1]) * 1.05
    due = Panel(_panel_box(1), (-0.6, len(data.due) - 0.4), (0, top))
    _axes(draw, due, titles[1], font, nice_ticks(0, len(data.due) - 1), grid_x=False)
    for day, count in enumerate(data.due):
        if count:
            x0, y0 = due.at(day - 0.4, count)
            x1, y1 = due.at(day + 0.4, 0)
            draw.rectangle((x0, y0, x1, y1), fill=ORANGE)
    out = io.BytesIO()
    image.resize((WIDTH, HEIGHT), Image.Resampling.LANCZOS).save(out, format="PNG", optimize=True)
    return out.getvalue()
