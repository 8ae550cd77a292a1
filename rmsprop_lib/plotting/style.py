"""Colours, line styles and the argument checks every plot shares."""
import zlib

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import Colormap, ListedColormap, is_color_like

from .. import _validate
from ..objectives import MAX_GRID_SIZE, Objective
from ..optimizers import OPTIMIZERS, Optimizer
from ..run import Trace

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
