"""The words and numbers of the checkers' messages."""
import numpy as np

_RTOL = 1e-10


def fmt_array(array, digits=6):
    """An array on one line, e.g. ``[[0.1, -0.4], [0.02, 1]]`` (``digits`` significant digits)."""
    if array.ndim == 0:
        return f"{float(array):.{digits}g}"
    return "[" + ", ".join(fmt_array(row, digits) for row in array) + "]"


def fmt_value(value):
    if isinstance(value, np.ndarray):
        return fmt_array(value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def fmt_case(exercise, case):
    return ", ".join(f"{name}={fmt_value(case[name])}" for name in exercise.args)


def signature(exercise):
    return f"{exercise.name}({', '.join(exercise.args)})"


def returns(exercise):
    if len(exercise.outputs) == 1:
        return exercise.outputs[0]
    return "(" + ", ".join(exercise.outputs) + ")"


def rule_lines(exercise):
    return ["The rule:"] + ["    " + line for line in exercise.rule]


def mutation_note(names):
    listed = " and ".join(f"`{n}`" for n in names)
    return (f"it changed its input {listed} in place (for example with `+=`, `*=` or "
            "`[...] =`). The caller still owns that array and may need its old values.")


def worst_error(got, expected):
    """The largest relative error over all outputs (inf where a value is not finite)."""
    worst = 0.0
    for g, e in zip(got, expected):
        with np.errstate(all="ignore"):
            err = np.abs(g - e) / (np.abs(e) + _RTOL * np.max(np.abs(e), initial=0.0) + 1e-300)
        worst = max(worst, float(np.max(np.where(np.isfinite(err), err, np.inf), initial=0.0)))
    return worst


def describe_mismatch(exercise, case, got, expected, close):
    wrong = [i for i in range(len(got)) if not close(got[i], expected[i])]
    right = [exercise.outputs[i] for i in range(len(got)) if i not in wrong]
    lines = [f"For the test case {fmt_case(exercise, case)}:"]
    worst = worst_error(got, expected)
    # enough digits to see the difference (6 unless the values differ only further down)
    digits = 6 if not 0 < worst < 1e-4 else min(17, int(np.ceil(-np.log10(worst))) + 2)
    for i in wrong:
        name = exercise.outputs[i]
        lines.append(f"    {name}: expected {fmt_array(expected[i], digits)}")
        lines.append(f"    {' ' * len(name)}  got      {fmt_array(got[i], digits)}")
    not_finite = [exercise.outputs[i] for i in wrong if not np.all(np.isfinite(got[i]))]
    if not_finite:
        lines.append(f"Your {' and '.join(f'`{n}`' for n in not_finite)} contains nan or inf: look for a "
                     "division by zero or the square root of a negative number.")
    if right:
        lines.append(f"Your {' and '.join(f'`{r}`' for r in right)} {'is' if len(right) == 1 else 'are'} right.")
    return lines


def printed_lines(printed, show=5, width=120):
    """A note on what the learner's function printed during the check: the first lines, truncated."""
    lines = sum(p.lines for p in printed)
    chars = sum(p.chars for p in printed)
    if not chars:
        return []
    text = "".join(p.text for p in printed).splitlines()[:show]
    shown = ["    " + (t if len(t) <= width else t[:width] + " ...") for t in text]
    count = max(lines, len(text))
    more = count - len(shown)
    return ([f"Your function printed {count} line{'s' if count != 1 else ''} while it was checked; "
             f"{'the first ones' if more > 0 else 'here they are'}:"] + shown
            + ([f"({more} more line{'s' if more != 1 else ''} not shown.)"] if more > 0 else []))
