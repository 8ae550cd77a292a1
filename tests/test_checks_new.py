"""The checkers of notebooks 04 and 07: every diagnosis planted the way a learner would write it,
correct answers written differently pass, and the references agree with independent ones."""
import numpy as np
import pytest

from checks_support import assert_diagnosis
from rmsprop_lib.checks import (check_minibatch_gradient, check_softmax_cross_entropy,
                                minibatch, softmax)


# ---------------------------------------------------------------------------------------------
# minibatch_gradient(X, y, theta) -> grad
# ---------------------------------------------------------------------------------------------

def mb_stub(X, y, theta):
    raise NotImplementedError


def mb_correct(X, y, theta):
    return X.T @ (X @ theta - y) / len(y)


def mb_loop(X, y, theta):
    grad = np.zeros_like(theta)
    for i in range(X.shape[0]):
        grad += (X[i] @ theta - y[i]) * X[i]
    return grad / X.shape[0]


def mb_mean_of_outer(X, y, theta):
    return np.mean((X @ theta - y)[:, None] * X, axis=0)


def mb_einsum_list(X, y, theta):
    return list(np.einsum("bi,b->i", X, np.dot(X, theta) - y) / y.size)


MB_CORRECT = [mb_correct, mb_loop, mb_mean_of_outer, mb_einsum_list]


def mb_sum(X, y, theta):
    residual = X @ theta - y
    return X.T @ residual


def mb_loop_no_mean(X, y, theta):
    grad = np.zeros(len(theta))
    for xi, yi in zip(X, y):
        grad = grad + (xi @ theta - yi) * xi
    return grad


def mb_two(X, y, theta):
    return 2 * X.T @ (X @ theta - y) / X.shape[0]


def mb_two_and_sum(X, y, theta):
    return 2 * X.T.dot(X.dot(theta) - y)


def mb_sign(X, y, theta):
    error = y - X @ theta
    return X.T @ error / len(y)


def mb_per_sample(X, y, theta):
    return (X @ theta - y)[:, None] * X / len(y)  # forgot to sum over the batch


def mb_residual_only(X, y, theta):
    return (X @ theta - y) / len(y)


def mb_mutates_y(X, y, theta):
    y -= X @ theta  # y now holds minus the residual
    return -X.T @ y / len(y)


def mb_mutates_theta(X, y, theta):
    theta *= 1.0
    theta += 0.0
    theta[...] = theta  # harmless so far
    theta -= 0  # (values unchanged, but written into)
    grad = X.T @ (X @ theta - y) / len(y)
    theta[0] = 123.0
    return grad


def mb_features_count(X, y, theta):
    return X.T @ (X @ theta - y) / X.shape[1]  # divided by the number of features


def mb_transposed_X(X, y, theta):
    return X.T @ X.T.T @ theta / len(y)  # forgot y


MB_PLANTED = [
    (mb_stub, "not_implemented"),
    (mb_sum, "sum_not_mean"),
    (mb_loop_no_mean, "sum_not_mean"),
    (mb_two, "extra_factor_two"),
    (mb_two_and_sum, "extra_factor_two"),
    (mb_sign, "wrong_sign"),
    (mb_per_sample, "wrong_shape"),
    (mb_residual_only, "wrong_shape"),
    (mb_mutates_y, "mutates_input"),
    (mb_mutates_theta, "mutates_input"),
    (mb_features_count, "wrong_value"),
    (mb_transposed_X, "wrong_value"),
]


@pytest.mark.parametrize("fn", MB_CORRECT, ids=lambda f: f.__name__)
def test_minibatch_correct_variants_pass(fn):
    assert_diagnosis(check_minibatch_gradient, fn, None)


@pytest.mark.parametrize("fn, diagnosis", MB_PLANTED, ids=lambda p: getattr(p, "__name__", str(p)))
def test_minibatch_planted_mistakes(fn, diagnosis):
    assert_diagnosis(check_minibatch_gradient, fn, diagnosis)


def test_minibatch_reference_is_the_gradient_of_half_the_mean_squared_error():
    """Central differences of 0.5 * mean((X @ theta - y)**2), independent of the package."""
    for case in minibatch.EXERCISE.cases():
        X, y, theta = case["X"], case["y"], case["theta"]

        def loss(t):
            return 0.5 * np.mean((X @ t - y) ** 2)
        h = 1e-6
        numeric = np.array([(loss(theta + h * e) - loss(theta - h * e)) / (2 * h) for e in np.eye(len(theta))])
        np.testing.assert_allclose(minibatch.reference(X, y, theta), numeric, rtol=1e-7, atol=1e-9)


def test_no_batch_has_two_rows_so_a_sum_and_a_factor_two_differ():
    sizes = [len(c["y"]) for c in minibatch.EXERCISE.cases()]
    sizes += [len(minibatch.varied_case(np.random.default_rng(i))["y"]) for i in range(200)]
    assert 2 not in sizes


# ---------------------------------------------------------------------------------------------
# softmax_cross_entropy(Z, y) -> (loss, dZ)
# ---------------------------------------------------------------------------------------------

def sce_stub(Z, y):
    raise NotImplementedError


def sce_correct(Z, y):
    n = len(y)
    shifted = Z - Z.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -np.mean(log_p[np.arange(n), y])
    dZ = np.exp(log_p)
    dZ[np.arange(n), y] -= 1
    return loss, dZ / n


def sce_logsumexp_onehot(Z, y):
    m = np.max(Z, axis=-1, keepdims=True)
    log_p = Z - m - np.log(np.sum(np.exp(Z - m), axis=-1, keepdims=True))
    one_hot = np.eye(Z.shape[1])[y]
    return float(-(one_hot * log_p).sum() / len(Z)), (np.exp(log_p) - one_hot) / len(Z)


def sce_loop(Z, y):
    n, k = Z.shape
    loss, dZ = 0.0, np.zeros((n, k))
    for i in range(n):
        z = Z[i] - max(Z[i])
        total = np.sum(np.exp(z))
        loss -= (z[y[i]] - np.log(total)) / n  # log p of the true class, never log(0)
        dZ[i] = np.exp(z) / total / n
        dZ[i, y[i]] -= 1 / n
    return loss, dZ.tolist()


def sce_logaddexp(Z, y):
    log_norm = np.logaddexp.reduce(Z, axis=1)  # log sum exp per row, without forming exp(Z)
    rows = np.arange(len(y))
    p = np.exp(Z - log_norm[:, None])
    p[rows, y] -= 1
    return np.mean(log_norm - Z[rows, y]), p / len(y)


SCE_CORRECT = [sce_correct, sce_logsumexp_onehot, sce_loop, sce_logaddexp]


def sce_log_of_p(Z, y):
    n = len(y)
    shifted = Z - Z.max(axis=1, keepdims=True)
    p = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
    loss = -np.mean(np.log(p[np.arange(n), y]))  # p = exp(-2000) is 0: log(0) = -inf
    dZ = p.copy()
    dZ[np.arange(n), y] -= 1
    return loss, dZ / n


def sce_loop_log_of_p(Z, y):
    n, k = Z.shape
    loss, dZ = 0.0, np.zeros((n, k))
    for i in range(n):
        z = Z[i] - max(Z[i])
        p = np.exp(z) / np.sum(np.exp(z))
        loss -= np.log(p[y[i]]) / n
        dZ[i] = p / n
        dZ[i, y[i]] -= 1 / n
    return loss, dZ.tolist()


def sce_sum_log_space(Z, y):  # summed, but the loss computed in log space: finite where log(p) is not
    shifted = Z - Z.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    rows = np.arange(len(y))
    dZ = np.exp(log_p)
    dZ[rows, y] -= 1
    return -log_p[rows, y].sum(), dZ


def sce_sum(Z, y):
    shifted = Z - Z.max(axis=1, keepdims=True)
    p = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
    rows = np.arange(len(y))
    dZ = p.copy()
    dZ[rows, y] -= 1
    return -np.log(p[rows, y]).sum(), dZ


def sce_grad_not_divided(Z, y):
    shifted = Z - Z.max(axis=1, keepdims=True)
    p = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
    rows = np.arange(len(y))
    p[rows, y] -= 1  # p is now the gradient, without the 1/n
    return -np.mean(np.log(p[rows, y] + 1)), p


def sce_no_one_hot(Z, y):
    shifted = Z - Z.max(axis=1, keepdims=True)
    p = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
    return -np.mean(np.log(p[np.arange(len(y)), y])), p / len(y)


def sce_naive(Z, y):
    p = np.exp(Z) / np.sum(np.exp(Z), axis=1, keepdims=True)
    one_hot = np.eye(Z.shape[1])[y]
    return -np.mean(np.log(np.sum(p * one_hot, axis=1))), (p - one_hot) / len(y)


def sce_naive_logsumexp(Z, y):
    log_p = Z - np.log(np.exp(Z).sum(axis=1, keepdims=True))
    one_hot = np.eye(Z.shape[1])[y]
    return -np.mean(log_p[np.arange(len(y)), y]), (np.exp(log_p) - one_hot) / len(y)


def sce_one_hot_log_of_p(Z, y):
    shifted = Z - Z.max(axis=1, keepdims=True)
    p = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
    one_hot = np.eye(Z.shape[1])[y]
    return -np.mean(np.log(np.sum(p * one_hot, axis=1))), (p - one_hot) / len(y)


def sce_global_max(Z, y):
    e = np.exp(Z - Z.max())  # one max for the whole batch: rows far below it underflow
    p = e / e.sum(axis=1, keepdims=True)
    one_hot = np.eye(Z.shape[1])[y]
    return -np.mean(np.log(p[np.arange(len(y)), y])), (p - one_hot) / len(y)


def sce_axis0(Z, y):
    e = np.exp(Z - np.max(Z, axis=0))
    p = e / np.sum(e, axis=0)
    one_hot = np.eye(Z.shape[1])[y]
    return -np.mean(np.log(p[np.arange(len(y)), y])), (p - one_hot) / len(y)


def sce_grad_sign(Z, y):
    shifted = Z - Z.max(axis=1, keepdims=True)
    p = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
    one_hot = np.eye(Z.shape[1])[y]
    return -np.mean(np.log(p[np.arange(len(y)), y])), (one_hot - p) / len(y)


def sce_loss_sign(Z, y):
    shifted = Z - Z.max(axis=1, keepdims=True)
    p = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
    one_hot = np.eye(Z.shape[1])[y]
    return np.mean(np.log(p[np.arange(len(y)), y])), (p - one_hot) / len(y)


def sce_mutates(Z, y):
    Z -= Z.max(axis=1, keepdims=True)
    Z -= np.log(np.exp(Z).sum(axis=1, keepdims=True))  # Z now holds log p
    one_hot = np.eye(Z.shape[1])[y]
    return -np.mean(Z[np.arange(len(y)), y]), (np.exp(Z) - one_hot) / len(y)


def sce_per_row_loss(Z, y):
    shifted = Z - Z.max(axis=1, keepdims=True)
    p = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
    one_hot = np.eye(Z.shape[1])[y]
    return -np.log(p[np.arange(len(y)), y]), (p - one_hot) / len(y)  # forgot the mean


def sce_swapped(Z, y):
    loss, dZ = sce_correct(Z, y)
    return dZ, loss


def sce_no_keepdims(Z, y):
    e = np.exp(Z - Z.max(axis=1, keepdims=True))
    p = e / e.sum(axis=1)  # (n, k) / (n,): only works when n == k
    one_hot = np.eye(Z.shape[1])[y]
    return -np.mean(np.log(p[np.arange(len(y)), y])), (p - one_hot) / len(y)


def sce_one_hot_wrong(Z, y):
    shifted = Z - Z.max(axis=1, keepdims=True)
    p = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
    dZ = p.copy()
    dZ[:, y] -= 1  # every row gets a 1 removed at every label
    return -np.mean(np.log(p[np.arange(len(y)), y])), dZ / len(y)


SCE_PLANTED = [
    (sce_stub, "not_implemented"),
    (sce_log_of_p, "log_underflow"),
    (sce_loop_log_of_p, "log_underflow"),
    (sce_one_hot_log_of_p, "log_underflow"),
    (sce_sum, "not_averaged"),
    (sce_sum_log_space, "not_averaged"),
    (sce_grad_not_divided, "not_averaged"),
    (sce_no_one_hot, "missing_one_hot"),
    (sce_naive, "unstable_softmax"),
    (sce_naive_logsumexp, "unstable_softmax"),
    (sce_global_max, "unstable_softmax"),
    (sce_axis0, "softmax_wrong_axis"),
    (sce_grad_sign, "wrong_sign"),
    (sce_loss_sign, "wrong_sign"),
    (sce_mutates, "mutates_input"),
    (sce_per_row_loss, "wrong_shape"),
    (sce_swapped, "wrong_order"),
    (sce_no_keepdims, "raised"),
    (sce_one_hot_wrong, "wrong_value"),
]
PLANTED_TABLES = [MB_PLANTED, SCE_PLANTED]


@pytest.mark.parametrize("fn", SCE_CORRECT, ids=lambda f: f.__name__)
def test_softmax_correct_variants_pass(fn):
    assert_diagnosis(check_softmax_cross_entropy, fn, None)


@pytest.mark.parametrize("fn, diagnosis", SCE_PLANTED, ids=lambda p: getattr(p, "__name__", str(p)))
def test_softmax_planted_mistakes(fn, diagnosis):
    assert_diagnosis(check_softmax_cross_entropy, fn, diagnosis)


@pytest.mark.torch
def test_softmax_reference_agrees_with_pytorch():
    torch = pytest.importorskip("torch")
    cases = list(softmax.EXERCISE.cases()) + [softmax.varied_case(np.random.default_rng(i)) for i in range(20)]
    for case in cases:
        Z = torch.tensor(case["Z"], dtype=torch.float64, requires_grad=True)
        loss = torch.nn.functional.cross_entropy(Z, torch.tensor(case["y"]))
        loss.backward()
        ours_loss, ours_dZ = softmax.reference(case["Z"], case["y"])
        np.testing.assert_allclose(ours_loss, loss.item(), rtol=1e-12)
        np.testing.assert_allclose(ours_dZ, Z.grad.numpy(), rtol=1e-10, atol=1e-15)


def test_the_broadcast_error_of_a_missing_keepdims_gets_a_hint():
    message = check_softmax_cross_entropy(sce_no_keepdims, show=False).message
    assert "keepdims=True" in message


def test_the_unstable_softmax_message_names_the_overflow():
    result = check_softmax_cross_entropy(sce_naive, show=False)
    assert "overflow" in result.message and "np.exp(1000.0)" in result.message
    assert "Z.max(axis=1, keepdims=True)" not in result.message  # the fix comes with the hint
    assert "Z.max(axis=1, keepdims=True)" in check_softmax_cross_entropy(sce_naive, show=False).message
