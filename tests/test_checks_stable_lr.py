"""The checker of notebook 06, largest_stable_lr(hessian, momentum) -> lr_max: every diagnosis planted
the way a learner would write it, correct answers written differently pass, the reference agrees
with what the package's optimizers actually do, and the first failure keeps the answer back."""
import numpy as np
import pytest

from checks_support import assert_diagnosis, run
from rmsprop_lib.checks import _engine, check_largest_stable_lr, stable_lr
from rmsprop_lib.objectives import rosenbrock
from rmsprop_lib.optimizers import GradientDescent, Momentum

# ---------------------------------------------------------------------------------------------
# Correct answers, written differently
# ---------------------------------------------------------------------------------------------


def correct_eigvalsh(hessian, momentum):
    L = np.linalg.eigvalsh(hessian).max()
    return 2 * (1 + momentum) / L


def correct_eigvals_python_float(hessian, momentum):
    return float(2 * (1 + momentum) / max(np.linalg.eigvals(hessian).real))


def correct_spectral_norm(hessian, momentum):
    return 2.0 * (1.0 + momentum) / np.linalg.norm(hessian, 2)  # = the largest eigenvalue for these Hessians


def correct_smallest_per_direction_limit(hessian, momentum):
    limits = 2 * (1 + momentum) / np.linalg.eigvalsh(hessian)
    return limits.min()


def correct_power_iteration(hessian, momentum):
    v = np.ones(len(hessian))
    for _ in range(500):  # the slowest case converges like (3 / 4.41)**k: 1e-80 after 500 steps
        v = hessian @ v
        v = v / np.linalg.norm(v)
    return 2 * (1 + momentum) / (v @ hessian @ v)


def correct_singular_values(hessian, momentum):
    return 2 * (1 + momentum) / np.linalg.svd(hessian, compute_uv=False)[0]


CORRECT = [correct_eigvalsh, correct_eigvals_python_float, correct_spectral_norm,
           correct_smallest_per_direction_limit, correct_power_iteration, correct_singular_values]


@pytest.mark.parametrize("fn", CORRECT, ids=lambda f: f.__name__)
def test_correct_answers_written_differently_pass(fn):
    assert_diagnosis(check_largest_stable_lr, fn, None)


# ---------------------------------------------------------------------------------------------
# Mistakes, as a learner would write them
# ---------------------------------------------------------------------------------------------

def stub(hessian, momentum):
    raise NotImplementedError


def one_over_l(hessian, momentum):
    return (1 + momentum) / np.linalg.eigvalsh(hessian).max()  # the "one step to the minimum" rate


def one_over_l_gd_only(hessian, momentum):
    return 1.0 / np.max(np.linalg.eigvalsh(hessian))


def curvature_over_two(hessian, momentum):
    return np.linalg.eigvalsh(hessian).max() / (2 * (1 + momentum))


def curvature_times_one_plus_mu_over_two(hessian, momentum):
    return (1 + momentum) * np.linalg.eigvalsh(hessian)[-1] / 2  # eigvalsh sorts ascending: [-1] is the largest


def smallest_eigenvalue(hessian, momentum):
    return 2 * (1 + momentum) / np.linalg.eigvalsh(hessian)[0]


def largest_per_direction_limit(hessian, momentum):
    return np.max(2 * (1 + momentum) / np.linalg.eigvalsh(hessian))  # the flattest direction's limit


def largest_diagonal_entry(hessian, momentum):
    return 2 * (1 + momentum) / np.diag(hessian).max()


def largest_entry(hessian, momentum):
    return 2 * (1 + momentum) / hessian.max()  # for these Hessians the largest entry is on the diagonal


def gd_limit_for_momentum(hessian, momentum):
    return 2 / np.linalg.eigvalsh(hessian).max()


def effective_lr_kept_below_two_over_l(hessian, momentum):
    # "the effective learning rate lr / (1 - momentum) must stay below 2 / L"
    return 2 / np.linalg.eigvalsh(hessian).max() * (1 - momentum)


def momentum_in_the_denominator(hessian, momentum):
    return 2 / ((1 + momentum) * np.linalg.eigvalsh(hessian).max())


def per_direction_limits(hessian, momentum):
    return 2 * (1 + momentum) / np.linalg.eigvalsh(hessian)  # one limit per direction, not one number


def one_element_array(hessian, momentum):
    return 2 * (1 + momentum) / np.linalg.eigvalsh(hessian)[-1:]


def both_limits(hessian, momentum):
    L = np.linalg.eigvalsh(hessian).max()
    return 2 / L, 2 * (1 + momentum) / L


def scales_the_hessian_in_place(hessian, momentum):
    hessian /= 2 * (1 + momentum)  # the Hessian the caller passed is changed
    return 1 / np.linalg.eigvalsh(hessian).max()


def eigvals_of_a_list(hessian, momentum):
    return 2 * (1 + momentum) / np.linalg.eigvalsh(hessian.tolist()[0]).max()  # one row is not a matrix


def two_over_trace(hessian, momentum):
    return 2 * (1 + momentum) / np.trace(hessian)  # the sum of all curvatures: safe, but not the limit


def float32_eigenvalues(hessian, momentum):
    return np.float32(2 * (1 + momentum)) / np.linalg.eigvalsh(hessian.astype(np.float32)).max()


PLANTED = [
    (stub, "not_implemented"),
    (one_over_l, "missing_factor_two"),
    (one_over_l_gd_only, "missing_factor_two"),
    (curvature_over_two, "inverted"),
    (curvature_times_one_plus_mu_over_two, "inverted"),
    (smallest_eigenvalue, "smallest_curvature"),
    (largest_per_direction_limit, "smallest_curvature"),
    (largest_diagonal_entry, "diagonal_curvature"),
    (largest_entry, "diagonal_curvature"),
    (gd_limit_for_momentum, "missing_one_plus_momentum"),
    (effective_lr_kept_below_two_over_l, "momentum_as_effective_lr"),
    (momentum_in_the_denominator, "momentum_as_effective_lr"),
    (per_direction_limits, "wrong_shape"),
    (one_element_array, "wrong_shape"),
    (both_limits, "wrong_shape"),
    (scales_the_hessian_in_place, "mutates_input"),
    (eigvals_of_a_list, "raised"),
    (two_over_trace, "wrong_value"),
    (float32_eigenvalues, "precision"),
]
PLANTED_TABLES = [PLANTED]


@pytest.mark.parametrize("fn, diagnosis", PLANTED, ids=lambda p: getattr(p, "__name__", str(p)))
def test_planted_mistakes_get_their_diagnosis(fn, diagnosis):
    assert_diagnosis(check_largest_stable_lr, fn, diagnosis)


def test_a_per_direction_answer_is_told_it_needs_one_number_without_being_told_which():
    message = run(check_largest_stable_lr, per_direction_limits).message
    assert "should be a single number" in message and "ONE number" in message
    assert "max()" not in message and "eigvalsh" not in message and "steepest" not in message


def test_the_mutating_answer_is_also_told_its_value_is_right_when_the_input_is_restored():
    # scales_the_hessian_in_place is 1 / (L / (2 (1 + mu))) = the right value, computed from a changed input
    assert "the values are right" in run(check_largest_stable_lr, scales_the_hessian_in_place).message


# ---------------------------------------------------------------------------------------------
# The reference is what the optimizers do
# ---------------------------------------------------------------------------------------------

def _final_distance(optimizer, hessian, steps=20000):
    """|x| after ``steps`` updates of ``optimizer`` on f(x) = 0.5 x @ H @ x from a start off every axis."""
    x = np.linspace(1.0, 2.0, len(hessian))
    state = optimizer.init(x)
    for _ in range(steps):
        update, state = optimizer.update(hessian @ x, state)
        x = x - update
        if not np.all(np.isfinite(x)) or np.linalg.norm(x) > 1e6:
            return np.inf
    return float(np.linalg.norm(x))


def _all_cases():
    rng = np.random.default_rng(7)
    return list(stable_lr.EXERCISE.cases()) + [stable_lr.varied_case(rng) for _ in range(6)]


@pytest.mark.parametrize("case", _all_cases(), ids=lambda c: f"mu={c['momentum']:g}")
def test_the_reference_limit_separates_convergence_from_divergence(case):
    """2 % below the reference limit the run converges, 2 % above it blows up: derived independently of
    the formula, by running the package's GradientDescent (momentum 0) or Momentum (heavy ball). 20000
    updates are enough for Rosenbrock's flat direction (curvature 0.4: a factor 1 - 0.0008 per update)."""
    lr_max = stable_lr.reference(**case)

    def optimizer(lr):
        mu = case["momentum"]
        return GradientDescent(lr) if mu == 0 else Momentum(lr, momentum=mu)
    assert _final_distance(optimizer(0.98 * lr_max), case["hessian"]) < 1e-3
    assert _final_distance(optimizer(1.02 * lr_max), case["hessian"]) == np.inf


def test_the_fixed_cases_are_the_landscapes_the_text_names():
    bowl, bowl_momentum, tilted, rosenbrock_minimum, three_d = stable_lr.EXERCISE.cases()
    assert stable_lr.reference(**bowl) == pytest.approx(0.1, rel=1e-15)  # x^2 + 10 y^2: 2 / 20
    assert stable_lr.reference(**bowl_momentum) == pytest.approx(0.19, rel=1e-15)  # 2 * 1.9 / 20
    assert np.linalg.eigvalsh(tilted["hessian"]) == pytest.approx([1.0, 9.0], rel=1e-14)
    # Rosenbrock's Hessian at (1, 1), by central differences of the package's gradient
    h, at = 1e-5, np.array([1.0, 1.0])
    numeric = np.array([(rosenbrock.grad(at + h * e) - rosenbrock.grad(at - h * e)) / (2 * h) for e in np.eye(2)])
    np.testing.assert_allclose(rosenbrock_minimum["hessian"], numeric, rtol=1e-6)
    assert three_d["hessian"].shape == (3, 3)


# ---------------------------------------------------------------------------------------------
# Tolerance, distinguishability, varied cases, hints in steps
# ---------------------------------------------------------------------------------------------

def test_the_named_mistakes_are_far_apart_from_the_reference_and_from_each_other():
    """Every mistake misses the reference by far more than RTOL = 1e-10 on some fixed case (so the
    tolerance never lets one through), and two different diagnoses never coincide on every case."""
    cases = stable_lr.EXERCISE.cases()

    def outputs(compute):
        return np.array([float(_engine.run_rule(stable_lr.EXERCISE, compute, c)[0]) for c in cases])

    correct = outputs(stable_lr.reference)
    named = [(m.diagnosis, outputs(m.compute)) for m in stable_lr.EXERCISE.mistakes]
    for diagnosis, out in named:
        assert np.max(np.abs(out - correct) / correct) > 0.1, diagnosis
    for i, (d1, o1) in enumerate(named):
        for d2, o2 in named[i + 1:]:
            if d1 != d2:
                assert np.max(np.abs(o1 - o2) / np.abs(o2)) > 0.1, (d1, d2)


def test_correct_answers_agree_far_inside_the_tolerance():
    """Different correct algorithms (eigvalsh, SVD, power iteration) differ by rounding only, ~1e-15."""
    for case in _all_cases():
        values = [fn(case["hessian"].copy(), case["momentum"]) for fn in CORRECT]
        assert np.ptp(values) / np.min(values) < 1e-13


def test_the_varied_case_changes_and_keeps_the_mistakes_apart():
    rng = np.random.default_rng(3)
    varied = [stable_lr.varied_case(rng) for _ in range(300)]
    assert len({round(stable_lr.reference(**c), 12) for c in varied}) == 300
    for c in varied:
        eig = np.linalg.eigvalsh(c["hessian"])
        assert eig[-1] / eig[0] > 2.5  # smallest and largest curvature differ
        assert eig[-1] / np.diag(c["hessian"]).max() > 1.01  # the valley is tilted: the diagonal is not enough
        np.testing.assert_allclose(c["hessian"], c["hessian"].T, rtol=0, atol=1e-13)


def test_the_first_failure_names_the_mistake_and_the_rule_comes_on_request():
    first = run(check_largest_stable_lr, gd_limit_for_momentum)
    assert first.diagnosis == "missing_one_plus_momentum"
    assert "The rule:" not in first.message and "2 * (1 + momentum) / L" not in first.message
    assert "Where to look:" in first.message
    again = run(check_largest_stable_lr, gd_limit_for_momentum)
    assert "The rule:" in again.message and "lr_max = 2 * (1 + momentum) / L" in again.message


@pytest.mark.parametrize("mistake", stable_lr.EXERCISE.mistakes, ids=lambda m: m.compute.__name__)
def test_no_first_failure_message_contains_the_answer(mistake):
    def largest_stable_lr(hessian, momentum):
        return mistake.compute(hessian, momentum)
    message = run(check_largest_stable_lr, largest_stable_lr).message
    assert "2 * (1 + momentum) / L" not in message and "eigvalsh" not in message and "The rule:" not in message
