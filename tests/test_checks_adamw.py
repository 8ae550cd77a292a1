"""The checker of notebook 08, adamw_step(grad, m, v, t, x, lr, beta1, beta2, eps, weight_decay)
-> (update, m_new, v_new): every diagnosis planted the way a learner would write it, correct answers
written differently pass, the reference is PyTorch's AdamW, and the first failure keeps the answer back."""
import numpy as np
import pytest

from checks_support import assert_diagnosis, run
from rmsprop_lib.checks import adamw, check_adamw_step

# ---------------------------------------------------------------------------------------------
# Correct answers, written differently
# ---------------------------------------------------------------------------------------------


def correct(grad, m, v, t, x, lr, beta1, beta2, eps, weight_decay):
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = beta2 * v + (1 - beta2) * grad**2
    m_hat = m_new / (1 - beta1**t)
    v_hat = v_new / (1 - beta2**t)
    return lr * weight_decay * x + lr * m_hat / (np.sqrt(v_hat) + eps), m_new, v_new


def correct_as_pytorch_writes_it(grad, m, v, t, x, lr, beta1, beta2, eps, weight_decay):
    # torch.optim.AdamW: first shrink the parameter, then take Adam's update from the shrunk one
    x_new = x * (1 - lr * weight_decay)
    m_new = m + (1 - beta1) * (grad - m)
    v_new = v * beta2 + (1 - beta2) * grad * grad
    denom = np.sqrt(v_new) / np.sqrt(1 - beta2**t) + eps
    x_new = x_new - (lr / (1 - beta1**t)) * m_new / denom
    return x - x_new, m_new, v_new


def correct_folded_with_rescaled_eps(grad, m, v, t, x, lr, beta1, beta2, eps, weight_decay):
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = beta2 * v + (1 - beta2) * grad**2
    lr_t = lr * np.sqrt(1 - beta2**t) / (1 - beta1**t)
    return lr * weight_decay * x + lr_t * m_new / (np.sqrt(v_new) + eps * np.sqrt(1 - beta2**t)), m_new, v_new


def correct_as_lists(grad, m, v, t, x, lr, beta1, beta2, eps, weight_decay):
    out = [[], [], []]
    for g, mi, vi, xi in zip(np.ravel(grad), np.ravel(m), np.ravel(v), np.ravel(x)):
        mn = beta1 * mi + (1 - beta1) * g
        vn = beta2 * vi + (1 - beta2) * g**2
        step = lr * (mn / (1 - beta1**t)) / ((vn / (1 - beta2**t)) ** 0.5 + eps) + lr * weight_decay * xi
        for o, value in zip(out, (step, mn, vn)):
            o.append(value)
    return tuple(np.reshape(o, np.shape(grad)).tolist() for o in out)


CORRECT = [correct, correct_as_pytorch_writes_it, correct_folded_with_rescaled_eps, correct_as_lists]


@pytest.mark.parametrize("fn", CORRECT, ids=lambda f: f.__name__)
def test_correct_answers_written_differently_pass(fn):
    assert_diagnosis(check_adamw_step, fn, None)


# ---------------------------------------------------------------------------------------------
# Mistakes, as a learner would write them
# ---------------------------------------------------------------------------------------------

def stub(grad, m, v, t, x, lr, beta1, beta2, eps, weight_decay):
    raise NotImplementedError


def adam_step_only(grad, m, v, t, x, lr, beta1, beta2, eps, weight_decay):
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = beta2 * v + (1 - beta2) * grad**2
    return lr * m_new / (1 - beta1**t) / (np.sqrt(v_new / (1 - beta2**t)) + eps), m_new, v_new


def l2_penalty(grad, m, v, t, x, lr, beta1, beta2, eps, weight_decay):
    g = grad + weight_decay * x  # "weight decay is the gradient of (weight_decay / 2) * x**2"
    m_new = beta1 * m + (1 - beta1) * g
    v_new = beta2 * v + (1 - beta2) * g**2
    return lr * m_new / (1 - beta1**t) / (np.sqrt(v_new / (1 - beta2**t)) + eps), m_new, v_new


def decay_inside_the_fraction(grad, m, v, t, x, lr, beta1, beta2, eps, weight_decay):
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = beta2 * v + (1 - beta2) * grad**2
    m_hat = m_new / (1 - beta1**t) + weight_decay * x
    return lr * m_hat / (np.sqrt(v_new / (1 - beta2**t)) + eps), m_new, v_new


def paper_decay_without_alpha(grad, m, v, t, x, lr, beta1, beta2, eps, weight_decay):
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = beta2 * v + (1 - beta2) * grad**2
    return weight_decay * x + lr * m_new / (1 - beta1**t) / (np.sqrt(v_new / (1 - beta2**t)) + eps), m_new, v_new


def shrink_factor_without_lr(grad, m, v, t, x, lr, beta1, beta2, eps, weight_decay):
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = beta2 * v + (1 - beta2) * grad**2
    x_new = (1 - weight_decay) * x - lr * m_new / (1 - beta1**t) / (np.sqrt(v_new / (1 - beta2**t)) + eps)
    return x - x_new, m_new, v_new


def decay_grows_the_weights(grad, m, v, t, x, lr, beta1, beta2, eps, weight_decay):
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = beta2 * v + (1 - beta2) * grad**2
    x_new = x * (1 + lr * weight_decay) - lr * m_new / (1 - beta1**t) / (np.sqrt(v_new / (1 - beta2**t)) + eps)
    return x - x_new, m_new, v_new


def returns_x_new(grad, m, v, t, x, lr, beta1, beta2, eps, weight_decay):
    update, m_new, v_new = correct(grad, m, v, t, x, lr, beta1, beta2, eps, weight_decay)
    return x - update, m_new, v_new  # the new point instead of the update


def whole_update_negated(grad, m, v, t, x, lr, beta1, beta2, eps, weight_decay):
    update, m_new, v_new = correct(grad, m, v, t, x, lr, beta1, beta2, eps, weight_decay)
    return -update, m_new, v_new


def adam_part_forgets_lr(grad, m, v, t, x, lr, beta1, beta2, eps, weight_decay):
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = beta2 * v + (1 - beta2) * grad**2
    return lr * weight_decay * x + m_new / (1 - beta1**t) / (np.sqrt(v_new / (1 - beta2**t)) + eps), m_new, v_new


def no_lr_at_all(grad, m, v, t, x, lr, beta1, beta2, eps, weight_decay):
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = beta2 * v + (1 - beta2) * grad**2
    return weight_decay * x + m_new / (1 - beta1**t) / (np.sqrt(v_new / (1 - beta2**t)) + eps), m_new, v_new


def eps_in_the_root(grad, m, v, t, x, lr, beta1, beta2, eps, weight_decay):
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = beta2 * v + (1 - beta2) * grad**2
    return lr * weight_decay * x + lr * m_new / (1 - beta1**t) / np.sqrt(v_new / (1 - beta2**t) + eps), m_new, v_new


def forgot_the_root(grad, m, v, t, x, lr, beta1, beta2, eps, weight_decay):
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = beta2 * v + (1 - beta2) * grad**2
    return lr * weight_decay * x + lr * m_new / (1 - beta1**t) / (v_new / (1 - beta2**t) + eps), m_new, v_new


def sums_not_averages(grad, m, v, t, x, lr, beta1, beta2, eps, weight_decay):
    m_new = beta1 * m + grad
    v_new = beta2 * v + grad * grad
    return lr * weight_decay * x + lr * m_new / (1 - beta1**t) / (np.sqrt(v_new / (1 - beta2**t)) + eps), m_new, v_new


def memory_on_the_new_term(grad, m, v, t, x, lr, beta1, beta2, eps, weight_decay):
    m_new = (1 - beta1) * m + beta1 * grad
    v_new = (1 - beta2) * v + beta2 * grad**2
    return lr * weight_decay * x + lr * m_new / (1 - beta1**t) / (np.sqrt(v_new / (1 - beta2**t)) + eps), m_new, v_new


def v_of_raw_gradients(grad, m, v, t, x, lr, beta1, beta2, eps, weight_decay):
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = beta2 * v + (1 - beta2) * grad
    return lr * weight_decay * x + lr * m_new / (1 - beta1**t) / (np.sqrt(v_new / (1 - beta2**t)) + eps), m_new, v_new


def parameters_in_the_wrong_order(grad, m, v, t, x, lr, beta2, beta1, eps, weight_decay):
    return correct(grad, m, v, t, x, lr, beta1, beta2, eps, weight_decay)


def returns_the_old_moments(grad, m, v, t, x, lr, beta1, beta2, eps, weight_decay):
    update, _, _ = correct(grad, m, v, t, x, lr, beta1, beta2, eps, weight_decay)
    return update, m, v


def update_before_the_averages(grad, m, v, t, x, lr, beta1, beta2, eps, weight_decay):
    update = lr * weight_decay * x + lr * m / (1 - beta1**t) / (np.sqrt(v / (1 - beta2**t)) + eps)
    return update, beta1 * m + (1 - beta1) * grad, beta2 * v + (1 - beta2) * grad**2


def no_bias_correction(grad, m, v, t, x, lr, beta1, beta2, eps, weight_decay):
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = beta2 * v + (1 - beta2) * grad**2
    return lr * weight_decay * x + lr * m_new / (np.sqrt(v_new) + eps), m_new, v_new


def t_counted_from_zero(grad, m, v, t, x, lr, beta1, beta2, eps, weight_decay):
    return correct(grad, m, v, t + 1, x, lr, beta1, beta2, eps, weight_decay)


def shrinks_x_in_place(grad, m, v, t, x, lr, beta1, beta2, eps, weight_decay):
    update, m_new, v_new = correct(grad, m, v, t, x, lr, beta1, beta2, eps, weight_decay)
    x *= 1 - lr * weight_decay  # the caller's parameters change here
    return update, m_new, v_new


def decays_after_the_adam_update(grad, m, v, t, x, lr, beta1, beta2, eps, weight_decay):
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = beta2 * v + (1 - beta2) * grad**2
    x_new = x - lr * m_new / (1 - beta1**t) / (np.sqrt(v_new / (1 - beta2**t)) + eps)
    x_new = x_new * (1 - lr * weight_decay)  # decays the point Adam reached, not x
    return x - x_new, m_new, v_new


def squared_decay(grad, m, v, t, x, lr, beta1, beta2, eps, weight_decay):
    update, m_new, v_new = correct(grad, m, v, t, x, lr, beta1, beta2, eps, weight_decay)
    return update + lr * weight_decay * x**2 - lr * weight_decay * x, m_new, v_new


PLANTED = [
    (stub, "not_implemented"),
    (adam_step_only, "missing_weight_decay"),
    (l2_penalty, "coupled_weight_decay"),
    (decay_inside_the_fraction, "coupled_weight_decay"),
    (paper_decay_without_alpha, "decay_not_scaled_by_lr"),
    (shrink_factor_without_lr, "decay_not_scaled_by_lr"),
    (decay_grows_the_weights, "wrong_sign"),
    (whole_update_negated, "wrong_sign"),
    (adam_part_forgets_lr, "missing_lr"),
    (no_lr_at_all, "missing_lr"),
    (eps_in_the_root, "eps_inside_sqrt"),
    (forgot_the_root, "missing_sqrt"),
    (sums_not_averages, "missing_one_minus_rho"),
    (memory_on_the_new_term, "rho_swapped"),
    (v_of_raw_gradients, "missing_square"),
    (parameters_in_the_wrong_order, "betas_swapped"),
    (returns_the_old_moments, "stale_state"),
    (update_before_the_averages, "stale_state"),
    (no_bias_correction, "no_bias_correction"),
    (t_counted_from_zero, "bias_correction_off_by_one"),
    (shrinks_x_in_place, "mutates_input"),
    (decays_after_the_adam_update, "wrong_value"),
    (squared_decay, "wrong_value"),
    (returns_x_new, "wrong_value"),
]
PLANTED_TABLES = [PLANTED]


@pytest.mark.parametrize("fn, diagnosis", PLANTED, ids=lambda p: getattr(p, "__name__", str(p)))
def test_planted_mistakes_get_their_diagnosis(fn, diagnosis):
    assert_diagnosis(check_adamw_step, fn, diagnosis)


# ---------------------------------------------------------------------------------------------
# The reference is PyTorch's AdamW, and the cases make every decay mistake show
# ---------------------------------------------------------------------------------------------

@pytest.mark.torch
def test_the_reference_is_what_torch_adamw_computes():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(5)
    for case in list(adamw.EXERCISE.cases()) + [adamw.varied_case(rng) for _ in range(20)]:
        x = torch.tensor(case["x"], dtype=torch.float64, requires_grad=True)
        opt = torch.optim.AdamW([x], lr=case["lr"], betas=(case["beta1"], case["beta2"]), eps=case["eps"],
                                weight_decay=case["weight_decay"], foreach=False)
        # torch's state after t - 1 updates is (exp_avg, exp_avg_sq, step): set it to the case's m, v, t - 1
        x.grad = torch.zeros_like(x)
        opt.step()
        with torch.no_grad():
            x.copy_(torch.tensor(case["x"], dtype=torch.float64))
        state = opt.state[x]
        state["exp_avg"].copy_(torch.tensor(case["m"], dtype=torch.float64))
        state["exp_avg_sq"].copy_(torch.tensor(case["v"], dtype=torch.float64))
        state["step"].fill_(case["t"] - 1)
        x.grad = torch.tensor(case["grad"], dtype=torch.float64)
        opt.step()
        update, m_new, v_new = adamw.reference(**case)
        np.testing.assert_allclose(case["x"] - update, x.detach().numpy(), rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(m_new, state["exp_avg"].numpy(), rtol=1e-12)
        np.testing.assert_allclose(v_new, state["exp_avg_sq"].numpy(), rtol=1e-12)


def test_the_cases_separate_the_decay_from_adam_and_lr_from_one():
    for case in adamw.EXERCISE.cases():
        assert case["lr"] != 1 and case["weight_decay"] > 0 and np.all(case["x"] != 0)


def test_the_varied_case_changes_and_keeps_the_decay_visible():
    rng = np.random.default_rng(3)
    varied = [adamw.varied_case(rng) for _ in range(200)]
    assert len({round(float(adamw.reference(**c)[0].sum()), 12) for c in varied}) == 200
    assert all(0.01 <= c["weight_decay"] <= 0.5 and c["lr"] <= 0.1 for c in varied)


# ---------------------------------------------------------------------------------------------
# Hints in steps
# ---------------------------------------------------------------------------------------------

def test_the_first_failure_names_the_mistake_and_the_rule_comes_on_request():
    def adamw_step(grad, m, v, t, x, lr, beta1, beta2, eps, weight_decay):
        return l2_penalty(grad, m, v, t, x, lr, beta1, beta2, eps, weight_decay)
    first = run(check_adamw_step, adamw_step)
    assert first.diagnosis == "coupled_weight_decay"
    assert "The rule:" not in first.message and "lr * weight_decay * x +" not in first.message
    assert "Where to look:" in first.message
    again = run(check_adamw_step, adamw_step)
    assert "The rule:" in again.message and "update = lr * weight_decay * x + lr * m_hat" in again.message


def test_the_decay_messages_say_what_the_code_did():
    assert "divided by `np.sqrt(v_hat)`" in run(check_adamw_step, l2_penalty).message
    assert "does not shrink when the learning rate" in run(check_adamw_step, paper_decay_without_alpha).message
    assert "never used" in run(check_adamw_step, adam_step_only).message
