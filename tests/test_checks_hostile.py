"""A checker nobody can crash, hang or fool by accident: each hostile learner function is a test.

Nothing the learner's function does may escape the checker (except KeyboardInterrupt, which must
still interrupt), hang it, flood the notebook, or change what later checks say.
"""
import builtins
import os
import signal
import sys
import threading
import time

import numpy as np
import pytest

import rmsprop_lib.checks as checks
from rmsprop_lib import optimizers
from rmsprop_lib.checks import (_engine, check_adam_step, check_gradient_descent_step, check_rmsprop_step,
                                rmsprop)


def rms_correct(grad, s, lr, rho, eps):
    s_new = rho * s + (1 - rho) * grad**2
    return lr * grad / (np.sqrt(s_new) + eps), s_new


def rms_eps_inside(grad, s, lr, rho, eps):
    s_new = rho * s + (1 - rho) * grad**2
    return lr * grad / np.sqrt(s_new + eps), s_new


def diagnosis(checker, fn):
    return checker(fn, show=False).diagnosis


# ---------------------------------------------------------------------------------------------
# Results numpy cannot read
# ---------------------------------------------------------------------------------------------

class ArrayRaises:
    def __array__(self, dtype=None, copy=None):
        raise RuntimeError("no array for you")


class FloatRaises:
    def __float__(self):
        raise ValueError("no float for you")


class LenRaises(list):
    def __len__(self):
        raise RuntimeError("no length for you")


def returns_array_raises(grad, s, lr, rho, eps):
    return ArrayRaises(), rho * s + (1 - rho) * grad**2


def returns_float_raises(x, grad, lr):
    return [FloatRaises() for _ in np.ravel(x)]


def returns_len_raises(grad, s, lr, rho, eps):
    return LenRaises(rms_correct(grad, s, lr, rho, eps))


def returns_generator(x, grad, lr):
    return (xi - lr * gi for xi, gi in zip(x, grad))


try:  # imported here, not inside the learner's function: a first import of torch can take seconds
    import torch
except ImportError:  # without PyTorch (as the README allows) the tensor cases skip and say why
    torch = None
#: The tensor cases: run wherever PyTorch is installed (CI's main stage installs it).
NEEDS_TORCH = [pytest.mark.torch,
               pytest.mark.skipif(torch is None, reason="PyTorch is not installed: the tensor cases need it")]


def returns_torch_with_grad(grad, s, lr, rho, eps):
    g = torch.tensor(grad, requires_grad=True)
    s_new = rho * torch.tensor(s) + (1 - rho) * g**2
    return lr * g / (torch.sqrt(s_new) + eps), s_new


@pytest.mark.parametrize("checker, fn", [
    (check_rmsprop_step, returns_array_raises),
    (check_gradient_descent_step, returns_float_raises),
    (check_rmsprop_step, returns_len_raises),
    (check_gradient_descent_step, returns_generator),
    pytest.param(check_rmsprop_step, returns_torch_with_grad, marks=NEEDS_TORCH),
], ids=lambda p: getattr(p, "__name__", ""))
def test_unreadable_results_are_a_wrong_form_not_a_crash(checker, fn):
    result = checker(fn, show=False)
    assert result.diagnosis == "wrong_shape", result.message
    assert "the right form" in result.message


@NEEDS_TORCH[0]
@NEEDS_TORCH[1]
def test_a_torch_tensor_gets_a_hint_to_detach():
    message = check_rmsprop_step(returns_torch_with_grad, show=False).message
    assert ".detach().numpy()" in message


# ---------------------------------------------------------------------------------------------
# Exits and interrupts
# ---------------------------------------------------------------------------------------------

def calls_sys_exit(x, grad, lr):
    sys.exit()


def raises_system_exit(x, grad, lr):
    raise SystemExit(3)


def raises_generator_exit(x, grad, lr):
    raise GeneratorExit


class StrRaises(Exception):
    def __str__(self):
        raise RuntimeError("cannot print me")


def raises_unprintable(x, grad, lr):
    raise StrRaises()


@pytest.mark.parametrize("fn", [calls_sys_exit, raises_system_exit, raises_generator_exit, raises_unprintable],
                         ids=lambda f: f.__name__)
def test_exits_do_not_escape(fn):
    result = check_gradient_descent_step(fn, show=False)
    assert result.diagnosis == "raised", result.message
    assert type(fn.__code__).__name__ and result.message.startswith("gradient_descent_step raised an error")


def test_sys_exit_gets_its_own_hint():
    assert "sys.exit()" in check_gradient_descent_step(calls_sys_exit, show=False).message


@pytest.mark.skipif(not hasattr(signal, "SIGINT") or sys.platform == "win32", reason="POSIX signals")
def test_interrupting_the_kernel_while_the_checker_waits_still_interrupts():
    called = threading.Event()

    def fn(x, grad, lr):
        called.set()
        time.sleep(1.5)
        return x - lr * grad
    # what the kernel's stop button does: a real SIGINT to the process, handled as a kernel running a cell
    # handles it (Python's default handler; an earlier test in the same process may have left another one)
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    timer = threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT))
    start = time.perf_counter()
    try:
        timer.start()
        try:
            check_gradient_descent_step(fn, show=False)
        except KeyboardInterrupt:
            pass
        else:
            pytest.fail(f"no KeyboardInterrupt: the function was {'' if called.is_set() else 'not '}called, the check "
                        f"took {time.perf_counter() - start:.2f} s")
        assert time.perf_counter() - start < 1.4  # it did not wait for the function
    finally:
        timer.cancel()
        timer.join()  # no SIGINT may land in a later test
        signal.signal(signal.SIGINT, previous)
    time.sleep(1.0)  # let the abandoned sleeper finish before the next test


def test_keyboard_interrupt_still_interrupts():
    def fn(x, grad, lr):
        raise KeyboardInterrupt
    with pytest.raises(KeyboardInterrupt):
        check_gradient_descent_step(fn, show=False)


# ---------------------------------------------------------------------------------------------
# Complex numbers, float32, outputs in the wrong order
# ---------------------------------------------------------------------------------------------

def gd_complex(x, grad, lr):
    return x - lr * grad + 5j


def gd_complex_zero_imaginary(x, grad, lr):
    return (x - lr * grad).astype(complex)


def rms_complex_sqrt(grad, s, lr, rho, eps):
    s_new = rho * s + (1 - rho) * grad**2
    return lr * grad / ((s_new + 0j) ** 0.5 + eps), s_new


def rms_float32(grad, s, lr, rho, eps):
    grad, s = grad.astype(np.float32), s.astype(np.float32)
    return rms_correct(grad, s, np.float32(lr), np.float32(rho), np.float32(eps))


def gd_float16(x, grad, lr):
    return (x - lr * grad).astype(np.float16)


def rms_swapped_outputs(grad, s, lr, rho, eps):
    update, s_new = rms_correct(grad, s, lr, rho, eps)
    return s_new, update


def adam_swapped_outputs(grad, m, v, t, lr, beta1, beta2, eps):
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = beta2 * v + (1 - beta2) * grad**2
    update = lr * (m_new / (1 - beta1**t)) / (np.sqrt(v_new / (1 - beta2**t)) + eps)
    return m_new, update, v_new


def adam_folded_right(grad, m, v, t, lr, beta1, beta2, eps):
    lr_t = lr * np.sqrt(1 - beta2**t) / (1 - beta1**t)
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = beta2 * v + (1 - beta2) * grad**2
    return lr_t * m_new / (np.sqrt(v_new) + eps * np.sqrt(1 - beta2**t)), m_new, v_new


def adam_folded_plain_eps(grad, m, v, t, lr, beta1, beta2, eps):
    # the Adam paper's "more efficient" order, with epsilon left as it was
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = beta2 * v + (1 - beta2) * grad**2
    step_size = lr * np.sqrt(1 - beta2**t) / (1 - beta1**t)
    return step_size * m_new / (np.sqrt(v_new) + eps), m_new, v_new


PLANTED = [
    (check_gradient_descent_step, gd_complex, "complex_result"),
    (check_gradient_descent_step, gd_complex_zero_imaginary, "complex_result"),
    (check_rmsprop_step, rms_complex_sqrt, "complex_result"),
    (check_rmsprop_step, rms_float32, "precision"),
    (check_gradient_descent_step, gd_float16, "wrong_value"),  # float16 keeps 3 digits: not rounding
    (check_rmsprop_step, rms_swapped_outputs, "wrong_order"),
    (check_adam_step, adam_swapped_outputs, "wrong_order"),
    (check_adam_step, adam_folded_right, None),
    (check_adam_step, adam_folded_plain_eps, "folded_bias_correction"),
]
# too_slow is planted by the two time-limit tests below
PLANTED_TABLES = [[(fn, d) for _, fn, d in PLANTED], [("test_an_infinite_loop_is_stopped...", "too_slow")]]


@pytest.mark.parametrize("checker, fn, expected", PLANTED, ids=lambda p: getattr(p, "__name__", str(p)))
def test_named_diagnoses(checker, fn, expected):
    result = checker(fn, show=False)
    assert result.diagnosis == expected, result.message
    assert result.passed is (expected is None)


def test_the_folded_form_message_names_it_and_says_how_eps_changes():
    first = check_adam_step(adam_folded_plain_eps, show=False).message
    assert "folded" in first
    full = check_adam_step(adam_folded_plain_eps, show=False, hint=True).message
    assert "eps * np.sqrt(1 - beta2**t)" in full


def test_the_double_correction_hint_says_how_eps_changes_in_the_folded_form():
    def fn(grad, m, v, t, lr, beta1, beta2, eps):
        lr_t = lr * np.sqrt(1 - beta2**t) / (1 - beta1**t)
        m_new = beta1 * m + (1 - beta1) * grad
        v_new = beta2 * v + (1 - beta2) * grad**2
        return lr_t * (m_new / (1 - beta1**t)) / (np.sqrt(v_new / (1 - beta2**t)) + eps), m_new, v_new
    result = check_adam_step(fn, show=False, hint=True)
    assert result.diagnosis == "double_bias_correction"
    assert "eps * np.sqrt(1 - beta2**t)" in result.message


# ---------------------------------------------------------------------------------------------
# Poisoning the checker from inside the learner's function
# ---------------------------------------------------------------------------------------------

class FakeRMSProp(optimizers.RMSProp):
    pass


def poison_reference_class(grad, s, lr, rho, eps):
    rmsprop.RMSProp = FakeRMSProp
    optimizers.RMSProp.update = lambda self, g, state: (np.zeros_like(g), state)
    return np.zeros_like(grad), s


def poison_comparison(grad, s, lr, rho, eps):
    checks.RMSProp = FakeRMSProp  # the names of the old single-module checker: harmless new attributes
    checks._all_close = lambda *args, **kwargs: True
    _engine.all_close = lambda *args, **kwargs: True
    _engine.close = lambda *args, **kwargs: True
    np.allclose = lambda *args, **kwargs: True
    return np.zeros_like(grad), s


def poison_builtins(grad, s, lr, rho, eps):
    builtins.all = lambda iterable: True
    builtins.any = lambda iterable: False
    return np.zeros_like(grad), s


def poison_cases(grad, s, lr, rho, eps):
    rmsprop.EXERCISE.cases()[0]["s"][:] = 99.0  # a fresh copy: harmless
    object.__setattr__(rmsprop.EXERCISE, "cases", lambda: ())
    return np.zeros_like(grad), s


@pytest.mark.parametrize("poison", [poison_reference_class, poison_comparison, poison_builtins, poison_cases],
                         ids=lambda f: f.__name__)
def test_a_poisoned_state_does_not_outlive_the_call(poison):
    saved = (rmsprop.RMSProp, optimizers.RMSProp.update, _engine.all_close, np.allclose, builtins.all,
             rmsprop.EXERCISE.cases)
    assert not check_rmsprop_step(poison, show=False).passed
    assert (rmsprop.RMSProp, optimizers.RMSProp.update, _engine.all_close, np.allclose, builtins.all,
            rmsprop.EXERCISE.cases) == saved
    assert diagnosis(check_rmsprop_step, rms_correct) is None
    assert diagnosis(check_rmsprop_step, rms_eps_inside) == "eps_inside_sqrt"


def test_inputs_kept_and_written_into_later_do_not_change_later_checks():
    kept = []

    def fn(grad, s, lr, rho, eps):
        for old in kept:
            old[...] = 7.0  # write into the arrays of earlier calls
        kept.extend([grad, s])
        return rms_correct(grad, s, lr, rho, eps)
    assert diagnosis(check_rmsprop_step, fn) is None
    assert diagnosis(check_rmsprop_step, fn) is None
    assert diagnosis(check_rmsprop_step, rms_eps_inside) == "eps_inside_sqrt"


def test_a_lookup_table_of_the_printed_cases_does_not_pass():
    table = {}
    for case in rmsprop.EXERCISE.cases():  # what a learner could copy from the failure messages
        table[case["grad"].tobytes()] = rms_correct(case["grad"], case["s"], case["lr"], case["rho"], case["eps"])

    def fn(grad, s, lr, rho, eps):
        return table.get(grad.tobytes(), (np.zeros_like(grad), s))
    assert not check_rmsprop_step(fn, show=False).passed


def test_the_varied_case_changes_from_check_to_check():
    seen = []

    def fn(grad, s, lr, rho, eps):
        seen.append((grad.shape, grad.tobytes()))
        return rms_correct(grad, s, lr, rho, eps)
    check_rmsprop_step(fn, show=False)
    check_rmsprop_step(fn, show=False)
    n = len(rmsprop.EXERCISE.cases())
    assert len(seen) == 2 * (n + 1)
    assert seen[:n] == seen[n + 1:2 * n + 1]  # the fixed cases
    assert seen[n] != seen[2 * n + 1]  # the varied one


# ---------------------------------------------------------------------------------------------
# Hangs, slow functions, printing
# ---------------------------------------------------------------------------------------------

def test_an_infinite_loop_is_stopped_with_a_clear_message(monkeypatch):
    monkeypatch.setattr(_engine, "TIME_LIMIT", 0.3)
    before = threading.active_count()

    def fn(x, grad, lr):
        while True:
            x = x + 1

    start = time.perf_counter()
    result = check_gradient_descent_step(fn, show=False)
    assert time.perf_counter() - start < 2.0
    assert result.diagnosis == "too_slow", result.message
    assert "took more than 0.3 s" in result.message and "stopped it" in result.message
    assert threading.active_count() == before  # the loop does not keep running in the background


def test_a_slow_function_hits_the_time_limit_once_and_is_told_what_to_do():
    def fn(x, grad, lr):
        time.sleep(3)
        return x - lr * grad

    start = time.perf_counter()
    result = check_gradient_descent_step(fn, show=False)
    elapsed = time.perf_counter() - start
    assert result.diagnosis == "too_slow", result.message
    assert elapsed < _engine.TIME_LIMIT + 1.0  # one case, not 3 s x 4 cases
    assert f"took more than {_engine.TIME_LIMIT:g} s" in result.message
    assert "interrupt the kernel" in result.message  # a sleeping thread cannot be stopped at once


def test_printing_is_captured_and_truncated(capsys, monkeypatch):
    # 200 000 prints take about a second per case on an idle machine: more time, so that a busy machine
    # tests the capture and not the time limit (which has its own tests)
    monkeypatch.setattr(_engine, "TIME_LIMIT", 60.0)

    def fn(x, grad, lr):
        for i in range(200_000):
            print("step", i)
        return x - lr * grad

    result = check_gradient_descent_step(fn, show=False)
    assert capsys.readouterr() == ("", "")
    assert result.passed
    assert "printed 800000 lines" in result.message  # 200 000 on each of the 4 cases
    assert "    step 0" in result.message and "not shown" in result.message
    assert len(result.message) < 1500


def test_a_few_printed_lines_are_shown():
    def fn(x, grad, lr):
        print("debugging", x.shape)
        return x + lr * grad
    result = check_gradient_descent_step(fn, show=False)
    assert result.diagnosis == "wrong_sign"
    assert "    debugging (3,)" in result.message


def test_stderr_and_warnings_are_captured(capsys, recwarn):
    def fn(x, grad, lr):
        import warnings
        print("oops", file=sys.stderr)
        warnings.warn("learner warning")
        return x - lr * grad
    assert check_gradient_descent_step(fn, show=False).passed
    assert capsys.readouterr() == ("", "")
    assert not list(recwarn)


def test_time_limit_is_public_and_sane():
    assert checks.TIME_LIMIT == _engine.TIME_LIMIT == 2.0


def test_endless_recursion_is_reported_not_a_crash():
    def fn(x, grad, lr):
        return fn(x, grad, lr)
    result = check_gradient_descent_step(fn, show=False)
    assert result.diagnosis == "raised" and "RecursionError" in result.message
    assert threading.stack_size() == 0  # the checker's larger thread stack is not left behind


def test_a_function_that_replaces_sys_stdout_does_not_silence_the_notebook():
    def fn(x, grad, lr):
        sys.stdout = sys.stderr = None
        return x - lr * grad
    streams = sys.stdout, sys.stderr
    assert check_gradient_descent_step(fn, show=False).passed
    assert (sys.stdout, sys.stderr) == streams
