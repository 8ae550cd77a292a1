"""Every lecture figure: its file name, caption, notebook and the function that draws it."""
from dataclasses import dataclass
from typing import Callable

from rmsprop_lib import _validate

from . import adaptive, comparisons, first_steps


@dataclass(frozen=True)
class Figure:
    """One lecture figure: ``name`` (the file stem), its caption, its notebook and how to draw it."""

    name: str
    caption: str
    notebook: str
    draw: Callable = None

    def filename(self, fmt="png"):
        return f"{self.name}.{fmt}"


#: Every lecture figure, in lecture order.
FIGURES = (
    Figure("bowl_surface_contour", "The bowl x² + y² as a surface and as contours.",
           "01_gradient_descent", first_steps.bowl_surface_contour),
    Figure("learning_rate_regimes", "Gradient descent on x² with a learning rate too small, about right and too large.",
           "01_gradient_descent", first_steps.learning_rate_regimes),
    Figure("elongated_bowl_paths", "Each optimizer's path on the elongated bowl x² + 10y².",
           "01_gradient_descent", first_steps.elongated_bowl_paths),
    Figure("adagrad_effective_lr", "When the gradient shrinks, AdaGrad's effective learning rate stays small (it "
           "decays like 1/√t); RMSProp's grows back.", "02_adagrad", adaptive.adagrad_effective_lr),
    Figure("rmsprop_ema_weights", "The weights RMSProp's moving average gives past squared gradients, per rho.",
           "03_rmsprop", adaptive.rmsprop_ema_weights),
    Figure("rmsprop_vs_adagrad", "RMSProp keeps moving along Rosenbrock's valley where AdaGrad stalls.",
           "03_rmsprop", adaptive.rmsprop_vs_adagrad),
    Figure("regression_loss_curves", "RMSProp on linear regression: full batch and shuffled mini-batches.",
           "04_rmsprop_regression", adaptive.regression_loss_curves),
    Figure("bias_correction", "Adam's first updates with and without bias correction.",
           "05_adam", comparisons.bias_correction),
    Figure("four_optimizers_comparison", "Effective learning rate and parameter path of gradient descent, AdaGrad, "
           "RMSProp and Adam on one gradient sequence.", "05_adam", comparisons.four_optimizers_comparison),
    Figure("gallery", "Every optimizer on every landscape (notebook 06's gallery).", "06_playground",
           comparisons.gallery),
    Figure("sensitivity_heat_maps", "RMSProp's and Adam's loss on Rosenbrock after 300 steps for each learning rate "
           "and rho or beta1, chaotic runs marked.", "06_playground", comparisons.sensitivity_heat_maps),
    Figure("mlp_comparison", "Training a small network with each optimizer, over five seeds.",
           "07_neural_network", comparisons.mlp_comparison),
)


def select(names=None):
    """The ``Figure`` entries called ``names`` (a list of names; all when None or empty), in lecture order."""
    if names is None:
        return FIGURES
    if isinstance(names, (str, bytes)) or not isinstance(names, (list, tuple)):
        raise TypeError(f"names must be a list of figure names such as ['gallery'], got {_validate.show(names)}")
    if not names:
        return FIGURES
    known = {f.name: f for f in FIGURES}
    unknown = [n for n in names if not isinstance(n, str) or n not in known]
    if unknown:
        raise ValueError(f"unknown figure(s) {unknown}; choose from {list(known)}")
    return tuple(f for f in FIGURES if f.name in names)
