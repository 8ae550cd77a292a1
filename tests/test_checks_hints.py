"""Hints in steps: the first failure names the mistake and where to look, without the rule; the
rule comes on request (hint=True) or when the same mistake comes back; passing says so briefly."""
import numpy as np
import pytest

from rmsprop_lib.checks import (adagrad, adam, adamw, check_adam_step, check_rmsprop_step, gradient_descent, minibatch,
                                rmsprop, softmax, stable_lr)
from test_checks import (ADA_PLANTED, ADAM_PLANTED, GD_PLANTED, RMS_PLANTED, rms_correct, rms_eps_inside, rms_stub,
                         rms_sum)
from test_checks_adamw import PLANTED as ADAMW_PLANTED

FORM = {"not_implemented", "raised", "wrong_shape", "not_callable", "too_slow", "complex_result"}


TABLES = [(gradient_descent, GD_PLANTED), (adagrad, ADA_PLANTED), (rmsprop, RMS_PLANTED), (adam, ADAM_PLANTED),
          (adamw, ADAMW_PLANTED)]


@pytest.mark.parametrize("module, fn, diagnosis",
                         [(m, fn, d) for m, table in TABLES for fn, d in table if d is not None],
                         ids=lambda p: getattr(p, "__name__", str(p)))
def test_the_first_failure_does_not_give_the_rule_away(module, fn, diagnosis):
    checker = getattr(module, module.EXERCISE.checker)
    first = checker(fn, show=False)
    assert first.diagnosis == diagnosis
    assert "The rule:" not in first.message
    for line in module.EXERCISE.rule:
        assert line not in first.message
    if diagnosis not in FORM:
        assert "What your code did:" in first.message and "Where to look:" in first.message
        assert f"{module.EXERCISE.checker}({module.EXERCISE.name}, hint=True)" in first.message


def test_the_same_mistake_twice_shows_the_rule_and_the_fix():
    first = check_rmsprop_step(rms_eps_inside, show=False)
    second = check_rmsprop_step(rms_eps_inside, show=False)
    assert "The rule:" not in first.message
    assert "The rule:" in second.message and "Hint: move `+ eps` out of the root" in second.message
    assert "update = lr * grad / (np.sqrt(s_new) + eps)" in second.message


def test_a_different_mistake_next_is_brief_again():
    check_rmsprop_step(rms_eps_inside, show=False)
    assert "The rule:" not in check_rmsprop_step(rms_sum, show=False).message


def test_asking_for_a_hint_shows_it_at_once():
    message = check_rmsprop_step(rms_eps_inside, show=False, hint=True).message
    assert "The rule:" in message and "Hint:" in message and "Where to look:" not in message


def test_not_implemented_stays_short_but_hint_true_gives_the_rule():
    assert "The rule:" not in check_rmsprop_step(rms_stub, show=False).message
    assert "The rule:" not in check_rmsprop_step(rms_stub, show=False).message
    assert "s_new = rho * s + (1 - rho) * grad**2" in check_rmsprop_step(rms_stub, show=False, hint=True).message


def named(fn, name="rmsprop_step"):
    """``fn`` under the learner's name: in a notebook each attempt redefines the same function."""
    def attempt(*args):
        return fn(*args)
    attempt.__name__ = name
    return attempt


def test_passing_is_brief_and_says_when_it_came_after_a_hint():
    plain = check_rmsprop_step(named(rms_correct), show=False).message
    assert plain.startswith("rmsprop_step: correct!") and len(plain.split("\n")) == 2
    assert "hint" not in plain
    check_rmsprop_step(named(rms_eps_inside), show=False, hint=True)
    after = check_rmsprop_step(named(rms_correct), show=False).message
    assert after.startswith("rmsprop_step: correct! (after a hint - well done)")
    assert "hint" not in check_rmsprop_step(named(rms_correct), show=False).message  # the memory starts again


def test_a_repeated_mistake_then_a_pass_is_called_after_a_hint():
    check_rmsprop_step(named(rms_eps_inside), show=False)
    check_rmsprop_step(named(rms_eps_inside), show=False)
    assert "after a hint" in check_rmsprop_step(named(rms_correct), show=False).message


def test_a_brief_failure_then_a_pass_is_not_called_after_a_hint():
    check_rmsprop_step(named(rms_eps_inside), show=False)
    assert "after a hint" not in check_rmsprop_step(named(rms_correct), show=False).message


def test_each_exercise_remembers_its_own_mistakes():
    check_rmsprop_step(rms_eps_inside, show=False)

    def adam_eps_inside(grad, m, v, t, lr, beta1, beta2, eps):
        m_new = beta1 * m + (1 - beta1) * grad
        v_new = beta2 * v + (1 - beta2) * grad**2
        return lr * (m_new / (1 - beta1**t)) / np.sqrt(v_new / (1 - beta2**t) + eps), m_new, v_new
    assert "The rule:" not in check_adam_step(adam_eps_inside, show=False).message


@pytest.mark.parametrize("bad", [1, "yes", None])
def test_hint_and_show_must_be_booleans(bad):
    with pytest.raises(TypeError, match="hint"):
        check_rmsprop_step(rms_correct, show=False, hint=bad)
    with pytest.raises(TypeError, match="show"):
        check_rmsprop_step(rms_correct, show=bad)


def test_a_worked_example_under_another_name_is_not_the_learners_first_try():
    def worked_example(grad, s, lr, rho, eps):
        return rms_eps_inside(grad, s, lr, rho, eps)

    def rmsprop_step(grad, s, lr, rho, eps):
        return rms_eps_inside(grad, s, lr, rho, eps)
    check_rmsprop_step(worked_example, show=False)
    assert "The rule:" not in check_rmsprop_step(rmsprop_step, show=False).message
    assert "The rule:" in check_rmsprop_step(rmsprop_step, show=False).message


ALL_EXERCISES = [(m, m.EXERCISE) for m in (gradient_descent, adagrad, rmsprop, adam, adamw, minibatch, softmax,
                                            stable_lr)] + [(adagrad, adagrad.RUN_EXERCISE), (rmsprop, rmsprop.RUN_EXERCISE)]


@pytest.mark.parametrize("module, exercise, mistake", [(m, e, k) for m, e in ALL_EXERCISES for k in e.mistakes],
                         ids=lambda p: getattr(getattr(p, "compute", None), "__name__", getattr(p, "name", "")))
def test_no_first_failure_shows_the_fix_or_the_rule(module, exercise, mistake):
    """Every known mistake, made by a learner for the first time: the message has the headline, what the
    code did and where to look, but neither the fix nor any line of the rule."""
    checker = getattr(module, exercise.checker)
    first = checker(mistake.compute, show=False)
    assert not first.passed and first.diagnosis == mistake.diagnosis
    assert mistake.fix not in first.message and "Hint:" not in first.message and "The rule:" not in first.message
    for line in exercise.rule:
        assert line not in first.message
    assert first.message.split("\n")[0].startswith(f"{exercise.name}: not yet right - ")
