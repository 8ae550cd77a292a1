"""The run-at-once exercises of notebooks 02 and 03: adagrad_updates(grads, lr, eps) and
rmsprop_updates(grads, lr, rho, eps). Correct answers written differently pass, every planted mistake
gets its own diagnosis and headline, and the references agree with hand-computed runs."""
import numpy as np
import pytest

from checks_support import assert_diagnosis, run
from rmsprop_lib.checks import adagrad, rmsprop
from rmsprop_lib.checks.adagrad import check_adagrad_updates
from rmsprop_lib.checks.rmsprop import check_rmsprop_updates


def ada_cumsum(grads, lr, eps):
    return lr * grads / (np.sqrt(np.cumsum(grads**2, axis=0)) + eps)


def ada_loop(grads, lr, eps):
    s, out = np.zeros(grads.shape[1]), []
    for g in grads:
        s = s + g * g
        out.append(lr * g / (s**0.5 + eps))
    return out  # a list of rows is accepted


def ada_triangle(grads, lr, eps):
    T = len(grads)
    return lr * grads / (np.sqrt(np.tril(np.ones((T, T))) @ grads**2) + eps)


def rms_matrix(grads, lr, rho, eps):
    t = np.arange(len(grads))
    age = t[:, None] - t[None, :]
    W = np.tril((1 - rho) * rho ** np.maximum(age, 0))
    return lr * grads / (np.sqrt(W @ grads**2) + eps)


def rms_loop(grads, lr, rho, eps):
    s, out = np.zeros(grads.shape[1]), []
    for g in grads:
        s = rho * s + (1 - rho) * g**2
        out.append(lr * g / (np.sqrt(s) + eps))
    return np.array(out)


def rms_powers(grads, lr, rho, eps):  # the weights from powers of rho along the rows, then divided out
    T = len(grads)
    p = rho ** np.arange(T, dtype=float)
    s = (1 - rho) * np.cumsum(grads**2 / p[:, None], axis=0) * p[:, None]
    return lr * grads / (np.sqrt(s) + eps)


@pytest.mark.parametrize("fn", [ada_cumsum, ada_loop, ada_triangle], ids=lambda f: f.__name__)
def test_adagrad_updates_correct_answers_pass(fn):
    assert_diagnosis(check_adagrad_updates, fn, None)


@pytest.mark.parametrize("fn", [rms_matrix, rms_loop, rms_powers], ids=lambda f: f.__name__)
def test_rmsprop_updates_correct_answers_pass(fn):
    assert_diagnosis(check_rmsprop_updates, fn, None)


@pytest.mark.parametrize("checker, mistakes", [(check_adagrad_updates, adagrad.RUN_MISTAKES),
                                                (check_rmsprop_updates, rmsprop.RUN_MISTAKES)],
                         ids=["adagrad_updates", "rmsprop_updates"])
def test_every_planted_mistake_is_named(checker, mistakes):
    headlines = set()
    for mistake in mistakes:
        result = assert_diagnosis(checker, mistake.compute, mistake.diagnosis)
        assert mistake.headline in result.message
        headlines.add(mistake.headline)
    assert len(headlines) == len(mistakes)  # no two mistakes share a message


def test_stub_and_mutation():
    def stub(grads, lr, eps):
        raise NotImplementedError

    def mutates(grads, lr, eps):
        updates = ada_cumsum(grads, lr, eps)
        grads[:] = 0.0  # the right values, but the caller's array is overwritten
        return updates

    assert_diagnosis(check_adagrad_updates, stub, "not_implemented")
    assert_diagnosis(check_adagrad_updates, mutates, "mutates_input")


def test_references_against_hand_computed_runs():
    # AdaGrad, one coordinate, gradients 3 then 4, eps 0: s = 9 then 25, updates 1 * 3/3 = 1 and 4/5 = 0.8.
    ada = adagrad.run_reference(np.array([[3.0], [4.0]]), lr=1.0, eps=0.0)
    assert np.allclose(ada, [[1.0], [0.8]], rtol=1e-15, atol=0)
    # RMSProp, rho 0.5: s = 0.5 * 4 = 2, then 0.5 * 2 + 0.5 * 16 = 9; updates 2/sqrt(2) and 4/3.
    rms = rmsprop.run_reference(np.array([[2.0], [4.0]]), lr=1.0, rho=0.5, eps=0.0)
    assert np.allclose(rms, [[np.sqrt(2.0)], [4.0 / 3.0]], rtol=1e-15, atol=0)


def test_the_rule_lines_compute_the_reference():
    # The rule the hint shows is code: run it on every fixed case.
    for case in rmsprop.RUN_EXERCISE.cases():
        grads, lr, rho, eps = case["grads"], case["lr"], case["rho"], case["eps"]
        scope = dict(np=np, grads=grads, lr=lr, rho=rho, eps=eps)
        exec("\n".join(rmsprop.RUN_EXERCISE.rule), scope)
        assert np.allclose(scope["updates"], rmsprop.run_reference(**case), rtol=1e-12, atol=0)
    for case in adagrad.RUN_EXERCISE.cases():
        scope = dict(np=np, **case)
        exec("\n".join(adagrad.RUN_EXERCISE.rule), scope)
        assert np.allclose(scope["updates"], adagrad.run_reference(**case), rtol=1e-12, atol=0)
