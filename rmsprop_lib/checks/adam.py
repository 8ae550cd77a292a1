"""Adam: ``adam_step(grad, m, v, t, lr, beta1, beta2, eps) -> (update, m_new, v_new)``; t is 1-based."""
import numpy as np

from ..optimizers import Adam, AdamState
from . import adam_bias
from ._engine import Exercise, check, collector

MISTAKES = []
mistake = collector(MISTAKES)
RETURN_NEW = "return what you just computed: `return update, m_new, v_new`."


def reference(grad, m, v, t, lr, beta1, beta2, eps):
    update, state = Adam(lr, beta1=beta1, beta2=beta2, eps=eps).update(grad, AdamState(m=m, v=v, t=t - 1))
    return update, state.m, state.v


@mistake("wrong_sign", headline="the update points the wrong way",
         did="its update has the opposite sign: `x - update` would move uphill.",
         look="the sign of the update.",
         fix="the update points along the (averaged) gradient; the caller subtracts it.")
def negative_update(grad, m, v, t, lr, beta1, beta2, eps):
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = beta2 * v + (1 - beta2) * grad**2
    return -lr * (m_new / (1 - beta1**t)) / (np.sqrt(v_new / (1 - beta2**t)) + eps), m_new, v_new


@mistake("missing_lr", headline="the update has the wrong scale",
         did="its update is `m_hat / (np.sqrt(v_hat) + eps)`: one of the parameters is never used.",
         look="the factors of the update.", fix="multiply by `lr`.")
def no_learning_rate(grad, m, v, t, lr, beta1, beta2, eps):
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = beta2 * v + (1 - beta2) * grad**2
    return (m_new / (1 - beta1**t)) / (np.sqrt(v_new / (1 - beta2**t)) + eps), m_new, v_new


@mistake("missing_grad", headline="the update does not follow the gradient",
         did="its update is `lr / (np.sqrt(v_hat) + eps)`, positive whichever way the gradients point.",
         look="the numerator of the update.",
         fix="multiply by the corrected first moment: `lr * m_hat / (np.sqrt(v_hat) + eps)`.")
def no_first_moment(grad, m, v, t, lr, beta1, beta2, eps):
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = beta2 * v + (1 - beta2) * grad**2
    return lr / (np.sqrt(v_new / (1 - beta2**t)) + eps), m_new, v_new


@mistake("eps_inside_sqrt", headline="epsilon is not where Adam puts it",
         did="it divided by `np.sqrt(v_hat + eps)`.",
         look="where `eps` sits in the denominator.",
         fix="move `+ eps` out of the root: `np.sqrt(v_hat) + eps`, as in the Adam paper and PyTorch.")
def eps_inside(grad, m, v, t, lr, beta1, beta2, eps):
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = beta2 * v + (1 - beta2) * grad**2
    return lr * (m_new / (1 - beta1**t)) / np.sqrt(v_new / (1 - beta2**t) + eps), m_new, v_new


@mistake("missing_sqrt", headline="the denominator is on the wrong scale", did="it divided by `v_hat + eps`.",
         look="the denominator: is it on the scale of a gradient, or of a squared gradient?",
         fix="v averages SQUARED gradients; take its square root: `np.sqrt(v_hat) + eps`.")
def no_sqrt(grad, m, v, t, lr, beta1, beta2, eps):
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = beta2 * v + (1 - beta2) * grad**2
    return lr * (m_new / (1 - beta1**t)) / (v_new / (1 - beta2**t) + eps), m_new, v_new


_WEIGHTS = "the weights of each moving average: do they add up to 1?"
_MEMORY = "which weight multiplies the old value in each moving average."


@mistake("missing_one_minus_rho",
         headline="m and v are not averages",
         look=_WEIGHTS,
         fix="weight the new term of each average by one minus its beta.",
         did="it computed `m_new = beta1 * m + grad` and `v_new = beta2 * v + grad**2`, so both grow far "
             "above the size of a gradient and of a squared gradient.")
def no_one_minus_betas(grad, m, v, t, lr, beta1, beta2, eps):
    m_new = beta1 * m + grad
    v_new = beta2 * v + grad**2
    return lr * (m_new / (1 - beta1**t)) / (np.sqrt(v_new / (1 - beta2**t)) + eps), m_new, v_new


@mistake("missing_one_minus_rho",
         headline="m is not an average",
         look=_WEIGHTS,
         fix="use `m_new = beta1 * m + (1 - beta1) * grad`.",
         did="it computed `m_new = beta1 * m + grad`, so m grows far above the size of a gradient.")
def no_one_minus_beta1(grad, m, v, t, lr, beta1, beta2, eps):
    m_new = beta1 * m + grad
    v_new = beta2 * v + (1 - beta2) * grad**2
    return lr * (m_new / (1 - beta1**t)) / (np.sqrt(v_new / (1 - beta2**t)) + eps), m_new, v_new


@mistake("missing_one_minus_rho",
         headline="v is not an average",
         look=_WEIGHTS,
         fix="use `v_new = beta2 * v + (1 - beta2) * grad**2`.",
         did="it computed `v_new = beta2 * v + grad**2`, so v grows far above the size of a squared gradient.")
def no_one_minus_beta2(grad, m, v, t, lr, beta1, beta2, eps):
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = beta2 * v + grad**2
    return lr * (m_new / (1 - beta1**t)) / (np.sqrt(v_new / (1 - beta2**t)) + eps), m_new, v_new


@mistake("rho_swapped",
         headline="the moving averages have almost no memory",
         look=_MEMORY,
         fix="beta (close to 1) is the memory: it multiplies the OLD value.",
         did="it computed `m_new = (1 - beta1) * m + beta1 * grad`, and v the same way: the old values keep "
             "only a small part of their weight.")
def betas_and_one_minus_swapped(grad, m, v, t, lr, beta1, beta2, eps):
    m_new = (1 - beta1) * m + beta1 * grad
    v_new = (1 - beta2) * v + beta2 * grad**2
    return lr * (m_new / (1 - beta1**t)) / (np.sqrt(v_new / (1 - beta2**t)) + eps), m_new, v_new


@mistake("rho_swapped",
         headline="m has almost no memory",
         look=_MEMORY,
         fix="beta1 (close to 1) is the memory: it multiplies the OLD value m.",
         did="it computed `m_new = (1 - beta1) * m + beta1 * grad`: the old m keeps only a small part of its "
             "weight.")
def beta1_and_one_minus_swapped(grad, m, v, t, lr, beta1, beta2, eps):
    m_new = (1 - beta1) * m + beta1 * grad
    v_new = beta2 * v + (1 - beta2) * grad**2
    return lr * (m_new / (1 - beta1**t)) / (np.sqrt(v_new / (1 - beta2**t)) + eps), m_new, v_new


@mistake("rho_swapped",
         headline="v has almost no memory",
         look=_MEMORY,
         fix="beta2 (close to 1) is the memory: it multiplies the OLD value v.",
         did="it computed `v_new = (1 - beta2) * v + beta2 * grad**2`: the old v keeps only a small part of its "
             "weight.")
def beta2_and_one_minus_swapped(grad, m, v, t, lr, beta1, beta2, eps):
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = (1 - beta2) * v + beta2 * grad**2
    return lr * (m_new / (1 - beta1**t)) / (np.sqrt(v_new / (1 - beta2**t)) + eps), m_new, v_new


@mistake("missing_square", headline="v averages the wrong quantity",
         look="what is mixed into the second moment v.",
         fix="v is the average of SQUARED gradients: `(1 - beta2) * grad**2`.",
         did="it averaged `grad` into v, so a negative gradient makes v smaller (and its root can be nan).")
def v_not_squared(grad, m, v, t, lr, beta1, beta2, eps):
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = beta2 * v + (1 - beta2) * grad
    return lr * (m_new / (1 - beta1**t)) / (np.sqrt(v_new / (1 - beta2**t)) + eps), m_new, v_new


@mistake("betas_swapped", headline="the two moments have each other's memory",
         did="it used beta2 for the first moment m and beta1 for the second moment v.",
         look="which beta goes with which moment (and the order of your parameters).",
         fix="beta1 (0.9 by default) goes with m, the average of gradients; beta2 (0.999) with v, the "
             "average of squared gradients. Check the order of your parameters too.")
def betas_swapped(grad, m, v, t, lr, beta2, beta1, eps):  # the parameters in the wrong order
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = beta2 * v + (1 - beta2) * grad**2
    return lr * (m_new / (1 - beta1**t)) / (np.sqrt(v_new / (1 - beta2**t)) + eps), m_new, v_new


@mistake("betas_swapped", headline="the two moving averages have each other's memory",
         did="it averaged m with beta2 and v with beta1.", look="which beta goes with which moving average.",
         fix="beta1 goes with m (gradients), beta2 with v (squared gradients).")
def betas_swapped_in_averages(grad, m, v, t, lr, beta1, beta2, eps):
    m_new = beta2 * m + (1 - beta2) * grad
    v_new = beta1 * v + (1 - beta1) * grad**2
    return lr * (m_new / (1 - beta1**t)) / (np.sqrt(v_new / (1 - beta2**t)) + eps), m_new, v_new


@mistake("betas_swapped",
         headline="each moment is corrected with the other's beta",
         did="its bias corrections are swapped: `m_new / (1 - beta2**t)` and `v_new / (1 - beta1**t)`.",
         look="which beta corrects which moment.",
         fix="each moment is corrected with its own beta: m with beta1, v with beta2.")
def corrections_swapped(grad, m, v, t, lr, beta1, beta2, eps):
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = beta2 * v + (1 - beta2) * grad**2
    return lr * (m_new / (1 - beta2**t)) / (np.sqrt(v_new / (1 - beta1**t)) + eps), m_new, v_new


@mistake("stale_state", headline="the old m and v are returned", look="the `return` line.", fix=RETURN_NEW,
         did="it returned the `m` and `v` it was given.")
def returns_old_moments(grad, m, v, t, lr, beta1, beta2, eps):
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = beta2 * v + (1 - beta2) * grad**2
    return lr * (m_new / (1 - beta1**t)) / (np.sqrt(v_new / (1 - beta2**t)) + eps), m, v


@mistake("stale_state", headline="the old m is returned", look="the `return` line.", fix=RETURN_NEW,
         did="it returned the `m` it was given.")
def returns_old_m(grad, m, v, t, lr, beta1, beta2, eps):
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = beta2 * v + (1 - beta2) * grad**2
    return lr * (m_new / (1 - beta1**t)) / (np.sqrt(v_new / (1 - beta2**t)) + eps), m, v_new


@mistake("stale_state", headline="the old v is returned", look="the `return` line.", fix=RETURN_NEW,
         did="it returned the `v` it was given.")
def returns_old_v(grad, m, v, t, lr, beta1, beta2, eps):
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = beta2 * v + (1 - beta2) * grad**2
    return lr * (m_new / (1 - beta1**t)) / (np.sqrt(v_new / (1 - beta2**t)) + eps), m_new, v


@mistake("stale_state", headline="the update uses the old m and v", look="the order of your lines.",
         did="it computed the update from the old `m` and `v`, before mixing in this step's gradient.",
         fix="first compute `m_new` and `v_new`, then correct them and compute the update from them.")
def update_from_old_moments(grad, m, v, t, lr, beta1, beta2, eps):
    update = lr * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + eps)
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = beta2 * v + (1 - beta2) * grad**2
    return update, m_new, v_new


def cases():
    return (
        dict(grad=np.array([0.5, -2.0, 0.03]), m=np.array([0.0, 0.0, 0.0]), v=np.array([0.0, 0.0, 0.0]), t=1,
             lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8),
        dict(grad=np.array([0.3, -0.02, 1.5]), m=np.array([0.05, 0.01, -0.2]), v=np.array([0.0004, 1e-6, 0.01]),
             t=2, lr=0.01, beta1=0.9, beta2=0.999, eps=1e-3),
        dict(grad=np.array([[0.1, -0.4, 2.0], [0.02, 1.0, -0.7]]), m=np.array([[0.2, -0.1, 0.5], [0.0, 0.3, -0.2]]),
             v=np.array([[0.05, 0.02, 1.0], [1e-4, 0.6, 0.2]]), t=10, lr=0.05, beta1=0.8, beta2=0.95, eps=0.01),
        dict(grad=np.array([-1.2, 0.7]), m=np.array([-0.3, 0.1]), v=np.array([0.09, 0.02]), t=3,
             lr=0.1, beta1=0.5, beta2=0.9, eps=1e-8),
    )


def varied_case(rng):
    shape = (int(rng.integers(2, 6)),)
    return dict(grad=rng.uniform(-2, 2, shape), m=rng.uniform(-0.5, 0.5, shape), v=rng.uniform(0.01, 1, shape),
                t=int(rng.integers(1, 30)), lr=float(rng.uniform(0.001, 0.1)), beta1=float(rng.uniform(0.5, 0.95)),
                beta2=float(rng.uniform(0.9, 0.999)), eps=float(rng.choice([1e-8, 1e-3, 0.05])))


EXERCISE = Exercise(
    name="adam_step", args=("grad", "m", "v", "t", "lr", "beta1", "beta2", "eps"), arrays=("grad", "m", "v"),
    outputs=("update", "m_new", "v_new"),
    rule=("m_new = beta1 * m + (1 - beta1) * grad", "v_new = beta2 * v + (1 - beta2) * grad**2",
          "m_hat = m_new / (1 - beta1**t)", "v_hat = v_new / (1 - beta2**t)",
          "update = lr * m_hat / (np.sqrt(v_hat) + eps)"),
    reference=reference, mistakes=tuple(MISTAKES) + tuple(adam_bias.MISTAKES), cases=cases,
    varied_case=varied_case,
    about_cases="1-D and 2-D arrays, t = 1, 2, 3 and 10, several betas, the first step from zero, "
                "and eps comparable to v",
    checker="check_adam_step",
)


def check_adam_step(fn, show=True, hint=False):
    """Check ``adam_step(grad, m, v, t, lr, beta1, beta2, eps) -> (update, m_new, v_new)``; t is 1-based.

    The rule: ``m_new = beta1*m + (1-beta1)*grad``, ``v_new = beta2*v + (1-beta2)*grad**2``,
    ``update = lr * m_hat / (np.sqrt(v_hat) + eps)`` with ``m_hat = m_new / (1 - beta1**t)`` and
    ``v_hat = v_new / (1 - beta2**t)``. ``show=False`` returns the result without showing it;
    ``hint=True`` shows the rule.
    """
    return check(EXERCISE, fn, show, hint)
