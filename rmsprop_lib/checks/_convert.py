"""Reading what the learner's function returned into float arrays (runs inside the sandbox, never raises)."""
from dataclasses import dataclass

import numpy as np

from ._sandbox import safe_str


def output_shapes(exercise, case):
    """The shape of each output for ``case``: ``exercise.shapes(case)``, or each like the first array."""
    if exercise.shapes is not None:
        return tuple(exercise.shapes(case))
    return (np.shape(case[exercise.arrays[0]]),) * len(exercise.outputs)

# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Form:
    """A result of the wrong form: what the code did and how to fix it."""

    diagnosis: str
    did: str
    fix: str


def convert(exercise, out, case):
    try:
        return _convert(exercise, out, case)
    except Exception as exc:  # noqa: BLE001 - an object whose __len__, __array__ or __float__ fails
        return Form("wrong_shape", f"it returned a {type(out).__name__} that numpy could not read "
                    f"({type(exc).__name__}: {safe_str(exc)}).",
                    "compute with numpy on the input arrays and return numpy arrays (a torch tensor: "
                    "`.detach().numpy()`).")


def _convert(exercise, out, case):
    n, names = len(exercise.outputs), exercise.outputs
    if out is None:
        return Form("wrong_shape", "it returned None.",
                    "is there a `return` statement at the end of your function?")
    if n == 1:
        if isinstance(out, tuple):
            return Form("wrong_shape", f"it returned a tuple of {len(out)} values.",
                        f"return only the result: `return {names[0]}`.")
        items = [out]
    else:
        if not isinstance(out, (tuple, list)):
            return Form("wrong_shape", f"it returned a single {type(out).__name__} instead of {n} values.",
                        f"return all of them, separated by commas: `return {', '.join(names)}`.")
        items = list(out)
        if len(items) != n:
            return Form("wrong_shape", f"it returned {len(items)} value{'s' if len(items) != 1 else ''} "
                        f"instead of {n}.", f"return exactly these, in this order: `return {', '.join(names)}`.")
    arrays, low_precision = [], False
    for name, item in zip(names, items):
        array = np.array(item, copy=True)
        if array.dtype.kind == "O":
            try:
                array = array.astype(float)
            except (TypeError, ValueError):
                array = array.astype(complex)
        if array.dtype.kind == "c":
            return Form("complex_result", f"it returned complex numbers for `{name}`.",
                        "the rule works with real numbers only: look for a square root of a negative number "
                        "(`np.emath.sqrt`, `** 0.5` on complex input) or a `j` in your code.")
        if array.dtype.kind not in "fiub":
            return Form("wrong_shape", f"it returned something for `{name}` that is not an array of numbers "
                        f"({type(item).__name__}).", f"compute `{name}` with numpy operations on the inputs.")
        low_precision |= array.dtype.kind == "f" and array.dtype.itemsize < 8
        arrays.append(array.astype(np.float64))
    shapes = output_shapes(exercise, case)
    got = [a.shape for a in arrays]
    if got != list(shapes):
        if n > 1 and sorted(got) == sorted(shapes) and len(set(shapes)) > 1:
            return Form("wrong_order", f"it returned its values in the wrong order (shapes {tuple(got)}, "
                        f"expected {tuple(shapes)}).", f"return them in this order: `return {', '.join(names)}`.")
        i = next(i for i in range(n) if got[i] != shapes[i])
        should = "be a single number" if shapes[i] == () else f"have shape {shapes[i]}"
        return Form("wrong_shape", f"it returned `{names[i]}` with shape {got[i]}; it should {should}.",
                    exercise.shape_fix or "work element by element (`*`, `/`, `np.sqrt`) and do "
                    "not sum, average or reshape the arrays unless the rule says so.")
    return tuple(arrays), low_precision
