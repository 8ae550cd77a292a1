"""AdaGrad: ``adagrad_step(grad, s, lr, eps) -> (update, s_new)``."""
import numpy as np

from ..optimizers import AdaGrad, AdaGradState
from ._engine import Exercise, check, collector

MISTAKES = []
mistake = collector(MISTAKES)

EPS_OUTSIDE = ("move `+ eps` out of the root: `np.sqrt(s_new) + eps`. (Keras and optax put it inside; "
               "this series follows PyTorch. The two differ only for tiny gradients, so the check "
               "includes some.)")


def reference(grad, s, lr, eps):
    update, state = AdaGrad(lr, eps=eps).update(grad, AdaGradState(s=s))
    return update, state.s


@mistake("wrong_sign", headline="the update points the wrong way",
         did="its update has the opposite sign: `x - update` would move uphill.",
         look="the sign of the update.",
         fix="the update points along the gradient (`lr * grad / ...`); the caller subtracts it.")
def negative_update(grad, s, lr, eps):
    s_new = s + grad**2
    return -lr * grad / (np.sqrt(s_new) + eps), s_new


@mistake("missing_lr", headline="the update has the wrong scale",
         did="its update is `grad / (np.sqrt(s_new) + eps)`: one of the parameters is never used.",
         look="the factors of the update.", fix="multiply by `lr`.")
def no_learning_rate(grad, s, lr, eps):
    s_new = s + grad**2
    return grad / (np.sqrt(s_new) + eps), s_new


@mistake("missing_grad", headline="the update does not follow the gradient",
         did="its update is `lr / (np.sqrt(s_new) + eps)`, positive whichever way the gradient points: that "
             "is the effective learning rate, not yet the update.", look="the numerator of the update.",
         fix="multiply the effective learning rate by the gradient: `lr * grad / (np.sqrt(s_new) + eps)`.")
def step_size_only(grad, s, lr, eps):
    s_new = s + grad**2
    return lr / (np.sqrt(s_new) + eps), s_new


@mistake("eps_inside_sqrt", headline="epsilon is not where this series puts it",
         did="it divided by `np.sqrt(s_new + eps)`.",
         look="where `eps` sits in the denominator.", fix=EPS_OUTSIDE)
def eps_inside(grad, s, lr, eps):
    s_new = s + grad**2
    return lr * grad / np.sqrt(s_new + eps), s_new


@mistake("missing_sqrt", headline="the denominator is on the wrong scale", did="it divided by `s_new + eps`.",
         look="the denominator: is it on the scale of a gradient, or of a squared gradient?",
         fix="s_new adds up SQUARED gradients; its square root brings it back to the size of a "
             "gradient: `np.sqrt(s_new) + eps`.")
def no_sqrt(grad, s, lr, eps):
    s_new = s + grad**2
    return lr * grad / (s_new + eps), s_new


@mistake("missing_square", headline="the accumulator adds up the wrong quantity",
         did="it added `grad` to s, so a negative gradient makes s smaller (and its root can be nan).",
         look="what is added to the accumulator.",
         fix="s accumulates SQUARED gradients: `s + grad**2` (a negative gradient must still make s grow).")
def not_squared(grad, s, lr, eps):
    s_new = s + grad
    return lr * grad / (np.sqrt(s_new) + eps), s_new


@mistake("stale_state", headline="the old s is returned",
         did="it returned the `s` it was given, so the next step would forget this gradient.",
         look="the `return` line.", fix="return the accumulator you just computed: `return update, s_new`.")
def returns_old_s(grad, s, lr, eps):
    s_new = s + grad**2
    return lr * grad / (np.sqrt(s_new) + eps), s


@mistake("stale_state", headline="the update uses the old s",
         did="it computed the update from the old `s`, before adding this step's squared gradient.",
         look="the order of your two lines.",
         fix="first `s_new = s + grad**2`, then divide by `np.sqrt(s_new) + eps`.")
def update_from_old_s(grad, s, lr, eps):
    update = lr * grad / (np.sqrt(s) + eps)
    return update, s + grad**2


def cases():
    return (
        dict(grad=np.array([0.5, -2.0, 0.03]), s=np.array([0.0, 0.0, 0.0]), lr=0.1, eps=1e-8),
        dict(grad=np.array([0.3, -0.02, 1.5]), s=np.array([0.04, 0.0009, 2.25]), lr=0.05, eps=0.01),
        dict(grad=np.array([[0.1, -0.4], [0.02, 1.0], [-0.7, 0.25]]),
             s=np.array([[0.5, 0.02], [1e-4, 3.0], [0.2, 0.01]]), lr=0.3, eps=1e-3),
    )


def varied_case(rng):
    shape = (int(rng.integers(2, 6)),)
    return dict(grad=rng.uniform(-2, 2, shape), s=rng.uniform(0.01, 3, shape), lr=float(rng.uniform(0.01, 0.5)),
                eps=float(rng.choice([1e-8, 1e-3, 0.05])))


EXERCISE = Exercise(
    name="adagrad_step", args=("grad", "s", "lr", "eps"), arrays=("grad", "s"), outputs=("update", "s_new"),
    rule=("s_new = s + grad**2", "update = lr * grad / (np.sqrt(s_new) + eps)"), reference=reference,
    mistakes=tuple(MISTAKES), cases=cases, varied_case=varied_case,
    about_cases="1-D and 2-D arrays, the first step from s = 0, and eps comparable to s",
    checker="check_adagrad_step",
)


def check_adagrad_step(fn, show=True, hint=False):
    """Check ``adagrad_step(grad, s, lr, eps) -> (update, s_new)``.

    The rule: ``s_new = s + grad**2``, ``update = lr * grad / (np.sqrt(s_new) + eps)``.
    ``show=False`` returns the :class:`CheckResult` without showing it; ``hint=True`` shows the rule.
    """
    return check(EXERCISE, fn, show, hint)


# ---------------------------------------------------------------------------------------------
# The exercise of notebook 02: every update of a run at once, from the running sum
# ``adagrad_updates(grads, lr, eps) -> updates``; grads[t] is the gradient of update t + 1, s starts at 0.

RUN_MISTAKES = []
run_mistake = collector(RUN_MISTAKES)

_RUNNING_SUM = "s after update t adds up rows 0 to t of `grads**2`: `s = np.cumsum(grads**2, axis=0)`."


def run_reference(grads, lr, eps):
    opt = AdaGrad(lr, eps=eps)
    state, updates = opt.init(np.zeros(grads.shape[1:])), []
    for g in grads:
        update, state = opt.update(g, state)
        updates.append(update)
    return np.array(updates)


@run_mistake("wrong_value", headline="the accumulator sees the future",
             did="every update is divided by the root of the sum over the WHOLE run (`np.sum(grads**2, axis=0)`), "
                 "so update t also uses gradients that arrive later.",
             look="which gradients s may contain at update t.", fix=_RUNNING_SUM)
def whole_run_sum(grads, lr, eps):
    return lr * grads / (np.sqrt(np.sum(grads**2, axis=0)) + eps)


@run_mistake("wrong_value", headline="the sum runs across the coordinates",
             did="it added up `grads**2` along axis 1, over the coordinates of one update, instead of over the "
                 "updates.", look="the axis of the running sum: rows are updates, columns are coordinates.",
             fix=_RUNNING_SUM)
def sum_over_coordinates(grads, lr, eps):
    return lr * grads / (np.sqrt(np.cumsum(grads**2, axis=1)) + eps)


@run_mistake("wrong_value", headline="one accumulator is shared by all coordinates",
             did="it added every coordinate's squared gradients into one sum per update, so all coordinates "
                 "get the same divisor (that is AdaGrad-Norm, not AdaGrad).",
             look="whether each coordinate keeps its own sum.",
             fix="keep one running sum per coordinate: " + _RUNNING_SUM)
def shared_accumulator(grads, lr, eps):
    s = np.cumsum(np.sum(grads**2, axis=1, keepdims=True), axis=0)
    return lr * grads / (np.sqrt(s) + eps)


@run_mistake("stale_state", headline="each update uses the sum before its own gradient",
             did="update t is divided by the sum of the EARLIER squared gradients only, so the first update "
                 "divides by `eps` alone.",
             look="whether the sum at update t includes row t.",
             fix="AdaGrad adds this update's squared gradient first, then divides: " + _RUNNING_SUM)
def sum_before_update(grads, lr, eps):
    s = np.cumsum(grads**2, axis=0) - grads**2
    return lr * grads / (np.sqrt(s) + eps)


@run_mistake("missing_square", headline="the accumulator adds up the wrong quantity",
             did="it added up `grads` instead of `grads**2`, so negative gradients make s smaller (and its root "
                 "can be nan).", look="what is added up.",
             fix="s adds up SQUARED gradients: " + _RUNNING_SUM)
def run_not_squared(grads, lr, eps):
    return lr * grads / (np.sqrt(np.cumsum(grads, axis=0)) + eps)


@run_mistake("missing_sqrt", headline="the denominator is on the wrong scale",
             did="it divided by the running sum itself, not by its square root.",
             look="the denominator: is it on the scale of a gradient, or of a squared gradient?",
             fix="divide by `np.sqrt(s) + eps`, the root of the sum of squares.")
def run_no_sqrt(grads, lr, eps):
    return lr * grads / (np.cumsum(grads**2, axis=0) + eps)


@run_mistake("eps_inside_sqrt", headline="epsilon is not where this series puts it",
             did="it divided by `np.sqrt(s + eps)`.", look="where `eps` sits in the denominator.",
             fix=EPS_OUTSIDE.replace("s_new", "s"))
def run_eps_inside(grads, lr, eps):
    return lr * grads / np.sqrt(np.cumsum(grads**2, axis=0) + eps)


@run_mistake("wrong_sign", headline="the updates point the wrong way",
             did="its updates have the opposite sign: `x - update` would move uphill.",
             look="the sign of the updates.", fix="the update points along the gradient; the caller subtracts it.")
def run_negative(grads, lr, eps):
    return -lr * grads / (np.sqrt(np.cumsum(grads**2, axis=0)) + eps)


def run_cases():
    rare = np.zeros((8, 2))
    rare[:, 0] = [1.0, -0.5, 0.8, 0.25, -1.5, 0.6, -0.1, 2.0]
    rare[3::4, 1] = [0.7, -0.3]  # a rare feature: a gradient only at updates 4 and 8
    return (
        dict(grads=rare, lr=0.1, eps=1e-8),
        dict(grads=np.array([[0.5, -2.0, 0.03], [0.4, -1.0, 0.05], [-0.2, 0.5, 0.02], [0.1, 0.25, -0.04]]),
             lr=0.5, eps=1e-3),
        dict(grads=np.array([[3.0, 0.01], [2.0, -0.02], [1.0, 0.04]]), lr=1.0, eps=0.05),
    )


def run_varied_case(rng):
    shape = (int(rng.integers(3, 9)), int(rng.integers(2, 5)))
    return dict(grads=rng.uniform(-2, 2, shape), lr=float(rng.uniform(0.01, 1.0)),
                eps=float(rng.choice([1e-8, 1e-3, 0.05])))


RUN_EXERCISE = Exercise(
    name="adagrad_updates", args=("grads", "lr", "eps"), arrays=("grads",), outputs=("updates",),
    rule=("s = np.cumsum(grads**2, axis=0)", "updates = lr * grads / (np.sqrt(s) + eps)"),
    reference=run_reference, mistakes=tuple(RUN_MISTAKES), cases=run_cases, varied_case=run_varied_case,
    about_cases="runs of 3 to 8 updates with 2 or 3 coordinates, a rare feature, and eps comparable to s",
    checker="check_adagrad_updates",
)


def check_adagrad_updates(fn, show=True, hint=False):
    """Check ``adagrad_updates(grads, lr, eps) -> updates``: all T updates of an AdaGrad run at once.

    ``grads`` has one row per update (row t: the gradient of update t + 1), s starts at 0. The rule:
    ``s = np.cumsum(grads**2, axis=0)``, ``updates = lr * grads / (np.sqrt(s) + eps)``.
    ``show=False`` returns the :class:`CheckResult` without showing it; ``hint=True`` shows the rule.
    """
    return check(RUN_EXERCISE, fn, show, hint)
