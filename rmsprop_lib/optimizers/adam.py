"""The Adam family: Adam (with its AMSGrad and weight-decay options), AdamW and Yogi.

Same conventions as ``rules``: each class states its hyperparameters, what the rest of the package
reads about it, and its rule, ``_update`` line for line the equation of its docstring.
"""
import math
from dataclasses import dataclass
from typing import NamedTuple, Optional

import numpy as np

from .._validate import decay_rate, flag, nonnegative
from .base import Control, Optimizer, _divide, hyperparameter


class AdamState(NamedTuple):
    """The state of Adam, AdamW and Yogi."""

    m: np.ndarray  #: moving average of gradients (first moment)
    v: np.ndarray  #: moving average of squared gradients (second moment)
    t: int  #: number of updates taken so far
    v_max: Optional[np.ndarray] = None  #: AMSGrad's running maximum of v (None without amsgrad)



def _adam_scale(opt, v, t):
    """``(sqrt(v_hat) + eps)`` for Adam-like rules, with v_hat = v / (1 - beta2^t) when bias-corrected."""
    c2 = 1 - opt.beta2**t if getattr(opt, "bias_correction", True) and t > 0 else 1.0  # t = 0: v is still 0
    return np.sqrt(v / c2) + opt.eps


@dataclass(frozen=True)
class Adam(Optimizer):
    r"""Adam: momentum (first moment) plus RMSProp (second moment), with bias correction.

    .. math::
        m \leftarrow \beta_1 m + (1-\beta_1) g, \quad
        v \leftarrow \beta_2 v + (1-\beta_2) g^2, \quad
        \hat m = \frac{m}{1-\beta_1^t}, \quad \hat v = \frac{v}{1-\beta_2^t}, \quad
        \text{update} = \eta\, \frac{\hat m}{\sqrt{\hat v} + \epsilon}

    Defaults: ``beta1=0.9``, ``beta2=0.999``, ``eps=1e-8`` (outside the root),
    ``bias_correction=True``; ``lr`` is required. ``t`` counts the updates taken (1 on the first).

    Options, as in ``torch.optim.Adam``:

    - ``weight_decay=wd > 0``: L2 regularisation *coupled* to the gradient: :math:`g \leftarrow g + wd\, x`
      before the moments (the gradient of :math:`\frac{wd}{2}\lVert x\rVert^2` added to the loss's). The
      decay is then divided by :math:`\sqrt{\hat v}` like the rest of the gradient; ``AdamW`` decouples it.
      The update needs ``x``.
    - ``amsgrad=True`` (AMSGrad, Reddi et al. 2018): divide by the running maximum of v,
      :math:`v_{max} \leftarrow \max(v_{max}, v)`, corrected as PyTorch does:
      :math:`\sqrt{v_{max} / (1-\beta_2^t)} + \epsilon`, so the denominator never shrinks (up to the correction).
    """

    beta1: float = hyperparameter(0.9, check=decay_rate)
    beta2: float = hyperparameter(0.999, check=decay_rate)
    eps: float = hyperparameter(1e-8, check=nonnegative)
    bias_correction: bool = hyperparameter(True, check=flag)
    weight_decay: float = hyperparameter(0.0, check=nonnegative)
    amsgrad: bool = hyperparameter(False, check=flag)

    label = "Adam"
    color = "#D55E00"  # vermillion
    controls = (Control("beta1", low=0.0, high=0.999, default=0.9, label="Adam beta1"),
                Control("beta2", low=0.9, high=0.9999, default=0.999, label="Adam beta2"))
    torch_name = "Adam"
    State = AdamState
    squares_gradient = True

    def torch_kwargs(self):
        if not self.bias_correction:
            raise ValueError("bias_correction must be True for torch.optim.Adam, which always corrects")
        return {"lr": self.lr, "betas": (self.beta1, self.beta2), "eps": self.eps, "weight_decay": self.weight_decay,
                "amsgrad": self.amsgrad}

    def needs_x(self):
        return self.weight_decay > 0

    def _unused(self):
        return () if self.amsgrad else ("v_max",)

    def _init(self, shape):
        return AdamState(m=np.zeros(shape), v=np.zeros(shape), t=0, v_max=np.zeros(shape) if self.amsgrad else None)

    def _update(self, g, state, x=None):
        t = state.t + 1
        lr = self._lr(state.t)
        if self.weight_decay > 0:
            g = g + self.weight_decay * x  # L2: its gradient joins g
        m = self.beta1 * state.m + (1 - self.beta1) * g
        v = self.beta2 * state.v + (1 - self.beta2) * g * g
        v_max = np.maximum(state.v_max, v) if self.amsgrad else state.v_max
        c1, c2 = (1 - self.beta1**t, 1 - self.beta2**t) if self.bias_correction else (1.0, 1.0)
        # update = lr * m_hat / (sqrt(v_hat) + eps) with m_hat = m / c1 and v_hat = v / c2 (v_max / c2 with
        # amsgrad). Multiplied through by sqrt(c2) it is the same number, computed in one new array (on 10^6
        # parameters each new array and each pass costs about as much as the arithmetic), as torch.optim.Adam does:
        root_c2 = math.sqrt(c2)
        update = _divide(m, np.sqrt(v_max if self.amsgrad else v) + self.eps * root_c2, self.eps)
        update *= lr * root_c2 / c1
        return update, AdamState(m, v, t, v_max)

    def _effective_lr(self, state):
        """``lr / (sqrt(v_hat) + eps)``: the factor applied to the corrected first moment ``m_hat``."""
        return _divide(self._last_lr(state), _adam_scale(self, state.v_max if self.amsgrad else state.v, state.t),
                       self.eps)


@dataclass(frozen=True)
class AdamW(Optimizer):
    r"""AdamW (Loshchilov & Hutter 2019): Adam with weight decay *decoupled* from the gradient.

    .. math::
        m \leftarrow \beta_1 m + (1-\beta_1) g, \quad
        v \leftarrow \beta_2 v + (1-\beta_2) g^2, \quad
        \text{update} = \eta\, \frac{\hat m}{\sqrt{\hat v} + \epsilon} + \eta\, wd\, x

    with :math:`\hat m, \hat v` bias-corrected as in ``Adam``. Every update shrinks x by the fraction
    ``lr * weight_decay``, whatever the gradient: the decay is not divided by :math:`\sqrt{\hat v}`,
    as ``Adam(weight_decay=...)``'s is. What ``torch.optim.AdamW`` computes (it multiplies x by
    ``1 - lr * wd`` first, then takes Adam's update). The update needs ``x``.

    Defaults: ``beta1=0.9``, ``beta2=0.999``, ``eps=1e-8``, ``weight_decay=0.01`` (PyTorch's);
    ``lr`` is required. ``effective_lr`` is Adam's, the factor on ``m_hat``; the decay comes on top.
    """

    beta1: float = hyperparameter(0.9, check=decay_rate)
    beta2: float = hyperparameter(0.999, check=decay_rate)
    eps: float = hyperparameter(1e-8, check=nonnegative)
    weight_decay: float = hyperparameter(0.01, check=nonnegative)

    label = "AdamW"
    color = "#CC79A7"  # reddish purple
    controls = (Control("beta1", low=0.0, high=0.999, default=0.9),
                Control("beta2", low=0.9, high=0.9999, default=0.999),
                Control("weight_decay", low=1e-4, high=1.0, default=0.01, log=True, label="AdamW weight decay"))
    torch_name = "AdamW"
    State = AdamState
    squares_gradient = True

    def torch_kwargs(self):
        return {"lr": self.lr, "betas": (self.beta1, self.beta2), "eps": self.eps, "weight_decay": self.weight_decay,
                "amsgrad": False}

    def needs_x(self):
        return self.weight_decay > 0

    def _unused(self):
        return ("v_max",)

    def _init(self, shape):
        return AdamState(m=np.zeros(shape), v=np.zeros(shape), t=0)

    def _update(self, g, state, x=None):
        t = state.t + 1
        lr = self._lr(state.t)
        m = self.beta1 * state.m + (1 - self.beta1) * g
        v = self.beta2 * state.v + (1 - self.beta2) * g * g
        c1, c2 = 1 - self.beta1**t, 1 - self.beta2**t
        root_c2 = math.sqrt(c2)  # lr * m_hat / (sqrt(v_hat) + eps), computed as in Adam
        update = _divide(m, np.sqrt(v) + self.eps * root_c2, self.eps)
        update *= lr * root_c2 / c1
        if self.weight_decay > 0:
            update += lr * self.weight_decay * x  # decoupled: x shrinks by lr * wd, whatever g is
        return update, AdamState(m, v, t)

    def _effective_lr(self, state):
        """``lr / (sqrt(v_hat) + eps)``: the factor applied to ``m_hat`` (the decay ``lr * wd * x`` comes on top)."""
        return _divide(self._last_lr(state), _adam_scale(self, state.v, state.t), self.eps)


@dataclass(frozen=True)
class Yogi(Optimizer):
    r"""Yogi (Zaheer et al. 2018): Adam whose second moment moves additively, by at most (1 - beta2) g^2.

    .. math::
        m \leftarrow \beta_1 m + (1-\beta_1) g, \quad
        v \leftarrow v - (1-\beta_2)\, \mathrm{sign}(v - g^2)\, g^2, \quad
        \text{update} = \eta\, \frac{\hat m}{\sqrt{\hat v} + \epsilon}

    with :math:`\hat m = m / (1-\beta_1^t)` and :math:`\hat v = v / (1-\beta_2^t)`. Adam's v moves
    toward g^2 by the fraction (1 - beta2) of the gap; Yogi's moves by (1 - beta2) g^2 in the
    direction of g^2. While g^2 is far above v the two grow alike; the difference is on the way down:
    after a burst of large gradients Adam's v shrinks by the fraction (1 - beta2) of itself per update,
    Yogi's only by (1 - beta2) g^2, so Yogi's effective learning rate cannot rise quickly.

    What optax's ``yogi`` (``scale_by_yogi``) computes: both moments start at ``initial_accumulator``
    (1e-6), and both are bias-corrected as in Adam. Zaheer et al. write the algorithm (their Algorithm 2)
    with m and v starting at zero and without bias correction; ``initial_accumulator=0`` gives their
    start, the correction stays. PyTorch has no Yogi (``torch_name`` is None).

    Defaults: ``beta1=0.9``, ``beta2=0.999``, ``eps=1e-3`` (the paper's and optax's; larger than
    Adam's), ``initial_accumulator=1e-6``; ``lr`` is required.
    """

    beta1: float = hyperparameter(0.9, check=decay_rate)
    beta2: float = hyperparameter(0.999, check=decay_rate)
    eps: float = hyperparameter(1e-3, check=nonnegative)
    initial_accumulator: float = hyperparameter(1e-6, check=nonnegative)

    label = "Yogi"
    color = "#999999"  # grey: the palette's yellow is the minimum marker's colour, and faint on white
    controls = (Control("beta1", low=0.0, high=0.999, default=0.9),
                Control("beta2", low=0.9, high=0.9999, default=0.999))
    torch_name = None  # torch.optim has no Yogi: the reference is optax's, derived in tests/test_optimizers.py
    State = AdamState
    squares_gradient = True

    def torch_kwargs(self):
        raise ValueError("Yogi has no torch.optim class (torch_name is None): it computes optax's yogi")

    def _unused(self):
        return ("v_max",)

    def _init(self, shape):
        return AdamState(m=np.full(shape, self.initial_accumulator), v=np.full(shape, self.initial_accumulator), t=0)

    def _update(self, g, state, x=None):
        t = state.t + 1
        g2 = g * g
        m = self.beta1 * state.m + (1 - self.beta1) * g
        v = state.v - (1 - self.beta2) * np.sign(state.v - g2) * g2
        m_hat, v_hat = m / (1 - self.beta1**t), v / (1 - self.beta2**t)
        update = self._lr(state.t) * _divide(m_hat, np.sqrt(v_hat) + self.eps, self.eps)
        return update, AdamState(m, v, t)

    def _effective_lr(self, state):
        """``lr / (sqrt(v_hat) + eps)``: the factor applied to the corrected first moment ``m_hat``."""
        return _divide(self._last_lr(state), _adam_scale(self, state.v, state.t), self.eps)
