"""The machinery shared by every checker: run the learner's function, compare it with the reference,
then with the known mistakes, and say what was found (briefly first, the rule on request)."""
import itertools
import zlib
from dataclasses import dataclass
from typing import Callable

import numpy as np

from . import _sandbox
from ._convert import Form, convert
from ._messages import (describe_mismatch, fmt_case, mutation_note, printed_lines, returns, rule_lines,
                        signature, worst_error)
from ._result import DIAGNOSES, result, show

#: Relative tolerance of every comparison (see the package docstring for why 1e-10).
RTOL = 1e-10
#: Tolerance of the ``precision`` diagnosis: float32 keeps ~7 digits, a few operations lose one.
F32_RTOL = 1e-5
#: Seconds one call of the learner's function may take.
TIME_LIMIT = 2.0

# Per (exercise, function name): the diagnosis of the last failed check, and whether the rule was
# shown since the last pass. This is how a repeated mistake gets the full hint.
_memory = {}
_calls = {}  # per exercise: how many checks ran (seeds the varied test case)


@dataclass(frozen=True)
class Mistake:
    """A known mistake: ``compute(**case)`` returns what a learner who makes it would return."""

    diagnosis: str
    compute: Callable
    headline: str  # the kind of mistake, in a few words, without the fix (the first failure's title)
    did: str  # what the learner's code did, in one or two sentences, without the fix
    look: str  # where to look, without the answer (the first failure)
    fix: str  # how to fix it, with the formula (on request or on a repeat)
    overflows: bool = False  # where compute gives inf or nan, any value of the learner's matches


def collector(into):
    """A decorator ``@mistake(diagnosis, headline=..., did=..., look=..., fix=...)`` that appends to ``into``."""
    def mistake(diagnosis, *, headline, did, look, fix, overflows=False):
        assert diagnosis in DIAGNOSES, diagnosis

        def register(fn):
            into.append(Mistake(diagnosis, fn, headline, did, look, fix, overflows))
            return fn
        return register
    return mistake


@dataclass(frozen=True)
class Exercise:
    name: str  # the learner's function name
    args: tuple  # argument names, in call order
    arrays: tuple  # the argument names that are arrays (copied, checked for mutation)
    outputs: tuple  # output names; one name means a single array is returned
    rule: tuple  # lines of code stating the rule
    reference: Callable  # reference(**case) -> the outputs
    mistakes: tuple  # of Mistake
    cases: Callable  # () -> the fixed test cases, new arrays on every call (nothing to poison)
    varied_case: Callable  # (rng) -> one more test case, different on every check
    about_cases: str  # what the test cases cover, for the "passed" message
    checker: str  # the name of the public checker
    shapes: Callable = None  # (case) -> the shape of each output; default: like the first array
    shape_fix: str = ""  # the hint for an output of the wrong shape; "" means the element-by-element one


def run_rule(exercise, rule, case):
    """The outputs of ``rule`` (the reference or a mistake) on copies of ``case``, called positionally."""
    copies = _copies(exercise, case)
    with np.errstate(all="ignore"):
        return as_outputs(exercise, rule(*(copies[name] for name in exercise.args)))


def as_outputs(exercise, value):
    """The outputs of a reference or a mistake, as a tuple of float arrays."""
    values = (value,) if len(exercise.outputs) == 1 else value
    return tuple(np.asarray(v, dtype=float) for v in values)


def close(got, expected, rtol=RTOL):
    """Equal within ``rtol`` (NaN matches NaN, so NaN-producing mistakes can match)."""
    if got.shape != expected.shape:
        return False
    scale = np.max(np.abs(expected[np.isfinite(expected)]), initial=0.0)
    with np.errstate(all="ignore"):
        return bool(np.allclose(got, expected, rtol=rtol, atol=rtol * scale, equal_nan=True))


def all_close(got, expected, rtol=RTOL):
    return all(close(g, e, rtol) for g, e in zip(got, expected))


# --------------------------------------------------------------------------------------------
# Running a check
# --------------------------------------------------------------------------------------------

def _copies(exercise, case):
    return {k: (np.array(v, copy=True) if k in exercise.arrays else v) for k, v in case.items()}


def _cases(exercise):
    count = _calls.get(exercise.name, 0)
    _calls[exercise.name] = count + 1
    rng = np.random.default_rng([zlib.crc32(exercise.name.encode()), count])
    return list(exercise.cases()) + [exercise.varied_case(rng)]


def _mistake_outputs(exercise, mistake, case):
    try:
        return run_rule(exercise, mistake.compute, case)
    except Exception:  # noqa: BLE001 - a mistake that cannot run on this case does not match
        return None


def check(exercise, fn, show_result, hint):
    """Run the check, show its result unless ``show_result`` is False, and return it."""
    if not isinstance(show_result, bool):
        raise TypeError(f"show must be True or False, got {show_result!r}")
    if not isinstance(hint, bool):
        raise TypeError(f"hint must be True or False, got {hint!r}")
    verdict, printed = _judge(exercise, fn)
    try:
        key = (exercise.name, str(getattr(fn, "__name__", "")))
    except Exception:  # noqa: BLE001 - a learner's object whose attributes raise
        key = (exercise.name, "")
    outcome = _compose(exercise, key, verdict, hint, printed)
    if show_result:
        show(outcome)
    return outcome


def _judge(exercise, fn):
    """(verdict dict, [Printed]) - the verdict names the diagnosis and the words of the message."""
    if not callable(fn):
        return dict(diagnosis="not_callable", form=True,
                    headline=f"{exercise.name}: the checker needs your function itself, but got an object "
                             f"of type {type(fn).__name__}.",
                    fix=f"pass the function without calling it: `{exercise.checker}({exercise.name})`, not "
                        f"`{exercise.checker}({exercise.name}(...))`."), []
    runs, printed = [], []
    for case in _cases(exercise):
        expected = run_rule(exercise, exercise.reference, case)
        copies = _copies(exercise, case)
        outcome = _sandbox.call(fn, [copies[a] for a in exercise.args],
                                lambda out, case=case: convert(exercise, out, case), TIME_LIMIT)
        printed.append(outcome.printed)
        failure = _call_failure(exercise, case, outcome)
        if failure is not None:
            return failure, printed
        got, low_precision = outcome.value
        mutated = [k for k in exercise.arrays if not np.array_equal(copies[k], case[k], equal_nan=True)]
        runs.append((case, got, expected, mutated, low_precision))
    return _compare(exercise, runs), printed


def _call_failure(exercise, case, outcome):
    name = exercise.name
    if outcome.timed_out:
        state = ("The checker stopped it." if outcome.stopped else
                 "It is still running in the background: interrupt the kernel (the stop button, or "
                 "Kernel > Interrupt), or restart it if that does not help.")
        return dict(diagnosis="too_slow", form=True,
                    headline=f"{name}: it took more than {TIME_LIMIT:g} s on one test case, so the check stopped "
                             "waiting.", lines=[state],
                    fix="one step on a few numbers takes microseconds: look for a loop that never ends "
                        "(a `while` whose condition stays true) or a call that waits (`input()`, `time.sleep`).")
    error = outcome.error
    if isinstance(error, NotImplementedError):
        return dict(diagnosis="not_implemented", form=True, headline=f"{name}: not implemented yet.",
                    fix=f"replace `raise NotImplementedError` with your code (it should return "
                        f"{returns(exercise)}), "
                        "run that cell, then run this check again.")
    if error is not None:
        line = _sandbox.learner_line(error)
        fix = (f"fix {'that line' if line else 'the line that raised it'}, run the cell that defines your "
               "function, then run this check again.")
        if isinstance(error, TypeError) and "argument" in _sandbox.safe_str(error):
            fix = (f"the checker calls `{signature(exercise)}` with {len(exercise.args)} arguments in this "
                   "order: does your function take exactly these?")
        if isinstance(error, ValueError) and "broadcast" in _sandbox.safe_str(error):
            fix = ("two arrays of different shapes meet in one operation; a `sum` or `max` over an axis drops "
                   "that axis unless you pass `keepdims=True`.")
        if isinstance(error, (SystemExit, GeneratorExit)):
            fix = "a function that computes a step should return its result; remove the `sys.exit()` or `exit()`."
        return dict(diagnosis="raised", form=True,
                    headline=f"{name} raised an error: {type(error).__name__}: {_sandbox.safe_str(error)}",
                    lines=([f"The line that raised it: `{line}`"] if line else [])
                    + [f"It happened on the test case {fmt_case(exercise, case)}."], fix=fix)
    if isinstance(outcome.value, Form):
        form = outcome.value
        return dict(diagnosis=form.diagnosis, form=True,
                    headline=f"{name}: the result does not have the right form.",
                    lines=[f"What your code did: {form.did}",
                           f"It should return `{returns(exercise)}`."], fix=form.fix)
    return None


def _compare(exercise, runs):
    mutated = sorted({k for *_, names, _ in runs for k in names}, key=exercise.args.index)
    also = [f"Also, your function has a second problem: {mutation_note(mutated)}"] if mutated else []
    if all(all_close(got, expected) for _, got, expected, _, _ in runs):
        if mutated:
            return dict(diagnosis="mutates_input", did=mutation_note(mutated),
                        headline="the values are right, but your function modifies its input",
                        look="the lines that change an input array (`+=`, `*=`, `[...] =`).",
                        fix=f"compute into a new array, or start with `{mutated[0]} = {mutated[0]}.copy()` if "
                            "you prefer in-place operations.")
        return dict(diagnosis=None, cases=len(runs))
    if any(low for *_, low in runs) and all(all_close(g, e, F32_RTOL) for _, g, e, _, _ in runs):
        return dict(diagnosis="precision", lines=also, headline="the values are right to single precision only",
                    did="its values agree with the rule to about 6 digits only, and it returned float32 "
                        "(single-precision) arrays.",
                    look="where your arrays are created or converted (`np.float32`, `dtype=`, `.astype`).",
                    fix="compute in float64, numpy's default: do not convert the inputs to float32.")
    n = len(exercise.outputs)
    for order in itertools.permutations(range(n)):
        if order != tuple(range(n)) and all(
                all_close(tuple(got[i] for i in order), expected) for _, got, expected, _, _ in runs):
            names = ", ".join(exercise.outputs[i] for i in order)
            return dict(diagnosis="wrong_order", lines=also, headline="the right values in the wrong order",
                        did=f"it returned `{names}`.", look="the `return` line.",
                        fix=f"return them in the documented order: `return {', '.join(exercise.outputs)}`.")
    for mistake in exercise.mistakes:
        if all(_matches(exercise, mistake, case, got) for case, got, *_ in runs):
            return dict(diagnosis=mistake.diagnosis, did=mistake.did, look=mistake.look, fix=mistake.fix,
                        headline=mistake.headline, lines=also)
    fixed = runs[:-1] if any(not all_close(g, e) for _, g, e, _, _ in runs[:-1]) else runs
    case, got, expected, _, _ = max(fixed, key=lambda r: worst_error(r[1], r[2]))
    return dict(diagnosis="wrong_value", headline="the values differ from the rule",
                did="it returned values that match none of the usual mistakes.",
                lines=describe_mismatch(exercise, case, got, expected, close) + also,
                look="the output that is wrong, above: work the test case through your code by hand, one line "
                     "at a time, and check the order of operations (brackets).",
                fix="compare your code with the rule line by line; check the order of operations "
                    "(brackets), and try the test case above by hand.")


def _matches(exercise, mistake, case, got):
    outputs = _mistake_outputs(exercise, mistake, case)
    if outputs is None:
        return False
    if mistake.overflows:  # an overflow's inf and nan spread differently in different code
        keep = [np.isfinite(o) for o in outputs]
        return all(close(g[k], o[k]) for g, o, k in zip(got, outputs, keep))
    return all_close(got, outputs)


def _compose(exercise, key, verdict, hint, printed):
    """The :class:`CheckResult` for ``verdict``: brief at first, with the rule when asked or repeated.

    ``key`` (exercise, function name) is what the memory of the last mistake is kept under, so that
    a worked wrong example shown in a notebook under another name is not the learner's first try.
    """
    name, diagnosis = exercise.name, verdict["diagnosis"]
    memory = _memory.setdefault(key, {"last": None, "hinted": False})
    notes = printed_lines(printed)
    if diagnosis is None:
        after_hint = memory["hinted"]
        _memory.pop(key, None)
        return result(True, None, f"{name}: correct!" + (" (after a hint - well done)" if after_hint else ""),
                      f"It matches the reference rule on {verdict['cases']} test cases ({exercise.about_cases}).",
                      *notes)
    repeat = diagnosis == memory["last"] and diagnosis != "not_implemented"
    memory["last"] = diagnosis
    lines = list(verdict.get("lines", []))
    if verdict.get("form"):
        full = hint
        body = lines + [f"Hint: {verdict['fix']}"] + (rule_lines(exercise) if full else [])
        headline = verdict["headline"]
    else:
        full = hint or repeat
        headline = f"{name}: not yet right - {verdict['headline']}."
        body = [f"What your code did: {verdict['did']}"]
        extra = [line for line in lines if not line.startswith("Also,")]
        body += extra
        if full:
            body += rule_lines(exercise) + [f"Hint: {verdict['fix']}"]
        else:
            body += [f"Where to look: {verdict['look']}",
                     f"Stuck? `{exercise.checker}({name}, hint=True)` shows the rule and how to fix it."]
        body += [line for line in lines if line.startswith("Also,")]
    memory["hinted"] |= full
    return result(False, diagnosis, headline, *body, *notes)
