"""Softmax cross-entropy: ``softmax_cross_entropy(Z, y) -> (loss, dZ)``, the mean cross-entropy of the
logits Z (n, k) with integer labels y (n,), and its gradient with respect to Z (notebook 07)."""
import numpy as np

from ._engine import Exercise, check, collector

MISTAKES = []
mistake = collector(MISTAKES)


def reference(Z, y):
    n = len(y)
    shifted = Z - Z.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    dZ = np.exp(log_p)
    dZ[np.arange(n), y] -= 1.0
    return -np.mean(log_p[np.arange(n), y]), dZ / n


def softmax(Z):
    """The stable softmax over each row (shared by the mistakes made after it)."""
    e = np.exp(Z - Z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


# The mistakes below take the loss as `np.log` of the probability, as most learners write it; where a
# probability underflows to 0 that gives inf, so they are ``overflows=True``: there a learner's loss
# matches whether it was computed that way or in log space (the other outputs still decide). The
# first mistake, a loss that is inf only there, is tried before them all: it is what they would match.


@mistake("log_underflow", headline="the loss is inf where a probability underflows to 0",
         did="for a row with the logits [1000, -1000] and the true class 1 it returned the loss inf, though that "
             "row's loss is 2000: the class's probability, exp(-2000), is 0 in floating point, and `np.log(0)` "
             "is -inf.",
         look="the logarithm: can you get log p from the shifted logits without computing p first?",
         fix="take the log in log space: `log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))` "
             "(every term finite), then `loss = -np.mean(log_p[np.arange(n), y])`; the gradient still uses "
             "`p = np.exp(log_p)`.")
def log_of_underflowed_softmax(Z, y):
    n = len(y)
    p = softmax(Z)
    dZ = p.copy()
    dZ[np.arange(n), y] -= 1
    return -np.mean(np.log(p[np.arange(n), y])), dZ / n


_MEAN = "what the loss averages over, and whether the gradient follows it."
_MEAN_FIX = ("the loss is the MEAN over the n rows, so divide both the summed loss and the gradient by "
             "`n = len(y)`: `dZ = (p - one_hot) / n`.")


@mistake("not_averaged", headline="the loss and its gradient grow with the batch size", overflows=True,
         did="it returned the sum of the row losses, and `p - one_hot` as the gradient: twice as many rows "
             "give twice the loss.", look=_MEAN, fix=_MEAN_FIX)
def summed(Z, y):
    n = len(y)
    p = softmax(Z)
    loss = -np.sum(np.log(p[np.arange(n), y]))
    dZ = p.copy()
    dZ[np.arange(n), y] -= 1
    return loss, dZ


@mistake("not_averaged", headline="the gradient grows with the batch size", overflows=True,
         did="its loss is a mean over the rows, but its gradient is `p - one_hot`, the same for every row "
             "whatever the batch size.", look=_MEAN, fix=_MEAN_FIX)
def gradient_summed(Z, y):
    n = len(y)
    p = softmax(Z)
    dZ = p.copy()
    dZ[np.arange(n), y] -= 1
    return -np.mean(np.log(p[np.arange(n), y])), dZ


@mistake("not_averaged", headline="the loss grows with the batch size", overflows=True,
         did="its gradient is right, but its loss is the sum of the row losses.", look=_MEAN, fix=_MEAN_FIX)
def loss_summed(Z, y):
    n = len(y)
    p = softmax(Z)
    dZ = p.copy()
    dZ[np.arange(n), y] -= 1
    return -np.sum(np.log(p[np.arange(n), y])), dZ / n


@mistake("missing_one_hot", headline="the gradient ignores the labels", overflows=True,
         did="its gradient is `p / n`: it does not depend on the true classes `y` at all.",
         look="the entries of dZ at the true classes `y`.",
         fix="the derivative of `-log p[y]` with respect to Z is `p - one_hot(y)`: subtract 1 at the true "
             "class of each row, `dZ[np.arange(n), y] -= 1`, then divide by n.")
def no_one_hot(Z, y):
    p = softmax(Z)
    return -np.mean(np.log(p[np.arange(len(y)), y])), p / len(y)


@mistake("unstable_softmax", headline="the softmax overflows on large logits", overflows=True,
         did="on large logits (around +-1000) it returned inf or nan: `np.exp(Z)` overflows.",
         look="how you compute `np.exp(Z)`: what is `np.exp(1000.0)`?",
         fix="subtract each row's largest logit first, `Z - Z.max(axis=1, keepdims=True)`: the softmax does "
             "not change, and the largest exponent becomes exp(0) = 1.")
def naive_softmax(Z, y):
    n = len(y)
    e = np.exp(Z)
    p = e / e.sum(axis=1, keepdims=True)
    dZ = p.copy()
    dZ[np.arange(n), y] -= 1
    return -np.mean(np.log(p[np.arange(n), y])), dZ / n


@mistake("unstable_softmax", headline="the softmax underflows on rows far below the others", overflows=True,
         did="it subtracted one maximum for the whole batch, `Z.max()`: a row whose logits all lie far below it "
             "gets `np.exp` = 0 everywhere, and 0 / 0 is nan.",
         look="which maximum you subtract: one for the batch, or one for each row?",
         fix="subtract each row's own largest logit, `Z - Z.max(axis=1, keepdims=True)`: every row then has an "
             "exponent exp(0) = 1, so its sum is at least 1.")
def one_max_for_the_batch(Z, y):
    n = len(y)
    e = np.exp(Z - Z.max())
    p = e / e.sum(axis=1, keepdims=True)
    dZ = p.copy()
    dZ[np.arange(n), y] -= 1
    return -np.mean(np.log(p[np.arange(n), y])), dZ / n


@mistake("softmax_wrong_axis", headline="the softmax normalises over the wrong axis", overflows=True,
         did="its probabilities add up to 1 down each column (over the samples), not "
         "along each row (over the classes).", look="the `axis` of your sums and maxima.",
         fix="each row of Z holds one sample's k logits: normalise over the classes, `axis=1` (with "
             "`keepdims=True`).")
def columns_normalised(Z, y):
    n = len(y)
    e = np.exp(Z - Z.max(axis=0))
    p = e / e.sum(axis=0)
    dZ = p.copy()
    dZ[np.arange(n), y] -= 1
    return -np.mean(np.log(p[np.arange(n), y])), dZ / n


@mistake("wrong_sign", overflows=True,
         headline="the gradient has the wrong sign",
         did="its gradient is `(one_hot - p) / n`, which points downhill.",
         look="the sign of dZ.",
         fix="the gradient of the loss is `(p - one_hot) / n`: positive for wrong classes, negative at the "
             "true one.")
def gradient_reversed(Z, y):
    n = len(y)
    p = softmax(Z)
    dZ = -p
    dZ[np.arange(n), y] += 1
    return -np.mean(np.log(p[np.arange(n), y])), dZ / n


@mistake("wrong_sign", overflows=True,
         headline="the loss has the wrong sign",
         did="its loss is `np.mean(np.log(p[...]))`, which is negative.",
         look="the sign of the loss.",
         fix="the cross-entropy is MINUS the mean log-probability of the true class.")
def loss_reversed(Z, y):
    n = len(y)
    p = softmax(Z)
    dZ = p.copy()
    dZ[np.arange(n), y] -= 1
    return np.mean(np.log(p[np.arange(n), y])), dZ / n


def cases():
    return (
        dict(Z=np.array([[2.0, 1.0, 0.1], [0.5, 2.5, -1.0], [-0.3, 0.2, 0.9], [1.2, -0.7, 0.4]]),
             y=np.array([0, 2, 1, 2])),
        dict(Z=np.array([[1000.0, 1001.0, 999.0], [-1000.0, -998.0, -1001.0]]), y=np.array([1, 0])),
        dict(Z=np.array([[0.3, -0.2], [1.5, 0.5], [-1.0, 2.0], [0.0, 0.0], [2.2, -1.3]]),
             y=np.array([1, 0, 1, 0, 0])),
        dict(Z=np.array([[0.1, 0.2, -0.4, 1.0], [3.0, -2.0, 0.5, 0.0], [-1.5, 0.3, 2.1, 0.7]]),
             y=np.array([3, 0, 2])),
        # the true class far below the largest logit: loss (2000 + log(1 + e**-1.2)) / 2, not inf
        dict(Z=np.array([[1000.0, -1000.0], [-0.5, 0.7]]), y=np.array([1, 1])),
    )


def varied_case(rng):
    n, k = int(rng.integers(3, 7)), int(rng.integers(2, 6))
    return dict(Z=rng.uniform(-3, 3, (n, k)), y=rng.integers(0, k, n))


EXERCISE = Exercise(
    name="softmax_cross_entropy", args=("Z", "y"), arrays=("Z", "y"), outputs=("loss", "dZ"),
    rule=("n = len(y)", "shifted = Z - Z.max(axis=1, keepdims=True)",
          "log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))",
          "loss = -np.mean(log_p[np.arange(n), y])",
          "dZ = np.exp(log_p)", "dZ[np.arange(n), y] -= 1", "dZ = dZ / n"),
    reference=reference, mistakes=tuple(MISTAKES), cases=cases, varied_case=varied_case,
    about_cases="2 to 4 classes, batches of 2 to 5 rows, logits around +-1000, and a true class "
                "2000 below the largest logit",
    checker="check_softmax_cross_entropy", shapes=lambda case: ((), np.shape(case["Z"])),
)


def check_softmax_cross_entropy(fn, show=True, hint=False):
    """Check ``softmax_cross_entropy(Z, y) -> (loss, dZ)``: the mean cross-entropy of the logits Z (n, k)
    with integer labels y (n,), a float, and its gradient with respect to Z, shape (n, k).

    ``show=False`` returns the :class:`CheckResult` without showing it; ``hint=True`` shows the rule.
    """
    return check(EXERCISE, fn, show, hint)
