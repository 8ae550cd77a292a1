"""The playground's settings, checked when they are made, and ``compute``, which runs them.

The hyperparameters besides ``lr`` come from the optimizer registry: every ``Control`` an
optimizer class declares (``OPTIMIZERS[name].controls``) is a setting of that name, with the
control's default. So an optimizer added to the registry gets its settings (and its sliders, see
``app``) with no change here. A name declared by several optimizers (say ``beta1`` by Adam and
AdamW) is ONE setting and one slider, given to each of them; their declarations must then agree
on range, default and scale, or importing the playground fails with a message naming both.
"""
import dataclasses
import inspect
import numbers
from typing import Optional

import numpy as np

from .. import _validate
from ..objectives import get_objective, with_noise
from ..optimizers import OPTIMIZERS
from ..run import minimize
from .landscapes import LANDSCAPES, split_landscape

#: The optimizers the playground can show, in legend order.
OPTIMIZER_NAMES = tuple(OPTIMIZERS)

#: Range of the learning-rate sliders (log scale) and the largest number of steps.
LR_RANGE = (1e-4, 10.0)
MAX_STEPS = 2000
#: Range of the noise slider (the size of the noise added to every gradient on a noisy landscape),
#: of the epsilon slider (log scale), and the largest number of noise draws shown at once.
NOISE_RANGE = (0.0, 2.0)
EPS_RANGE = (1e-12, 1.0)
MAX_RUNS = 8

#: The settings every optimizer shares (or that name optimizers); the others are the registry's controls.
_COMMON = ("landscape", "optimizers", "lr", "lrs", "epsilon", "bias_correction", "noise", "start", "steps", "seed",
           "runs")


def takes(name, hyperparameter):
    """Does the optimizer ``name`` have the hyperparameter ``hyperparameter`` (say ``eps``)?"""
    return hyperparameter in inspect.signature(OPTIMIZERS[name]).parameters


def declared_controls(name):
    """The ``Control``s (sliders besides lr) the optimizer ``name`` declares, in its order."""
    return tuple(OPTIMIZERS[name].controls)


def _collect_controls():
    """``({setting: Control}, {setting: optimizer names using it})`` over the whole registry."""
    controls, users = {}, {}
    for optimizer in OPTIMIZERS:
        for control in declared_controls(optimizer):
            if control.name in _COMMON:
                raise ValueError(f"{optimizer} declares a control {control.name!r}, which is a setting every "
                                 f"optimizer shares; a control must be one of its own hyperparameters")
            first = controls.setdefault(control.name, control)
            if (first.low, first.high, first.default, first.log) != (control.low, control.high,
                                                                     control.default, control.log):
                raise ValueError(f"{users[control.name][0]} and {optimizer} both declare the control "
                                 f"{control.name!r}, with different ranges, defaults or scales ({first} and "
                                 f"{control}): a shared name is one slider, so the declarations must agree")
            users.setdefault(control.name, []).append(optimizer)
    return controls, {name: tuple(names) for name, names in users.items()}


#: Every hyperparameter setting besides lr (a slider each), in legend order of the first
#: optimizer declaring it, and the optimizers each one is given to.
CONTROLS, CONTROL_USERS = _collect_controls()


def control_label(name):
    """The text beside the slider of the setting ``name``: its declared label (the name if none);
    for a setting several optimizers share with different labels, the name and who uses it."""
    labels = {control.label or name for optimizer in CONTROL_USERS[name]
              for control in declared_controls(optimizer) if control.name == name}
    if len(labels) == 1:
        return labels.pop()
    return f"{name} ({', '.join(OPTIMIZERS[o].label for o in CONTROL_USERS[name])})"


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
            raise ValueError("start must be finite, got a whole number too large for a float") from None
        if not np.isfinite(coordinate):
            raise ValueError(f"start must contain only finite numbers, got {value!r}")
        point.append(coordinate)
    (x0, x1), (y0, y1) = get_objective(landscape).bounds
    if not (x0 <= point[0] <= x1 and y0 <= point[1] <= y1):
        raise ValueError(f"start must lie in the area the playground shows for {landscape}: x in [{x0:g}, {x1:g}] "
                         f"and y in [{y0:g}, {y1:g}]; got ({point[0]:g}, {point[1]:g})")
    return tuple(point)


def _own_lrs(value):
    """``lrs`` checked: ``{optimizer name: lr}`` (or pairs) as a tuple of pairs in legend order."""
    allowed = f"a dict {{optimizer name: learning rate}} with names from {list(OPTIMIZER_NAMES)}"
    if isinstance(value, dict):
        value = tuple(value.items())
    if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
        raise TypeError(f"lrs must be {allowed}; got {value!r}")
    pairs = {}
    for pair in value:
        if isinstance(pair, (str, bytes)) or not hasattr(pair, "__len__") or len(pair) != 2:
            raise TypeError(f"lrs must be {allowed}; got {value!r}")
        name, lr = pair
        if not isinstance(name, str) or name not in OPTIMIZERS:
            raise (TypeError if not isinstance(name, str) else ValueError)(f"lrs must be {allowed}; got {name!r}")
        pairs[name] = _validate.positive(f"lrs[{name!r}]", lr)
    return tuple((n, pairs[n]) for n in OPTIMIZER_NAMES if n in pairs)


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


class _SettingsMethods:
    """The methods of ``PlaygroundSettings`` (its fields are made from the registry below)."""

    def __post_init__(self):
        def set_(name, value):
            object.__setattr__(self, name, value)

        if not isinstance(self.landscape, str):
            raise TypeError(f"landscape must be a string, one of {list(LANDSCAPES)}; got {self.landscape!r}")
        if self.landscape not in LANDSCAPES:
            raise ValueError(f"landscape must be one of {list(LANDSCAPES)}; got {self.landscape!r}")
        set_("optimizers", _optimizer_names(self.optimizers))
        set_("lr", _validate.positive("lr", self.lr))
        set_("lrs", _own_lrs(self.lrs))
        if self.epsilon is not None:
            set_("epsilon", _validate.positive("epsilon", self.epsilon))
        if not isinstance(self.bias_correction, (bool, np.bool_)):
            raise TypeError(f"bias_correction must be True or False, got {self.bias_correction!r}")
        set_("bias_correction", bool(self.bias_correction))
        set_("noise", _validate.nonnegative("noise", self.noise))
        if self.noise > NOISE_RANGE[1]:
            raise ValueError(f"noise must be between {NOISE_RANGE[0]:g} and {NOISE_RANGE[1]:g}, got {self.noise:g}")
        set_("runs", _validate.count("runs", self.runs, minimum=1, maximum=MAX_RUNS))
        for name in CONTROLS:
            set_(name, _validate.number(name, getattr(self, name)))
        for optimizer in OPTIMIZER_NAMES:  # each optimizer checks its own values, as declared there
            self.optimizer(optimizer)
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

    @property
    def noise_seed(self):
        """The seed of the gradient noise, or None on a landscape without noise."""
        return self.seed if split_landscape(self.landscape)[1] else None

    def objective(self, run=0):
        """The landscape as an ``Objective``: noisy ones with noise of size ``noise``, seeded with
        ``seed + run`` (``run`` counts the noise draws shown, from 0)."""
        objective = get_objective(self.landscape)
        if self.noise_seed is not None and (self.seed + run, self.noise) != (objective.seed, objective.sigma):
            objective = with_noise(objective.base, self.noise, seed=self.seed + run)
        return objective

    def lr_of(self, name):
        """The learning rate of the optimizer ``name``: its own (``lrs``) or the shared ``lr``."""
        return dict(self.lrs).get(name, self.lr)

    def start_point(self):
        """The start point as an array (the landscape's suggestion when ``start`` is None)."""
        if self.start is None:
            return get_objective(self.landscape).start_point()
        return np.array(self.start, dtype=float)

    def hyperparameters(self, name):
        """The keyword arguments the optimizer ``name`` is built with: its lr, its declared controls,
        ``eps = epsilon`` (unless None, and unless it declares an ``eps`` control of its own) and
        ``bias_correction=False`` (when switched off) if it has them."""
        if not isinstance(name, str):
            raise TypeError(f"name must be one of {list(OPTIMIZER_NAMES)}, got {name!r}")
        if name not in OPTIMIZERS:
            raise ValueError(f"name must be one of {list(OPTIMIZER_NAMES)}, got {name!r}")
        extra = {}
        declared = {c.name for c in declared_controls(name)}
        if self.epsilon is not None and takes(name, "eps") and "eps" not in declared:
            extra["eps"] = self.epsilon
        if not self.bias_correction and takes(name, "bias_correction"):
            extra["bias_correction"] = False
        return {"lr": self.lr_of(name), **{c.name: getattr(self, c.name) for c in declared_controls(name)}, **extra}

    def optimizer(self, name):
        """The optimizer ``name`` built from these settings."""
        hyperparameters = self.hyperparameters(name)  # checks the name
        return OPTIMIZERS[name](**hyperparameters)


PlaygroundSettings = dataclasses.make_dataclass(
    "PlaygroundSettings",
    [("landscape", str, dataclasses.field(default="elongated_bowl")),
     ("optimizers", tuple, dataclasses.field(default=("GradientDescent", "Momentum", "RMSProp", "Adam"))),
     ("lr", float, dataclasses.field(default=0.05)),
     ("lrs", tuple, dataclasses.field(default=()))]
    + [(name, float, dataclasses.field(default=control.default)) for name, control in CONTROLS.items()]
    + [("epsilon", Optional[float], dataclasses.field(default=None)),
       ("bias_correction", bool, dataclasses.field(default=True)),
       ("noise", float, dataclasses.field(default=get_objective("noisy_bowl").sigma)),
       ("start", Optional[tuple], dataclasses.field(default=None)),
       ("steps", int, dataclasses.field(default=300)),
       ("seed", int, dataclasses.field(default=0)),
       ("runs", int, dataclasses.field(default=1))],
    bases=(_SettingsMethods,), frozen=True)
PlaygroundSettings.__module__ = __name__
PlaygroundSettings.__doc__ = f"""Everything the playground shows, checked on creation.

    - ``landscape``: one of ``LANDSCAPES`` (``"noisy_<name>"`` adds Gaussian noise of size 0.5
      to every gradient, drawn from ``seed``);
    - ``optimizers``: names from ``OPTIMIZER_NAMES`` (stored in legend order, without repeats);
    - ``lr``: the learning rate of every optimizer without one of its own, > 0;
    - ``lrs``: the optimizers with a learning rate of their own, ``{{name: lr}}`` (stored as pairs in
      legend order), so that each can be compared at a learning rate that suits it;
    - one setting per control the optimizers declare ({", ".join(
        f"``{n}`` ({', '.join(CONTROL_USERS[n])})" for n in CONTROLS)}), given to the optimizers
      declaring it and checked by them (each optimizer is built once from the settings);
    - ``epsilon``: the ``eps`` of every optimizer that has one (and no ``eps`` slider of its own),
      > 0, or None for each one's default;
    - ``bias_correction``: False switches it off in the optimizers that have it (Adam), True or False;
    - ``noise``: the size of the noise on a noisy landscape, 0 to 2 (default 0.5);
    - ``start``: the start point ``(x, y)`` inside the landscape's drawn area (its ``bounds``),
      or ``None`` for the landscape's suggested start;
    - ``steps``: number of updates, 1 to ``MAX_STEPS``;
    - ``seed``: the noise seed of a noisy landscape (ignored otherwise), a whole number >= 0;
    - ``runs``: on a noisy landscape, how many noise draws to run and overlay (seeds ``seed``,
      ``seed + 1``, ...), 1 to ``MAX_RUNS``; the first is the one ``compute`` returns.
    """

#: The names of the settings, in the order of ``PlaygroundSettings``'s fields.
SETTING_NAMES = tuple(f.name for f in dataclasses.fields(PlaygroundSettings))


def run_one(settings, name, objective=None):
    """The run of the optimizer ``name`` with ``settings`` (on ``objective``, by default the settings')."""
    objective = settings.objective() if objective is None else objective
    return minimize(objective, settings.optimizer(name), settings.start_point(), steps=settings.steps)


def first_updates(trace, steps):
    """The run ``trace`` cut to its first ``steps`` updates: the ``Trace`` a run of ``steps`` updates
    gives (a run does not depend on how many updates follow). A run that diverged within ``steps``
    updates is returned whole."""
    if trace.steps < steps or (trace.steps == steps and trace.status != "diverged"):
        return trace
    head = dataclasses.replace(trace, xs=trace.xs[:steps + 1], fs=trace.fs[:steps + 1], grads=trace.grads[:steps],
                               updates=trace.updates[:steps], status="max_steps")
    head.effective_lrs = trace.effective_lrs[:steps]  # computed once for the whole run, then cut
    return head


def compute(settings):
    """Run every optimizer of ``settings`` on its landscape: a list of ``Trace``, in legend order
    (on a noisy landscape, the runs with the first noise draw, seed ``seed``)."""
    if not isinstance(settings, PlaygroundSettings):
        raise TypeError(f"settings must be a PlaygroundSettings, got {type(settings).__name__}")
    objective = settings.objective()
    return [run_one(settings, name, objective) for name in settings.optimizers]


def draws(settings):
    """How many noise draws ``settings`` shows: ``runs`` on a noisy landscape, 1 otherwise."""
    return settings.runs if settings.noise_seed is not None else 1
