"""The dashboard's charts as inline SVG (matplotlib, Agg-free SVG backend; pure).

Deterministic: a fixed hash salt for element ids and no date or creator in the metadata, so the same
figures draw the same bytes.  Text is drawn as glyph outlines, so Chinese labels read the same in
any browser; the CJK glyphs come from Noto Sans CJK SC when fontconfig has it (Latin stays in
DejaVu Sans), and without it matplotlib quietly falls back.  Labels arrive already translated.
"""

from __future__ import annotations

import io
import math
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from html import escape
from typing import Any

import matplotlib
from matplotlib import font_manager, rc_context
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from roca.oversight.coverage import CoverageCurves

matplotlib.use("Agg")  # charts are drawn without pyplot; never let anything pick a GUI backend

CJK_FONT = "Noto Sans CJK SC"
HASH_SALT = "roca-dashboard"
COLOURS = ("#1f5fa8", "#c2410c", "#15803d", "#7c3aed")
# rcParams are process-global: one chart at a time, so concurrent requests never mix settings.
_LOCK = threading.Lock()


@dataclass(frozen=True, slots=True)
class AutomationTexts:
    title: str
    x_label: str
    y_label: str
    empty: str


@dataclass(frozen=True, slots=True)
class CoverageTexts:
    title: str
    x_label: str
    y_label: str
    auto_act: str
    auto_clear: str
    current: str
    alpha: str
    empty: str


@cache
def font_families() -> tuple[str, ...]:
    installed = {font.name for font in font_manager.fontManager.ttflist}
    return ("DejaVu Sans", CJK_FONT) if CJK_FONT in installed else ("DejaVu Sans",)


def automation_chart(
    day_labels: Sequence[str], series: Mapping[str, Sequence[float | None]], texts: AutomationTexts
) -> str:
    """One line per segment: the share of its decided cases decided automatically, per day."""
    with _LOCK, rc_context(_rc()):
        figure = Figure(figsize=(9.0, 3.6), layout="constrained")
        axes = figure.add_subplot()
        if not series:
            _empty(axes, texts.empty)
        for colour, (label, rates) in zip(COLOURS * 2, series.items(), strict=False):
            values = [math.nan if rate is None else rate for rate in rates]
            axes.plot(range(len(values)), values, marker="o", markersize=3, color=colour, label=label)
        step = max(1, len(day_labels) // 6)
        axes.set_xticks(
            range(0, len(day_labels), step), [day_labels[i] for i in range(0, len(day_labels), step)]
        )
        axes.set_ylim(0, 1.02)
        axes.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        axes.set_xlabel(texts.x_label)
        axes.set_ylabel(texts.y_label)
        axes.grid(alpha=0.3)
        if series:
            axes.legend(loc="upper left", fontsize="small", frameon=False)
        return _svg(figure, texts.title)


def coverage_chart(panels: Sequence[tuple[str, CoverageCurves]], texts: CoverageTexts) -> str:
    """One panel per segment: estimated error against the share automated, for both sides of the
    boundary, with the thresholds in force marked and the guaranteed error alpha as a line."""
    with _LOCK, rc_context(_rc()):
        columns = 2 if len(panels) > 1 else 1
        rows = math.ceil(len(panels) / columns)
        figure = Figure(figsize=(9.0, 3.2 * rows), layout="constrained")
        for index, (title, curves) in enumerate(panels):
            axes = figure.add_subplot(rows, columns, index + 1)
            axes.set_title(title, fontsize="medium")
            _coverage_panel(axes, curves, texts)
        return _svg(figure, texts.title)


def _coverage_panel(axes: Axes, curves: CoverageCurves, texts: CoverageTexts) -> None:
    if not curves.auto_act:
        _empty(axes, texts.empty)
        return
    for points, colour, label in ((curves.auto_act, COLOURS[1], texts.auto_act),
                                  (curves.auto_clear, COLOURS[0], texts.auto_clear)):  # fmt: skip
        shown = [(p.coverage, p.error) for p in points if p.error is not None]
        axes.plot([x for x, _ in shown], [y for _, y in shown], color=colour, label=label)
    current = [(p.coverage, p.error) for p in (curves.current_act, curves.current_clear)
               if p is not None and p.error is not None]  # fmt: skip
    if current:
        axes.scatter([x for x, _ in current], [y for _, y in current], marker="*", s=120, color="black",
                     zorder=3, label=texts.current)  # fmt: skip
    top = 0.05
    if curves.alpha is not None:
        axes.axhline(curves.alpha, color="grey", linestyle="--", linewidth=1, label=texts.alpha)
        top = max(top, 3 * curves.alpha)
    axes.set_xlim(0, 1)
    axes.set_ylim(0, top)
    axes.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    axes.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=1))
    axes.set_xlabel(texts.x_label, fontsize="small")
    axes.set_ylabel(texts.y_label, fontsize="small")
    axes.grid(alpha=0.3)
    axes.legend(fontsize="x-small", frameon=False, loc="lower right")  # the curves rise to the right


def _empty(axes: Axes, message: str) -> None:
    axes.text(0.5, 0.5, message, ha="center", va="center", transform=axes.transAxes, color="#555")
    axes.set_xticks([])
    axes.set_yticks([])


def _rc() -> dict[Any, Any]:
    return {
        "svg.hashsalt": HASH_SALT,
        "svg.fonttype": "path",
        "font.family": list(font_families()),
        "axes.unicode_minus": False,
    }


def _svg(figure: Figure, title: str) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    text = buffer.getvalue()
    svg = text[text.index("<svg") :]  # inline: no XML declaration or doctype
    return svg.replace("<svg ", f'<svg role="img" aria-label="{escape(title)}" ', 1)
