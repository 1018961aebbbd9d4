"""The picture of a history: a PNG bar chart drawn with matplotlib (Agg), in a process of its own.

Drawing takes tens of milliseconds of CPU (and importing matplotlib half a second), longer than
the event loop may be held, and matplotlib does most of it holding Python's global lock, so even
a thread would stall the loop. `Painter` draws in one worker process instead, forked from a
server that has matplotlib imported already, and the loop only waits on a future.

The picture carries its own light background and dark text, so it reads the same in Discord's
light and dark themes; the bands differ by pattern as well as by colour.
"""

from __future__ import annotations

import asyncio
import io
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any

from bot.history import Band

WIDTH, HEIGHT = 1000, 600  # pixels: big enough to read on a phone, small enough to send quickly
_DPI = 125
_PAPER, _INK, _GRID = "#FBF8F3", "#1F2328", "#D8D3CA"
# Colour-blind-safe hues, each with its own pattern: solid, diagonal lines, dots.
_STYLES: dict[Band, dict[str, Any]] = {
    Band.REPAIRED: {"color": "#2A6F97", "edgecolor": "#1B4965", "hatch": ""},
    Band.OPEN: {"color": "#FFF1D6", "edgecolor": "#B86E00", "hatch": "//"},
    Band.ENDED: {"color": "#F1EFEB", "edgecolor": "#6E6A63", "hatch": "..", "linestyle": (0, (3, 2))},
}
_MATPLOTLIB = ("matplotlib.backends.backend_agg", "matplotlib.figure", "matplotlib.ticker")


@dataclass(frozen=True)
class Picture:
    """What to draw, with its words already written: a title, a line under it, the months' labels,
    and for each band its name and one count per month."""

    title: str
    subtitle: str
    months: tuple[str, ...]
    bands: tuple[tuple[Band, str, tuple[int, ...]], ...]


def draw(picture: Picture) -> bytes:
    """The picture as PNG bytes, `WIDTH` by `HEIGHT` pixels (slow: run it through a `Painter`)."""
    from matplotlib import rc_context

    with rc_context({"hatch.linewidth": 2.2}):
        return _draw(picture)


def _draw(picture: Picture) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    figure = Figure(figsize=(WIDTH / _DPI, HEIGHT / _DPI), dpi=_DPI, facecolor=_PAPER)
    FigureCanvasAgg(figure)
    figure.text(0.035, 0.955, picture.title, fontsize=24, fontweight="bold", color=_INK, va="top")
    figure.text(0.035, 0.855, picture.subtitle, fontsize=16, color=_INK, va="top")
    axes = figure.add_axes((0.075, 0.16, 0.905, 0.53), facecolor=_PAPER)
    positions = range(len(picture.months))
    base = [0] * len(picture.months)
    for band, label, counts in picture.bands:
        shown = [x for x in positions if counts[x]]  # an empty part would still draw its outline
        heights, bottoms = [counts[x] for x in shown], [base[x] for x in shown]
        axes.bar(shown, heights, bottom=bottoms, width=0.74, linewidth=2, label=label, **_STYLES[band])
        base = [b + c for b, c in zip(base, counts, strict=True)]
    for x, total in zip(positions, base, strict=True):
        if total:
            axes.annotate(
                str(total), (x, total), xytext=(0, 4), textcoords="offset points", ha="center", va="bottom",
                fontsize=16, color=_INK,
            )  # fmt: skip
    axes.set_xticks(list(positions), picture.months, fontsize=15, color=_INK, linespacing=1.1)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=4))
    axes.tick_params(axis="y", labelsize=15, colors=_INK, length=0)
    axes.tick_params(axis="x", length=0, pad=7)
    axes.set_ylim(0, max(max(base, default=0), 1) * 1.22)
    axes.set_xlim(-0.6, len(picture.months) - 0.4)
    axes.grid(axis="y", color=_GRID, linewidth=1.2)
    axes.set_axisbelow(True)
    for side in ("top", "right", "left"):
        axes.spines[side].set_visible(False)
    axes.spines["bottom"].set_color(_INK)
    figure.legend(
        loc="upper left", bbox_to_anchor=(0.025, 0.79), ncols=len(picture.bands), frameon=False, fontsize=16,
        handlelength=1.5, handleheight=1.1, columnspacing=1.4, labelcolor=_INK,
    )  # fmt: skip
    png = io.BytesIO()
    figure.savefig(png, format="png", dpi=_DPI, facecolor=_PAPER)
    return png.getvalue()


class Painter:
    """Draws pictures in a worker process, started on first use and kept for the next.

    Starting the worker waits for the fork server to import matplotlib, so that is done in a
    thread; afterwards, handing a picture over and getting the PNG back costs the loop nothing.
    """

    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = None
        self._starting = asyncio.Lock()

    async def paint(self, picture: Picture) -> bytes:
        async with self._starting:
            if self._pool is None:
                self._pool = await asyncio.to_thread(_started_pool)
        try:
            return await asyncio.get_running_loop().run_in_executor(self._pool, draw, picture)
        except BrokenProcessPool:
            await self.close()  # the worker died (killed, out of memory): the next picture starts a new one
            raise

    async def close(self) -> None:
        """Stop the worker and wait for it to end, in a thread (the event loop must not block): a
        worker left behind would keep the process from exiting."""
        pool, self._pool = self._pool, None
        if pool is not None:
            await asyncio.to_thread(pool.shutdown, wait=True, cancel_futures=True)


def _started_pool() -> ProcessPoolExecutor:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(list(_MATPLOTLIB))
    pool = ProcessPoolExecutor(max_workers=1, mp_context=context)
    pool.submit(int).result()  # the worker now exists, forked from a server that has matplotlib
    return pool
