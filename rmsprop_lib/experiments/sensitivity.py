"""The sensitivity maps of notebook 06: RMSProp's and Adam's final loss gap on Rosenbrock over a grid of
learning rate x rho (or beta1)."""
from dataclasses import dataclass

import numpy as np

from .. import _validate
from ..objectives import NoisyObjective, get_objective
from ..optimizers import OPTIMIZERS
from .chaos import gap_and_chaos, lr_sweep

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
        cells = [lr_sweep(objective, OPTIMIZERS[optimizer](lr=lrs[0], **{row_name: value}), lrs, steps)
                 for value in row_values]
    return SensitivityMap(optimizer, row_name, tuple(row_values), tuple(lrs),
                          np.array([[gap for gap, _ in row] for row in cells]),
                          np.array([[flag for _, flag in row] for row in cells]), landscape, steps)


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
