"""Drawing the playground's three panels, incrementally: ``draw(traces, settings, axes)``.

Drawing again on the same axes keeps what has not changed: each landscape's contour and stability
limits (hidden while another is shown, see ``landscapes``) and the lines of the optimizers shown
(given new data). ``new_figure`` makes the figure the playground draws on.
"""
import weakref

import numpy as np

from .. import _validate
from .landscapes import landscape_title, show_landscape, split_landscape
from .settings import PlaygroundSettings

#: Loss values are drawn as f - f* + LOSS_FLOOR: rounding error near the minimum can make
#: f - f* a hair below zero, which a log scale cannot show. Invisible above about 1e-10; a run that gets
#: closer is drawn flat at the floor, so the panel's label and title name it.
LOSS_FLOOR = 1e-12

#: What ``draw`` remembers per axes: the contour of every landscape drawn so far (only the
#: current one visible, so going back to a landscape costs nothing) and the lines of the
#: optimizers shown (kept and given new data while the optimizers are unchanged).
_DRAWN = weakref.WeakKeyDictionary()


def display_label(trace):
    """The name a run goes by in the legend and the summary: its optimizer's label ("Gradient descent")
    unless the run was given a label of its own."""
    from ..optimizers import OPTIMIZERS

    if trace.label == trace.optimizer and trace.optimizer in OPTIMIZERS:
        return OPTIMIZERS[trace.optimizer].label
    return trace.label


def _status_label(trace):
    return f"{display_label(trace)} (diverged)" if trace.status == "diverged" else display_label(trace)


#: Where the step axes may end: one of these times a power of ten.
_AXIS_ENDS = (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10)


def step_axis_end(steps):
    """Where the loss and effective-lr panels' step axis ends: ``steps`` rounded up to 1, 1.2, 1.5,
    2, 2.5, 3, 4, 5, 6 or 8 times a power of ten (300 -> 300, 310 -> 400). Redrawing an axis is the
    slowest part of an update, so a small move of the steps slider leaves the axes as they are."""
    power = 10 ** int(np.floor(np.log10(steps)))
    return next(round(n * power) for n in _AXIS_ENDS if round(n * power) >= steps)


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


def _title(ax, text):
    """Give ``ax`` the title ``text``, unless it has it already (setting a title costs a few ms)."""
    if ax.get_title() != text:
        # y=1.0 is where matplotlib puts a title anyway; saying so spares it a search for ticks on top.
        ax.set_title(text, fontsize="medium", y=1.0)


def _limits(ax, x=None, y=None):
    """Set the axis limits of ``ax`` that differ from ``x`` and ``y`` (pairs, or None to leave one as it is)."""
    if x is not None and ax.get_xlim() != tuple(x):
        ax.set_xlim(*x)
    if y is not None and ax.get_ylim() != tuple(y):
        ax.set_ylim(*y)


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


def _new_lines(state, traces, ax_path, ax_loss, ax_lr):
    """One path, one loss curve and two effective-lr curves (x solid, y dashed) per trace."""
    from .. import plotting

    for artist in state["paths"] + state["loss"] + state["effective_lr"] + state["texts"]:
        artist.remove()
    styles = plotting._styles(traces, None)
    # The first optimizer's path on top and narrowest, each one below it wider: paths that run along the same
    # line (Adam and RMSProp on a valley floor) show as a line inside a wider one instead of hiding each other.
    state["paths"] = [ax_path.plot([], [], color=color, linestyle=style, marker="o", markersize=2.5,
                                   linewidth=1.2 + 0.8 * (len(styles) - 1 - i), zorder=3 + 0.01 * (len(styles) - i))[0]
                      for i, (color, style) in enumerate(styles)]
    state["loss"] = [ax_loss.plot([], [], color=color, linestyle=style, linewidth=1.8)[0] for color, style in styles]
    state["effective_lr"] = [ax_lr.plot([], [], color=color, linestyle=plotting.LINESTYLES[j], linewidth=1.8)[0]
                             for color, _ in styles for j in range(2)]
    state["texts"] = [] if traces else [
        ax.text(0.5, 0.5, "choose at least one optimizer", transform=ax.transAxes, ha="center", va="center")
        for ax in (ax_loss, ax_lr)]
    state["names"] = tuple(t.optimizer for t in traces)


def _draw_others(state, others, ax_path, ax_loss, floor_value):
    """The runs of the other noise draws: thin, faint lines in each optimizer's colour, under the main ones."""
    from .. import plotting

    for artist in state["others"]:
        artist.remove()
    state["others"] = []
    for traces in others:
        for trace in traces:
            color = plotting.COLORS.get(trace.optimizer, "gray")
            state["others"] += ax_path.plot(trace.xs[:, 0], trace.xs[:, 1], color=color, linewidth=0.8, alpha=0.4,
                                            zorder=2)
            state["others"] += ax_loss.plot(np.arange(len(trace.fs)), trace.fs - floor_value, color=color,
                                            linewidth=0.8, alpha=0.4, zorder=1.5)


def draw(traces, settings, axes, others=()):
    """Draw the playground's three panels on ``axes`` (a sequence of 3 matplotlib Axes).

    1. the landscape's contour with every path (start as a white circle, known minima as stars);
    2. the loss gap ``f - f*`` against the step, on a log scale (``LOSS_FLOOR`` added);
    3. the effective learning rate per coordinate (solid: x, dashed: y), on a log scale.

    ``others`` (a list of lists of traces, one list per further noise draw) are drawn as faint
    lines on the paths and loss panels. One legend above the panels names the optimizers (a diverged run says so). A curve with a
    single point (a run that diverged at once) is drawn as a dot. Drawing again on the same axes
    keeps each landscape's contour and keeps the lines (giving them the new data) while the
    optimizers shown are unchanged; log-axis limits snap to whole powers of ten, so small changes
    leave the axes still. Returns a dict of the artists drawn: ``paths`` (one line per trace),
    ``loss`` and ``effective_lr`` (lines), and ``changing`` (every artist whose content may have
    changed: what a fast redraw must paint).
    """
    from matplotlib.ticker import NullLocator

    from .. import plotting

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
        for artist in [a for drawn in (state or {}).get("contours", {}).values() for a in drawn]:
            if artist.axes is not None and artist.axes is not ax_path:  # the limits on the effective-lr panel
                artist.remove()
        for artist in list(ax_path.collections) + list(ax_path.lines) + list(ax_path.texts):
            artist.remove()
        (start_marker,) = ax_path.plot([], [], linestyle="none", marker="o", markersize=8, color="black",
                                       markerfacecolor="white", markeredgecolor="black", label="start", zorder=4)
        state = _DRAWN[ax_path] = {"landscape": None, "contours": {}, "minima": [], "start": start_marker,
                                   "names": None, "paths": [], "loss": [], "effective_lr": [], "texts": [],
                                   "legends": {}, "others": [], "limits": []}
    base, _ = split_landscape(settings.landscape)
    if state["landscape"] != base:
        show_landscape(state, ax_path, ax_lr, objective, base)
    start = settings.start_point()
    state["start"].set_data([start[0]], [start[1]])
    _title(ax_path, landscape_title(settings, objective))

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
            lr_lines[2 * i + j].set_label(f"{display_label(trace)}, {'xy'[j]}")

    _draw_others(state, others, ax_path, ax_loss, floor_value)

    steps = step_axis_end(max([t.steps for t in traces] + [settings.steps, 1]))
    for ax in (ax_loss, ax_lr):
        if ax.get_yscale() != "log":
            ax.set_yscale("log")
        # Minor ticks on a log axis spanning many decades add clutter, and a quarter of the drawing time.
        if not isinstance(ax.yaxis.get_minor_locator(), NullLocator):
            ax.yaxis.set_minor_locator(NullLocator())
        _limits(ax, x=(0, steps))
        if ax.get_xlabel() != "step":
            ax.set_xlabel("step")
    if traces:
        # A diverging run's loss grows without bound: show at most 2 decades above the start.
        gaps = np.concatenate([t.fs - floor_value for t in traces])
        start_gap = max(float(t.fs[0] - floor_value) for t in traces)
        _limits(ax_loss, y=_decades(gaps[gaps <= max(start_gap, LOSS_FLOOR) * 100]))
        _limits(ax_lr, y=_decades(np.concatenate([_effective_lrs(t).ravel() for t in traces] + [state["limits"]])))
    for ax, ylabel, title in ((ax_loss, f"f(x) - f* + {LOSS_FLOOR:g}", f"loss gap (log scale, floor {LOSS_FLOOR:g})"),
                              (ax_lr, "effective learning rate",
                               "effective learning rate (solid x, dashed y)")):
        if ax.get_ylabel() != ylabel:
            ax.set_ylabel(ylabel)
        _title(ax, title)
    _figure_legend(ax_path, state, paths + [state["start"]] + state["minima"])

    changing = paths + [state["start"]] + state["minima"] + loss_lines + lr_lines + state["texts"] + state["others"]
    return {"paths": paths, "loss": loss_lines, "effective_lr": lr_lines, "changing": changing}


#: The playground's image: at least 100 and at most 4000 pixels on each side.
IMAGE_PIXELS = (100, 4000)


def _figure_size(figsize, dpi):
    """Checked ``(figsize, dpi)``: a size in inches and a resolution giving a sensible image."""
    if isinstance(figsize, (str, bytes)) or not hasattr(figsize, "__len__") or len(figsize) != 2:
        raise TypeError(f"figsize must be (width, height) in inches, got {figsize!r}")
    width = _validate.positive("figsize width", figsize[0])
    height = _validate.positive("figsize height", figsize[1])
    dpi = _validate.positive("dpi", dpi)
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

