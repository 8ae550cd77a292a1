"""The playground: pick a landscape, optimizers and hyperparameters, and watch the paths.

Three layers, so that everything except the wiring can be tested without a browser:

- ``PlaygroundSettings`` - every setting, checked when it is created (bad values raise a
  ``ValueError``/``TypeError`` that names the setting and its allowed range);
- ``compute(settings)`` - runs each chosen optimizer with ``rmsprop_lib.run.minimize`` and
  returns the traces; ``draw(traces, settings, axes)`` - draws the three panels (contour with
  every path, loss on a log scale, effective learning rate);
- ``playground()`` - ipywidgets controls wired to ``compute`` and ``draw``. It returns a
  ``Playground`` whose ``.widget`` is the box to display, ``.controls`` the controls by setting
  name, and ``.settings``, ``.traces`` and ``.figure`` the state after the last change. Every
  change either shows the same settings on the controls, in ``.settings`` and in the figure,
  or is refused with a message in the widget (and the last settings stay).

The figure is a plain matplotlib ``Figure`` rendered into an ``ipywidgets.Image``, so
the playground needs no front-end extension (no ipympl) and works with ipywidgets 7.7 and 8.
"""
import collections
import dataclasses
import functools
import io
import numbers
import time
import weakref
from dataclasses import dataclass
from typing import Optional

import numpy as np

from . import _validate
from .objectives import OBJECTIVES, get_objective, with_noise
from .optimizers import OPTIMIZERS
from .run import minimize

#: Every landscape the playground offers: each objective and its noisy version.
LANDSCAPES = tuple(OBJECTIVES) + tuple(f"noisy_{name}" for name in OBJECTIVES)

#: The optimizers the playground can show, in legend order.
OPTIMIZER_NAMES = tuple(OPTIMIZERS)

#: Range of the learning-rate slider (log scale) and the largest number of steps.
LR_RANGE = (1e-4, 1.0)
MAX_STEPS = 2000


def _scalar(check, name, value):
    """``check(name, value)`` from ``_validate``, also refusing whole numbers too large for a float."""
    try:
        return check(name, value)
    except OverflowError:
        raise ValueError(f"{name} must be a finite number, got a whole number too large for a float") from None


def _start(value, landscape):
    """The start point as a pair of floats inside the area the playground draws for ``landscape``.

    Each coordinate must be a real number (not a string, a bool or a complex number) and finite.
    """
    allowed = "a point (x, y): 2 numbers, or None"
    if isinstance(value, (str, bytes)) or not hasattr(value, "__len__"):
        raise TypeError(f"start must be {allowed}; got {value!r}")
    if len(value) != 2:
        raise ValueError(f"start must be {allowed}; got {value!r}")
    point = []
    for coordinate in value:
        if isinstance(coordinate, (bool, np.bool_)) or not isinstance(coordinate, numbers.Real):
            raise TypeError(f"start must be {allowed}; got {value!r} (a {type(coordinate).__name__})")
        try:
            coordinate = float(coordinate)
        except OverflowError:
            raise ValueError(f"start must be finite, got a whole number too large for a float") from None
        if not np.isfinite(coordinate):
            raise ValueError(f"start must contain only finite numbers, got {value!r}")
        point.append(coordinate)
    (x0, x1), (y0, y1) = get_objective(landscape).bounds
    if not (x0 <= point[0] <= x1 and y0 <= point[1] <= y1):
        raise ValueError(f"start must lie in the area the playground shows for {landscape}: x in [{x0:g}, {x1:g}] "
                         f"and y in [{y0:g}, {y1:g}]; got ({point[0]:g}, {point[1]:g})")
    return tuple(point)


@dataclass(frozen=True)
class PlaygroundSettings:
    """Everything the playground shows, checked on creation.

    - ``landscape``: one of ``LANDSCAPES`` (``"noisy_<name>"`` adds Gaussian noise of size 0.5
      to every gradient, drawn from ``seed``);
    - ``optimizers``: names from ``OPTIMIZER_NAMES`` (stored in legend order, without repeats);
    - ``lr``: the learning rate shared by every optimizer, > 0;
    - ``rho`` (RMSProp), ``beta1``/``beta2`` (Adam), ``momentum`` (Momentum): in [0, 1);
    - ``start``: the start point ``(x, y)`` inside the landscape's drawn area (its ``bounds``),
      or ``None`` for the landscape's suggested start;
    - ``steps``: number of updates, 1 to ``MAX_STEPS``;
    - ``seed``: the noise seed of a noisy landscape (ignored otherwise), a whole number >= 0.
    """

    landscape: str = "elongated_bowl"
    optimizers: tuple = ("GradientDescent", "Momentum", "RMSProp", "Adam")
    lr: float = 0.05
    rho: float = 0.9
    beta1: float = 0.9
    beta2: float = 0.999
    momentum: float = 0.9
    start: Optional[tuple] = None
    steps: int = 300
    seed: int = 0

    def __post_init__(self):
        def set_(name, value):
            object.__setattr__(self, name, value)

        if not isinstance(self.landscape, str):
            raise TypeError(f"landscape must be a string, one of {list(LANDSCAPES)}; got {self.landscape!r}")
        if self.landscape not in LANDSCAPES:
            raise ValueError(f"landscape must be one of {list(LANDSCAPES)}; got {self.landscape!r}")
        set_("optimizers", _optimizer_names(self.optimizers))
        set_("lr", _scalar(_validate.positive, "lr", self.lr))
        for name in ("rho", "beta1", "beta2", "momentum"):
            set_(name, _scalar(_validate.unit_interval, name, getattr(self, name)))
        if self.start is not None:
            set_("start", _start(self.start, self.landscape))
        set_("steps", _validate.count("steps", self.steps, minimum=1))
        if self.steps > MAX_STEPS:
            raise ValueError(f"steps must be between 1 and {MAX_STEPS}, got {self.steps}")
        set_("seed", _validate.count("seed", self.seed))

    def replace(self, **changes):
        """A copy with some settings changed (checked again)."""
        unknown = sorted(set(changes) - set(SETTING_NAMES))
        if unknown:
            raise TypeError(f"unknown setting(s) {unknown}: the settings are {list(SETTING_NAMES)}")
        return dataclasses.replace(self, **changes)

    def objective(self):
        """The landscape as an ``Objective`` (noisy ones seeded with ``seed``)."""
        objective = get_objective(self.landscape)
        if self.landscape.startswith("noisy_") and self.seed != objective.seed:
            objective = with_noise(objective.base, objective.sigma, seed=self.seed)
        return objective

    def start_point(self):
        """The start point as an array (the landscape's suggestion when ``start`` is None)."""
        if self.start is None:
            return get_objective(self.landscape).start_point()
        return np.array(self.start, dtype=float)

    def hyperparameters(self, name):
        """The keyword arguments the optimizer ``name`` is built with."""
        if not isinstance(name, str):
            raise TypeError(f"name must be one of {list(OPTIMIZER_NAMES)}, got {name!r}")
        if name not in OPTIMIZERS:
            raise ValueError(f"name must be one of {list(OPTIMIZER_NAMES)}, got {name!r}")
        extra = {"Momentum": {"momentum": self.momentum}, "RMSProp": {"rho": self.rho},
                 "Adam": {"beta1": self.beta1, "beta2": self.beta2}}.get(name, {})
        return {"lr": self.lr, **extra}

    def optimizer(self, name):
        """The optimizer ``name`` built from these settings."""
        hyperparameters = self.hyperparameters(name)  # checks the name
        return OPTIMIZERS[name](**hyperparameters)


#: The names of the settings, in the order of ``PlaygroundSettings``'s fields.
SETTING_NAMES = tuple(f.name for f in dataclasses.fields(PlaygroundSettings))


def _optimizer_names(names):
    if isinstance(names, str) or not hasattr(names, "__iter__"):
        raise TypeError(f"optimizers must be a list of names from {list(OPTIMIZER_NAMES)}, got {names!r}")
    names = list(names)
    for name in names:
        if not isinstance(name, str):
            raise TypeError(f"optimizers must be a list of names from {list(OPTIMIZER_NAMES)}; got {name!r}")
        if name not in OPTIMIZERS:
            raise ValueError(f"optimizers must be names from {list(OPTIMIZER_NAMES)}; got {name!r}")
    return tuple(n for n in OPTIMIZER_NAMES if n in names)


def _run_one(settings, name, objective=None):
    objective = settings.objective() if objective is None else objective
    return minimize(objective, settings.optimizer(name), settings.start_point(), steps=settings.steps)


def compute(settings):
    """Run every optimizer of ``settings`` on its landscape: a list of ``Trace``, in legend order."""
    if not isinstance(settings, PlaygroundSettings):
        raise TypeError(f"settings must be a PlaygroundSettings, got {type(settings).__name__}")
    objective = settings.objective()
    return [_run_one(settings, name, objective) for name in settings.optimizers]


# ---------------------------------------------------------------------------------------------
# Drawing

#: Loss values are drawn as f - f* + LOSS_FLOOR: rounding error near the minimum can make
#: f - f* a hair below zero, which a log scale cannot show. Invisible above about 1e-10.
LOSS_FLOOR = 1e-12

#: What ``draw`` remembers per axes: the contour of every landscape drawn so far (only the
#: current one visible, so going back to a landscape costs nothing) and the lines of the
#: optimizers shown (kept and given new data while the optimizers are unchanged).
_DRAWN = weakref.WeakKeyDictionary()


def _base_name(landscape):
    return landscape[len("noisy_"):] if landscape.startswith("noisy_") else landscape


def _landscape_title(settings, objective):
    name = _base_name(settings.landscape).replace("_", " ")
    formula = f"${objective.formula}$" if objective.formula else ""
    if settings.landscape.startswith("noisy_"):
        # Two lines, none wider than the plain title: the panel's title stays within its column.
        return f"noisy {name} (gradient noise {objective.sigma:g}, seed {settings.seed})" + (f"\n{formula}" * bool(formula))
    return f"{name}: {formula}" if formula else name


def _status_label(trace):
    return f"{trace.label} (diverged)" if trace.status == "diverged" else trace.label


#: How many figure legends ``draw`` keeps per figure (hidden, ready to be shown again).
MAX_LEGENDS = 32


def _figure_legend(ax_path, state, handles):
    """One legend above the panels: optimizers (with "(diverged)"), start, minima.

    Each legend drawn is kept (hidden when not current), so a redraw with the same entries
    shows the same legend again instead of building a new one.
    """
    key = tuple((h.get_label(), str(h.get_color()) if hasattr(h, "get_color") else "",
                 str(h.get_linestyle()) if hasattr(h, "get_linestyle") else "") for h in handles)
    legends = state["legends"]
    legend = legends.pop(key, None)
    if legend is None:
        legend = ax_path.figure.legend(handles=handles, labels=[k[0] for k in key], loc="upper center",
                                       ncol=len(handles), fontsize="small", frameon=False,
                                       bbox_to_anchor=(0.5, 1.0))
    legends[key] = legend  # now the most recent
    while len(legends) > MAX_LEGENDS:
        legends.pop(next(iter(legends))).remove()
    for other in legends.values():
        other.set_visible(other is legend)
    return legend


def _check_axes(axes):
    from matplotlib.axes import Axes

    if isinstance(axes, (str, bytes)):
        raise TypeError(f"axes must be a sequence of 3 matplotlib Axes, got {type(axes).__name__}")
    try:
        axes = list(axes)
    except TypeError:
        raise TypeError(f"axes must be a sequence of 3 matplotlib Axes, got {type(axes).__name__}") from None
    if len(axes) != 3 or not all(isinstance(ax, Axes) for ax in axes):
        raise TypeError(f"axes must be a sequence of 3 matplotlib Axes (paths, loss, effective lr), got {axes!r}")
    return axes


def _decades(values, fallback=(1e-3, 1e3)):
    """Log-axis limits snapped to whole powers of ten around the finite positive ``values``."""
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values) & (values > 0)]
    if values.size == 0:
        return fallback
    low = 10.0 ** np.floor(np.log10(values.min() / 1.5))
    high = 10.0 ** np.ceil(np.log10(values.max() * 1.5))
    if high <= low:
        low, high = low / 10, high * 10
    return float(low), float(high)


def _show(line, x, y):
    """Give a curve new data. A single point gets a dot: a line through one point is invisible."""
    line.set_data(x, y)
    marker = "o" if len(x) == 1 else "None"
    if line.get_marker() != marker:
        line.set_marker(marker)


def _effective_lrs(trace):
    """``trace.effective_lrs`` as one column per coordinate: shape (steps, 2), also for 0 steps."""
    lrs = np.asarray(trace.effective_lrs, dtype=float)
    return lrs.reshape(len(lrs), 2)


def _show_landscape(state, ax_path, objective, base):
    """Make ``base``'s contour the visible one (drawn the first time it is shown)."""
    from . import plotting

    for artist in state["contours"].get(state["landscape"], []):
        artist.set_visible(False)
    artists = state["contours"].get(base)
    if artists is None:
        before = set(ax_path.collections)
        plotting.plot_contour(objective, (), ax=ax_path, bounds=objective.bounds, levels=25, n=120)
        if ax_path.get_legend() is not None:
            ax_path.get_legend().remove()
        artists = state["contours"][base] = [c for c in ax_path.collections if c not in before]
    for artist in artists:
        artist.set_visible(True)
    ax_path.set_xlim(*objective.bounds[0])
    ax_path.set_ylim(*objective.bounds[1])
    state["minima"] = [c for c in artists if c.get_label() in ("minimum", "minima")]
    state["landscape"] = base


def _new_lines(state, traces, ax_path, ax_loss, ax_lr):
    """One path, one loss curve and two effective-lr curves (x solid, y dashed) per trace."""
    from . import plotting

    for artist in state["paths"] + state["loss"] + state["effective_lr"] + state["texts"]:
        artist.remove()
    styles = plotting._styles(traces, None)
    state["paths"] = [ax_path.plot([], [], color=color, linestyle=style, marker="o", markersize=2.5,
                                   linewidth=1.4, zorder=3)[0] for color, style in styles]
    state["loss"] = [ax_loss.plot([], [], color=color, linestyle=style, linewidth=1.8)[0] for color, style in styles]
    state["effective_lr"] = [ax_lr.plot([], [], color=color, linestyle=plotting.LINESTYLES[j], linewidth=1.8)[0]
                             for color, _ in styles for j in range(2)]
    state["texts"] = [] if traces else [
        ax.text(0.5, 0.5, "choose at least one optimizer", transform=ax.transAxes, ha="center", va="center")
        for ax in (ax_loss, ax_lr)]
    state["names"] = tuple(t.optimizer for t in traces)


def draw(traces, settings, axes):
    """Draw the playground's three panels on ``axes`` (a sequence of 3 matplotlib Axes).

    1. the landscape's contour with every path (start as a white circle, known minima as stars);
    2. the loss gap ``f - f*`` against the step, on a log scale (``LOSS_FLOOR`` added);
    3. the effective learning rate per coordinate (solid: x, dashed: y), on a log scale.

    One legend above the panels names the optimizers (a diverged run says so). A curve with a
    single point (a run that diverged at once) is drawn as a dot. Drawing again on the same axes
    keeps each landscape's contour and keeps the lines (giving them the new data) while the
    optimizers shown are unchanged; log-axis limits snap to whole powers of ten, so small changes
    leave the axes still. Returns a dict of the artists drawn: ``paths`` (one line per trace),
    ``loss`` and ``effective_lr`` (lines), and ``changing`` (every artist whose content may have
    changed: what a fast redraw must paint).
    """
    from matplotlib.ticker import NullLocator

    from . import plotting

    if not isinstance(settings, PlaygroundSettings):
        raise TypeError(f"settings must be a PlaygroundSettings, got {type(settings).__name__}")
    traces = plotting._traces(traces, allow_empty=True)
    for i, trace in enumerate(traces):
        if trace.xs.ndim != 2 or trace.xs.shape[1] != 2:
            raise ValueError(f"traces[{i}] must be a run on a 2-D landscape (xs of shape (k, 2)), got {trace.xs.shape}")
    ax_path, ax_loss, ax_lr = _check_axes(axes)
    objective = settings.objective()
    floor_value = (objective.min_value or 0.0) - LOSS_FLOOR

    state = _DRAWN.get(ax_path)
    if state is None or state["start"].axes is not ax_path:  # new axes, or cleared since the last draw
        for legend in (state or {}).get("legends", {}).values():
            legend.remove()
        for artist in list(ax_path.collections) + list(ax_path.lines) + list(ax_path.texts):
            artist.remove()
        (start_marker,) = ax_path.plot([], [], linestyle="none", marker="o", markersize=8, color="black",
                                       markerfacecolor="white", markeredgecolor="black", label="start", zorder=4)
        state = _DRAWN[ax_path] = {"landscape": None, "contours": {}, "minima": [], "start": start_marker,
                                   "names": None, "paths": [], "loss": [], "effective_lr": [], "texts": [],
                                   "legends": {}}
    if state["landscape"] != _base_name(settings.landscape):
        _show_landscape(state, ax_path, objective, _base_name(settings.landscape))
    start = settings.start_point()
    state["start"].set_data([start[0]], [start[1]])
    # y=1.0 is where matplotlib puts a title anyway; saying so spares it a search for ticks on top.
    ax_path.set_title(_landscape_title(settings, objective), fontsize="medium", y=1.0)

    if state["names"] != tuple(t.optimizer for t in traces):
        _new_lines(state, traces, ax_path, ax_loss, ax_lr)
    paths, loss_lines, lr_lines = state["paths"], state["loss"], state["effective_lr"]
    for i, trace in enumerate(traces):
        label = _status_label(trace)
        paths[i].set_data(trace.xs[:, 0], trace.xs[:, 1])
        paths[i].set_label(label)
        _show(loss_lines[i], np.arange(len(trace.fs)), trace.fs - floor_value)
        loss_lines[i].set_label(label)
        lrs = _effective_lrs(trace)
        for j in range(2):
            _show(lr_lines[2 * i + j], np.arange(1, len(lrs) + 1), lrs[:, j])
            lr_lines[2 * i + j].set_label(f"{trace.label}, {'xy'[j]}")

    steps = max([t.steps for t in traces] + [settings.steps, 1])
    for ax in (ax_loss, ax_lr):
        if ax.get_yscale() != "log":
            ax.set_yscale("log")
        # Minor ticks on a log axis spanning many decades add clutter, and a quarter of the drawing time.
        if not isinstance(ax.yaxis.get_minor_locator(), NullLocator):
            ax.yaxis.set_minor_locator(NullLocator())
        ax.set_xlim(0, steps)
        ax.set_xlabel("step")
    if traces:
        # A diverging run's loss grows without bound: show at most 2 decades above the start.
        gaps = np.concatenate([t.fs - floor_value for t in traces])
        start_gap = max(float(t.fs[0] - floor_value) for t in traces)
        ax_loss.set_ylim(*_decades(gaps[gaps <= max(start_gap, LOSS_FLOOR) * 100]))
        ax_lr.set_ylim(*_decades(np.concatenate([_effective_lrs(t).ravel() for t in traces])))
    ax_loss.set_ylabel("f(x) - f*")
    ax_lr.set_ylabel("effective learning rate")
    ax_loss.set_title("loss gap (log scale)", fontsize="medium", y=1.0)
    ax_lr.set_title("step size (log scale; solid x, dashed y)", fontsize="medium", y=1.0)
    _figure_legend(ax_path, state, paths + [state["start"]] + state["minima"])

    changing = paths + [state["start"]] + state["minima"] + loss_lines + lr_lines + state["texts"]
    return {"paths": paths, "loss": loss_lines, "effective_lr": lr_lines, "changing": changing}


#: The playground's image: at least 100 and at most 4000 pixels on each side.
IMAGE_PIXELS = (100, 4000)


def _figure_size(figsize, dpi):
    """Checked ``(figsize, dpi)``: a size in inches and a resolution giving a sensible image."""
    if isinstance(figsize, (str, bytes)) or not hasattr(figsize, "__len__") or len(figsize) != 2:
        raise TypeError(f"figsize must be (width, height) in inches, got {figsize!r}")
    width = _scalar(_validate.positive, "figsize width", figsize[0])
    height = _scalar(_validate.positive, "figsize height", figsize[1])
    dpi = _scalar(_validate.positive, "dpi", dpi)
    low, high = IMAGE_PIXELS
    if not (low <= width * dpi <= high and low <= height * dpi <= high):
        raise ValueError(f"figsize and dpi must give an image of {low} to {high} pixels on each side; "
                         f"figsize={tuple(figsize)!r} at dpi={dpi:g} gives {width * dpi:.0f} x {height * dpi:.0f}")
    return (width, height), dpi


def new_figure(figsize=(13.0, 4.4), dpi=80):
    """A matplotlib ``Figure`` with the playground's three panels, not managed by pyplot.

    ``figsize`` is (width, height) in inches and ``dpi`` the pixels per inch; together they must
    give an image of 100 to 4000 pixels on each side. Returns ``(figure, axes)``. As pyplot does
    not know the figure, the inline backend never shows it by itself; the playground renders it
    to an image whenever something changes.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figsize, dpi = _figure_size(figsize, dpi)
    figure = Figure(figsize=figsize, dpi=dpi)
    FigureCanvasAgg(figure)
    axes = figure.subplots(1, 3, gridspec_kw={"width_ratios": [1.15, 1, 1]})
    figure.subplots_adjust(left=0.05, right=0.99, bottom=0.12, top=0.82, wspace=0.28)
    return figure, list(axes)


def _draw_each(artists, renderer):
    for artist in artists:
        artist.draw(renderer)


def _draw_without(ax, hidden, renderer):
    """Draw ``ax`` without the artists ``hidden``."""
    for artist in hidden:
        artist.set_visible(False)
    try:
        ax.draw(renderer)
    finally:
        for artist in hidden:
            artist.set_visible(True)


def _share_pixels(a, b):
    """Do two drawn regions ``(box, mask, values)`` ink a common pixel? ``box`` is (row0, row1, col0, col1)."""
    (ar0, ar1, ac0, ac1), (br0, br1, bc0, bc1) = a[0], b[0]
    r0, r1, c0, c1 = max(ar0, br0), min(ar1, br1), max(ac0, bc0), min(ac1, bc1)
    if r0 >= r1 or c0 >= c1:
        return False
    return bool(np.any(a[1][r0 - ar0:r1 - ar0, c0 - ac0:c1 - ac0] & b[1][r0 - br0:r1 - br0, c0 - bc0:c1 - bc0]))


class FastRenderer:
    """Renders a figure with the Agg backend, repainting only what changed.

    The figure is painted in regions: each axes (with its ticks and labels), its titles when
    they are placed by hand (``set_title(..., y=1.0)``: they need no layout) and each figure
    legend. A region's background - all of it except the ``changing`` artists - is kept for
    the last ``MAX_KEPT`` regions, under a key made of what decides its look (axis limits,
    scales, locators, texts, the artists it holds). A render pastes the kept backgrounds, draws
    only the regions whose key is new, then paints the changing artists on top (matplotlib's
    blitting technique). So a new learning rate repaints only the curves, a new noise seed
    only the title, and a landscape shown before nothing but the curves.

    A new region is drawn alone on the empty figure, and the pixels it changed are what is
    kept. When two regions ink a common pixel, or the figure holds artists outside axes and
    legends, everything is drawn and kept whole (a full render). Either way the image is the
    one a full render gives. An artist changed in place (say ``set_color``) without being in
    ``changing`` is not noticed: call ``forget()`` after such a change.

    ``render`` returns the image as an RGBA array and whether every region had to be drawn.
    Counters: ``full_renders``, ``fast_renders`` (nothing drawn but the changing artists) and
    ``region_renders`` (regions drawn anew).
    """

    #: How many backgrounds are kept (a region, or the whole figure when regions share pixels).
    MAX_KEPT = 24

    def __init__(self, figure):
        from matplotlib.figure import Figure

        if not isinstance(figure, Figure):
            raise TypeError(f"figure must be a matplotlib Figure, got {type(figure).__name__}")
        self.figure = figure
        self.full_renders = self.fast_renders = self.region_renders = 0
        self.forget()

    def forget(self):
        """Drop every kept background: the next render draws everything."""
        self._kept = collections.OrderedDict()  # region key -> (box, mask, values); all keys -> whole background
        self._clashing = set()  # keys of regions found to overlap another region
        self._last = None  # (keys, background) of the last render
        self._blank = None
        self._size = None

    def _regions(self, hidden):
        """(draw, key) for each region of the figure: ``draw(renderer)`` paints it."""
        regions = []
        for ax in self.figure.axes:
            if not ax.get_visible():
                continue
            # Titles placed by hand (``set_title(y=...)``) need no layout of the axes: they are a
            # region of their own, so a new title leaves the panel below it alone.
            titles = (ax._left_title, ax.title, ax._right_title) if getattr(ax, "_autotitlepos", None) is False else ()
            shown = [t for t in titles if t.get_visible() and t.get_text() and t not in hidden]
            if shown:
                regions.append((functools.partial(_draw_each, shown),
                                (ax, "titles") + tuple((t, t.get_text(), t.get_position(), t.get_fontsize(),
                                                        str(t.get_color())) for t in shown)))
            artists = tuple(a for a in ax.get_children() if a.get_visible() and a not in hidden and a not in titles)
            texts = tuple((t.get_text(), t.get_position()) for t in ax.texts if t.get_visible() and t not in hidden)
            key = (ax, ax.get_position().bounds, ax.get_xlim(), ax.get_ylim(), ax.get_xscale(), ax.get_yscale(),
                   tuple(ax.get_title(loc) for loc in ("left", "center", "right")) if not titles else (),
                   ax.get_xlabel(), ax.get_ylabel(),
                   tuple((a.get_major_locator(), a.get_minor_locator(), a.get_major_formatter(),
                          a.get_minor_formatter()) for a in (ax.xaxis, ax.yaxis)), artists, texts)
            regions.append((functools.partial(_draw_without, ax, shown), key))
        for legend in self.figure.legends:
            if legend.get_visible():
                regions.append((legend.draw, (legend,)))
        return regions

    def _ink(self, pixels):
        """What was drawn on the empty figure: ``(box, mask, values)`` - the box (row0, row1, col0,
        col1) around the pixels that changed, which of its pixels changed, and their RGBA values."""
        changed = pixels.view(np.uint32)[..., 0] != self._blank.view(np.uint32)[..., 0]
        rows, cols = np.flatnonzero(changed.any(axis=1)), np.flatnonzero(changed.any(axis=0))
        if rows.size == 0:
            return None
        r0, r1, c0, c1 = int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1
        mask = changed[r0:r1, c0:c1]
        return (r0, r1, c0, c1), mask, pixels[r0:r1, c0:c1][mask]

    def _paint_background(self, changing):
        """Everything except ``changing`` (hidden meanwhile) onto the canvas. Returns True if all was drawn."""
        figure, canvas = self.figure, self.figure.canvas
        renderer = canvas.get_renderer()
        pixels = np.asarray(canvas.buffer_rgba())
        if self._blank is None:
            renderer.clear()
            figure.patch.draw(renderer)
            self._blank = pixels.copy()
        regions = self._regions(set(changing))
        keys = tuple(key for _, key in regions)
        extra = any(a.get_visible() for a in figure.texts + figure.lines + figure.patches + figure.images
                    + figure.artists + list(figure.subfigs))
        if self._last is not None and self._last[0] == keys:  # the layout of the last render
            pixels[...] = self._last[1]
            self.fast_renders += 1
            return False
        if keys in self._kept:  # a layout whose regions share pixels, drawn before as a whole
            self._kept.move_to_end(keys)
            pixels[...] = self._kept[keys]
            self._last = (keys, self._kept[keys])
            self.fast_renders += 1
            return False
        drawn = {}
        if not extra and not self._clashing.intersection(keys):
            for paint, key in regions:
                if key not in self._kept and key not in drawn:
                    pixels[...] = self._blank
                    paint(renderer)
                    drawn[key] = self._ink(pixels)
            inked = [(key, region) for key in keys
                     for region in [drawn[key] if key in drawn else self._kept[key]] if region is not None]
            for i, (key, region) in enumerate(inked):
                for other, other_region in inked[i + 1:]:
                    if _share_pixels(region, other_region):
                        self._clashing.update((key, other))
        self._kept.update(drawn)  # each is right on its own, even if it clashes with another
        if extra or self._clashing.intersection(keys):
            # Regions that share pixels cannot be pasted side by side: draw everything, keep it whole.
            canvas.draw()
            self._kept[keys] = pixels.copy()
            self._last = (keys, self._kept[keys])
            self._trim()
            self.full_renders += 1
            return True
        pixels[...] = self._blank
        for key in keys:
            self._kept.move_to_end(key)
            region = self._kept[key]
            if region is not None:
                (r0, r1, c0, c1), mask, values = region
                pixels[r0:r1, c0:c1][mask] = values
        self._last = (keys, pixels.copy())
        self._trim()
        self.region_renders += len(drawn)
        full = bool(drawn) and len(drawn) == len(regions)
        if full:
            self.full_renders += 1
        elif not drawn:
            self.fast_renders += 1
        return full

    def _trim(self):
        while len(self._kept) > self.MAX_KEPT:
            self._kept.popitem(last=False)
        if len(self._clashing) > 4 * self.MAX_KEPT:
            self._clashing.clear()

    def render(self, changing):
        """Render the figure; ``changing`` are the artists ``draw`` replaced. Returns ``(rgba, full)``."""
        from matplotlib.artist import Artist

        changing = list(changing)
        for i, artist in enumerate(changing):
            if not isinstance(artist, Artist):
                raise TypeError(f"changing[{i}] must be a matplotlib artist, got {type(artist).__name__}")
        figure = self.figure
        size = (tuple(figure.get_size_inches()), figure.dpi, tuple(figure.get_facecolor()))
        if size != self._size:
            self.forget()
            self._size = size
        shown = [artist for artist in changing if artist.get_visible()]
        for artist in shown:
            artist.set_visible(False)
        try:
            full = self._paint_background(shown)
        finally:
            for artist in shown:
                artist.set_visible(True)
        renderer = figure.canvas.get_renderer()
        for artist in sorted(shown, key=lambda a: a.get_zorder()):
            artist.draw(renderer)
        return np.asarray(figure.canvas.buffer_rgba()), full

    def encode(self, changing, format="jpeg"):
        """Render (see ``render``) and encode the image (see ``encode_image``). Returns bytes."""
        rgba, _ = self.render(changing)
        return encode_image(rgba, format)


def encode_image(rgba, format="jpeg"):
    """An RGBA array as image bytes: ``"jpeg"`` (quality 90, full colour resolution; a few ms)
    or ``"png"`` (lossless, about ten times slower)."""
    from PIL import Image

    if not isinstance(format, str) or format not in ("jpeg", "png"):
        raise ValueError(f"format must be 'jpeg' or 'png', got {format!r}")
    rgba = np.asarray(rgba)
    if rgba.dtype != np.uint8 or rgba.ndim != 3 or rgba.shape[2] != 4 or 0 in rgba.shape:
        raise ValueError(f"rgba must be an image of shape (height, width, 4) with dtype uint8 (as from "
                         f"canvas.buffer_rgba()), got shape {rgba.shape} and dtype {rgba.dtype}")
    rgba = np.ascontiguousarray(rgba)
    image = Image.frombuffer("RGBA", (rgba.shape[1], rgba.shape[0]), rgba, "raw", "RGBA", 0, 1).convert("RGB")
    buffer = io.BytesIO()
    if format == "jpeg":
        image.save(buffer, format="jpeg", quality=90, subsampling=0)
    else:
        image.save(buffer, format="png", compress_level=1)
    return buffer.getvalue()


# ---------------------------------------------------------------------------------------------
# The widget


def _landscape_label(name):
    if name.startswith("noisy_"):
        return f"{_base_name(name).replace('_', ' ')} + noisy gradients"
    return name.replace("_", " ")


def _summary_html(traces, settings, objective):
    """A small table of where each run ended."""
    if not traces:
        return "<i>Choose at least one optimizer.</i>"
    f_star = objective.min_value or 0.0
    rows = []
    for trace in traces:
        if trace.status == "diverged":
            result = f"diverged at step {trace.steps + 1}"
        else:
            x, y = (round(float(v), 3) + 0.0 for v in trace.x)  # + 0.0 turns -0.0 into 0.0
            result = f"f - f* = {trace.f - f_star:.3e} at ({x:.3f}, {y:.3f})"
        rows.append(f"<tr><td style='padding-right:1em'><b>{trace.label}</b></td><td>{result}</td></tr>")
    return (f"<div>After {settings.steps} steps with lr = {settings.lr:.4g}:</div>"
            f"<table>{''.join(rows)}</table>")


class Playground:
    """The interactive playground (see ``playground()``): controls, figure and state.

    - ``widget``: the ipywidgets box to display (displaying the ``Playground`` shows it too);
    - ``controls``: the controls by name: ``landscape``, one checkbox per optimizer name,
      ``lr``, ``rho``, ``beta1``, ``beta2``, ``momentum``, ``start_x``, ``start_y``, ``steps``,
      ``seed`` and the ``reset`` button. Setting a control's ``value`` in code updates
      everything, as a click does;
    - after each change: ``settings`` (a ``PlaygroundSettings``), ``traces``, ``figure`` (the
      matplotlib figure, already drawn), ``image`` (the ``ipywidgets.Image`` showing it), ``updates`` (a counter) and
      ``error`` (the message of the last refused change, or None).

    Every change - a control moved, ``set``, ``reset`` - either shows its new settings on the
    controls, the figure and the summary, or is refused: then the controls go back to the last
    settings shown, the figure stays as it was, and ``message`` says why (``set`` and ``update``
    also raise the error).
    """

    def __init__(self, settings=None, figsize=(13.0, 4.4), dpi=80):
        import ipywidgets as widgets

        settings = PlaygroundSettings() if settings is None else settings
        if not isinstance(settings, PlaygroundSettings):
            raise TypeError(f"settings must be a PlaygroundSettings or None, got {type(settings).__name__}")
        self.defaults = settings.replace(start=tuple(settings.start_point()))
        self.figure, self.axes = new_figure(figsize=figsize, dpi=dpi)
        self._renderer = FastRenderer(self.figure)
        self._cache = {}
        self._holding = False
        self._figure_current = True
        self.settings, self.traces, self.drawn, self.error, self.updates = None, [], None, None, 0
        self.last_update_seconds = None

        wide = {"description_width": "initial"}
        slider = dict(style=wide, layout=widgets.Layout(width="300px", margin="0 12px 0 0"))
        c = {}
        c["landscape"] = widgets.Dropdown(options=[(_landscape_label(n), n) for n in LANDSCAPES],
                                          value=self.defaults.landscape, description="landscape", style=wide)
        for name in OPTIMIZER_NAMES:
            c[name] = widgets.Checkbox(value=name in self.defaults.optimizers, description=name, indent=False,
                                       layout=widgets.Layout(width="auto", margin="0 12px 0 0"))
        # Controls that rerun every optimizer update when released; the others (one optimizer
        # each) follow the slider as it moves.
        c["lr"] = widgets.FloatLogSlider(value=self.defaults.lr, base=10, min=np.log10(LR_RANGE[0]),
                                         max=np.log10(LR_RANGE[1]), step=0.01, readout_format=".4f",
                                         description="learning rate", continuous_update=False, **slider)
        c["steps"] = widgets.IntSlider(value=self.defaults.steps, min=10, max=1000, step=10,
                                       description="steps", continuous_update=False, **slider)
        c["start_x"] = widgets.FloatSlider(description="start x", step=0.001, readout_format=".3f",
                                           continuous_update=False, **slider)
        c["start_y"] = widgets.FloatSlider(description="start y", step=0.001, readout_format=".3f",
                                           continuous_update=False, **slider)
        c["rho"] = widgets.FloatSlider(value=self.defaults.rho, min=0.0, max=0.999, step=0.001,
                                       readout_format=".3f", description="RMSProp rho", **slider)
        c["beta1"] = widgets.FloatSlider(value=self.defaults.beta1, min=0.0, max=0.999, step=0.001,
                                         readout_format=".3f", description="Adam beta1", **slider)
        c["beta2"] = widgets.FloatSlider(value=self.defaults.beta2, min=0.9, max=0.9999, step=0.0001,
                                         readout_format=".4f", description="Adam beta2", **slider)
        c["momentum"] = widgets.FloatSlider(value=self.defaults.momentum, min=0.0, max=0.99, step=0.01,
                                            readout_format=".2f", description="momentum", **slider)
        c["seed"] = widgets.IntSlider(value=self.defaults.seed, min=0, max=20, description="noise seed",
                                      continuous_update=False, **slider)
        c["reset"] = widgets.Button(description="Reset", tooltip="restore the starting settings", icon="undo")
        self.controls = c

        self.image = widgets.Image(format="jpeg")
        self.summary = widgets.HTML()
        self.message = widgets.HTML()
        row = widgets.Layout(flex_flow="row wrap", align_items="center")
        self.widget = widgets.VBox([
            widgets.HBox([c["landscape"], widgets.Label("show:")] + [c[n] for n in OPTIMIZER_NAMES], layout=row),
            widgets.HBox([c["lr"], c["steps"], c["momentum"]], layout=row),
            widgets.HBox([c["rho"], c["beta1"], c["beta2"]], layout=row),
            widgets.HBox([c["start_x"], c["start_y"], c["seed"], c["reset"]], layout=row),
            self.message, self.image, self.summary,
        ])

        self._check_fits(self.defaults)
        self._push(self.defaults)
        self._show(self.defaults)
        for name, control in c.items():
            if name == "reset":
                control.on_click(lambda _button: self._from_ui(self.reset))
            else:
                control.observe(self._on_change, names="value")

    # -- displaying --------------------------------------------------------------------------
    def _ipython_display_(self):  # ipywidgets 7 and IPython: show the box
        from IPython.display import display

        display(self.widget)

    # -- settings <-> controls ---------------------------------------------------------------
    def settings_from_controls(self):
        """The ``PlaygroundSettings`` the controls show (raises if a value is not allowed)."""
        c = self.controls
        return PlaygroundSettings(
            landscape=c["landscape"].value,
            optimizers=tuple(n for n in OPTIMIZER_NAMES if c[n].value),
            lr=c["lr"].value, rho=c["rho"].value, beta1=c["beta1"].value, beta2=c["beta2"].value,
            momentum=c["momentum"].value, start=(c["start_x"].value, c["start_y"].value),
            steps=c["steps"].value, seed=c["seed"].value,
        )

    def _check_fits(self, settings):
        """Raise a ``ValueError`` if a setting lies beyond its slider (a slider would silently clip it)."""
        c = self.controls
        for name in ("lr", "rho", "beta1", "beta2", "momentum", "steps", "seed"):
            value, low, high = getattr(settings, name), c[name].min, c[name].max
            if name == "lr":
                low, high = c[name].base ** low, c[name].base ** high
            if not low <= value <= high:
                raise ValueError(f"{name} must be between {low:g} and {high:g} in the playground, got {value:g}")

    def _push(self, settings):
        """Show ``settings`` (checked by ``_check_fits``) on the controls, without an update per control."""
        c = self.controls
        held, self._holding = self._holding, True
        try:
            c["landscape"].value = settings.landscape
            (x0, x1), (y0, y1) = get_objective(settings.landscape).bounds
            x, y = settings.start_point()
            for slider, low, high, value in ((c["start_x"], x0, x1, x), (c["start_y"], y0, y1, y)):
                if low > slider.max:  # change the range in an order the slider accepts
                    slider.max, slider.min = high, low
                else:
                    slider.min, slider.max = low, high
                slider.value = value
            c["seed"].disabled = not settings.landscape.startswith("noisy_")
            for name in OPTIMIZER_NAMES:
                c[name].value = name in settings.optimizers
            for name in ("lr", "rho", "beta1", "beta2", "momentum", "steps", "seed"):
                c[name].value = getattr(settings, name)
        finally:
            self._holding = held

    def set(self, **changes):
        """Change some settings (names as in ``PlaygroundSettings``) and update once.

        A new ``landscape`` without a ``start`` moves the start to the landscape's suggestion.
        A change that is not allowed raises a ``ValueError``/``TypeError`` naming the setting;
        the playground then keeps what it showed (and says why in ``message``).
        """
        try:
            if "landscape" in changes and "start" not in changes:
                changes["start"] = None
            new = self.settings.replace(**changes)
            new = new.replace(start=tuple(new.start_point()))
            self._check_fits(new)
            self._push(new)
            self._show(new)
        except Exception as exc:
            self._refuse(exc)
            raise
        return self

    def reset(self):
        """Restore the settings the playground started with."""
        self._push(self.defaults)
        self._show(self.defaults)
        return self

    def update(self):
        """Read the controls, rerun what changed, redraw. Returns the traces.

        Controls holding a value that is not allowed (say a NaN written to ``start_x``) are put
        back to the last settings shown, and the error is raised.
        """
        try:
            self._show(self.settings_from_controls())
        except Exception as exc:
            self._refuse(exc)
            raise
        return self.traces

    # -- reacting to the controls --------------------------------------------------------------
    def _on_change(self, change):
        if self._holding:
            return
        name, value = next(n for n, c in self.controls.items() if c is change["owner"]), change["new"]
        if name == "landscape":
            changes = {"landscape": value}
        elif name in OPTIMIZER_NAMES:
            chosen = set(self.settings.optimizers) | {name} if value else set(self.settings.optimizers) - {name}
            changes = {"optimizers": tuple(chosen)}
        elif name in ("start_x", "start_y"):
            x, y = self.settings.start
            changes = {"start": (value, y) if name == "start_x" else (x, value)}
        else:
            changes = {name: value}
        self._from_ui(lambda: self.set(**changes))

    def _from_ui(self, action):
        """Run ``action``; a refused change is shown in the widget (``_refuse``), not raised."""
        try:
            action()
        except (TypeError, ValueError):
            pass  # the message is on the widget and the last settings are back on the controls

    def _refuse(self, exc):
        """Go back to the last settings shown (controls and figure) and say why the change was refused."""
        try:
            if self.settings is not None:
                self._push(self.settings)
                if not self._figure_current:  # it failed while drawing: draw the last settings again
                    self._show(self.settings)
        finally:
            self.error = str(exc)
            self.message.value = f"<span style='color:#D55E00'>Not changed: {_escape(str(exc))}</span>"

    # -- computing and drawing -------------------------------------------------------------------
    def _trace(self, settings, name, objective):
        noise_seed = settings.seed if settings.landscape.startswith("noisy_") else None
        key = (settings.landscape, noise_seed, settings.start, settings.steps, name,
               tuple(sorted(settings.hyperparameters(name).items())))
        trace = self._cache.get(key)
        if trace is None:
            if len(self._cache) >= 256:
                self._cache.clear()
            trace = self._cache[key] = _run_one(settings, name, objective)
        return trace

    def _show(self, settings):
        """Run, draw and show ``settings`` (already on the controls)."""
        started = time.perf_counter()
        objective = settings.objective()
        traces = [self._trace(settings, name, objective) for name in settings.optimizers]
        self._figure_current = False
        drawn = draw(traces, settings, self.axes)
        image = self._renderer.encode(drawn["changing"], self.image.format)
        self._figure_current = True
        self.image.value = image
        self.summary.value = _summary_html(traces, settings, objective)
        self.message.value = ""
        self.settings, self.traces, self.drawn, self.error = settings, traces, drawn, None
        self.updates += 1
        self.last_update_seconds = time.perf_counter() - started
        return traces


def _escape(text):
    import html

    return html.escape(text)


def playground(settings=None, figsize=(13.0, 4.4), dpi=80):
    """The interactive playground: display the returned ``Playground`` (or its ``.widget``).

    ``settings`` (a ``PlaygroundSettings``) are the starting values that Reset restores; each
    must lie within its control's range (for instance lr between 0.0001 and 1). ``figsize``
    (inches) and ``dpi`` set the size of the figure. Works with ipywidgets 7.7 and 8 and with
    the plain inline backend: the figure is shown as an image widget.
    """
    return Playground(settings, figsize=figsize, dpi=dpi)
