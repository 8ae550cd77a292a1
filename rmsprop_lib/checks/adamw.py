"""AdamW: ``adamw_step(grad, m, v, t, x, lr, beta1, beta2, eps, weight_decay) -> (update, m_new, v_new)``.

The caller does ``x_new = x - update``; t is 1-based. The weight decay is decoupled from the gradient
and scaled by the learning rate, as in ``torch.optim.AdamW``: ``update = lr * weight_decay * x +
lr * m_hat / (np.sqrt(v_hat) + eps)``.
"""
import numpy as np

from ..optimizers import AdamState, AdamW
from ._engine import Exercise, check, collector

MISTAKES = []
mistake = collector(MISTAKES)
RETURN_NEW = "return what you just computed: `return update, m_new, v_new`."
_DECAY = "the weight-decay term: what multiplies `x`, and where is it added?"


def reference(grad, m, v, t, x, lr, beta1, beta2, eps, weight_decay):
    opt = AdamW(lr, beta1=beta1, beta2=beta2, eps=eps, weight_decay=weight_decay)
    update, state = opt.update(grad, AdamState(m=m, v=v, t=t - 1), x=x)
    return update, state.m, state.v


# ------------------------------------------------------------------ the weight decay

@mistake("coupled_weight_decay", headline="the weight decay went through Adam's moments",
         did="it added `weight_decay * x` to the gradient before the moving averages (the L2 penalty of "
             "`torch.optim.Adam(weight_decay=...)`), so the decay is divided by `np.sqrt(v_hat)` like the "
             "gradient.",
         look=_DECAY,
         fix="keep the gradient as it is for m and v, and add the decay to the update separately: "
             "`update = lr * weight_decay * x + lr * m_hat / (np.sqrt(v_hat) + eps)`.")
def l2_in_the_gradient(grad, m, v, t, x, lr, beta1, beta2, eps, weight_decay):
    grad = grad + weight_decay * x
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = beta2 * v + (1 - beta2) * grad**2
    return lr * (m_new / (1 - beta1**t)) / (np.sqrt(v_new / (1 - beta2**t)) + eps), m_new, v_new


@mistake("coupled_weight_decay", headline="the weight decay is divided by Adam's denominator",
         did="it computed `lr * (m_hat + weight_decay * x) / (np.sqrt(v_hat) + eps)`: the decay of a weight "
             "with large gradients is shrunk by them.",
         look=_DECAY,
         fix="the decay is not divided by anything: "
             "`update = lr * weight_decay * x + lr * m_hat / (np.sqrt(v_hat) + eps)`.")
def decay_in_the_numerator(grad, m, v, t, x, lr, beta1, beta2, eps, weight_decay):
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = beta2 * v + (1 - beta2) * grad**2
    m_hat, v_hat = m_new / (1 - beta1**t), v_new / (1 - beta2**t)
    return lr * (m_hat + weight_decay * x) / (np.sqrt(v_hat) + eps), m_new, v_new


@mistake("decay_not_scaled_by_lr", headline="the weight decay has the wrong scale",
         did="it added `weight_decay * x` to the update: the decay does not shrink when the learning rate "
             "does.",
         look=_DECAY,
         fix="multiply the decay by the learning rate, as PyTorch's AdamW does: `lr * weight_decay * x`. "
             "(Loshchilov & Hutter's paper writes the decay without the learning rate alpha, but with the "
             "schedule's multiplier; PyTorch and this series fold both into lr.)")
def decay_without_lr(grad, m, v, t, x, lr, beta1, beta2, eps, weight_decay):
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = beta2 * v + (1 - beta2) * grad**2
    adam = lr * (m_new / (1 - beta1**t)) / (np.sqrt(v_new / (1 - beta2**t)) + eps)
    return weight_decay * x + adam, m_new, v_new


@mistake("missing_weight_decay", headline="there is no weight decay",
         did="its update is plain Adam's: `x` and `weight_decay` are never used.",
         look="the parameters of the function: is every one of them used?",
         fix="add the decoupled decay to Adam's update: `update = lr * weight_decay * x + lr * m_hat / "
             "(np.sqrt(v_hat) + eps)`.")
def plain_adam(grad, m, v, t, x, lr, beta1, beta2, eps, weight_decay):
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = beta2 * v + (1 - beta2) * grad**2
    return lr * (m_new / (1 - beta1**t)) / (np.sqrt(v_new / (1 - beta2**t)) + eps), m_new, v_new


@mistake("wrong_sign", headline="the weight decay pushes the weights away from zero",
         did="it subtracted `lr * weight_decay * x` from the update, so `x - update` makes x larger.",
         look="the sign of the weight-decay term.",
         fix="the decay shrinks x toward 0: ADD `lr * weight_decay * x` to the update the caller subtracts.")
def decay_with_wrong_sign(grad, m, v, t, x, lr, beta1, beta2, eps, weight_decay):
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = beta2 * v + (1 - beta2) * grad**2
    adam = lr * (m_new / (1 - beta1**t)) / (np.sqrt(v_new / (1 - beta2**t)) + eps)
    return adam - lr * weight_decay * x, m_new, v_new


# ------------------------------------------------------------------ Adam's own mistakes, with the decay right

@mistake("wrong_sign", headline="the update points the wrong way",
         did="its update has the opposite sign: `x - update` would move uphill and away from zero.",
         look="the sign of the update.",
         fix="the update points along the (averaged) gradient and along x; the caller subtracts it.")
def negative_update(grad, m, v, t, x, lr, beta1, beta2, eps, weight_decay):
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = beta2 * v + (1 - beta2) * grad**2
    adam = lr * (m_new / (1 - beta1**t)) / (np.sqrt(v_new / (1 - beta2**t)) + eps)
    return -(lr * weight_decay * x + adam), m_new, v_new


@mistake("missing_lr", headline="Adam's part of the update has the wrong scale",
         did="its Adam part is `m_hat / (np.sqrt(v_hat) + eps)`, without the learning rate.",
         look="the factors of Adam's part of the update.", fix="multiply Adam's part by `lr` too.")
def adam_part_without_lr(grad, m, v, t, x, lr, beta1, beta2, eps, weight_decay):
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = beta2 * v + (1 - beta2) * grad**2
    return lr * weight_decay * x + (m_new / (1 - beta1**t)) / (np.sqrt(v_new / (1 - beta2**t)) + eps), m_new, v_new


@mistake("missing_lr", headline="the update has the wrong scale",
         did="its update is `weight_decay * x + m_hat / (np.sqrt(v_hat) + eps)`: the learning rate is never used.",
         look="the factors of the update.", fix="multiply both terms by `lr`.")
def no_learning_rate(grad, m, v, t, x, lr, beta1, beta2, eps, weight_decay):
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = beta2 * v + (1 - beta2) * grad**2
    return weight_decay * x + (m_new / (1 - beta1**t)) / (np.sqrt(v_new / (1 - beta2**t)) + eps), m_new, v_new


@mistake("eps_inside_sqrt", headline="epsilon is not where Adam puts it",
         did="it divided by `np.sqrt(v_hat + eps)`.",
         look="where `eps` sits in the denominator.",
         fix="move `+ eps` out of the root: `np.sqrt(v_hat) + eps`, as in the Adam paper and PyTorch.")
def eps_inside(grad, m, v, t, x, lr, beta1, beta2, eps, weight_decay):
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = beta2 * v + (1 - beta2) * grad**2
    adam = lr * (m_new / (1 - beta1**t)) / np.sqrt(v_new / (1 - beta2**t) + eps)
    return lr * weight_decay * x + adam, m_new, v_new


@mistake("missing_sqrt", headline="the denominator is on the wrong scale", did="it divided by `v_hat + eps`.",
         look="the denominator: is it on the scale of a gradient, or of a squared gradient?",
         fix="v averages SQUARED gradients; take its square root: `np.sqrt(v_hat) + eps`.")
def no_sqrt(grad, m, v, t, x, lr, beta1, beta2, eps, weight_decay):
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = beta2 * v + (1 - beta2) * grad**2
    return lr * weight_decay * x + lr * (m_new / (1 - beta1**t)) / (v_new / (1 - beta2**t) + eps), m_new, v_new


@mistake("missing_one_minus_rho", headline="m and v are not averages",
         look="the weights of each moving average: do they add up to 1?",
         fix="weight the new term of each average by one minus its beta.",
         did="it computed `m_new = beta1 * m + grad` and `v_new = beta2 * v + grad**2`.")
def no_one_minus_betas(grad, m, v, t, x, lr, beta1, beta2, eps, weight_decay):
    m_new = beta1 * m + grad
    v_new = beta2 * v + grad**2
    adam = lr * (m_new / (1 - beta1**t)) / (np.sqrt(v_new / (1 - beta2**t)) + eps)
    return lr * weight_decay * x + adam, m_new, v_new


@mistake("rho_swapped", headline="the moving averages have almost no memory",
         look="which weight multiplies the old value in each moving average.",
         fix="beta (close to 1) is the memory: it multiplies the OLD value.",
         did="it computed `m_new = (1 - beta1) * m + beta1 * grad`, and v the same way.")
def betas_and_one_minus_swapped(grad, m, v, t, x, lr, beta1, beta2, eps, weight_decay):
    m_new = (1 - beta1) * m + beta1 * grad
    v_new = (1 - beta2) * v + beta2 * grad**2
    adam = lr * (m_new / (1 - beta1**t)) / (np.sqrt(v_new / (1 - beta2**t)) + eps)
    return lr * weight_decay * x + adam, m_new, v_new


@mistake("missing_square", headline="v averages the wrong quantity",
         look="what is mixed into the second moment v.",
         fix="v is the average of SQUARED gradients: `(1 - beta2) * grad**2`.",
         did="it averaged `grad` into v, so a negative gradient makes v smaller (and its root can be nan).")
def v_not_squared(grad, m, v, t, x, lr, beta1, beta2, eps, weight_decay):
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = beta2 * v + (1 - beta2) * grad
    adam = lr * (m_new / (1 - beta1**t)) / (np.sqrt(v_new / (1 - beta2**t)) + eps)
    return lr * weight_decay * x + adam, m_new, v_new


@mistake("betas_swapped", headline="the two moments have each other's memory",
         did="it used beta2 for the first moment m and beta1 for the second moment v.",
         look="which beta goes with which moment (and the order of your parameters).",
         fix="beta1 (0.9 by default) goes with m, beta2 (0.999) with v. Check the order of your parameters "
             "too: `grad, m, v, t, x, lr, beta1, beta2, eps, weight_decay`.")
def betas_swapped(grad, m, v, t, x, lr, beta2, beta1, eps, weight_decay):  # the parameters in the wrong order
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = beta2 * v + (1 - beta2) * grad**2
    adam = lr * (m_new / (1 - beta1**t)) / (np.sqrt(v_new / (1 - beta2**t)) + eps)
    return lr * weight_decay * x + adam, m_new, v_new


@mistake("stale_state", headline="the old m and v are returned", look="the `return` line.", fix=RETURN_NEW,
         did="it returned the `m` and `v` it was given.")
def returns_old_moments(grad, m, v, t, x, lr, beta1, beta2, eps, weight_decay):
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = beta2 * v + (1 - beta2) * grad**2
    adam = lr * (m_new / (1 - beta1**t)) / (np.sqrt(v_new / (1 - beta2**t)) + eps)
    return lr * weight_decay * x + adam, m, v


@mistake("stale_state", headline="the update uses the old m and v", look="the order of your lines.",
         did="it computed the update from the old `m` and `v`, before mixing in this step's gradient.",
         fix="first compute `m_new` and `v_new`, then correct them and compute the update from them.")
def update_from_old_moments(grad, m, v, t, x, lr, beta1, beta2, eps, weight_decay):
    update = lr * weight_decay * x + lr * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + eps)
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = beta2 * v + (1 - beta2) * grad**2
    return update, m_new, v_new


@mistake("no_bias_correction", headline="the first updates have the wrong size",
         look="what m_new and v_new are during the first steps, when they start at 0.",
         fix="both averages start at 0 and are too small during the first steps; divide them by `1 - "
             "beta1**t` and `1 - beta2**t`.",
         did="it used m_new and v_new as they are, without the bias correction.")
def no_correction(grad, m, v, t, x, lr, beta1, beta2, eps, weight_decay):
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = beta2 * v + (1 - beta2) * grad**2
    return lr * weight_decay * x + lr * m_new / (np.sqrt(v_new) + eps), m_new, v_new


@mistake("bias_correction_off_by_one", headline="the bias correction counts the updates differently",
         look="the power of beta in the bias correction: what is t on the first update?",
         fix="t already counts this update (it is 1 on the first one): use `beta**t` as given, do not add 1.",
         did="its bias correction uses `beta**(t + 1)`.")
def correction_t_plus_1(grad, m, v, t, x, lr, beta1, beta2, eps, weight_decay):
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = beta2 * v + (1 - beta2) * grad**2
    adam = lr * (m_new / (1 - beta1**(t + 1))) / (np.sqrt(v_new / (1 - beta2**(t + 1))) + eps)
    return lr * weight_decay * x + adam, m_new, v_new


@mistake("bias_correction_off_by_one", headline="the bias correction counts the updates differently",
         look="the power of beta in the bias correction: what is t on the first update?",
         fix="t is the number of THIS update, starting at 1: use `beta**t` as given, do not subtract 1.",
         did="its bias correction uses `beta**(t - 1)`, which divides by zero on the first update.")
def correction_t_minus_1(grad, m, v, t, x, lr, beta1, beta2, eps, weight_decay):
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = beta2 * v + (1 - beta2) * grad**2
    adam = lr * (m_new / (1 - beta1**(t - 1))) / (np.sqrt(v_new / (1 - beta2**(t - 1))) + eps)
    return lr * weight_decay * x + adam, m_new, v_new


def cases():
    # x of several sizes and signs, lr far from 1 (so lr * weight_decay and weight_decay differ) and
    # v_hat far from 1 (so a decay divided by sqrt(v_hat) differs from one that is not).
    return (
        dict(grad=np.array([0.5, -2.0, 0.03]), m=np.array([0.0, 0.0, 0.0]), v=np.array([0.0, 0.0, 0.0]), t=1,
             x=np.array([1.5, -0.4, 3.0]), lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01),
        dict(grad=np.array([0.3, -0.02, 1.5]), m=np.array([0.05, 0.01, -0.2]), v=np.array([0.0004, 1e-6, 0.01]),
             t=2, x=np.array([-2.0, 0.5, 0.8]), lr=0.01, beta1=0.9, beta2=0.999, eps=1e-3, weight_decay=0.1),
        dict(grad=np.array([[0.1, -0.4, 2.0], [0.02, 1.0, -0.7]]), m=np.array([[0.2, -0.1, 0.5], [0.0, 0.3, -0.2]]),
             v=np.array([[0.05, 0.02, 1.0], [1e-4, 0.6, 0.2]]), t=10, x=np.array([[1.0, 2.0, -1.0], [4.0, -3.0, 0.5]]),
             lr=0.05, beta1=0.8, beta2=0.95, eps=0.01, weight_decay=0.5),
        dict(grad=np.array([-1.2, 0.7]), m=np.array([-0.3, 0.1]), v=np.array([0.09, 0.02]), t=3,
             x=np.array([0.6, -5.0]), lr=0.1, beta1=0.5, beta2=0.9, eps=1e-8, weight_decay=0.05),
    )


def varied_case(rng):
    shape = (int(rng.integers(2, 6)),)
    return dict(grad=rng.uniform(-2, 2, shape), m=rng.uniform(-0.5, 0.5, shape), v=rng.uniform(0.01, 1, shape),
                t=int(rng.integers(1, 30)), x=rng.uniform(-3, 3, shape), lr=float(rng.uniform(0.001, 0.1)),
                beta1=float(rng.uniform(0.5, 0.95)), beta2=float(rng.uniform(0.9, 0.999)),
                eps=float(rng.choice([1e-8, 1e-3, 0.05])), weight_decay=float(rng.uniform(0.01, 0.5)))


EXERCISE = Exercise(
    name="adamw_step", args=("grad", "m", "v", "t", "x", "lr", "beta1", "beta2", "eps", "weight_decay"),
    arrays=("grad", "m", "v", "x"), outputs=("update", "m_new", "v_new"),
    rule=("m_new = beta1 * m + (1 - beta1) * grad", "v_new = beta2 * v + (1 - beta2) * grad**2",
          "m_hat = m_new / (1 - beta1**t)", "v_hat = v_new / (1 - beta2**t)",
          "update = lr * weight_decay * x + lr * m_hat / (np.sqrt(v_hat) + eps)"),
    reference=reference, mistakes=tuple(MISTAKES), cases=cases, varied_case=varied_case,
    about_cases="1-D and 2-D arrays, t = 1, 2, 3 and 10, several betas and weight decays, the first step "
                "from zero, and eps comparable to v",
    checker="check_adamw_step",
)


def check_adamw_step(fn, show=True, hint=False):
    """Check ``adamw_step(grad, m, v, t, x, lr, beta1, beta2, eps, weight_decay) -> (update, m_new, v_new)``.

    The rule is Adam's (see ``check_adam_step``) plus the decoupled weight decay of PyTorch's AdamW:
    ``update = lr * weight_decay * x + lr * m_hat / (np.sqrt(v_hat) + eps)``, and the caller does
    ``x_new = x - update``. ``show=False`` returns the result without showing it; ``hint=True`` shows the rule.
    """
    return check(EXERCISE, fn, show, hint)
