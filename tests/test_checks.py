"""The exercise checkers: planted mistakes get their exact diagnosis, correct variants pass.

Every learner function below is written the way a learner would write it (not taken from the
checker's own list of variants), so each test is an independent statement of what the mistake is.
"""
import dataclasses
import itertools

import numpy as np
import pytest

from checks_support import assert_diagnosis, run
from rmsprop_lib.checks import (DIAGNOSES, _engine, adagrad, adam, adamw, check_adagrad_step,
                                check_adam_step, check_gradient_descent_step, check_rmsprop_step,
                                gradient_descent, minibatch, rmsprop, softmax, stable_lr)


# ---------------------------------------------------------------------------------------------
# Gradient descent
# ---------------------------------------------------------------------------------------------

def gd_stub(x, grad, lr):
    raise NotImplementedError


def gd_correct(x, grad, lr):
    return x - lr * grad


def gd_reordered(x, grad, lr):
    return -(grad * lr) + x


def gd_numpy_calls(x, grad, lr):
    return np.subtract(x, np.multiply(lr, grad))


def gd_inplace_on_copy(x, grad, lr):
    x = np.array(x, copy=True)
    x -= lr * grad
    return x


def gd_returns_list(x, grad, lr):
    return (x - lr * grad).tolist()


def gd_lists_in_loop(x, grad, lr):
    return [list(row) if np.ndim(row) else row for row in (np.asarray(x) - lr * np.asarray(grad))]


GD_CORRECT = [gd_correct, gd_reordered, gd_numpy_calls, gd_inplace_on_copy, gd_returns_list, gd_lists_in_loop]


def gd_plus(x, grad, lr):
    return x + lr * grad


def gd_no_lr(x, grad, lr):
    return x - grad


def gd_inplace(x, grad, lr):
    x -= lr * grad
    return x


def gd_scales_grad_inplace(x, grad, lr):
    grad *= lr
    return x - grad


def gd_returns_tuple(x, grad, lr):
    return x - lr * grad, lr


def gd_returns_none(x, grad, lr):
    x - lr * grad


def gd_returns_sum(x, grad, lr):
    return np.sum(x - lr * grad)


def gd_returns_strings(x, grad, lr):
    return ["a" for _ in np.ravel(x)]


def gd_returns_update(x, grad, lr):
    return lr * grad


def gd_squares_grad(x, grad, lr):
    return x - lr * grad**2


GD_PLANTED = [
    (gd_stub, "not_implemented"),
    (gd_plus, "wrong_sign"),
    (gd_no_lr, "missing_lr"),
    (gd_inplace, "mutates_input"),
    (gd_scales_grad_inplace, "mutates_input"),
    (gd_returns_tuple, "wrong_shape"),
    (gd_returns_none, "wrong_shape"),
    (gd_returns_sum, "wrong_shape"),
    (gd_returns_strings, "wrong_shape"),
    (gd_returns_update, "wrong_value"),
    (gd_squares_grad, "wrong_value"),
]


@pytest.mark.parametrize("fn", GD_CORRECT, ids=lambda f: f.__name__)
def test_gradient_descent_correct_variants_pass(fn):
    result = assert_diagnosis(check_gradient_descent_step, fn, None)
    assert "correct" in result.message


@pytest.mark.parametrize("fn, diagnosis", GD_PLANTED, ids=lambda p: getattr(p, "__name__", str(p)))
def test_gradient_descent_planted_mistakes(fn, diagnosis):
    assert_diagnosis(check_gradient_descent_step, fn, diagnosis)


# ---------------------------------------------------------------------------------------------
# AdaGrad
# ---------------------------------------------------------------------------------------------

def ada_stub(grad, s, lr, eps):
    raise NotImplementedError


def ada_correct(grad, s, lr, eps):
    s_new = s + grad**2
    return lr * grad / (np.sqrt(s_new) + eps), s_new


def ada_power(grad, s, lr, eps):
    s_new = np.add(s, np.power(grad, 2))
    return (lr / (np.power(s_new, 0.5) + eps)) * grad, s_new


def ada_inplace_on_copy(grad, s, lr, eps):
    s = s.copy()
    s += grad * grad
    update = grad.copy()
    update *= lr
    update /= s**0.5 + eps
    return update, s


def ada_lists(grad, s, lr, eps):
    s_new = s + grad**2
    return list(lr * grad / (np.sqrt(s_new) + eps)), s_new.tolist()


ADA_CORRECT = [ada_correct, ada_power, ada_inplace_on_copy, ada_lists]


def ada_wrong_sign(grad, s, lr, eps):
    s_new = s + grad**2
    return -lr * grad / (np.sqrt(s_new) + eps), s_new


def ada_no_lr(grad, s, lr, eps):
    s_new = s + grad**2
    return grad / (np.sqrt(s_new) + eps), s_new


def ada_step_size_only(grad, s, lr, eps):
    s_new = s + grad**2
    return lr / (np.sqrt(s_new) + eps), s_new


def ada_eps_inside(grad, s, lr, eps):
    s_new = s + grad**2
    return lr * grad / np.sqrt(s_new + eps), s_new


def ada_no_sqrt(grad, s, lr, eps):
    s_new = s + grad**2
    return lr * grad / (s_new + eps), s_new


def ada_not_squared(grad, s, lr, eps):
    s_new = s + grad
    return lr * grad / (np.sqrt(s_new) + eps), s_new


def ada_returns_old_s(grad, s, lr, eps):
    s_new = s + grad**2
    return lr * grad / (np.sqrt(s_new) + eps), s


def ada_update_from_old_s(grad, s, lr, eps):
    update = lr * grad / (np.sqrt(s) + eps)
    return update, s + grad**2


def ada_inplace(grad, s, lr, eps):
    s += grad**2
    return lr * grad / (np.sqrt(s) + eps), s


def ada_one_output(grad, s, lr, eps):
    return lr * grad / (np.sqrt(s + grad**2) + eps)


def ada_three_outputs(grad, s, lr, eps):
    s_new = s + grad**2
    return lr * grad / (np.sqrt(s_new) + eps), s_new, eps


def ada_precedence(grad, s, lr, eps):
    s_new = s + grad**2
    return lr * grad / np.sqrt(s_new) + eps, s_new


def ada_doubled(grad, s, lr, eps):
    s_new = s + 2 * grad**2
    return lr * grad / (np.sqrt(s_new) + eps), s_new


def ada_raises(grad, s, lr, eps):
    raise ValueError("shapes do not match, I think")


ADA_PLANTED = [
    (ada_stub, "not_implemented"),
    (ada_wrong_sign, "wrong_sign"),
    (ada_no_lr, "missing_lr"),
    (ada_step_size_only, "missing_grad"),
    (ada_eps_inside, "eps_inside_sqrt"),
    (ada_no_sqrt, "missing_sqrt"),
    (ada_not_squared, "missing_square"),
    (ada_returns_old_s, "stale_state"),
    (ada_update_from_old_s, "stale_state"),
    (ada_inplace, "mutates_input"),
    (ada_one_output, "wrong_shape"),
    (ada_three_outputs, "wrong_shape"),
    (ada_precedence, "wrong_value"),
    (ada_doubled, "wrong_value"),
    (ada_raises, "raised"),
]


@pytest.mark.parametrize("fn", ADA_CORRECT, ids=lambda f: f.__name__)
def test_adagrad_correct_variants_pass(fn):
    assert_diagnosis(check_adagrad_step, fn, None)


@pytest.mark.parametrize("fn, diagnosis", ADA_PLANTED, ids=lambda p: getattr(p, "__name__", str(p)))
def test_adagrad_planted_mistakes(fn, diagnosis):
    assert_diagnosis(check_adagrad_step, fn, diagnosis)


# ---------------------------------------------------------------------------------------------
# RMSProp
# ---------------------------------------------------------------------------------------------

def rms_stub(grad, s, lr, rho, eps):
    raise NotImplementedError


def rms_correct(grad, s, lr, rho, eps):
    s_new = rho * s + (1 - rho) * grad**2
    return lr * grad / (np.sqrt(s_new) + eps), s_new


def rms_ema_form(grad, s, lr, rho, eps):
    s_new = s + (1 - rho) * (np.square(grad) - s)  # the same average, written as a correction
    return grad * (lr / (eps + s_new**0.5)), s_new


def rms_power(grad, s, lr, rho, eps):
    s_new = np.multiply(rho, s) + np.multiply(1.0 - rho, np.power(grad, 2))
    return np.divide(lr * grad, np.add(np.sqrt(s_new), eps)), s_new


def rms_inplace_on_copy(grad, s, lr, rho, eps):
    s_new = np.copy(s)
    s_new *= rho
    s_new += (1 - rho) * grad * grad
    return lr * grad / (np.sqrt(s_new) + eps), s_new


def rms_lists(grad, s, lr, rho, eps):
    s_new = rho * s + (1 - rho) * grad**2
    return [(lr * grad / (np.sqrt(s_new) + eps)).tolist(), s_new.tolist()]


RMS_CORRECT = [rms_correct, rms_ema_form, rms_power, rms_inplace_on_copy, rms_lists]


def rms_wrong_sign(grad, s, lr, rho, eps):
    s_new = rho * s + (1 - rho) * grad**2
    return -lr * grad / (np.sqrt(s_new) + eps), s_new


def rms_no_lr(grad, s, lr, rho, eps):
    s_new = rho * s + (1 - rho) * grad**2
    return grad / (np.sqrt(s_new) + eps), s_new


def rms_step_size_only(grad, s, lr, rho, eps):
    s_new = rho * s + (1 - rho) * grad**2
    effective_lr = lr / (np.sqrt(s_new) + eps)
    return effective_lr, s_new


def rms_eps_inside(grad, s, lr, rho, eps):
    s_new = rho * s + (1 - rho) * grad**2
    return lr * grad / np.sqrt(s_new + eps), s_new


def rms_no_sqrt(grad, s, lr, rho, eps):
    s_new = rho * s + (1 - rho) * grad**2
    return lr * grad / (s_new + eps), s_new


def rms_no_one_minus_rho(grad, s, lr, rho, eps):
    s_new = rho * s + grad**2
    return lr * grad / (np.sqrt(s_new) + eps), s_new


def rms_sum(grad, s, lr, rho, eps):
    s_new = s + grad**2
    return lr * grad / (np.sqrt(s_new) + eps), s_new


def rms_rho_swapped(grad, s, lr, rho, eps):
    s_new = (1 - rho) * s + rho * grad**2
    return lr * grad / (np.sqrt(s_new) + eps), s_new


def rms_not_squared(grad, s, lr, rho, eps):
    s_new = rho * s + (1 - rho) * grad
    return lr * grad / (np.sqrt(s_new) + eps), s_new


def rms_returns_old_s(grad, s, lr, rho, eps):
    s_new = rho * s + (1 - rho) * grad**2
    return lr * grad / (np.sqrt(s_new) + eps), s


def rms_update_from_old_s(grad, s, lr, rho, eps):
    update = lr * grad / (np.sqrt(s) + eps)
    s = rho * s + (1 - rho) * grad**2
    return update, s


def rms_inplace(grad, s, lr, rho, eps):
    s *= rho
    s += (1 - rho) * grad**2
    return lr * grad / (np.sqrt(s) + eps), s


def rms_returns_array(grad, s, lr, rho, eps):
    s_new = rho * s + (1 - rho) * grad**2
    return np.array([lr * grad / (np.sqrt(s_new) + eps), s_new])


def rms_flattens(grad, s, lr, rho, eps):
    s_new = rho * s + (1 - rho) * grad**2
    return (lr * grad / (np.sqrt(s_new) + eps)).ravel(), s_new.ravel()


def rms_precedence(grad, s, lr, rho, eps):
    s_new = rho * s + (1 - rho) * grad**2
    return lr * grad / np.sqrt(s_new) + eps, s_new


def rms_fixed_rho(grad, s, lr, rho, eps):
    s_new = 0.9 * s + 0.1 * grad**2  # ignores the rho argument
    return lr * grad / (np.sqrt(s_new) + eps), s_new


def rms_squared_denominator(grad, s, lr, rho, eps):
    s_new = rho * s + (1 - rho) * grad**2
    return lr * grad / (np.sqrt(s_new) + eps) ** 2, s_new


def rms_wrong_signature(grad, s, lr, rho):
    return lr * grad, s


def rms_zero_division(grad, s, lr, rho, eps):
    return 1 / 0, s


RMS_PLANTED = [
    (rms_stub, "not_implemented"),
    (rms_wrong_sign, "wrong_sign"),
    (rms_no_lr, "missing_lr"),
    (rms_step_size_only, "missing_grad"),
    (rms_eps_inside, "eps_inside_sqrt"),
    (rms_no_sqrt, "missing_sqrt"),
    (rms_no_one_minus_rho, "missing_one_minus_rho"),
    (rms_sum, "sum_not_average"),
    (rms_rho_swapped, "rho_swapped"),
    (rms_not_squared, "missing_square"),
    (rms_returns_old_s, "stale_state"),
    (rms_update_from_old_s, "stale_state"),
    (rms_inplace, "mutates_input"),
    (rms_returns_array, "wrong_shape"),
    (rms_flattens, "wrong_shape"),
    (rms_precedence, "wrong_value"),
    (rms_fixed_rho, "wrong_value"),
    (rms_squared_denominator, "wrong_value"),
    (rms_wrong_signature, "raised"),
    (rms_zero_division, "raised"),
]


@pytest.mark.parametrize("fn", RMS_CORRECT, ids=lambda f: f.__name__)
def test_rmsprop_correct_variants_pass(fn):
    assert_diagnosis(check_rmsprop_step, fn, None)


@pytest.mark.parametrize("fn, diagnosis", RMS_PLANTED, ids=lambda p: getattr(p, "__name__", str(p)))
def test_rmsprop_planted_mistakes(fn, diagnosis):
    assert_diagnosis(check_rmsprop_step, fn, diagnosis)


# ---------------------------------------------------------------------------------------------
# Adam
# ---------------------------------------------------------------------------------------------

def adam_stub(grad, m, v, t, lr, beta1, beta2, eps):
    raise NotImplementedError


def adam_correct(grad, m, v, t, lr, beta1, beta2, eps):
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = beta2 * v + (1 - beta2) * grad**2
    m_hat = m_new / (1 - beta1**t)
    v_hat = v_new / (1 - beta2**t)
    return lr * m_hat / (np.sqrt(v_hat) + eps), m_new, v_new


def adam_power_and_lists(grad, m, v, t, lr, beta1, beta2, eps):
    m_new = m + (1 - beta1) * (grad - m)
    v_new = v + (1 - beta2) * (np.power(grad, 2) - v)
    step = (lr / (1 - np.power(beta1, t))) * m_new / (np.power(v_new / (1 - np.power(beta2, t)), 0.5) + eps)
    return [step.tolist(), m_new.tolist(), list(v_new)]


def adam_inplace_on_copies(grad, m, v, t, lr, beta1, beta2, eps):
    m, v = m.copy(), v.copy()
    m *= beta1
    m += (1 - beta1) * grad
    v *= beta2
    v += (1 - beta2) * grad * grad
    denom = np.sqrt(v / (1 - beta2**t))
    denom += eps
    return lr * (m / (1 - beta1**t)) / denom, m, v


ADAM_CORRECT = [adam_correct, adam_power_and_lists, adam_inplace_on_copies]


def adam_variant(**changes):
    """A learner's Adam with one piece written differently (each piece spelled out as code)."""
    def fn(grad, m, v, t, lr, beta1, beta2, eps):
        b1, b2 = (beta2, beta1) if changes.get("swap_betas") else (beta1, beta2)
        if changes.get("no_one_minus"):
            m_new, v_new = b1 * m + grad, b2 * v + grad**2
        elif changes.get("rho_swapped"):
            m_new, v_new = (1 - b1) * m + b1 * grad, (1 - b2) * v + b2 * grad**2
        elif changes.get("not_squared"):
            m_new, v_new = b1 * m + (1 - b1) * grad, b2 * v + (1 - b2) * grad
        else:
            m_new, v_new = b1 * m + (1 - b1) * grad, b2 * v + (1 - b2) * grad**2
        tt = t + changes.get("t_shift", 0)
        if changes.get("no_correction"):
            m_hat, v_hat = m_new, v_new
        else:
            m_hat, v_hat = m_new / (1 - b1**tt), v_new / (1 - b2**tt)
        if changes.get("from_old"):
            m_hat, v_hat = m / (1 - b1**tt), v / (1 - b2**tt)
        if changes.get("eps_inside"):
            update = lr * m_hat / np.sqrt(v_hat + eps)
        elif changes.get("no_sqrt"):
            update = lr * m_hat / (v_hat + eps)
        elif changes.get("precedence"):
            update = lr * m_hat / np.sqrt(v_hat) + eps
        else:
            update = lr * m_hat / (np.sqrt(v_hat) + eps)
        if changes.get("no_m"):
            update = lr / (np.sqrt(v_hat) + eps)
        if changes.get("no_lr"):
            update = update / lr
        if changes.get("wrong_sign"):
            update = -update
        if changes.get("stale"):
            return update, m, v
        return update, m_new, v_new
    fn.__name__ = "adam_" + "_".join(changes)
    return fn


def adam_inplace(grad, m, v, t, lr, beta1, beta2, eps):
    m *= beta1
    m += (1 - beta1) * grad
    v *= beta2
    v += (1 - beta2) * grad**2
    return lr * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + eps), m, v


def adam_two_outputs(grad, m, v, t, lr, beta1, beta2, eps):
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = beta2 * v + (1 - beta2) * grad**2
    return lr * m_new / (np.sqrt(v_new) + eps), (m_new, v_new)


def adam_fixed_betas(grad, m, v, t, lr, beta1, beta2, eps):
    return adam_correct(grad, m, v, t, lr, 0.9, 0.999, eps)


def adam_only_m_corrected(grad, m, v, t, lr, beta1, beta2, eps):
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = beta2 * v + (1 - beta2) * grad**2
    return lr * (m_new / (1 - beta1**t)) / (np.sqrt(v_new) + eps), m_new, v_new


def adam_double_correction(grad, m, v, t, lr, beta1, beta2, eps):
    # Corrected moments AND the paper's corrected step size lr_t: the correction twice.
    lr_t = lr * np.sqrt(1 - beta2**t) / (1 - beta1**t)
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = beta2 * v + (1 - beta2) * grad**2
    m_hat, v_hat = m_new / (1 - beta1**t), v_new / (1 - beta2**t)
    return lr_t * m_hat / (np.sqrt(v_hat) + eps), m_new, v_new


def adam_global_t(grad, m, v, t, lr, beta1, beta2, eps):
    t = t + 1  # "t counts from 0, so increment it first"
    return adam_correct(grad, m, v, t, lr, beta1, beta2, eps)


ADAM_PLANTED = [
    (adam_stub, "not_implemented"),
    (adam_variant(wrong_sign=True), "wrong_sign"),
    (adam_variant(no_lr=True), "missing_lr"),
    (adam_variant(no_m=True), "missing_grad"),
    (adam_variant(eps_inside=True), "eps_inside_sqrt"),
    (adam_variant(no_sqrt=True), "missing_sqrt"),
    (adam_variant(no_one_minus=True), "missing_one_minus_rho"),
    (adam_variant(rho_swapped=True), "rho_swapped"),
    (adam_variant(not_squared=True), "missing_square"),
    (adam_variant(swap_betas=True), "betas_swapped"),
    (adam_variant(no_correction=True), "no_bias_correction"),
    (adam_only_m_corrected, "no_bias_correction"),
    (adam_variant(t_shift=-1), "bias_correction_off_by_one"),
    (adam_variant(t_shift=1), "bias_correction_off_by_one"),
    (adam_global_t, "bias_correction_off_by_one"),
    (adam_double_correction, "double_bias_correction"),
    (adam_variant(stale=True), "stale_state"),
    (adam_variant(from_old=True), "stale_state"),
    (adam_inplace, "mutates_input"),
    (adam_two_outputs, "wrong_shape"),
    (adam_variant(precedence=True), "wrong_value"),
    (adam_fixed_betas, "wrong_value"),
    (adam_variant(eps_inside=True, no_correction=True), "wrong_value"),
]


@pytest.mark.parametrize("fn", ADAM_CORRECT, ids=lambda f: f.__name__)
def test_adam_correct_variants_pass(fn):
    assert_diagnosis(check_adam_step, fn, None)


@pytest.mark.parametrize("fn, diagnosis", ADAM_PLANTED, ids=lambda p: getattr(p, "__name__", str(p)))
def test_adam_planted_mistakes(fn, diagnosis):
    assert_diagnosis(check_adam_step, fn, diagnosis)


# ---------------------------------------------------------------------------------------------
# The vocabulary is covered, and the test cases can tell every named mistake apart
# ---------------------------------------------------------------------------------------------

def test_every_diagnosis_is_planted_somewhere():
    import test_checks_adamw
    import test_checks_hostile
    import test_checks_new
    import test_checks_stable_lr

    tables = (GD_PLANTED, ADA_PLANTED, RMS_PLANTED, ADAM_PLANTED, *test_checks_hostile.PLANTED_TABLES,
              *test_checks_new.PLANTED_TABLES, *test_checks_stable_lr.PLANTED_TABLES,
              *test_checks_adamw.PLANTED_TABLES)
    planted = {d for table in tables for _, d in table}
    planted.add(None)  # the correct variants
    planted.add("not_callable")  # test_not_a_function
    assert planted == set(DIAGNOSES)


EXERCISES = [gradient_descent.EXERCISE, adagrad.EXERCISE, adagrad.RUN_EXERCISE, rmsprop.EXERCISE, rmsprop.RUN_EXERCISE,
             adam.EXERCISE, adamw.EXERCISE, minibatch.EXERCISE, softmax.EXERCISE, stable_lr.EXERCISE]


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.name)
def test_named_variants_are_far_apart_on_the_test_cases(exercise):
    """Each variant differs from the correct rule and from every variant with another diagnosis by
    much more than the tolerance (relative 1e-3) somewhere, so the order of matching does not matter."""
    def outputs(compute):
        with np.errstate(all="ignore"):
            return [_engine.run_rule(exercise, compute, case) for case in exercise.cases()]

    def far_apart(a, b):
        for case_a, case_b in zip(a, b):
            for x, y in zip(case_a, case_b):
                with np.errstate(all="ignore"):
                    gap = np.abs(x - y) > 1e-3 * np.abs(y)
                if np.any(gap | (np.isfinite(x) != np.isfinite(y))):
                    return True
        return False

    correct = outputs(exercise.reference)
    named = [(v.diagnosis, outputs(v.compute)) for v in exercise.mistakes]
    for diagnosis, out in named:
        assert far_apart(out, correct), diagnosis
    for (d1, o1), (d2, o2) in itertools.combinations(named, 2):
        if d1 != d2:
            assert far_apart(o1, o2), (d1, d2)


def test_eps_placement_is_visible_in_the_test_cases():
    """At least one RMSProp case has eps comparable to sqrt(s_new), so the two placements differ by > 10%."""
    ratios = []
    for case in rmsprop.EXERCISE.cases():
        s_new = case["rho"] * case["s"] + (1 - case["rho"]) * case["grad"] ** 2
        ratios.append(np.max(np.sqrt(s_new + case["eps"]) / (np.sqrt(s_new) + case["eps"])))
    assert max(ratios) > 1.1


# ---------------------------------------------------------------------------------------------
# Tolerance: rounding-level differences pass, small real differences do not
# ---------------------------------------------------------------------------------------------

def test_rounding_level_differences_pass_and_small_errors_fail():
    def perturbed(rel):
        def fn(grad, s, lr, rho, eps):
            update, s_new = rms_correct(grad, s, lr, rho, eps)
            return update * (1 + rel), s_new
        return fn

    assert run(check_rmsprop_step, perturbed(1e-13)).passed  # ~500 ulps: still rounding
    assert run(check_rmsprop_step, perturbed(1e-7)).diagnosis == "wrong_value"


def test_float32_arithmetic_is_not_accepted_and_is_named():
    def fn(grad, s, lr, rho, eps):
        update, s_new = rms_correct(grad.astype(np.float32), s.astype(np.float32), np.float32(lr),
                                    np.float32(rho), np.float32(eps))
        return update, s_new
    assert run(check_rmsprop_step, fn).diagnosis == "precision"


# ---------------------------------------------------------------------------------------------
# Messages
# ---------------------------------------------------------------------------------------------

def test_eps_inside_message_says_what_happened_and_gives_the_formula():
    message = check_rmsprop_step(rms_eps_inside, show=False, hint=True).message
    assert "np.sqrt(s_new + eps)" in message  # what the code did
    assert "update = lr * grad / (np.sqrt(s_new) + eps)" in message  # the rule
    assert "s_new = rho * s + (1 - rho) * grad**2" in message
    assert "Hint:" in message and "out of the root" in message


@pytest.mark.parametrize("checker, fn, words", [
    (check_rmsprop_step, rms_sum, ["AdaGrad", "rho * s"]),
    (check_rmsprop_step, rms_rho_swapped, ["(1 - rho) * s + rho * grad**2"]),
    (check_rmsprop_step, rms_no_one_minus_rho, ["(1 - rho)"]),
    (check_rmsprop_step, rms_no_sqrt, ["np.sqrt(s_new) + eps"]),
    (check_rmsprop_step, rms_returns_old_s, ["the `s` it was given", "return update, s_new"]),
    (check_adagrad_step, ada_eps_inside, ["np.sqrt(s_new) + eps", "s_new = s + grad**2"]),
    (check_adam_step, adam_variant(t_shift=-1), ["t - 1", "beta1**t"]),
    (check_adam_step, adam_variant(no_correction=True), ["1 - beta1**t", "1 - beta2**t"]),
    (check_adam_step, adam_variant(swap_betas=True), ["beta1", "beta2", "m_hat = m_new / (1 - beta1**t)"]),
    (check_adam_step, adam_variant(no_one_minus=True), ["(1 - beta", "m_new = beta1 * m + (1 - beta1) * grad"]),
    (check_rmsprop_step, rms_step_size_only, ["effective learning rate", "lr * grad / (np.sqrt(s_new) + eps)"]),
    (check_gradient_descent_step, gd_plus, ["x_new = x - lr * grad", "uphill"]),
    (check_gradient_descent_step, gd_inplace, ["in place", "x.copy()"]),
])
def test_wrong_answer_messages_have_what_rule_and_hint(checker, fn, words):
    message = checker(fn, show=False, hint=True).message
    assert "What your code did:" in message and "The rule:" in message and "Hint:" in message
    for word in words:
        assert word in message


def test_not_implemented_message_is_friendly():
    result = run(check_rmsprop_step, rms_stub)
    assert result.message.startswith("rmsprop_step: not implemented yet")
    assert "raise NotImplementedError" in result.message
    assert "(update, s_new)" in result.message


def test_exceptions_are_reported_with_type_message_and_line():
    result = run(check_adagrad_step, ada_raises)
    assert "ValueError" in result.message and "shapes do not match, I think" in result.message
    assert 'raise ValueError("shapes do not match, I think")' in result.message
    result = run(check_rmsprop_step, rms_zero_division)
    assert "ZeroDivisionError" in result.message


def test_wrong_shape_messages_say_what_to_return():
    message = run(check_rmsprop_step, rms_returns_array).message
    assert "it returned a single ndarray instead of 2 values" in message
    assert "return update, s_new" in message
    message = run(check_adam_step, adam_two_outputs).message
    assert "it returned 2 values instead of 3" in message
    message = run(check_gradient_descent_step, gd_returns_none).message
    assert "it returned None" in message and "`return`" in message
    message = run(check_rmsprop_step, rms_flattens).message
    assert "shape (6,)" in message and "(2, 3)" in message


def test_wrong_signature_names_the_expected_call():
    result = run(check_rmsprop_step, rms_wrong_signature)
    assert result.diagnosis == "raised"
    assert "TypeError" in result.message
    assert "rmsprop_step(grad, s, lr, rho, eps)" in result.message


def test_wrong_value_message_shows_expected_and_got():
    message = run(check_rmsprop_step, rms_precedence).message
    assert "expected" in message and "got" in message
    assert "Your `s_new` is right." in message


def test_wrong_value_with_nan_points_at_the_cause():
    def fn(grad, s, lr, rho, eps):
        s_new = rho * s + (1 - rho) * grad**2
        return lr * grad / (np.sqrt(s - s_new)), s_new  # sqrt of a negative number
    result = run(check_rmsprop_step, fn)
    assert result.diagnosis == "wrong_value"
    assert "nan or inf" in result.message


def test_mutation_with_a_named_mistake_reports_both():
    def fn(grad, s, lr, rho, eps):
        s += grad**2
        return lr * grad / (np.sqrt(s) + eps), s
    result = run(check_rmsprop_step, fn)
    assert result.diagnosis == "sum_not_average"
    assert "in place" in result.message


def test_not_a_function():
    result = run(check_rmsprop_step, (1.0, 2.0))
    assert result.diagnosis == "not_callable"
    assert "check_rmsprop_step(rmsprop_step)" in result.message


def test_checker_inputs_are_not_changed_by_a_mutating_function():
    before = rmsprop.EXERCISE.cases()
    assert run(check_rmsprop_step, rms_inplace).diagnosis == "mutates_input"
    assert run(check_rmsprop_step, rms_inplace).diagnosis == "mutates_input"  # same answer twice
    for case, saved in zip(rmsprop.EXERCISE.cases(), before):
        for key in case:
            np.testing.assert_array_equal(case[key], saved[key])


def test_floating_point_warnings_from_the_learner_are_silenced(recwarn):
    run(check_adam_step, adam_variant(t_shift=-1))  # divides by zero on the first step
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]


# ---------------------------------------------------------------------------------------------
# Display
# ---------------------------------------------------------------------------------------------

def test_in_a_script_the_checker_prints_the_plain_message(capsys):
    result = check_gradient_descent_step(gd_correct)
    assert capsys.readouterr().out == result.message + "\n"
    assert str(result) == repr(result) == result.message
    check_gradient_descent_step(gd_correct, show=False)
    assert capsys.readouterr().out == ""


def test_html_and_markdown_views():
    passed = run(check_gradient_descent_step, gd_correct)
    failed = check_rmsprop_step(rms_eps_inside, show=False, hint=True)
    todo = run(check_rmsprop_step, rms_stub)
    colours = set()
    for result in (passed, failed, todo):
        page = result._repr_html_()
        assert page.startswith("<div") and page.endswith("</div>")
        colours.add(page.split("border-left:6px solid ")[1].split(";")[0])
        assert result.message.split("\n")[0].split(":")[0] in page
        assert "**" in result._repr_markdown_()
    assert len(colours) == 3  # passed, not yet implemented and wrong look different
    assert "<code>np.sqrt(s_new + eps)</code>" in failed._repr_html_()
    assert "<pre" in failed._repr_html_() and "update = lr * grad / (np.sqrt(s_new) + eps)" in failed._repr_html_()
    assert "\u2714" in passed._repr_html_() and "\u2718" in failed._repr_html_()


def test_html_escapes_the_learners_text():
    def fn(x, grad, lr):
        raise ValueError("<script>alert(1)</script>")
    page = run(check_gradient_descent_step, fn)._repr_html_()
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_check_result_is_immutable():
    result = run(check_gradient_descent_step, gd_correct)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.passed = False
