"""Experiments a notebook runs and a lecture figure redraws, defined once so the two cannot drift apart.

- The gallery of notebook 06: every optimizer on every landscape, each landscape with two learning
  rates (``GALLERY_LR``): ``gallery_runs`` and ``plot_gallery``.
- The sensitivity maps of notebook 06: RMSProp's and Adam's final loss gap on Rosenbrock over a grid
  of learning rate x rho (or beta1): ``sensitivity_map`` and ``plot_sensitivity_maps``.
- Two rules for a run whose end is a matter of chance, so that it gets a word instead of a number:
  ``gap_and_chaos`` (notebooks 03 and 06: twin starts a billionth apart end more than a factor 2
  apart) and ``bounces`` (notebook 07: the loss climbed back above twice its lowest value).
"""
import copy
import dataclasses
from dataclasses import dataclass

import numpy as np

from . import _validate
from .loop import MAX_STEPS, _descend
from .objectives import NoisyObjective, Objective, get_objective
from .optimizers import OPTIMIZERS, Optimizer
from .run import minimize

# --------------------------------------------------------------------------- runs whose end is chance

#: How far the twin starts of ``gap_and_chaos`` are moved: a billionth, far less than anyone would
#: ever notice in a start point.
NUDGE = 1e-9


def final_gap(trace, objective):
    """The loss gap f - f* at the end of ``trace`` (f itself where f* is unknown); inf if the run diverged."""
    if trace.status == "diverged":
        return np.inf
    return trace.f - (objective.min_value or 0.0)


def gap_and_chaos(objective, optimizer, steps, x0=None, nudge=NUDGE):
    """The final loss gap of a run, and whether that number is chance (``(gap, chaotic)``).

    The run is repeated from twin starts: ``x0`` (default: the objective's start) moved by ``nudge``
    in one coordinate at a time (in x, then in y). ``chaotic`` is True when the final gaps of the
    run and its twins differ by more than a factor 2 (the largest above twice the smallest): then
    where the run ends is decided by a billionth in the start - and by the rounding of the computer -
    not by the settings. A run that diverges has gap inf: so it is chaotic when only some twins diverge.
    """
    if not isinstance(objective, Objective):
        raise TypeError(f"objective must be an Objective such as rosenbrock, got {_validate.show(objective)}")
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"optimizer must be an optimizer such as RMSProp(lr=0.1), got {_validate.show(optimizer)}")
    nudge = _validate.positive("nudge", nudge)
    steps = _validate.count("steps", steps, minimum=1, maximum=MAX_STEPS)
    start = _validate.finite_array("x0", objective.start if x0 is None else x0)
    if objective.dim is not None and start.shape != (objective.dim,):
        raise ValueError(f"x0 must have shape ({objective.dim},) for {objective.name}, got shape {start.shape}")
    starts = np.vstack([start, start + nudge * np.eye(start.size)])  # one row per run: the start, then its twins
    if isinstance(objective, NoisyObjective):  # each run must see the same noise: one after the other
        gaps = [final_gap(minimize(objective, optimizer, x0=s, steps=steps), objective) for s in starts]
    else:  # the runs side by side, as the rows of one stack: one loop instead of one per run
        gaps = _final_gaps_side_by_side(objective, optimizer, starts, steps)
    return gaps[0], bool(max(gaps) > 2 * min(gaps))


class _PerRowLR:
    """``optimizer`` with a learning rate of its own for each row of a stack of runs: the rule run at
    lr 1, its update multiplied by ``lrs`` (one per row). Every rule of the series multiplies its whole
    update by lr and keeps lr out of its state, so each row is the run at its own learning rate (up
    to rounding: the product is taken in another order)."""

    def __init__(self, optimizer, lrs):
        self.rule = dataclasses.replace(optimizer, lr=1.0)
        self.squares_gradient = self.rule.squares_gradient
        self.lrs = np.asarray(lrs, dtype=float)[:, None]

    def _init(self, shape):
        return self.rule._init(shape)

    def _update(self, g, state, *x):  # x: the current point, for the rules that read it (weight decay)
        update, state = self.rule._update(g, state, *x)
        return update * self.lrs, state


class _Stacked:
    """Several optimizers, each on its own block of rows of one stack (``_PerRowLR`` each): ``groups`` is a
    list of ``(optimizer, lrs)``, the rows in that order."""

    def __init__(self, groups):
        self.parts = [_PerRowLR(optimizer, lrs) for optimizer, lrs in groups]
        self.squares_gradient = any(part.squares_gradient for part in self.parts)
        ends = np.cumsum([len(part.lrs) for part in self.parts])
        self.rows = [slice(end - len(part.lrs), end) for part, end in zip(self.parts, ends)]

    def _init(self, shape):
        return tuple(part._init((rows.stop - rows.start,) + shape[1:]) for part, rows in zip(self.parts, self.rows))

    def _update(self, g, state, *x):
        pieces = [part._update(g[rows], part_state, *(a[rows] for a in x))
                  for part, rows, part_state in zip(self.parts, self.rows, state)]
        return np.concatenate([update for update, _ in pieces]), tuple(new for _, new in pieces)


def _final_gaps_side_by_side(objective, optimizer, starts, steps):
    """The final gap of a run from each row of ``starts`` (inf for a run that diverged), in one loop."""
    objective.reset()
    run = _descend(copy.copy(optimizer), starts, steps, lambda rows: objective.gradient(rows.T).T,
                   lambda rows: objective.f(rows.T), rows=True, keep=("fs",), source=f"objective {objective.name!r}")
    finals = run.fs[run.ended, np.arange(len(starts))] - (objective.min_value or 0.0)
    return list(np.where(run.ended < steps, np.inf, finals))


def bounces(losses, window=50):
    """True when, in the last ``window`` values of ``losses``, the loss climbed back above twice its lowest
    value so far (a loss that only falls never bounces, however fast it falls).

    Where such a run stops is a matter of luck, so its last loss is no measure of its settings
    (notebook 07; a diverged run is a different matter and is not tested here)."""
    losses = _validate.real_array("losses", losses)
    window = _validate.count("window", window, minimum=1)
    if losses.ndim != 1 or losses.size == 0:
        raise ValueError(f"losses must be a non-empty sequence of numbers, got shape {losses.shape}")
    tail = losses[-window:]
    return bool(np.any(tail > 2 * np.minimum.accumulate(tail)))


# --------------------------------------------------------------------------- noise floors (notebook 06)

def noisy_loss_gaps(optimizer, lrs, runs=4, steps=300, landscape="elongated_bowl", sigma=0.5, seed=0):
    """The loss gap f - f* of ``optimizer`` at every step, with Gaussian noise of size ``sigma`` added to
    every gradient: an array of shape ``(len(lrs), runs, steps + 1)``, one row per learning rate in ``lrs``
    and noise stream, all started at the landscape's start (inf after a run diverged).

    The ``runs`` noise streams come from ``np.random.default_rng(seed)``; every learning rate sees the same
    streams, so two learning rates differ by the learning rate alone. All runs go side by side in one loop.
    ``noisy_loss_gaps_of`` does the same for several optimizers at once.
    """
    return noisy_loss_gaps_of([(optimizer, lrs)], runs, steps, landscape, sigma, seed)[0]


def noisy_loss_gaps_of(groups, runs=4, steps=300, landscape="elongated_bowl", sigma=0.5, seed=0):
    """``[noisy_loss_gaps(optimizer, lrs, ...) for optimizer, lrs in groups]``, every run in one loop (and
    every optimizer seeing the same noise streams)."""
    if isinstance(groups, (str, bytes)) or not hasattr(groups, "__iter__"):
        raise TypeError(f"groups must be a list of (optimizer, lrs) pairs, got {_validate.show(groups)}")
    checked = []
    for group in groups:
        if isinstance(group, (str, bytes)) or not hasattr(group, "__len__") or len(group) != 2:
            raise TypeError(f"groups must be a list of (optimizer, lrs) pairs, got {_validate.show(group)}")
        optimizer, lrs = group
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"optimizer must be an optimizer such as Adam(lr=0.05), got {_validate.show(optimizer)}")
        checked.append((optimizer, np.array([_validate.positive("lrs", lr) for lr in np.atleast_1d(lrs)])))
    if not checked:
        raise ValueError("groups must hold at least one (optimizer, lrs) pair")
    runs = _validate.count("runs", runs, minimum=1, maximum=1000)
    steps = _validate.count("steps", steps, minimum=1, maximum=MAX_STEPS)
    sigma = _validate.nonnegative("sigma", sigma)
    seed = _validate.count("seed", seed)
    objective = get_objective(landscape)
    if isinstance(objective, NoisyObjective):
        raise ValueError(f"landscape must be a landscape without noise (sigma adds the noise), got {landscape!r}")
    start = np.asarray(objective.start, dtype=float)
    rng = np.random.default_rng(seed)
    blocks = sum(len(lrs) for _, lrs in checked)  # one block of `runs` rows per (optimizer, lr)

    def gradient(rows):
        return objective.gradient(rows.T).T + np.tile(sigma * rng.standard_normal((runs, start.size)), (blocks, 1))

    rule = _Stacked([(optimizer, np.repeat(lrs, runs)) for optimizer, lrs in checked])
    run = _descend(rule, np.tile(start, (blocks * runs, 1)), steps, gradient, lambda rows: objective.f(rows.T),
                   rows=True, keep=("fs",), source=f"objective {objective.name!r}")
    gaps = np.full((steps + 1, blocks * runs), np.inf)
    gaps[:len(run.fs)] = run.fs - (objective.min_value or 0.0)
    gaps[np.arange(steps + 1)[:, None] > run.ended] = np.inf
    gaps = gaps.T.reshape(blocks, runs, steps + 1)
    ends = np.cumsum([len(lrs) for _, lrs in checked])
    return [gaps[end - len(lrs):end] for (_, lrs), end in zip(checked, ends)]


# --------------------------------------------------------------------------- the gallery (notebook 06)

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
            chaotic = gaps.max(axis=2) > 2 * gaps.min(axis=2)
            result[landscape] = {key: (g[:, 0], c) for key, g, c in zip(names, gaps, chaotic)}
        else:
            result[landscape] = dict(zip(names, gaps[:, :, 0]))
    return result


def plot_gallery(runs):
    """Notebook 06's gallery figure of ``gallery_runs()``: one contour plot per landscape, one legend."""
    import matplotlib.pyplot as plt

    from .plotting import COLORS, plot_contour
    steps = max(t.steps for traces in runs.values() for t in traces)
    fig, axes = plt.subplots(2, 3, figsize=(13, 8.5), dpi=72)
    fig.subplots_adjust(left=0.05, right=0.98, bottom=0.06, top=0.86, wspace=0.25, hspace=0.38)
    for ax, (name, traces) in zip(axes.flat, runs.items()):
        objective = get_objective(name)
        parts = plot_contour(objective, traces, ax=ax, bounds=objective.bounds, levels=15, n=60)
        ax.get_legend().remove()
        for line, trace in zip(parts["trajectories"], traces):  # paths that run together stay apart by style
            line.set_linestyle(GALLERY_LINESTYLES.get(trace.optimizer, "-"))
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


# --------------------------------------------------------------------------- sensitivity maps (notebook 06)

#: The learning rates of the sensitivity maps, and the values of rho (RMSProp) and beta1 (Adam).
SENSITIVITY_LRS = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0)
RHOS = (0.5, 0.9, 0.99, 0.999)
BETA1S = (0.0, 0.5, 0.9, 0.99)


@dataclass(frozen=True)
class SensitivityMap:
    """The final loss gaps of one optimizer over a grid: one row per value of ``row_name``, one column
    per learning rate. ``gaps`` is inf where the run diverged; ``chaotic`` marks the cells whose gap
    is chance (see ``gap_and_chaos``)."""

    optimizer: str
    row_name: str
    row_values: tuple
    lrs: tuple
    gaps: np.ndarray
    chaotic: np.ndarray
    landscape: str
    steps: int

    def kept(self):
        """``gaps`` with the diverged and chaotic cells set to NaN: the numbers that say something."""
        return np.where(np.isfinite(self.gaps) & ~self.chaotic, self.gaps, np.nan)


def sensitivity_map(optimizer, row_name, row_values, lrs=SENSITIVITY_LRS, landscape="rosenbrock", steps=300):
    """Run ``optimizer`` (a name such as "RMSProp") for every learning rate in ``lrs`` and every value of
    its hyperparameter ``row_name`` in ``row_values``, from the landscape's start; return a ``SensitivityMap``."""
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {list(OPTIMIZERS)}, got {_validate.show(optimizer)}")
    objective = get_objective(landscape)
    steps = _validate.count("steps", steps, minimum=1)
    lrs = tuple(_validate.positive("lrs", lr) for lr in lrs)
    if isinstance(objective, NoisyObjective):  # each run must see the same noise: cell after cell
        cells = [[gap_and_chaos(objective, OPTIMIZERS[optimizer](lr=lr, **{row_name: value}), steps) for lr in lrs]
                 for value in row_values]
    else:  # each row of the map in one loop: every learning rate and its twin starts side by side
        cells = [_row_of_map(objective, OPTIMIZERS[optimizer](lr=lrs[0], **{row_name: value}), lrs, steps)
                 for value in row_values]
    return SensitivityMap(optimizer, row_name, tuple(row_values), tuple(lrs),
                          np.array([[gap for gap, _ in row] for row in cells]),
                          np.array([[flag for _, flag in row] for row in cells]), landscape, steps)


def _row_of_map(objective, optimizer, lrs, steps):
    """``[(gap, chaotic) for lr in lrs]`` of ``gap_and_chaos``, with every run of the row in one stack."""
    start = np.asarray(objective.start, dtype=float)
    twins = np.vstack([start, start + NUDGE * np.eye(start.size)])
    gaps = _final_gaps_side_by_side(objective, _PerRowLR(optimizer, np.repeat(lrs, len(twins))),
                                    np.tile(twins, (len(lrs), 1)), steps)
    gaps = np.reshape(gaps, (len(lrs), len(twins)))
    return [(row[0], bool(row.max() > 2 * row.min())) for row in gaps]


def draw_sensitivity_map(ax, result, title):
    """``result`` as a heat map of log10(gap) on ``ax`` (darker is better); diverged and chaotic cells
    get a word and no colour. Returns the image, for a colour bar."""
    logs = np.log10(result.gaps)
    shown = np.isfinite(logs) & ~result.chaotic
    image = ax.imshow(np.where(shown, logs, np.nan), cmap="viridis", origin="lower", aspect="auto", vmin=-2, vmax=1.5)
    for i in range(logs.shape[0]):
        for j in range(logs.shape[1]):
            text = "div" if not np.isfinite(logs[i, j]) else "chaotic" if result.chaotic[i, j] else f"{logs[i, j]:.1f}"
            ax.text(j, i, text, ha="center", va="center", fontsize="small",
                    color="white" if shown[i, j] and logs[i, j] < 0 else "black")
    ax.set_xticks(range(len(result.lrs)), [f"{lr:g}" for lr in result.lrs])
    ax.set_yticks(range(len(result.row_values)), [f"{v:g}" for v in result.row_values])
    ax.set_xlabel("learning rate")
    ax.set_ylabel(result.row_name)
    ax.set_title(title)
    return image


def plot_sensitivity_maps(rmsprop_map, adam_map):
    """Notebook 06's figure: the RMSProp map (lr x rho) beside the Adam map (lr x beta1)."""
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(13, 4.6), dpi=72)
    fig.subplots_adjust(top=0.83, wspace=0.22)
    draw_sensitivity_map(left, rmsprop_map, "RMSProp")
    image = draw_sensitivity_map(right, adam_map, "Adam (beta2 = 0.999)")
    fig.colorbar(image, ax=[left, right], label="log10 of the final f - f*", extend="both")  # cells beyond clip
    fig.suptitle(f"{rmsprop_map.landscape.replace('_', ' ').capitalize()}, final loss gap after {rmsprop_map.steps} steps "
                 "(darker is better)", fontsize="x-large")
    return fig
