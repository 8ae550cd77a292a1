"""Plots shared by the whole series, with one colour per optimizer.

What is in here (``style``: colours and the shared checks; ``landscape``: surface, contour
plot and animation; ``curves``: loss and effective learning rate against the step):

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
from .curves import plot_effective_lr, plot_loss
from .landscape import animate, plot_contour, plot_surface
from .style import (COLORS, CONTOUR_CMAP, FALLBACK_COLORS, LINESTYLES, MAX_DEFAULT_COORDINATES, MINIMUM_COLOR,
                    color_for)
from .style import _styles, _traces  # noqa: F401 - the playground draws with them

__all__ = ["COLORS", "FALLBACK_COLORS", "LINESTYLES", "CONTOUR_CMAP", "MAX_DEFAULT_COORDINATES", "MINIMUM_COLOR",
           "color_for", "plot_surface", "plot_contour", "plot_loss", "plot_effective_lr", "animate"]
