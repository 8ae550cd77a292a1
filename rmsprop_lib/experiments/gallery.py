"""The gallery of notebook 06: every optimizer on every landscape, at two learning rates per landscape
(``GALLERY_LR``: ``gallery_runs``, ``plot_gallery``) or at each one's best (``tuned_gallery``)."""
import numpy as np

from .. import _validate
from ..loop import MAX_STEPS
from ..objectives import get_objective
from ..optimizers import OPTIMIZERS
from ..run import minimize
from .chaos import NUDGE, _chaotic, _final_gaps_side_by_side, _Stacked

#: Per landscape: the learning rate of the methods that multiply the gradient (gradient descent and
#: momentum), and that of the methods that normalise it (AdaGrad, RMSProp, Adam). Each pair was chosen
#: so that nothing diverges in ``GALLERY_STEPS`` steps.
GALLERY_LR = {
    "bowl": (0.1, 0.1),
    "elongated_bowl": (0.05, 0.1),
    "rosenbrock": (0.001, 0.1),
    "beale": (0.003, 0.1),
    "himmelblau": (0.01, 0.1),
    "saddle": (0.01, 0.1),
}
#: The optimizers that get the first learning rate of ``GALLERY_LR``.
PLAIN = ("GradientDescent", "Momentum")
GALLERY_STEPS = 300
#: The optimizers the gallery shows: the five of notebooks 01 to 05 (the registry holds more; the
#: playground offers them all, but six landscapes of every optimizer would hide the paths under each other).
GALLERY_OPTIMIZERS = ("GradientDescent", "Momentum", "AdaGrad", "RMSProp", "Adam")
#: Line styles of the gallery's paths: Adam's dashed line shows on top of RMSProp's and beside momentum's
#: warm colour, AdaGrad's dotted one on top of gradient descent's.
GALLERY_LINESTYLES = {"AdaGrad": ":", "Adam": "--"}
#: Line widths of the gallery's paths, in drawing order: each path is narrower than the ones drawn before
#: it, so a path that runs along another still shows as a line inside a wider one.
GALLERY_WIDTHS = {"GradientDescent": 5.0, "Momentum": 3.2, "AdaGrad": 2.6, "RMSProp": 1.6, "Adam": 0.9}


def gallery_lr(landscape, optimizer):
    """The gallery's learning rate for the optimizer named ``optimizer`` on ``landscape``."""
    if landscape not in GALLERY_LR:
        raise ValueError(f"landscape must be one of {list(GALLERY_LR)}, got {_validate.show(landscape)}")
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {list(OPTIMIZERS)}, got {_validate.show(optimizer)}")
    plain, adaptive = GALLERY_LR[landscape]
    return plain if optimizer in PLAIN else adaptive


def gallery_runs(steps=GALLERY_STEPS):
    """The ``GALLERY_OPTIMIZERS`` (in legend order) on every landscape of ``GALLERY_LR``:
    ``{landscape: [Trace, ...]}``."""
    chosen = [(key, OPTIMIZERS[key]) for key in OPTIMIZERS if key in GALLERY_OPTIMIZERS]
    return {name: [minimize(get_objective(name), cls(lr=gallery_lr(name, key)), steps=steps, label=cls.label)
                   for key, cls in chosen] for name in GALLERY_LR}


#: The learning rates ``tuned_gallery`` tries: a logarithmic grid, four per decade, from 1e-4 to 100.
TUNING_LRS = tuple(float(lr) for lr in 10.0 ** np.arange(-4, 2.01, 0.25))


def tuned_gallery(lrs=TUNING_LRS, steps=GALLERY_STEPS, twins=False):
    """Every ``GALLERY_OPTIMIZERS`` optimizer on every landscape of ``GALLERY_LR`` at every learning rate in
    ``lrs``, from the landscape's start: ``{landscape: {optimizer name: final gaps}}``, one gap per
    learning rate (inf for a diverged run). Each landscape's runs go side by side in one loop.

    With ``twins=True`` each run also gets the twin-start test of ``gap_and_chaos`` (the same runs from
    the start moved by ``NUDGE`` in x, then in y, in the same loop): each value is then
    ``(gaps, chaotic)``, ``chaotic`` True where the run and its twins end more than a factor 2 apart."""
    lrs = tuple(_validate.positive("lrs", lr) for lr in lrs)
    if not lrs:
        raise ValueError("lrs must hold at least one learning rate")
    steps = _validate.count("steps", steps, minimum=1, maximum=MAX_STEPS)
    if not isinstance(twins, bool):
        raise TypeError(f"twins must be True or False, got {_validate.show(twins)}")
    names = [key for key in OPTIMIZERS if key in GALLERY_OPTIMIZERS]
    result = {}
    for landscape in GALLERY_LR:
        objective = get_objective(landscape)
        start = np.asarray(objective.start, dtype=float)
        starts = np.vstack([start, start + NUDGE * np.eye(start.size)]) if twins else start[None]
        per_lr = len(starts)  # rows per learning rate: the start (and its twins)
        rule = _Stacked([(OPTIMIZERS[key](lr=1.0), np.repeat(lrs, per_lr)) for key in names])
        gaps = np.reshape(_final_gaps_side_by_side(objective, rule, np.tile(starts, (len(names) * len(lrs), 1)), steps),
                          (len(names), len(lrs), per_lr))
        if twins:
            chaotic = _chaotic(gaps)
            result[landscape] = {key: (g[:, 0], c) for key, g, c in zip(names, gaps, chaotic)}
        else:
            result[landscape] = dict(zip(names, gaps[:, :, 0]))
    return result


def plot_gallery(runs):
    """Notebook 06's gallery figure of ``gallery_runs()``: one contour plot per landscape, one legend."""
    import matplotlib.pyplot as plt

    from ..plotting import COLORS, plot_contour
    steps = max(t.steps for traces in runs.values() for t in traces)
    fig, axes = plt.subplots(2, 3, figsize=(13, 8.5), dpi=72)
    fig.subplots_adjust(left=0.05, right=0.98, bottom=0.06, top=0.86, wspace=0.25, hspace=0.38)
    for ax, (name, traces) in zip(axes.flat, runs.items()):
        objective = get_objective(name)
        parts = plot_contour(objective, traces, ax=ax, bounds=objective.bounds, levels=15, n=60)
        ax.get_legend().remove()
        for line, trace in zip(parts["trajectories"], traces):  # paths that run together stay apart by style and width
            line.set(linestyle=GALLERY_LINESTYLES.get(trace.optimizer, "-"),
                     linewidth=GALLERY_WIDTHS.get(trace.optimizer, 1.0), marker="none")
        if parts["minima"] is not None:  # every minimum's star above the paths, a run's end cross inside it
            parts["minima"].set_zorder(7)
        for trace in traces:  # where each run ended, on top of every path: a path hidden under another still shows
            ax.plot(*trace.x, marker="X", markersize=6, color=COLORS[trace.optimizer], markeredgecolor="white",
                    markeredgewidth=0.6, linestyle="none", zorder=8)
        ax.locator_params(nbins=5)
        lr_plain, lr_adaptive = GALLERY_LR[name]
        ax.set_title(f"{name.replace('_', ' ')}\nlr {lr_plain:g} (GD, momentum), {lr_adaptive:g} (adaptive)")
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="upper center", ncol=len(labels), frameon=False, bbox_to_anchor=(0.5, 0.955))
    fig.suptitle(f"{len(next(iter(runs.values())))} optimizers on every landscape, {steps} steps "
                 "(a cross marks where each run ended, a star each minimum)", fontsize="x-large")
    return fig
