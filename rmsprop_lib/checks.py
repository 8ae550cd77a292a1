"""Exercise checkers: run a learner's update rule, compare it with the reference and name the mistake.

Each checker takes the learner's function, runs it on a few test cases and returns a
:class:`CheckResult` (it also shows the result: a coloured box in a notebook, plain text in a
script)::

    check_gradient_descent_step(gradient_descent_step)  # gradient_descent_step(x, grad, lr) -> x_new
    check_adagrad_step(adagrad_step)                    # adagrad_step(grad, s, lr, eps) -> (update, s_new)
    check_rmsprop_step(rmsprop_step)                    # rmsprop_step(grad, s, lr, rho, eps) -> (update, s_new)
    check_adam_step(adam_step)                          # adam_step(grad, m, v, t, lr, beta1, beta2, eps)
                                                        #     -> (update, m_new, v_new)

The update is SUBTRACTED (``x = x - update``), ``t`` is 1-based (1 on the first update) and
epsilon is added OUTSIDE the square root, as in PyTorch.

How a check works, for every checker alike:

1. The learner's function is called on COPIES of each test case's inputs, positionally in the
   documented order. Its exceptions are caught and reported (the checker itself never raises):
   ``NotImplementedError`` means "not implemented yet", anything else is reported with its type
   and message (diagnosis ``"raised"``). Floating-point warnings from the learner's code are
   silenced; a non-finite result simply does not match.
2. The result must have the right form: one array (gradient descent) or a tuple/list with the
   right number of arrays, each shaped like the parameters. Lists are accepted and converted
   with ``np.asarray``. Otherwise: ``"wrong_shape"``.
3. The values are compared with the reference rule (``rmsprop_lib.optimizers``). If they match on
   every test case, the check passes - unless the function modified an input in place
   (``"mutates_input"``).
4. Otherwise the values are compared with a list of known-wrong variants of the rule (epsilon
   inside the root, a missing square root, a swapped rho, ...). A variant that reproduces the
   learner's values on EVERY test case names the mistake; if none does: ``"wrong_value"``.

Tolerance. Values agree when ``|got - expected| <= RTOL * |expected| + RTOL * max|expected|``
with ``RTOL = 1e-10``. Two correct float64 implementations of these rules (a handful of
operations per coordinate, each rounding by at most 2**-53 ~ 1.1e-16 relative) differ by a few
units in the last place, ~1e-15 relative; reordered arithmetic, ``np.power``, ``x**0.5`` or
in-place updates on a copy stay far inside 1e-10. The absolute part (relative to the largest
entry of the same array) covers entries that are a small difference of large numbers, whose
rounding error is relative to the large operands. Every named mistake changes at least one value
by far more than 1e-10 relative on the test cases (the tests check this), so the tolerance is
not what lets a mistake through.
"""
import html
import os
import sys
import traceback
import warnings
from dataclasses import dataclass
from typing import Callable, Optional

import numpy as np

from .optimizers import AdaGrad, AdaGradState, Adam, AdamState, GradientDescent, RMSProp, RMSPropState

__all__ = [
    "CheckResult",
    "DIAGNOSES",
    "RTOL",
    "check_gradient_descent_step",
    "check_adagrad_step",
    "check_rmsprop_step",
    "check_adam_step",
]

#: Relative tolerance of every comparison (see the module docstring for why 1e-10).
RTOL = 1e-10

#: Every diagnosis a checker can give, with what it means.
DIAGNOSES = {
    None: "passed",
    "not_implemented": "the function still raises NotImplementedError",
    "not_callable": "what was passed to the checker is not a function",
    "raised": "the function raised an exception",
    "wrong_shape": "the result has the wrong form: not a tuple of the right length, or wrong array shapes",
    "mutates_input": "the values are right but an input array was modified in place",
    "wrong_sign": "the update has the wrong sign",
    "missing_lr": "the learning rate is missing from the update",
    "missing_grad": "the update is the step size alone, without the gradient",
    "missing_square": "the gradient is not squared in the accumulator",
    "eps_inside_sqrt": "epsilon is added inside the square root instead of outside",
    "missing_sqrt": "the denominator has no square root",
    "missing_one_minus_rho": "the (1 - rho) factor of the new squared gradient is missing",
    "sum_not_average": "the accumulator is a running sum (AdaGrad) instead of a moving average",
    "rho_swapped": "rho and 1 - rho are swapped in the moving average",
    "stale_state": "the old state is returned, or the update is computed from the old state",
    "betas_swapped": "beta1 and beta2 are swapped",
    "no_bias_correction": "Adam's bias correction is missing (for one or both moments)",
    "bias_correction_off_by_one": "the bias correction uses t - 1 or t + 1 instead of t",
    "double_bias_correction": "the bias correction is applied twice (to the moments and to the learning rate)",
    "wrong_value": "the values are wrong in a way the checker cannot name",
}


# --------------------------------------------------------------------------------------------
# The result object and how it is shown
# --------------------------------------------------------------------------------------------

_STYLES = {
    # state: (symbol, border colour, background) - the symbol and the words carry the meaning,
    # the colour only helps.
    "passed": ("\u2714", "#1b7f3b", "#e8f5ec"),
    "todo": ("\u270e", "#1f5fa8", "#e8f0fb"),
    "failed": ("\u2718", "#b3261e", "#fcebea"),
}

# (result, execution count) of the result the last checker displayed itself, so that the same
# result is not shown a second time when it is also the value of the notebook cell.
_just_shown = None


def _ipython():
    """The running IPython shell, or None in a plain script (IPython is never imported here)."""
    if "IPython" not in sys.modules:
        return None
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - a broken IPython install
        return None
    return get_ipython()


def _inline_code_html(text):
    """Escape ``text`` for HTML and turn `backticks` into <code> elements."""
    parts = html.escape(text).split("`")
    return "".join(f"<code>{p}</code>" if i % 2 else p for i, p in enumerate(parts))


@dataclass(frozen=True)
class CheckResult:
    """What a checker found: ``passed`` (bool), ``diagnosis`` (None when passed) and ``message``.

    ``str(result)`` and ``repr(result)`` give the plain message; in a notebook the result shows
    as a coloured box.
    """

    passed: bool
    diagnosis: Optional[str]
    message: str

    def __str__(self):
        return self.message

    def __repr__(self):
        return self.message

    def _state(self):
        if self.passed:
            return "passed"
        return "todo" if self.diagnosis == "not_implemented" else "failed"

    def _repr_markdown_(self):
        symbol = _STYLES[self._state()][0]
        lines = self.message.split("\n")
        out = [f"{symbol} **{lines[0]}**", ""]
        for line in lines[1:]:
            if line.startswith("    "):
                out.append(line)  # an indented formula: a markdown code block
            else:
                out.extend([line, ""] if line else [""])
        return "\n".join(out).strip() + "\n"

    def _repr_html_(self):
        symbol, border, background = _STYLES[self._state()]
        lines = self.message.split("\n")
        body, code = [], []

        def flush_code():
            if code:
                body.append('<pre style="margin:0.3em 0 0.3em 1em;padding:0.3em 0.6em;'
                            'background:rgba(255,255,255,0.7);color:#1d1d1d">'
                            + html.escape("\n".join(code)) + "</pre>")
                code.clear()

        for line in lines[1:]:
            if line.startswith("    "):
                code.append(line[4:])
                continue
            flush_code()
            if line:
                body.append(f'<div style="margin:0.2em 0">{_inline_code_html(line)}</div>')
        flush_code()
        return (
            f'<div style="border-left:6px solid {border};background:{background};color:#1d1d1d;'
            f'padding:0.5em 0.9em;margin:0.3em 0;border-radius:4px;font-family:sans-serif;'
            f'line-height:1.4">'
            f'<div style="font-weight:bold;color:{border}">{symbol} {_inline_code_html(lines[0])}</div>'
            + "".join(body) + "</div>"
        )

    def _ipython_display_(self):
        global _just_shown
        shell = _ipython()
        count = getattr(shell, "execution_count", None)
        if _just_shown is not None and _just_shown[0] is self and _just_shown[1] == count:
            _just_shown = None  # already shown by the checker in this same cell
            return
        from IPython.display import display

        display({"text/plain": self.message, "text/html": self._repr_html_()}, raw=True)


def _show(result):
    """Show ``result``: a coloured box under IPython, the plain message otherwise."""
    global _just_shown
    shell = _ipython()
    if shell is None:
        print(result.message)
        return
    from IPython.display import display

    _just_shown = None
    display(result)
    _just_shown = (result, getattr(shell, "execution_count", None))


# --------------------------------------------------------------------------------------------
# The machinery shared by all checkers
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Variant:
    """A known-wrong version of a rule: ``compute(**case)`` gives the outputs it would return."""

    diagnosis: str
    compute: Callable
    did: str  # what the learner's code did, in one or two sentences
    hint: str
    headline: str = ""  # a short name of the mistake; DIAGNOSES[diagnosis] when empty


@dataclass(frozen=True)
class _Exercise:
    name: str  # the learner's function name
    args: tuple  # argument names, in call order
    arrays: tuple  # the argument names that are arrays (copied, checked for mutation)
    outputs: tuple  # output names; one name means a single array is returned
    rule: tuple  # lines of code stating the rule
    reference: Callable  # reference(**case) -> tuple of arrays, one per output
    variants: tuple  # of _Variant
    cases: tuple  # of dicts, argument name -> value
    about_cases: str  # what the test cases cover, for the "passed" message
    checker: str  # the name of the public checker


def _close(got, expected):
    """Equal within the module tolerance (NaN matches NaN, so NaN-producing variants can match)."""
    scale = np.max(np.abs(expected[np.isfinite(expected)]), initial=0.0)
    with np.errstate(all="ignore"):
        return bool(np.allclose(got, expected, rtol=RTOL, atol=RTOL * scale, equal_nan=True))


def _all_close(got, expected):
    return all(_close(g, e) for g, e in zip(got, expected))


def _fmt_array(array, digits=6):
    """An array on one line, e.g. ``[[0.1, -0.4], [0.02, 1]]`` (``digits`` significant digits)."""
    if array.ndim == 0:
        return f"{float(array):.{digits}g}"
    return "[" + ", ".join(_fmt_array(row, digits) for row in array) + "]"


def _fmt_value(value):
    if isinstance(value, np.ndarray):
        return _fmt_array(value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _fmt_case(exercise, case):
    return ", ".join(f"{name}={_fmt_value(case[name])}" for name in exercise.args)


def _signature(exercise):
    return f"{exercise.name}({', '.join(exercise.args)})"


def _returns(exercise):
    if len(exercise.outputs) == 1:
        return exercise.outputs[0]
    return "(" + ", ".join(exercise.outputs) + ")"


def _rule_lines(exercise):
    return ["The rule:"] + ["    " + line for line in exercise.rule]


def _result(passed, diagnosis, headline, *lines):
    return CheckResult(passed=passed, diagnosis=diagnosis, message="\n".join((headline,) + lines))


def _call(exercise, fn, case):
    """Call ``fn`` on copies of ``case``; return (outputs as arrays or None, copies, failure)."""
    copies = {k: (np.array(v, copy=True) if k in exercise.arrays else v) for k, v in case.items()}
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            out = fn(*(copies[name] for name in exercise.args))
    except NotImplementedError:
        return None, copies, _result(
            False, "not_implemented",
            f"{exercise.name}: not implemented yet.",
            f"Replace `raise NotImplementedError` with your code (it should return {_returns(exercise)}), "
            "run that cell, then run this check again.",
        )
    except Exception as exc:  # noqa: BLE001 - the learner's errors are reported, never raised
        line = _learner_line(exc)
        hint = (f"fix {'that line' if line else 'the line that raised it'}, run the cell that defines your "
                "function, then run this check again.")
        if isinstance(exc, TypeError) and "argument" in str(exc):
            hint = (f"the checker calls `{_signature(exercise)}` with {len(exercise.args)} arguments in this "
                    "order: does your function take exactly these?")
        return None, copies, _result(
            False, "raised",
            f"{exercise.name} raised an error: {type(exc).__name__}: {exc}",
            *([f"The line that raised it: `{line}`"] if line else []),
            f"It happened on the test case {_fmt_case(exercise, case)}.",
            f"Hint: {hint}",
        )
    return out, copies, None


def _learner_line(exc):
    """The source line of the innermost frame of ``exc`` that is not numpy or this module (or None).

    Only the line's text is shown: file names of notebook cells are temporary paths.
    """
    frames = traceback.extract_tb(exc.__traceback__)[1:]  # [0] is the call in _call
    numpy_dir = os.path.dirname(np.__file__)
    for frame in reversed(frames):
        if not frame.filename.startswith(numpy_dir) and frame.line:
            return frame.line.strip()
    return None


def _as_outputs(exercise, out, case):
    """Check the form of ``out``; return (tuple of float arrays, None) or (None, failure)."""
    shape = np.shape(case[exercise.arrays[0]])
    expect = f"`{_returns(exercise)}`"
    n = len(exercise.outputs)

    def fail(did, hint):
        return None, _result(
            False, "wrong_shape",
            f"{exercise.name}: the result does not have the right form.",
            f"What your code did: {did}",
            f"It should return {expect}, {'an array' if n == 1 else 'a tuple of arrays'} shaped like "
            f"the parameters (here {shape}).",
            f"Hint: {hint}",
        )

    if out is None:
        return fail("it returned None.", "is there a `return` statement at the end of your function?")
    if n == 1:
        items = [out]
        if isinstance(out, tuple):
            return fail(f"it returned a tuple of {len(out)} values.",
                        f"return only the new parameters: `return {exercise.outputs[0]}`.")
    else:
        if not isinstance(out, (tuple, list)):
            return fail(f"it returned a single {type(out).__name__} instead of {n} values.",
                        f"return all of them, separated by commas: `return {', '.join(exercise.outputs)}`.")
        if len(out) != n:
            return fail(f"it returned {len(out)} value{'s' if len(out) != 1 else ''} instead of {n}.",
                        f"return exactly these, in this order: `return {', '.join(exercise.outputs)}`.")
        items = list(out)
    arrays = []
    for name, item in zip(exercise.outputs, items):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                array = np.array(np.asarray(item, dtype=float), copy=True)
        except (TypeError, ValueError):
            return fail(f"it returned something for `{name}` that is not an array of numbers "
                        f"({type(item).__name__}).",
                        f"compute `{name}` with numpy operations on the input arrays.")
        if array.shape != shape:
            return fail(f"it returned `{name}` with shape {array.shape}; the inputs have shape {shape}.",
                        "work element by element (`*`, `/`, `np.sqrt`) and do not sum, average or "
                        "reshape the arrays.")
        arrays.append(array)
    return tuple(arrays), None


def _mutated(exercise, case, copies):
    return [name for name in exercise.arrays if not np.array_equal(copies[name], case[name], equal_nan=True)]


def _mutation_note(names):
    listed = " and ".join(f"`{n}`" for n in names)
    return (f"it changed its input {listed} in place (for example with `+=`, `*=` or "
            "`[...] =`). The caller still owns that array and may need its old values.")


def _worst_error(got, expected):
    """The largest relative error over all outputs (inf where a value is not finite)."""
    worst = 0.0
    for g, e in zip(got, expected):
        with np.errstate(all="ignore"):
            err = np.abs(g - e) / (np.abs(e) + RTOL * np.max(np.abs(e), initial=0.0) + 1e-300)
        worst = max(worst, float(np.max(np.where(np.isfinite(err), err, np.inf), initial=0.0)))
    return worst


def _describe_mismatch(exercise, case, got, expected):
    wrong = [i for i in range(len(got)) if not _close(got[i], expected[i])]
    right = [exercise.outputs[i] for i in range(len(got)) if i not in wrong]
    lines = [f"For the test case {_fmt_case(exercise, case)}:"]
    worst = _worst_error(got, expected)
    # enough digits to see the difference (6 unless the values differ only further down)
    digits = 6 if not 0 < worst < 1e-4 else min(17, int(np.ceil(-np.log10(worst))) + 2)
    for i in wrong:
        name = exercise.outputs[i]
        lines.append(f"    {name}: expected {_fmt_array(expected[i], digits)}")
        lines.append(f"    {' ' * len(name)}  got      {_fmt_array(got[i], digits)}")
    not_finite = [exercise.outputs[i] for i in wrong if not np.all(np.isfinite(got[i]))]
    if not_finite:
        lines.append(f"Your {' and '.join(f'`{n}`' for n in not_finite)} contains nan or inf: look for a "
                     "division by zero or the square root of a negative number.")
    if right:
        lines.append(f"Your {' and '.join(f'`{r}`' for r in right)} {'is' if len(right) == 1 else 'are'} right.")
    return lines


def _check(exercise, fn, show):
    result = _run_check(exercise, fn)
    if show:
        _show(result)
    return result


def _run_check(exercise, fn):
    if not callable(fn):
        return _result(
            False, "not_callable",
            f"{exercise.name}: the checker needs your function itself, but got an object of type "
            f"{type(fn).__name__}.",
            f"Hint: pass the function without calling it: `{exercise.checker}({exercise.name})`, "
            f"not `{exercise.checker}({exercise.name}(...))`.",
        )
    results = []
    for case in exercise.cases:
        out, copies, failure = _call(exercise, fn, case)
        if failure is not None:
            return failure
        got, failure = _as_outputs(exercise, out, case)
        if failure is not None:
            return failure
        results.append((case, got, exercise.reference(**case), _mutated(exercise, case, copies)))

    mutated = sorted({name for *_, names in results for name in names}, key=exercise.args.index)
    if all(_all_close(got, expected) for _, got, expected, _ in results):
        if mutated:
            return _result(
                False, "mutates_input",
                f"{exercise.name}: the values are right, but your function modifies its input.",
                f"What your code did: {_mutation_note(mutated)}",
                *_rule_lines(exercise),
                f"Hint: compute into a new array (`{exercise.rule[0]}` creates one), or start with "
                f"`{mutated[0]} = {mutated[0]}.copy()` if you prefer in-place operations.",
            )
        return _result(
            True, None,
            f"{exercise.name}: correct!",
            f"It matches the reference rule on {len(results)} test cases ({exercise.about_cases}).",
        )

    also = [f"Also, your function has a second problem: {_mutation_note(mutated)}"] if mutated else []
    for variant in exercise.variants:
        with np.errstate(all="ignore"):
            matches = all(_all_close(got, tuple(np.asarray(a, dtype=float) for a in variant.compute(**case)))
                          for case, got, _, _ in results)
        if matches:
            return _result(
                False, variant.diagnosis,
                f"{exercise.name}: not yet right - {variant.headline or DIAGNOSES[variant.diagnosis]}.",
                f"What your code did: {variant.did}",
                *_rule_lines(exercise),
                f"Hint: {variant.hint}",
                *also,
            )
    case, got, expected, _ = max(results, key=lambda r: _worst_error(r[1], r[2]))
    return _result(
        False, "wrong_value",
        f"{exercise.name}: not yet right - the values differ from the rule.",
        "What your code did: it returned values that match none of the usual mistakes.",
        *_describe_mismatch(exercise, case, got, expected),
        *_rule_lines(exercise),
        "Hint: compare your code with the rule line by line; check the order of operations "
        "(brackets), and try the test case above by hand.",
        *also,
    )


def _arr(rows):
    return np.array(rows, dtype=float)


# --------------------------------------------------------------------------------------------
# Gradient descent: gradient_descent_step(x, grad, lr) -> x_new
# --------------------------------------------------------------------------------------------

def _gd_reference(x, grad, lr):
    update, _ = GradientDescent(lr).step(grad, GradientDescent(lr).init(x))
    return (x - update,)


_GD = _Exercise(
    name="gradient_descent_step",
    args=("x", "grad", "lr"),
    arrays=("x", "grad"),
    outputs=("x_new",),
    rule=("x_new = x - lr * grad",),
    reference=_gd_reference,
    variants=(
        _Variant("wrong_sign", lambda x, grad, lr: (x + lr * grad,),
                 "it moved uphill: `x + lr * grad`.",
                 "the gradient points uphill, so step against it: subtract `lr * grad`.",
                 "the step goes uphill"),
        _Variant("missing_lr", lambda x, grad, lr: (x - grad,),
                 "it subtracted the whole gradient, `x - grad`, without the learning rate.",
                 "multiply the gradient by `lr` before subtracting it."),
    ),
    cases=(
        dict(x=_arr([1.5, -2.0, 0.25]), grad=_arr([0.4, -1.2, 3.0]), lr=0.1),
        dict(x=_arr([[1.0, -0.5, 2.0], [0.0, 3.0, -1.5]]), grad=_arr([[2.0, 0.3, -0.7], [1.1, -2.4, 0.05]]),
             lr=0.25),
        dict(x=_arr([4.0, -3.0]), grad=_arr([8.0, -6.0]), lr=0.01),
    ),
    about_cases="1-D and 2-D arrays, several learning rates",
    checker="check_gradient_descent_step",
)


# --------------------------------------------------------------------------------------------
# AdaGrad: adagrad_step(grad, s, lr, eps) -> (update, s_new)
# --------------------------------------------------------------------------------------------

def _adagrad_reference(grad, s, lr, eps):
    update, state = AdaGrad(lr, eps=eps).step(grad, AdaGradState(s=s))
    return update, state.s


def _adagrad_from(s_new, lr, eps, grad):
    return lr * grad / (np.sqrt(s_new) + eps), s_new


_EPS_OUTSIDE_HINT = ("move `+ eps` out of the root: `np.sqrt(s_new) + eps`. (Keras and optax put it inside; "
                     "this series follows PyTorch. The two differ only for tiny gradients, so the check "
                     "includes some.)")

_ADAGRAD = _Exercise(
    name="adagrad_step",
    args=("grad", "s", "lr", "eps"),
    arrays=("grad", "s"),
    outputs=("update", "s_new"),
    rule=("s_new = s + grad**2", "update = lr * grad / (np.sqrt(s_new) + eps)"),
    reference=_adagrad_reference,
    variants=(
        _Variant("wrong_sign", lambda grad, s, lr, eps: (-lr * grad / (np.sqrt(s + grad**2) + eps), s + grad**2),
                 "its update has the opposite sign: `x - update` would move uphill.",
                 "the update points along the gradient (`lr * grad / ...`); the caller subtracts it."),
        _Variant("missing_lr", lambda grad, s, lr, eps: (grad / (np.sqrt(s + grad**2) + eps), s + grad**2),
                 "its update is `grad / (np.sqrt(s_new) + eps)`, without the learning rate.",
                 "multiply by `lr`."),
        _Variant("missing_grad", lambda grad, s, lr, eps: (lr / (np.sqrt(s + grad**2) + eps), s + grad**2),
                 "its update is `lr / (np.sqrt(s_new) + eps)`: that is the effective step size, not yet the step.",
                 "multiply the effective step size by the gradient: `lr * grad / (np.sqrt(s_new) + eps)`."),
        _Variant("eps_inside_sqrt", lambda grad, s, lr, eps: (lr * grad / np.sqrt(s + grad**2 + eps), s + grad**2),
                 "it divided by `np.sqrt(s_new + eps)`: epsilon is inside the square root.",
                 _EPS_OUTSIDE_HINT),
        _Variant("missing_sqrt", lambda grad, s, lr, eps: (lr * grad / (s + grad**2 + eps), s + grad**2),
                 "it divided by `s_new + eps`: the square root is missing.",
                 "s_new adds up SQUARED gradients; its square root brings it back to the size of a "
                 "gradient: `np.sqrt(s_new) + eps`."),
        _Variant("missing_square", lambda grad, s, lr, eps: _adagrad_from(s + grad, lr, eps, grad),
                 "it added `grad` to s instead of `grad**2`.",
                 "s accumulates SQUARED gradients: `s + grad**2` (a negative gradient must still make s grow)."),
        _Variant("stale_state", lambda grad, s, lr, eps: (lr * grad / (np.sqrt(s + grad**2) + eps), s),
                 "it returned the old `s` instead of the new one, so the next step would forget this gradient.",
                 "return the accumulator you just computed: `return update, s_new`.",
                 "the old s is returned"),
        _Variant("stale_state", lambda grad, s, lr, eps: (lr * grad / (np.sqrt(s) + eps), s + grad**2),
                 "it computed the update from the old `s`, before adding this step's squared gradient.",
                 "first `s_new = s + grad**2`, then divide by `np.sqrt(s_new) + eps`.",
                 "the update uses the old s"),
    ),
    cases=(
        dict(grad=_arr([0.5, -2.0, 0.03]), s=_arr([0.0, 0.0, 0.0]), lr=0.1, eps=1e-8),
        dict(grad=_arr([0.3, -0.02, 1.5]), s=_arr([0.04, 0.0009, 2.25]), lr=0.05, eps=0.01),
        dict(grad=_arr([[0.1, -0.4], [0.02, 1.0], [-0.7, 0.25]]),
             s=_arr([[0.5, 0.02], [1e-4, 3.0], [0.2, 0.01]]), lr=0.3, eps=1e-3),
    ),
    about_cases="1-D and 2-D arrays, the first step from s = 0, and eps comparable to s",
    checker="check_adagrad_step",
)


# --------------------------------------------------------------------------------------------
# RMSProp: rmsprop_step(grad, s, lr, rho, eps) -> (update, s_new)
# --------------------------------------------------------------------------------------------

def _rmsprop_reference(grad, s, lr, rho, eps):
    zeros = np.zeros_like(s)
    update, state = RMSProp(lr, rho=rho, eps=eps).step(grad, RMSPropState(s=s, g_avg=zeros, velocity=zeros))
    return update, state.s


def _rms_avg(grad, s, rho):
    return rho * s + (1 - rho) * grad**2


def _rms_with(s_new_fn):
    """A variant whose only mistake is how s_new is computed (the update then uses that s_new)."""
    def compute(grad, s, lr, rho, eps):
        s_new = s_new_fn(grad, s, rho)
        return lr * grad / (np.sqrt(s_new) + eps), s_new
    return compute


def _rms_update(denominator):
    """A variant whose only mistake is the denominator (s_new is right)."""
    def compute(grad, s, lr, rho, eps):
        s_new = _rms_avg(grad, s, rho)
        return lr * grad / denominator(s_new, eps), s_new
    return compute


_RMSPROP = _Exercise(
    name="rmsprop_step",
    args=("grad", "s", "lr", "rho", "eps"),
    arrays=("grad", "s"),
    outputs=("update", "s_new"),
    rule=("s_new = rho * s + (1 - rho) * grad**2", "update = lr * grad / (np.sqrt(s_new) + eps)"),
    reference=_rmsprop_reference,
    variants=(
        _Variant("wrong_sign", _rms_update(lambda sn, e: -(np.sqrt(sn) + e)),
                 "its update has the opposite sign: `x - update` would move uphill.",
                 "the update points along the gradient (`lr * grad / ...`); the caller subtracts it."),
        _Variant("missing_lr",
                 lambda grad, s, lr, rho, eps: (grad / (np.sqrt(_rms_avg(grad, s, rho)) + eps), _rms_avg(grad, s, rho)),
                 "its update is `grad / (np.sqrt(s_new) + eps)`, without the learning rate.",
                 "multiply by `lr`."),
        _Variant("missing_grad",
                 lambda grad, s, lr, rho, eps: (lr / (np.sqrt(_rms_avg(grad, s, rho)) + eps), _rms_avg(grad, s, rho)),
                 "its update is `lr / (np.sqrt(s_new) + eps)`: that is the effective step size, not yet the step.",
                 "multiply the effective step size by the gradient: `lr * grad / (np.sqrt(s_new) + eps)`."),
        _Variant("eps_inside_sqrt", _rms_update(lambda sn, e: np.sqrt(sn + e)),
                 "it divided by `np.sqrt(s_new + eps)`: epsilon is inside the square root.",
                 _EPS_OUTSIDE_HINT),
        _Variant("missing_sqrt", _rms_update(lambda sn, e: sn + e),
                 "it divided by `s_new + eps`: the square root is missing.",
                 "s_new averages SQUARED gradients; its square root (the root mean square that gives "
                 "RMSProp its name) is on the scale of a gradient: `np.sqrt(s_new) + eps`."),
        _Variant("missing_one_minus_rho", _rms_with(lambda g, s, rho: rho * s + g**2),
                 "it computed `s_new = rho * s + grad**2`: the new squared gradient lacks its weight (1 - rho).",
                 "weight the new term by `(1 - rho)` so the weights add up to 1 and s_new is an average."),
        _Variant("sum_not_average", _rms_with(lambda g, s, rho: s + g**2),
                 "it computed `s_new = s + grad**2`: a running sum, which is AdaGrad's rule, not RMSProp's.",
                 "RMSProp forgets old gradients: decay the old value with `rho * s` and add `(1 - rho) * grad**2`."),
        _Variant("rho_swapped", _rms_with(lambda g, s, rho: (1 - rho) * s + rho * g**2),
                 "it computed `s_new = (1 - rho) * s + rho * grad**2`: rho and 1 - rho are swapped.",
                 "rho (close to 1) is the memory: it multiplies the OLD value s."),
        _Variant("missing_square", _rms_with(lambda g, s, rho: rho * s + (1 - rho) * g),
                 "it averaged `grad` instead of `grad**2`.",
                 "s_new is a moving average of SQUARED gradients: `(1 - rho) * grad**2`."),
        _Variant("stale_state",
                 lambda grad, s, lr, rho, eps: (_rms_update(lambda sn, e: np.sqrt(sn) + e)(grad, s, lr, rho, eps)[0], s),
                 "it returned the old `s` instead of the new one, so the next step would not see this gradient.",
                 "return the average you just computed: `return update, s_new`.",
                 "the old s is returned"),
        _Variant("stale_state",
                 lambda grad, s, lr, rho, eps: (lr * grad / (np.sqrt(s) + eps), _rms_avg(grad, s, rho)),
                 "it computed the update from the old `s`, before mixing in this step's squared gradient.",
                 "first compute `s_new`, then divide by `np.sqrt(s_new) + eps`.",
                 "the update uses the old s"),
    ),
    cases=(
        dict(grad=_arr([0.5, -2.0, 0.03]), s=_arr([0.0, 0.0, 0.0]), lr=0.01, rho=0.9, eps=1e-8),
        dict(grad=_arr([0.3, -0.02, 1.5]), s=_arr([0.04, 0.0009, 2.25]), lr=0.05, rho=0.99, eps=1e-3),
        dict(grad=_arr([[0.1, -0.4, 2.0], [0.02, 1.0, -0.7]]),
             s=_arr([[0.5, 0.02, 1.0], [1e-4, 3.0, 0.2]]), lr=0.2, rho=0.75, eps=0.01),
    ),
    about_cases="1-D and 2-D arrays, the first step from s = 0, rho = 0.9, 0.99 and 0.75, "
                "and eps comparable to s",
    checker="check_rmsprop_step",
)


# --------------------------------------------------------------------------------------------
# Adam: adam_step(grad, m, v, t, lr, beta1, beta2, eps) -> (update, m_new, v_new)
# --------------------------------------------------------------------------------------------

def _adam_reference(grad, m, v, t, lr, beta1, beta2, eps):
    update, state = Adam(lr, beta1=beta1, beta2=beta2, eps=eps).step(grad, AdamState(m=m, v=v, t=t - 1))
    return update, state.m, state.v


def _adam(m_rule=None, v_rule=None, c1=None, c2=None, denominator=None, out=None):
    """Adam with some pieces replaced. Each piece defaults to the correct one.

    m_rule(grad, m, b1, b2), v_rule(grad, v, b1, b2) -> new moments; c1(t, b1, b2), c2(t, b1, b2) ->
    bias-correction divisors; denominator(v_hat, eps); out(update, m, v, m_new, v_new, ...) -> outputs.
    """
    m_rule = m_rule or (lambda g, m, b1, b2: b1 * m + (1 - b1) * g)
    v_rule = v_rule or (lambda g, v, b1, b2: b2 * v + (1 - b2) * g**2)
    c1 = c1 or (lambda t, b1, b2: 1 - b1**t)
    c2 = c2 or (lambda t, b1, b2: 1 - b2**t)
    denominator = denominator or (lambda v_hat, eps: np.sqrt(v_hat) + eps)

    def compute(grad, m, v, t, lr, beta1, beta2, eps):
        m_new, v_new = m_rule(grad, m, beta1, beta2), v_rule(grad, v, beta1, beta2)
        update = lr * (m_new / c1(t, beta1, beta2)) / denominator(v_new / c2(t, beta1, beta2), eps)
        if out is not None:
            return out(update, m, v, m_new, v_new, grad, t, lr, beta1, beta2, eps)
        return update, m_new, v_new
    return compute


def _adam_from_old(update, m, v, m_new, v_new, grad, t, lr, beta1, beta2, eps):
    step = lr * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + eps)
    return step, m_new, v_new


_ADAM_RULE = (
    "m_new = beta1 * m + (1 - beta1) * grad",
    "v_new = beta2 * v + (1 - beta2) * grad**2",
    "m_hat = m_new / (1 - beta1**t)",
    "v_hat = v_new / (1 - beta2**t)",
    "update = lr * m_hat / (np.sqrt(v_hat) + eps)",
)

_ADAM = _Exercise(
    name="adam_step",
    args=("grad", "m", "v", "t", "lr", "beta1", "beta2", "eps"),
    arrays=("grad", "m", "v"),
    outputs=("update", "m_new", "v_new"),
    rule=_ADAM_RULE,
    reference=_adam_reference,
    variants=(
        _Variant("wrong_sign", _adam(out=lambda u, m, v, mn, vn, *rest: (-u, mn, vn)),
                 "its update has the opposite sign: `x - update` would move uphill.",
                 "the update points along the (averaged) gradient; the caller subtracts it."),
        _Variant("missing_lr", _adam(out=lambda u, m, v, mn, vn, g, t, lr, *rest: (u / lr, mn, vn)),
                 "its update has no learning rate: `m_hat / (np.sqrt(v_hat) + eps)`.",
                 "multiply by `lr`."),
        _Variant("missing_grad",
                 _adam(out=lambda u, m, v, mn, vn, g, t, lr, b1, b2, eps: (
                     lr / (np.sqrt(vn / (1 - b2**t)) + eps), mn, vn)),
                 "its update is `lr / (np.sqrt(v_hat) + eps)`, without the first moment.",
                 "multiply by the corrected first moment: `lr * m_hat / (np.sqrt(v_hat) + eps)`."),
        _Variant("eps_inside_sqrt", _adam(denominator=lambda vh, eps: np.sqrt(vh + eps)),
                 "it divided by `np.sqrt(v_hat + eps)`: epsilon is inside the square root.",
                 "move `+ eps` out of the root: `np.sqrt(v_hat) + eps`, as in the Adam paper and PyTorch."),
        _Variant("missing_sqrt", _adam(denominator=lambda vh, eps: vh + eps),
                 "it divided by `v_hat + eps`: the square root is missing.",
                 "v averages SQUARED gradients; take its square root: `np.sqrt(v_hat) + eps`."),
        _Variant("missing_one_minus_rho", _adam(m_rule=lambda g, m, b1, b2: b1 * m + g,
                                                v_rule=lambda g, v, b1, b2: b2 * v + g**2),
                 "it computed `m_new = beta1 * m + grad` and `v_new = beta2 * v + grad**2`: the new terms "
                 "lack their weights (1 - beta1) and (1 - beta2).",
                 "weight the new term of each average by one minus its beta.",
                 "a (1 - beta) factor is missing"),
        _Variant("missing_one_minus_rho", _adam(m_rule=lambda g, m, b1, b2: b1 * m + g),
                 "it computed `m_new = beta1 * m + grad`: the new gradient lacks its weight (1 - beta1).",
                 "use `m_new = beta1 * m + (1 - beta1) * grad`.",
                 "the (1 - beta1) factor is missing"),
        _Variant("missing_one_minus_rho", _adam(v_rule=lambda g, v, b1, b2: b2 * v + g**2),
                 "it computed `v_new = beta2 * v + grad**2`: the new squared gradient lacks its weight (1 - beta2).",
                 "use `v_new = beta2 * v + (1 - beta2) * grad**2`.",
                 "the (1 - beta2) factor is missing"),
        _Variant("rho_swapped", _adam(m_rule=lambda g, m, b1, b2: (1 - b1) * m + b1 * g,
                                      v_rule=lambda g, v, b1, b2: (1 - b2) * v + b2 * g**2),
                 "in both averages, beta and 1 - beta are swapped: `(1 - beta1) * m + beta1 * grad`.",
                 "beta (close to 1) is the memory: it multiplies the OLD value.",
                 "beta and 1 - beta are swapped"),
        _Variant("rho_swapped", _adam(m_rule=lambda g, m, b1, b2: (1 - b1) * m + b1 * g),
                 "it computed `m_new = (1 - beta1) * m + beta1 * grad`: beta1 and 1 - beta1 are swapped.",
                 "beta1 (close to 1) is the memory: it multiplies the OLD value m.",
                 "beta1 and 1 - beta1 are swapped"),
        _Variant("rho_swapped", _adam(v_rule=lambda g, v, b1, b2: (1 - b2) * v + b2 * g**2),
                 "it computed `v_new = (1 - beta2) * v + beta2 * grad**2`: beta2 and 1 - beta2 are swapped.",
                 "beta2 (close to 1) is the memory: it multiplies the OLD value v.",
                 "beta2 and 1 - beta2 are swapped"),
        _Variant("betas_swapped", _adam(m_rule=lambda g, m, b1, b2: b2 * m + (1 - b2) * g,
                                        v_rule=lambda g, v, b1, b2: b1 * v + (1 - b1) * g**2,
                                        c1=lambda t, b1, b2: 1 - b2**t, c2=lambda t, b1, b2: 1 - b1**t),
                 "it used beta2 for the first moment m and beta1 for the second moment v.",
                 "beta1 (0.9 by default) goes with m, the average of gradients; beta2 (0.999) with v, the "
                 "average of squared gradients. Check the order of your parameters too.",
                 "beta1 and beta2 are swapped"),
        _Variant("betas_swapped", _adam(m_rule=lambda g, m, b1, b2: b2 * m + (1 - b2) * g,
                                        v_rule=lambda g, v, b1, b2: b1 * v + (1 - b1) * g**2),
                 "it averaged m with beta2 and v with beta1.",
                 "beta1 goes with m (gradients), beta2 with v (squared gradients).",
                 "beta1 and beta2 are swapped in the averages"),
        _Variant("betas_swapped", _adam(c1=lambda t, b1, b2: 1 - b2**t, c2=lambda t, b1, b2: 1 - b1**t),
                 "its bias corrections are swapped: `m_new / (1 - beta2**t)` and `v_new / (1 - beta1**t)`.",
                 "each moment is corrected with its own beta: m with beta1, v with beta2.",
                 "the bias corrections are swapped"),
        _Variant("no_bias_correction", _adam(c1=lambda t, b1, b2: 1.0, c2=lambda t, b1, b2: 1.0),
                 "it used m_new and v_new directly, without the bias correction.",
                 "both averages start at 0 and are too small during the first steps; divide them by "
                 "`1 - beta1**t` and `1 - beta2**t`.",
                 "the bias correction is missing"),
        _Variant("no_bias_correction", _adam(c2=lambda t, b1, b2: 1.0),
                 "it corrected m but not v.",
                 "divide v_new by `1 - beta2**t` as well.",
                 "v is not bias-corrected"),
        _Variant("no_bias_correction", _adam(c1=lambda t, b1, b2: 1.0),
                 "it corrected v but not m.",
                 "divide m_new by `1 - beta1**t` as well.",
                 "m is not bias-corrected"),
        _Variant("bias_correction_off_by_one", _adam(c1=lambda t, b1, b2: 1 - b1**(t - 1),
                                                     c2=lambda t, b1, b2: 1 - b2**(t - 1)),
                 "its bias correction uses `t - 1` (on the first update that divides by zero).",
                 "t is the number of THIS update, starting at 1: use `beta**t` as given, do not subtract 1.",
                 "the bias correction uses t - 1"),
        _Variant("bias_correction_off_by_one", _adam(c1=lambda t, b1, b2: 1 - b1**(t + 1),
                                                     c2=lambda t, b1, b2: 1 - b2**(t + 1)),
                 "its bias correction uses `t + 1`.",
                 "t already counts this update (it is 1 on the first one): use `beta**t` as given, "
                 "do not add 1.",
                 "the bias correction uses t + 1"),
        _Variant("double_bias_correction",
                 _adam(out=lambda u, m, v, mn, vn, g, t, lr, b1, b2, eps: (
                     u * np.sqrt(1 - b2**t) / (1 - b1**t), mn, vn)),
                 "it corrected m and v AND multiplied the learning rate by `sqrt(1 - beta2**t) / (1 - beta1**t)`: "
                 "the correction is applied twice, which makes the early steps far too small.",
                 "choose one form: either divide the moments (`m_hat`, `v_hat`) or fold the correction into "
                 "the learning rate, `lr_t = lr * np.sqrt(1 - beta2**t) / (1 - beta1**t)` with the raw m and v, "
                 "never both.",
                 "the bias correction is applied twice"),
        _Variant("missing_square", _adam(v_rule=lambda g, v, b1, b2: b2 * v + (1 - b2) * g),
                 "it averaged `grad` into v instead of `grad**2`.",
                 "v is the average of SQUARED gradients: `(1 - beta2) * grad**2`."),
        _Variant("stale_state", _adam(out=lambda u, m, v, mn, vn, *rest: (u, m, v)),
                 "it returned the old `m` and `v` instead of the new ones.",
                 "return what you just computed: `return update, m_new, v_new`.",
                 "the old m and v are returned"),
        _Variant("stale_state", _adam(out=lambda u, m, v, mn, vn, *rest: (u, m, vn)),
                 "it returned the old `m` instead of the new one.",
                 "return what you just computed: `return update, m_new, v_new`.",
                 "the old m is returned"),
        _Variant("stale_state", _adam(out=lambda u, m, v, mn, vn, *rest: (u, mn, v)),
                 "it returned the old `v` instead of the new one.",
                 "return what you just computed: `return update, m_new, v_new`.",
                 "the old v is returned"),
        _Variant("stale_state", _adam(out=_adam_from_old),
                 "it computed the update from the old `m` and `v`, before mixing in this step's gradient.",
                 "first compute `m_new` and `v_new`, then correct them and compute the update from them.",
                 "the update uses the old m and v"),
    ),
    cases=(
        dict(grad=_arr([0.5, -2.0, 0.03]), m=_arr([0.0, 0.0, 0.0]), v=_arr([0.0, 0.0, 0.0]), t=1,
             lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8),
        dict(grad=_arr([0.3, -0.02, 1.5]), m=_arr([0.05, 0.01, -0.2]), v=_arr([0.0004, 1e-6, 0.01]), t=2,
             lr=0.01, beta1=0.9, beta2=0.999, eps=1e-3),
        dict(grad=_arr([[0.1, -0.4, 2.0], [0.02, 1.0, -0.7]]), m=_arr([[0.2, -0.1, 0.5], [0.0, 0.3, -0.2]]),
             v=_arr([[0.05, 0.02, 1.0], [1e-4, 0.6, 0.2]]), t=10, lr=0.05, beta1=0.8, beta2=0.95, eps=0.01),
        dict(grad=_arr([-1.2, 0.7]), m=_arr([-0.3, 0.1]), v=_arr([0.09, 0.02]), t=3,
             lr=0.1, beta1=0.5, beta2=0.9, eps=1e-8),
    ),
    about_cases="1-D and 2-D arrays, t = 1, 2, 3 and 10, several betas, the first step from zero, "
                "and eps comparable to v",
    checker="check_adam_step",
)


# --------------------------------------------------------------------------------------------
# The public checkers
# --------------------------------------------------------------------------------------------

def check_gradient_descent_step(fn, show=True):
    """Check ``gradient_descent_step(x, grad, lr) -> x_new`` (the rule ``x_new = x - lr * grad``).

    Shows the result (a box in a notebook, text in a script) unless ``show=False``, and returns
    the :class:`CheckResult`.
    """
    return _check(_GD, fn, show)


def check_adagrad_step(fn, show=True):
    """Check ``adagrad_step(grad, s, lr, eps) -> (update, s_new)``.

    The rule: ``s_new = s + grad**2``, ``update = lr * grad / (np.sqrt(s_new) + eps)``.
    """
    return _check(_ADAGRAD, fn, show)


def check_rmsprop_step(fn, show=True):
    """Check ``rmsprop_step(grad, s, lr, rho, eps) -> (update, s_new)``.

    The rule: ``s_new = rho * s + (1 - rho) * grad**2``, ``update = lr * grad / (np.sqrt(s_new) + eps)``.
    """
    return _check(_RMSPROP, fn, show)


def check_adam_step(fn, show=True):
    """Check ``adam_step(grad, m, v, t, lr, beta1, beta2, eps) -> (update, m_new, v_new)``; t is 1-based.

    The rule: ``m_new = beta1*m + (1-beta1)*grad``, ``v_new = beta2*v + (1-beta2)*grad**2``,
    ``update = lr * m_hat / (np.sqrt(v_hat) + eps)`` with ``m_hat = m_new / (1 - beta1**t)`` and
    ``v_hat = v_new / (1 - beta2**t)``.
    """
    return _check(_ADAM, fn, show)
