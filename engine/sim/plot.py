"""``skipwise simulate --plot FILE.png``: every strategy's skip rate by window, as a picture.

The figure draws exactly the numbers of the ``skipwise simulate --json``
document: each strategy's ``skip_rate_by_window`` (50-event windows from event
1, mean over seeds) against the window's middle event. Shuffle and the oracle
are the references, drawn in grey and black; the warm-up (events 1-100, which
the rates and ``captured`` leave out) is shaded.

matplotlib is an optional extra (``bench``, ``test``), never a dependency of
the player: it is imported only here, only when a plot is asked for, and
through the Agg canvas, so no display is needed and no global backend is set.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engine.sim.runner import WARMUP_EVENTS, WINDOW

if TYPE_CHECKING:
    from matplotlib.figure import Figure

MATPLOTLIB_HINT = "pip install 'skipwise[bench]'"
WIDTH_PX = 1200
HEIGHT_PX = 700
DPI = 100
REFERENCES = ("shuffle", "oracle")
# Colours of the strategies the simulator knows; any other gets matplotlib's next colour.
COLOURS = {
    "shuffle": "#8c8c8c",
    "oracle": "#000000",
    "learner": "#1f77b4",
    "learner_int8": "#2ca02c",
    "river": "#d62728",
    "prior": "#9467bd",
}


class MatplotlibMissingError(Exception):
    """matplotlib is not installed; the message says how to install it."""


@dataclass(frozen=True)
class Series:
    """One strategy's line: ``x`` the middle event of each window, ``y`` its skip rate [shape=(windows,)]."""

    name: str
    x: tuple[float, ...]
    y: tuple[float, ...]
    captured: float | None
    reference: bool


def require_matplotlib() -> None:
    """Raise MatplotlibMissingError unless matplotlib can be imported (checked before a long simulation)."""
    try:
        importlib.import_module("matplotlib")
    except ImportError:
        message = f"--plot needs matplotlib, which is not installed ({MATPLOTLIB_HINT})"
        raise MatplotlibMissingError(message) from None


def window_middles(events: int, windows: int) -> tuple[float, ...]:
    """Middle event (1-based) of each ``WINDOW``-event window of a run of ``events`` [shape=(windows,)].

    >>> window_middles(120, 3)
    (25.5, 75.5, 110.5)
    """
    return tuple((lo + 1 + min(lo + WINDOW, events)) / 2 for lo in range(0, WINDOW * windows, WINDOW))


def skip_rate_series(doc: dict[str, Any]) -> list[Series]:
    """The lines the figure draws, read off a ``skipwise simulate --json`` document, in its strategy order."""
    events = int(doc["events"])
    series = []
    for name, summary in doc["strategies"].items():
        y = tuple(float(v) for v in summary["skip_rate_by_window"])
        x = window_middles(events, len(y))
        series.append(Series(name, x, y, summary.get("captured"), reference=name in REFERENCES))
    return series


def _label(s: Series) -> str:
    if s.reference or s.captured is None:
        return s.name
    return f"{s.name} (captured {s.captured:.0%})"


def draw_skip_rates(doc: dict[str, Any]) -> Figure:
    """A ``WIDTH_PX`` x ``HEIGHT_PX`` figure at ``DPI``: a line per strategy, the references dashed."""
    require_matplotlib()
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    events = int(doc["events"])
    warmup_end = min(WARMUP_EVENTS, events) + 0.5
    ax.axvspan(0.5, warmup_end, color="#f0f0f0", zorder=0, label="warm-up (not counted)")
    for s in skip_rate_series(doc):
        ax.plot(
            s.x,
            s.y,
            label=_label(s),
            color=COLOURS.get(s.name),
            linestyle="--" if s.reference else "-",
            linewidth=1.5 if s.reference else 2.2,
            marker="o",
            markersize=3,
        )
    ax.set_xlim(0.5, events + 0.5)
    ax.set_ylim(0.0, 1.0)
    ax.set_xlabel("event (middle of each 50-event window)")
    ax.set_ylabel(f"skip rate, mean over {doc['seeds']} seeds")
    ax.set_title(
        f"listener {doc['listener']}: {doc['tracks']} songs, {events} events x {doc['seeds']} seeds\n"
        f"captured: share of the oracle's gain over shuffle, events {WARMUP_EVENTS + 1}-{events}"
    )
    ax.grid(True, alpha=0.3)
    ax.legend(loc="upper right")
    fig.tight_layout()
    return fig


def write_plot(doc: dict[str, Any], path: Path) -> None:
    """Draw ``doc`` (a ``skipwise simulate --json`` document) into the PNG file ``path``."""
    fig = draw_skip_rates(doc)
    fig.savefig(path, format="png", dpi=DPI)
