"""Plots shared by the whole series, with one colour per optimizer.

What is in here:

- ``COLORS``: optimizer name -> colour, the ``color`` each optimizer class declares (the
  colour-blind-safe Okabe-Ito palette: GradientDescent black, Momentum orange, AdaGrad bluish
  green, RMSProp blue, Adam vermillion); ``FALLBACK_COLORS`` for any other label;
  ``color_for(trace_or_name)`` picks one.
- ``plot_surface(objective, ...)``: the landscape as a 3-D surface.
- ``plot_contour(objective, traces, ...)``: the landscape seen from above, with the paths of any
  number of runs, their start points and the known minima.
- ``plot_loss(traces, ...)``: f (or f - f*) against the step, on a log scale.
- ``plot_effective_lr(traces, ...)``: the per-coordinate effective learning rate of each run against the step.
- ``animate(objective, traces, ...)``: the paths drawn step by step (a ``FuncAnimation``).

Traces are the ``rmsprop_lib.run.Trace`` objects returned by ``minimize``. Every function takes
``ax=`` (it makes a new figure when ``ax`` is None) and returns what it drew, so a notebook can
combine panels and a test can inspect the artists::

    trace = minimize(bowl, RMSProp(lr=0.1), steps=50)
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    plot_contour(bowl, [trace], ax=left)
    plot_loss([trace], ax=right, min_value=bowl.min_value)
"""
import inspect
import numbers
import zlib

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.animation import FuncAnimation
from matplotlib.axes import Axes
from matplotlib.colors import Colormap, ListedColormap, is_color_like

from . import _validate
from .objectives import MAX_GRID_SIZE, Objective
from .optimizers import OPTIMIZERS, Optimizer
from .run import Trace

#: One colour per optimizer, the same in every notebook: the colour its class declares.
COLORS = {name: cls.color for name, cls in OPTIMIZERS.items()}

#: The rest of the Okabe-Ito palette, for labels that are not one of the registered optimizers.
FALLBACK_COLORS = ("#56B4E9", "#CC79A7", "#E69F00", "#009E73", "#0072B2", "#D55E00", "#000000")

#: Line styles that tell apart runs drawn in the same colour, and the coordinates of one run.
LINESTYLES = ("-", "--", ":", "-.")

#: Background of contour plots: light greys, so the coloured paths stand out.
CONTOUR_CMAP = ListedColormap(plt.get_cmap("Greys")(np.linspace(0.03, 0.55, 256)), name="rmsprop_greys")

#: ``plot_effective_lr`` draws every coordinate by default only up to this many.
MAX_DEFAULT_COORDINATES = 8

#: Colour of the known minima (Okabe-Ito yellow, with a black edge).
MINIMUM_COLOR = "#F0E442"


def color_for(trace_or_name):
    """The colour of an optimizer, given a ``Trace``, an optimizer object or a name.

    The registered optimizers get their ``COLORS`` entry; any other name always gets
    the same colour from ``FALLBACK_COLORS`` (chosen from a checksum of the name).
    """
    if isinstance(trace_or_name, Trace):
        name = trace_or_name.optimizer
    elif isinstance(trace_or_name, Optimizer):
        name = trace_or_name.name
    elif isinstance(trace_or_name, str):
        name = trace_or_name
    else:
        raise TypeError(
            f"trace_or_name must be a Trace, an optimizer or a name such as 'RMSProp', "
            f"got {type(trace_or_name).__name__}"
        )
    if name in COLORS:
        return COLORS[name]
    return FALLBACK_COLORS[zlib.crc32(name.encode("utf-8")) % len(FALLBACK_COLORS)]


# ---------------------------------------------------------------------------------------------
# Argument checks


def _check_objective(objective):
    if not isinstance(objective, Objective):
        raise TypeError(f"objective must be an Objective (see rmsprop_lib.objectives), got {type(objective).__name__}")
    if objective.dim != 2:
        raise ValueError(f"objective must be 2-D (dim=2) to be plotted, got {objective.name} with dim={objective.dim}")
    return objective


def _check_grid_size(n):
    return _validate.count("n", n, minimum=2, maximum=MAX_GRID_SIZE)


def _check_cmap(cmap):
    if cmap is None or isinstance(cmap, Colormap) or (isinstance(cmap, str) and cmap in matplotlib.colormaps):
        return cmap
    raise ValueError(f"cmap must be a matplotlib colour map or the name of one, such as 'viridis', "
                     f"got {_validate.show(cmap)}")


def _axes(ax, three_d=False):
    """``ax`` checked, or a new one (3-D if asked)."""
    if ax is None:
        if three_d:
            return plt.figure(figsize=(6, 4.5)).add_subplot(projection="3d")
        return plt.subplots(figsize=(6, 4.5))[1]
    if not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes or None, got {type(ax).__name__}")
    is_3d = ax.name == "3d"
    if three_d and not is_3d:
        raise TypeError("ax must be a 3-D Axes for a surface: use fig.add_subplot(projection='3d') or ax=None")
    if not three_d and is_3d:
        raise TypeError("ax must be an ordinary 2-D Axes here, got a 3-D Axes")
    return ax


def _traces(traces, allow_empty):
    """A list of Traces; a single Trace is accepted too."""
    if isinstance(traces, Trace):
        return [traces]
    if not isinstance(traces, (list, tuple)):
        raise TypeError(f"traces must be a Trace or a list of Traces (from minimize), got {type(traces).__name__}")
    traces = list(traces)
    for i, trace in enumerate(traces):
        if not isinstance(trace, Trace):
            raise TypeError(f"traces[{i}] must be a Trace (from minimize), got {type(trace).__name__}")
    if not traces and not allow_empty:
        raise ValueError("traces must contain at least one Trace")
    return traces


def _styles(traces, colors):
    """(colour, line style) per trace; runs that share a colour get different line styles."""
    if colors is None:
        colors = [color_for(t) for t in traces]
    else:
        if isinstance(colors, str):
            colors = [colors] * len(traces)
        colors = _check_colors(colors, len(traces))
    seen = {}
    styles = []
    for color in colors:
        k = seen.get(color, 0)
        seen[color] = k + 1
        styles.append((color, LINESTYLES[k % len(LINESTYLES)]))
    return styles


def _check_colors(colors, n):
    """One matplotlib colour per trace (a single colour string is repeated)."""
    if isinstance(colors, str):
        colors = [colors] * n
    if not isinstance(colors, (list, tuple)):
        raise TypeError(f"colors must be a list of colours, one per trace, got {_validate.show(colors)}")
    if len(colors) != n:
        raise ValueError(f"colors must give one colour per trace ({n}), got {len(colors)}")
    for i, color in enumerate(colors):
        if not is_color_like(color):
            raise ValueError(f"colors[{i}] must be a matplotlib colour such as 'black' or '#0072B2', "
                             f"got {_validate.show(color)}")
    return list(colors)


def _label(trace):
    return f"{trace.label} (diverged)" if trace.status == "diverged" else trace.label


# ---------------------------------------------------------------------------------------------
# Landscapes


def plot_surface(objective, ax=None, bounds=None, n=100, log=False, cmap="viridis"):
    """Draw a 2-D ``objective`` as a 3-D surface; returns the surface artist.

    ``bounds`` defaults to the objective's own; ``n`` is the grid size per axis. With
    ``log=True`` the height is ``log10(1 + f - f_min)``, which keeps steep functions readable.
    A new 3-D axes is made when ``ax`` is None; a given ``ax`` must be 3-D.
    """
    objective = _check_objective(objective)
    bounds = _validate.bounds("bounds", objective.bounds if bounds is None else bounds)
    n = _check_grid_size(n)
    log = _validate.flag("log", log)
    cmap = _check_cmap(cmap)
    ax = _axes(ax, three_d=True)
    X, Y, Z = objective.grid(n, bounds)
    zlabel = "f(x, y)"
    if log:
        lowest = objective.min_value if objective.min_value is not None else float(np.min(Z))
        Z = np.log10(1.0 + np.maximum(Z - min(lowest, float(np.min(Z))), 0.0))
        zlabel = "log10(1 + f - f_min)"
    surface = ax.plot_surface(X, Y, Z, cmap=cmap, linewidth=0, antialiased=True, alpha=0.9)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_zlabel(zlabel)
    if not ax.get_title():
        ax.set_title(f"${objective.formula}$" if objective.formula else objective.name)
    return surface


def _auto_bounds(objective, traces, margin=0.05):
    """The objective's bounds, grown to contain every recorded point of every trace."""
    (x0, x1), (y0, y1) = objective.bounds
    points = [t.xs for t in traces if len(t.xs)]
    if not points:
        return (x0, x1), (y0, y1)
    xs = np.concatenate(points)
    px0, py0 = xs.min(axis=0)
    px1, py1 = xs.max(axis=0)
    dx = margin * max(px1 - px0, x1 - x0)
    dy = margin * max(py1 - py0, y1 - y0)
    return (min(x0, px0 - dx), max(x1, px1 + dx)), (min(y0, py0 - dy), max(y1, py1 + dy))


def _contour_levels(Z, levels, log_levels):
    """Contour levels: ``levels`` values, log-spaced above the lowest value when the range is large."""
    if not isinstance(levels, numbers.Integral) or isinstance(levels, bool):
        levels = _validate.finite_array("levels", levels)
        if levels.ndim != 1 or levels.size < 2 or np.any(np.diff(levels) <= 0):
            raise ValueError("levels must be a whole number >= 2 or an increasing list of at least 2 values")
        return levels
    levels = _validate.count("levels", levels, minimum=2, maximum=1000)
    zmin, zmax = float(np.min(Z)), float(np.max(Z))
    span = zmax - zmin
    if span <= 0:
        return np.linspace(zmin - 1, zmin + 1, levels)
    depth = Z - zmin
    if log_levels == "auto":
        # Log spacing when most of the grid sits far below the top (steep walls, flat valley).
        log_levels = span > 100 * float(np.percentile(depth, 10))
    elif not isinstance(log_levels, bool):
        raise TypeError(f"log_levels must be True, False or 'auto', got {log_levels!r}")
    if not log_levels:
        return np.linspace(zmin, zmax, levels)
    lowest = max(float(np.percentile(depth, 0.1)), span * 1e-8)
    if lowest >= span:
        return np.linspace(zmin, zmax, levels)
    return np.concatenate([[zmin], zmin + np.geomspace(lowest, span, levels - 1)])


def plot_contour(objective, traces=(), ax=None, bounds=None, levels=30, log_levels="auto",
                 show_minima=True, show_start=True, filled=True, colors=None, n=150):
    """Draw a 2-D ``objective`` from above, with the path of each trace.

    - ``bounds``: the area shown; by default the objective's bounds, grown to include every
      point of every trace.
    - ``levels``: number of contour levels (or the levels themselves); ``log_levels`` spaces
      them logarithmically (``"auto"``: when the function's range is large, as for Rosenbrock).
    - Each trace is a line with a dot per step, coloured by ``color_for`` (or ``colors``,
      one per trace), labelled by its ``label``; runs that share a colour differ in line style.
      A diverged run is labelled "(diverged)" and its last finite point marked with an x.
    - ``show_start`` marks each distinct start point with a white circle, ``show_minima`` the
      objective's known minima with stars.

    Returns a dict: ``contour`` (the contour set), ``trajectories`` (one line per trace),
    ``starts``, ``minima``, ``ends`` (artists or None) and ``legend`` (or None).
    """
    objective = _check_objective(objective)
    traces = _traces(traces, allow_empty=True)
    show_minima = _validate.flag("show_minima", show_minima)
    show_start = _validate.flag("show_start", show_start)
    filled = _validate.flag("filled", filled)
    n = _check_grid_size(n)
    for i, trace in enumerate(traces):
        if trace.xs.ndim != 2 or trace.xs.shape[1] != 2:
            raise ValueError(f"traces[{i}] must be a run on a 2-D objective (xs of shape (k, 2)), got {trace.xs.shape}")
    styles = _styles(traces, colors)
    bounds = _auto_bounds(objective, traces) if bounds is None else _validate.bounds("bounds", bounds)
    ax = _axes(ax)

    X, Y, Z = objective.grid(n, bounds)
    lv = _contour_levels(Z, levels, log_levels)
    if filled:
        contour = ax.contourf(X, Y, Z, levels=lv, cmap=CONTOUR_CMAP, extend="max")
        ax.contour(X, Y, Z, levels=lv, colors="0.45", linewidths=0.4, alpha=0.6)
    else:
        contour = ax.contour(X, Y, Z, levels=lv, cmap="Greys_r", linewidths=0.8)

    lines = []
    for trace, (color, style) in zip(traces, styles):
        (line,) = ax.plot(trace.xs[:, 0], trace.xs[:, 1], linestyle=style, marker="o", markersize=3,
                          linewidth=1.5, color=color, label=_label(trace), zorder=3)
        lines.append(line)

    ends = None
    diverged = [t for t in traces if t.status == "diverged"]
    if diverged:
        last = np.array([t.xs[-1] for t in diverged])
        ends = ax.scatter(last[:, 0], last[:, 1], marker="X", s=70, c=[c for t, (c, _) in zip(traces, styles)
                                                                       if t.status == "diverged"],
                          edgecolors="white", linewidths=0.8, zorder=5)

    starts = None
    if show_start and traces:
        first = np.unique(np.array([t.xs[0] for t in traces]), axis=0)
        starts = ax.scatter(first[:, 0], first[:, 1], marker="o", s=80, facecolors="white",
                            edgecolors="black", linewidths=1.5, zorder=4, label="start")

    minima = None
    if show_minima and objective.minima:
        (bx0, bx1), (by0, by1) = bounds
        inside = np.array([m for m in objective.minima if bx0 <= m[0] <= bx1 and by0 <= m[1] <= by1])
        if len(inside):
            label = "minimum" if len(inside) == 1 else "minima"
            minima = ax.scatter(inside[:, 0], inside[:, 1], marker="*", s=220, c=MINIMUM_COLOR,
                                edgecolors="black", linewidths=0.8, zorder=6, label=label)

    ax.set_xlim(*bounds[0])
    ax.set_ylim(*bounds[1])
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    legend = ax.legend(loc="best", fontsize="small", framealpha=0.9) if (traces or minima is not None) else None
    return {"contour": contour, "trajectories": lines, "starts": starts, "minima": minima,
            "ends": ends, "legend": legend}


# ---------------------------------------------------------------------------------------------
# Curves against the step


def plot_loss(traces, ax=None, log=True, min_value=None, colors=None):
    """Draw f at every step of every trace; returns the lines (one per trace).

    With ``min_value`` (say ``objective.min_value``) the curve is ``f - min_value``, the gap to
    the optimum, which a log scale shows best. x is the step: 0 is the start point.
    """
    traces = _traces(traces, allow_empty=False)
    log = _validate.flag("log", log)
    if min_value is not None:
        min_value = _validate.number("min_value", min_value)
    styles = _styles(traces, colors)
    ax = _axes(ax)
    lines = []
    for trace, (color, style) in zip(traces, styles):
        values = trace.fs - min_value if min_value is not None else np.asarray(trace.fs, dtype=float)
        if log and np.any(values < 0):
            what = f"f - min_value (min_value={min_value:g})" if min_value is not None else "f"
            raise ValueError(
                f"{what} must be >= 0 to be drawn on a log scale, but is negative for {trace.label!r}: "
                "pass min_value= (the lowest value of the function) or log=False"
            )
        (line,) = ax.plot(np.arange(len(values)), values, color=color, linestyle=style, linewidth=1.8,
                          marker="o" if len(values) == 1 else None, label=_label(trace))
        lines.append(line)
    if log:
        ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.set_ylabel("f(x) - f*" if min_value is not None else "f(x)")
    ax.legend(loc="best", fontsize="small")
    return lines


def plot_effective_lr(traces, ax=None, coordinates=None, colors=None):
    """Draw the per-coordinate effective learning rate of each trace against the step.

    Colour: the optimizer (``color_for``, or ``colors``); line style: the coordinate.
    ``coordinates`` picks coordinates by index (default: all, if there are at most
    ``MAX_DEFAULT_COORDINATES``). The y axis is logarithmic.
    Returns the lines, trace by trace and coordinate by coordinate.
    """
    traces = _traces(traces, allow_empty=False)
    colors = [color_for(t) for t in traces] if colors is None else _check_colors(colors, len(traces))
    dims = {int(np.prod(t.xs.shape[1:])) for t in traces}
    dim = min(dims)
    if coordinates is None:
        if dim > MAX_DEFAULT_COORDINATES:
            raise ValueError(f"coordinates must be given when the traces have {dim} coordinates: choose a few "
                             f"with coordinates=[0, 1, ...] (indices in [0, {dim - 1}])")
        coordinates = list(range(dim))
    else:
        if isinstance(coordinates, numbers.Integral):
            coordinates = [coordinates]
        if not isinstance(coordinates, (list, tuple)):
            raise TypeError(f"coordinates must be an index or a list of indices, got {_validate.show(coordinates)}")
        coordinates = list(coordinates)
        for c in coordinates:
            if isinstance(c, bool) or not isinstance(c, numbers.Integral) or not 0 <= c < dim:
                raise ValueError(f"coordinates must be indices in [0, {dim - 1}], got {_validate.show(c)}")
        if not coordinates:
            raise ValueError("coordinates must name at least one coordinate")
    names = ["x", "y"] if dim == 2 else [f"x{i + 1}" for i in range(dim)]
    ax = _axes(ax)
    lines = []
    for trace, color in zip(traces, colors):
        lrs = trace.effective_lrs.reshape(trace.steps, trace.xs[0].size)  # also for a run of 0 steps
        steps = np.arange(1, len(lrs) + 1)
        for j, c in enumerate(coordinates):
            label = f"{trace.label}, {names[c]}" if len(coordinates) > 1 else trace.label
            (line,) = ax.plot(steps, lrs[:, c], color=color, linestyle=LINESTYLES[j % len(LINESTYLES)],
                              linewidth=1.8, marker="o" if len(lrs) == 1 else None, label=label)
            lines.append(line)
    ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.set_ylabel("effective learning rate")
    ax.legend(loc="best", fontsize="small")
    return lines


# ---------------------------------------------------------------------------------------------
# Animation


def animate(objective, traces, ax=None, interval=50, **contour_options):
    """A ``FuncAnimation`` that draws the paths of ``traces`` on the contour plot step by step.

    Frame k shows every path up to point k (a shorter, e.g. diverged, path stays complete once
    drawn). Show it in a notebook with ``IPython.display.HTML(anim.to_jshtml())``.
    Extra keyword arguments go to ``plot_contour``. The contour plot's artists are kept in
    ``anim.drawn``.
    """
    traces = _traces(traces, allow_empty=False)
    interval = _validate.count("interval", interval, minimum=1, maximum=60_000)
    options = set(inspect.signature(plot_contour).parameters) - {"objective", "traces", "ax"}
    for key in contour_options:
        if key not in options:
            raise TypeError(f"{key} is not an option of plot_contour: the extra options must be among {sorted(options)}")
    ax = _axes(ax)
    drawn = plot_contour(objective, traces, ax=ax, **contour_options)
    lines = drawn["trajectories"]
    heads = [ax.plot([], [], marker="o", markersize=8, color=line.get_color(), markeredgecolor="white",
                     linestyle="none", zorder=5)[0] for line in lines]
    if drawn["ends"] is not None:
        drawn["ends"].set_visible(False)
    frames = max(len(t.xs) for t in traces)

    def update(k):
        for trace, line, head in zip(traces, lines, heads):
            upto = min(k + 1, len(trace.xs))
            line.set_data(trace.xs[:upto, 0], trace.xs[:upto, 1])
            head.set_data(trace.xs[upto - 1:upto, 0], trace.xs[upto - 1:upto, 1])
        if drawn["ends"] is not None:
            drawn["ends"].set_visible(k >= frames - 1)
        return lines + heads

    update(0)
    anim = FuncAnimation(ax.figure, update, frames=frames, interval=interval, blit=False, repeat=False)
    anim.drawn = dict(drawn, heads=heads)
    return anim
