"""Exercise checkers: run a learner's function, compare it with the reference and name the mistake.

Each checker takes the learner's function, runs it on a few test cases and returns a
:class:`CheckResult` (it also shows the result: a coloured box in a notebook, plain text in a
script; ``show=False`` only returns it)::

    check_gradient_descent_step(gradient_descent_step)  # gradient_descent_step(x, grad, lr) -> x_new
    check_adagrad_step(adagrad_step)                    # adagrad_step(grad, s, lr, eps) -> (update, s_new)
    check_rmsprop_step(rmsprop_step)                    # rmsprop_step(grad, s, lr, rho, eps) -> (update, s_new)
    check_adagrad_updates(adagrad_updates)              # adagrad_updates(grads, lr, eps) -> updates (a whole run)
    check_rmsprop_updates(rmsprop_updates)              # rmsprop_updates(grads, lr, rho, eps) -> updates
    check_adam_step(adam_step)                          # adam_step(grad, m, v, t, lr, beta1, beta2, eps)
                                                        #     -> (update, m_new, v_new)
    check_adamw_step(adamw_step)                        # adamw_step(grad, m, v, t, x, lr, beta1, beta2, eps,
                                                        #     weight_decay) -> (update, m_new, v_new)
    check_minibatch_gradient(minibatch_gradient)        # minibatch_gradient(X, y, theta) -> grad
    check_softmax_cross_entropy(softmax_cross_entropy)  # softmax_cross_entropy(Z, y) -> (loss, dZ)
    check_largest_stable_lr(largest_stable_lr)          # largest_stable_lr(hessian, momentum) -> lr_max

The update is SUBTRACTED (``x = x - update``), ``t`` is 1-based (1 on the first update) and
epsilon is added OUTSIDE the square root, as in PyTorch.

The package: ``_result`` (:class:`CheckResult`, the list of diagnoses, the display), ``_sandbox``
(running the learner's function safely), ``_convert`` (reading what it returned), ``_engine`` (the
comparisons and the messages' steps), ``_messages`` (formatting), and one module per exercise
(``gradient_descent``, ``adagrad``, ``rmsprop``, ``adam``, ``adamw``, ``minibatch``, ``softmax``, ``stable_lr``)
with its reference, its test cases and its known mistakes, each written as a plain function the
way a learner would write it.

How a check works, for every checker alike:

1. The learner's function is called on COPIES of each test case's inputs, positionally in the
   documented order: the exercise's fixed cases (chosen so that every named mistake shows) and
   one more case that changes from check to check (so answers looked up from the printed cases
   do not pass). The call runs in a sandbox (``_sandbox``): nothing it raises escapes (a
   ``KeyboardInterrupt`` does), what it prints is captured and shortened, a call over
   ``TIME_LIMIT`` seconds is reported, and names it replaces in this package, numpy or builtins
   are put back. ``NotImplementedError`` means "not implemented yet"; any other exception is
   reported with its type, message and line (diagnosis ``"raised"``).
2. The result must have the right form: one array (or number) or a tuple/list of arrays of real
   numbers with the right shapes (lists are accepted). Otherwise ``"wrong_shape"``, ``"complex_result"`` or,
   when the shapes are a permutation of the right ones, ``"wrong_order"``.
3. The values are compared with the reference (``rmsprop_lib.optimizers``, computed before the
   learner's function runs). If they match on every case, the check passes - unless the function
   modified an input in place (``"mutates_input"``).
4. Otherwise: float32 results that match to single precision are ``"precision"``; the right
   values in another order are ``"wrong_order"``; then the known mistakes are tried, and one that
   reproduces the learner's values on EVERY case names the mistake; if none does: ``"wrong_value"``.

Hints in steps. The first failed check says what the code did and what kind of mistake that is
(the diagnosis) and where to look, without the rule. The rule and how to fix the mistake are
shown when the learner asks (``check_...(fn, hint=True)``) or when the same exercise fails again
with the same diagnosis. Passing says so briefly ("correct!"), and "(after a hint - well done)"
when the rule was shown since the last pass.

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
from ._engine import RTOL, TIME_LIMIT
from ._result import DIAGNOSES, CheckResult
from .adagrad import check_adagrad_step, check_adagrad_updates
from .adam import check_adam_step
from .adamw import check_adamw_step
from .gradient_descent import check_gradient_descent_step
from .minibatch import check_minibatch_gradient
from .rmsprop import check_rmsprop_step, check_rmsprop_updates
from .softmax import check_softmax_cross_entropy
from .stable_lr import check_largest_stable_lr

__all__ = [
    "CheckResult",
    "DIAGNOSES",
    "RTOL",
    "TIME_LIMIT",
    "check_gradient_descent_step",
    "check_adagrad_step",
    "check_rmsprop_step",
    "check_adagrad_updates",
    "check_rmsprop_updates",
    "check_adam_step",
    "check_adamw_step",
    "check_minibatch_gradient",
    "check_softmax_cross_entropy",
    "check_largest_stable_lr",
]
