"""What a check found (:class:`CheckResult`), every diagnosis it can give, and how it is shown."""
import html
import sys
from dataclasses import dataclass
from typing import Optional

#: Every diagnosis a checker can give, with what it means.
DIAGNOSES = {
    None: "passed",
    "not_implemented": "the function still raises NotImplementedError",
    "not_callable": "what was passed to the checker is not a function",
    "raised": "the function raised an exception",
    "too_slow": "the function took longer than the time limit on one test case",
    "wrong_shape": "the result has the wrong form: not a tuple of the right length, or wrong array shapes",
    "complex_result": "the result contains complex numbers",
    "wrong_order": "the right values, returned in the wrong order",
    "precision": "the values are right to single precision (float32) only",
    "mutates_input": "the values are right but an input array was modified in place",
    "wrong_sign": "the update, gradient or loss has the wrong sign",
    "missing_lr": "the learning rate is missing from the update",
    "missing_grad": "the update is the learning rate alone, without the gradient",
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
    "folded_bias_correction": "the bias correction is folded into the learning rate, but epsilon is not rescaled",
    "sum_not_mean": "the gradient is summed over the batch instead of averaged",
    "extra_factor_two": "the gradient has a factor 2 that the half in the loss cancels",
    "not_averaged": "the loss or its gradient is summed over the batch instead of averaged",
    "missing_one_hot": "the gradient forgets to subtract 1 at the true class",
    "unstable_softmax": "the softmax overflows on large logits (no max subtracted)",
    "softmax_wrong_axis": "the softmax normalises over the wrong axis",
    "log_underflow": "the loss takes the log of a probability that underflowed to 0 (inf instead of a finite loss)",
    "missing_factor_two": "the stable learning rate lacks the factor 2 of the bound 2(1 + momentum)/L",
    "smallest_curvature": "the bound uses the smallest curvature instead of the largest",
    "diagonal_curvature": "the bound uses the largest diagonal entry of the Hessian instead of its largest eigenvalue",
    "missing_one_plus_momentum": "the bound for momentum lacks the factor (1 + momentum)",
    "momentum_as_effective_lr": "the bound divides by the effective learning rate factor 1/(1 - momentum)",
    "inverted": "the bound is upside down (L/2 instead of 2/L)",
    "coupled_weight_decay": "the weight decay is added to the gradient (L2) or divided by Adam's denominator, "
                            "instead of decoupled",
    "decay_not_scaled_by_lr": "the decoupled weight decay is not multiplied by the learning rate",
    "missing_weight_decay": "the weight decay is missing: the update is plain Adam's",
    "wrong_value": "the values are wrong in a way the checker cannot name",
}

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


def show(result):
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


def result(passed, diagnosis, headline, *lines):
    """A :class:`CheckResult` whose message is ``headline`` and ``lines``, one per line."""
    return CheckResult(passed=passed, diagnosis=diagnosis, message="\n".join((headline,) + lines))
