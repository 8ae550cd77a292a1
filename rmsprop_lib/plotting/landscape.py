"""The landscape plots: a 3-D surface, the contour plot with the paths of runs, its animation."""
import inspect
import numbers

import numpy as np
from matplotlib.animation import FuncAnimation
from matplotlib.colors import BoundaryNorm

from .. import _validate
from .style import (CONTOUR_CMAP, MINIMUM_COLOR, _axes, _check_cmap, _check_grid_size, _check_objective, _label,
                    _styles, _traces)

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
    lowest = max(float(np.percentile(depth, 2)), span * 1e-8)  # a band wide enough to draw unbroken
    if lowest >= span:
        return np.linspace(zmin, zmax, levels)
    return np.concatenate([[zmin], zmin + np.geomspace(lowest, span, levels - 1)])


def plot_contour(objective, traces=(), ax=None, bounds=None, levels=30, log_levels="auto",
                 show_minima=True, show_start=True, filled=True, colors=None, n=150, aspect="equal"):
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
    - ``aspect``: ``"equal"`` (the default) draws one unit of x as long as one unit of y, so round
      bowls look round and gradients look perpendicular to the rings; ``"auto"`` fills the axes.

    Returns a dict: ``contour`` (the contour set), ``trajectories`` (one line per trace),
    ``starts``, ``minima``, ``ends`` (artists or None) and ``legend`` (or None).
    """
    objective = _check_objective(objective)
    traces = _traces(traces, allow_empty=True)
    show_minima = _validate.flag("show_minima", show_minima)
    show_start = _validate.flag("show_start", show_start)
    filled = _validate.flag("filled", filled)
    n = _check_grid_size(n)
    if aspect not in ("equal", "auto"):
        raise ValueError(f"aspect must be 'equal' or 'auto', got {aspect!r}")
    for i, trace in enumerate(traces):
        if trace.xs.ndim != 2 or trace.xs.shape[1] != 2:
            raise ValueError(f"traces[{i}] must be a run on a 2-D objective (xs of shape (k, 2)), got {trace.xs.shape}")
    styles = _styles(traces, colors)
    bounds = _auto_bounds(objective, traces) if bounds is None else _validate.bounds("bounds", bounds)
    ax = _axes(ax)

    X, Y, Z = objective.grid(n, bounds)
    lv = _contour_levels(Z, levels, log_levels)
    if filled:
        # One shade step per band, so log-spaced levels shade the valley floor gradually.
        norm = BoundaryNorm(lv, CONTOUR_CMAP.N, extend="max")
        contour = ax.contourf(X, Y, Z, levels=lv, cmap=CONTOUR_CMAP, norm=norm, extend="max")
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
    ax.set_aspect(aspect, adjustable="box")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    legend = ax.legend(loc="best", fontsize="small", framealpha=0.9) if (traces or minima is not None) else None
    return {"contour": contour, "trajectories": lines, "starts": starts, "minima": minima,
            "ends": ends, "legend": legend}


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
