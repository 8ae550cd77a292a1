"""RMSProp: ``rmsprop_step(grad, s, lr, rho, eps) -> (update, s_new)``."""
import numpy as np

from ..optimizers import RMSProp, RMSPropState
from ._engine import Exercise, check, collector
from .adagrad import EPS_OUTSIDE

MISTAKES = []
mistake = collector(MISTAKES)


def reference(grad, s, lr, rho, eps):
    zeros = np.zeros_like(s)
    update, state = RMSProp(lr, rho=rho, eps=eps).update(grad, RMSPropState(s=s, g_avg=zeros, velocity=zeros))
    return update, state.s


@mistake("wrong_sign", headline="the update points the wrong way",
         did="its update has the opposite sign: `x - update` would move uphill.",
         look="the sign of the update.",
         fix="the update points along the gradient (`lr * grad / ...`); the caller subtracts it.")
def negative_update(grad, s, lr, rho, eps):
    s_new = rho * s + (1 - rho) * grad**2
    return -lr * grad / (np.sqrt(s_new) + eps), s_new


@mistake("missing_lr", headline="the update has the wrong scale",
         did="its update is `grad / (np.sqrt(s_new) + eps)`: one of the parameters is never used.",
         look="the factors of the update.", fix="multiply by `lr`.")
def no_learning_rate(grad, s, lr, rho, eps):
    s_new = rho * s + (1 - rho) * grad**2
    return grad / (np.sqrt(s_new) + eps), s_new


@mistake("missing_grad", headline="the update does not follow the gradient",
         did="its update is `lr / (np.sqrt(s_new) + eps)`, positive whichever way the gradient points: that "
             "is the effective learning rate, not yet the update.", look="the numerator of the update.",
         fix="multiply the effective learning rate by the gradient: `lr * grad / (np.sqrt(s_new) + eps)`.")
def step_size_only(grad, s, lr, rho, eps):
    s_new = rho * s + (1 - rho) * grad**2
    return lr / (np.sqrt(s_new) + eps), s_new


@mistake("eps_inside_sqrt", headline="epsilon is not where this series puts it",
         did="it divided by `np.sqrt(s_new + eps)`.",
         look="where `eps` sits in the denominator.", fix=EPS_OUTSIDE)
def eps_inside(grad, s, lr, rho, eps):
    s_new = rho * s + (1 - rho) * grad**2
    return lr * grad / np.sqrt(s_new + eps), s_new


@mistake("missing_sqrt", headline="the denominator is on the wrong scale", did="it divided by `s_new + eps`.",
         look="the denominator: is it on the scale of a gradient, or of a squared gradient?",
         fix="s_new averages SQUARED gradients; its square root (the root mean square that gives "
             "RMSProp its name) is on the scale of a gradient: `np.sqrt(s_new) + eps`.")
def no_sqrt(grad, s, lr, rho, eps):
    s_new = rho * s + (1 - rho) * grad**2
    return lr * grad / (s_new + eps), s_new


@mistake("missing_one_minus_rho", headline="s is not an average",
         did="it computed `s_new = rho * s + grad**2`, so s grows far above the size of a squared gradient.",
         look="the weights of the moving average: do they add up to 1?",
         fix="weight the new term by `(1 - rho)` so the weights add up to 1 and s_new is an average.")
def no_one_minus_rho(grad, s, lr, rho, eps):
    s_new = rho * s + grad**2
    return lr * grad / (np.sqrt(s_new) + eps), s_new


@mistake("sum_not_average", headline="s never forgets: that is AdaGrad's accumulator",
         did="it computed `s_new = s + grad**2`, a running sum of every squared gradient so far.",
         look="how the old value of s is kept: RMSProp forgets, AdaGrad does not.",
         fix="RMSProp forgets old gradients: decay the old value with `rho * s` and add `(1 - rho) * grad**2`.")
def running_sum(grad, s, lr, rho, eps):
    s_new = s + grad**2
    return lr * grad / (np.sqrt(s_new) + eps), s_new


@mistake("rho_swapped", headline="the moving average has almost no memory",
         did="it computed `s_new = (1 - rho) * s + rho * grad**2`: with rho = 0.9 the old value keeps only a "
             "tenth of its weight.",
         look="which of the two weights multiplies the old value.",
         fix="rho (close to 1) is the memory: it multiplies the OLD value s.")
def rho_swapped(grad, s, lr, rho, eps):
    s_new = (1 - rho) * s + rho * grad**2
    return lr * grad / (np.sqrt(s_new) + eps), s_new


@mistake("missing_square", headline="the average mixes in the wrong quantity",
         did="it mixed `grad` into s, so a negative gradient makes s smaller (and its root can be nan).",
         look="what is mixed into the moving average.",
         fix="s_new is a moving average of SQUARED gradients: `(1 - rho) * grad**2`.")
def not_squared(grad, s, lr, rho, eps):
    s_new = rho * s + (1 - rho) * grad
    return lr * grad / (np.sqrt(s_new) + eps), s_new


@mistake("stale_state", headline="the old s is returned",
         did="it returned the `s` it was given, so the next step would not see this gradient.",
         look="the `return` line.", fix="return the average you just computed: `return update, s_new`.")
def returns_old_s(grad, s, lr, rho, eps):
    s_new = rho * s + (1 - rho) * grad**2
    return lr * grad / (np.sqrt(s_new) + eps), s


@mistake("stale_state", headline="the update uses the old s",
         did="it computed the update from the old `s`, before mixing in this step's squared gradient.",
         look="the order of your two lines.", fix="first compute `s_new`, then divide by `np.sqrt(s_new) + eps`.")
def update_from_old_s(grad, s, lr, rho, eps):
    update = lr * grad / (np.sqrt(s) + eps)
    return update, rho * s + (1 - rho) * grad**2


def cases():
    return (
        dict(grad=np.array([0.5, -2.0, 0.03]), s=np.array([0.0, 0.0, 0.0]), lr=0.01, rho=0.9, eps=1e-8),
        dict(grad=np.array([0.3, -0.02, 1.5]), s=np.array([0.04, 0.0009, 2.25]), lr=0.05, rho=0.99, eps=1e-3),
        dict(grad=np.array([[0.1, -0.4, 2.0], [0.02, 1.0, -0.7]]),
             s=np.array([[0.5, 0.02, 1.0], [1e-4, 3.0, 0.2]]), lr=0.2, rho=0.75, eps=0.01),
    )


def varied_case(rng):
    shape = (int(rng.integers(2, 6)),)
    return dict(grad=rng.uniform(-2, 2, shape), s=rng.uniform(0.01, 3, shape), lr=float(rng.uniform(0.01, 0.5)),
                rho=float(rng.uniform(0.5, 0.99)), eps=float(rng.choice([1e-8, 1e-3, 0.05])))


EXERCISE = Exercise(
    name="rmsprop_step", args=("grad", "s", "lr", "rho", "eps"), arrays=("grad", "s"),
    outputs=("update", "s_new"),
    rule=("s_new = rho * s + (1 - rho) * grad**2", "update = lr * grad / (np.sqrt(s_new) + eps)"),
    reference=reference, mistakes=tuple(MISTAKES), cases=cases, varied_case=varied_case,
    about_cases="1-D and 2-D arrays, the first step from s = 0, rho = 0.9, 0.99 and 0.75, and eps comparable to s",
    checker="check_rmsprop_step",
)


def check_rmsprop_step(fn, show=True, hint=False):
    """Check ``rmsprop_step(grad, s, lr, rho, eps) -> (update, s_new)``.

    The rule: ``s_new = rho * s + (1 - rho) * grad**2``, ``update = lr * grad / (np.sqrt(s_new) + eps)``.
    ``show=False`` returns the :class:`CheckResult` without showing it; ``hint=True`` shows the rule.
    """
    return check(EXERCISE, fn, show, hint)


# ---------------------------------------------------------------------------------------------
# The exercise of notebook 03: every update of a run at once, from the unrolled average
# ``rmsprop_updates(grads, lr, rho, eps) -> updates``; grads[t] is the gradient of update t + 1, s starts at 0.

RUN_MISTAKES = []
run_mistake = collector(RUN_MISTAKES)

_UNROLLED = ("s after update t weights the squared gradient of update j <= t by `(1 - rho) * rho**(t - j)` and "
             "later ones by 0: `age = np.subtract.outer(np.arange(T), np.arange(T))`, "
             "`W = np.where(age >= 0, (1 - rho) * rho ** np.maximum(age, 0), 0.0)`, `s = W @ grads**2`.")


def _ages(grads):
    t = np.arange(len(grads))
    return np.subtract.outer(t, t)  # age[t, j] = t - j: how many updates before update t gradient j came


def _weights(grads, weight):
    age = _ages(grads)
    return np.where(age >= 0, weight(np.maximum(age, 0)), 0.0)


def run_reference(grads, lr, rho, eps):
    opt = RMSProp(lr, rho=rho, eps=eps)
    state, updates = opt.init(np.zeros(grads.shape[1:])), []
    for g in grads:
        update, state = opt.update(g, state)
        updates.append(update)
    return np.array(updates)


def _from_weights(grads, lr, eps, W):
    return lr * grads / (np.sqrt(W @ grads**2) + eps)


@run_mistake("wrong_value", headline="the oldest gradient gets the largest weight",
             did="its weights grow with the age of the squared gradient (`rho**j` for the gradient of update j), "
                 "so s remembers the start of the run best.",
             look="the exponent of rho: it should count how many updates ago the gradient came.", fix=_UNROLLED)
def weights_reversed(grads, lr, rho, eps):
    t = np.arange(len(grads))
    W = np.where(_ages(grads) >= 0, (1 - rho) * rho ** t[None, :], 0.0)
    return _from_weights(grads, lr, eps, W)


@run_mistake("wrong_value", headline="the average sees the future",
             did="s at update t also weights the squared gradients of LATER updates.",
             look="the weights of gradients that arrive after update t (the upper triangle of your matrix).",
             fix=_UNROLLED)
def includes_future(grads, lr, rho, eps):
    W = (1 - rho) * rho ** np.abs(_ages(grads)).astype(float)
    return _from_weights(grads, lr, eps, W)


@run_mistake("stale_state", headline="each update uses the average before its own gradient",
             did="s at update t weights only the EARLIER squared gradients, so the first update divides by `eps` "
                 "alone.", look="the weight of the current gradient (age 0, the diagonal of your matrix).",
             fix=_UNROLLED)
def excludes_current(grads, lr, rho, eps):
    age = _ages(grads)
    W = np.where(age >= 1, (1 - rho) * rho ** np.maximum(age - 1, 0), 0.0)
    return _from_weights(grads, lr, eps, W)


@run_mistake("missing_one_minus_rho", headline="s is not an average",
             did="its weights are `rho**k` without the factor `(1 - rho)`, so they add up to far more than 1.",
             look="what the weights add up to over a long run.", fix=_UNROLLED)
def run_no_one_minus_rho(grads, lr, rho, eps):
    return _from_weights(grads, lr, eps, _weights(grads, lambda k: rho**k))


@run_mistake("rho_swapped", headline="the average has almost no memory",
             did="its weights are `rho * (1 - rho)**k`: rho and 1 - rho are swapped.",
             look="which of the two numbers is raised to the age k.", fix=_UNROLLED)
def run_rho_swapped(grads, lr, rho, eps):
    return _from_weights(grads, lr, eps, _weights(grads, lambda k: rho * (1 - rho)**k))


@run_mistake("sum_not_average", headline="s never forgets: that is AdaGrad's accumulator",
             did="every earlier squared gradient has the weight 1, a running sum.",
             look="how the weight changes with the age of a gradient.", fix=_UNROLLED)
def run_sum(grads, lr, rho, eps):
    return _from_weights(grads, lr, eps, _weights(grads, lambda k: np.ones_like(k, dtype=float)))


@run_mistake("missing_sqrt", headline="the denominator is on the wrong scale",
             did="it divided by the average s itself, not by its square root.",
             look="the denominator: is it on the scale of a gradient, or of a squared gradient?",
             fix="divide by `np.sqrt(s) + eps`, the root of the mean square.")
def run_no_sqrt(grads, lr, rho, eps):
    return lr * grads / (_weights(grads, lambda k: (1 - rho) * rho**k) @ grads**2 + eps)


@run_mistake("eps_inside_sqrt", headline="epsilon is not where this series puts it",
             did="it divided by `np.sqrt(s + eps)`.", look="where `eps` sits in the denominator.",
             fix=EPS_OUTSIDE.replace("s_new", "s"))
def run_eps_inside(grads, lr, rho, eps):
    return lr * grads / np.sqrt(_weights(grads, lambda k: (1 - rho) * rho**k) @ grads**2 + eps)


def run_cases():
    return (
        dict(grads=np.array([[1.0, 0.02], [0.8, -0.03], [-0.5, 0.05], [0.3, 0.01], [0.1, -0.04], [0.05, 0.02]]),
             lr=0.1, rho=0.9, eps=1e-8),
        dict(grads=np.array([[0.5, -2.0, 0.03], [0.4, -1.0, 0.05], [-0.2, 0.5, 0.02], [0.1, 0.25, -0.04]]),
             lr=0.01, rho=0.6, eps=1e-3),
        dict(grads=np.array([[3.0, 0.01], [2.0, -0.02], [1.0, 0.04], [-0.5, 0.02], [0.2, 0.0]]), lr=1.0, rho=0.99,
             eps=0.05),
    )


def run_varied_case(rng):
    shape = (int(rng.integers(3, 9)), int(rng.integers(2, 5)))
    return dict(grads=rng.uniform(-2, 2, shape), lr=float(rng.uniform(0.01, 1.0)), rho=float(rng.uniform(0.5, 0.99)),
                eps=float(rng.choice([1e-8, 1e-3, 0.05])))


RUN_EXERCISE = Exercise(
    name="rmsprop_updates", args=("grads", "lr", "rho", "eps"), arrays=("grads",), outputs=("updates",),
    rule=("age = np.subtract.outer(np.arange(len(grads)), np.arange(len(grads)))  # t - j",
          "W = np.where(age >= 0, (1 - rho) * rho ** np.maximum(age, 0), 0.0)",
          "updates = lr * grads / (np.sqrt(W @ grads**2) + eps)"),
    reference=run_reference, mistakes=tuple(RUN_MISTAKES), cases=run_cases, varied_case=run_varied_case,
    about_cases="runs of 3 to 8 updates with 2 or 3 coordinates, rho = 0.6, 0.9 and 0.99, and eps comparable to s",
    checker="check_rmsprop_updates",
)


def check_rmsprop_updates(fn, show=True, hint=False):
    """Check ``rmsprop_updates(grads, lr, rho, eps) -> updates``: all T updates of an RMSProp run at once.

    ``grads`` has one row per update (row t: the gradient of update t + 1), s starts at 0. The rule is the
    unrolled average: s after update t weights the squared gradient of update j <= t by
    ``(1 - rho) * rho**(t - j)``. ``show=False`` returns the :class:`CheckResult`; ``hint=True`` shows the rule.
    """
    return check(RUN_EXERCISE, fn, show, hint)
