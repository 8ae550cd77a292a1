"""Property tests (hypothesis) for the update rules and for gradient descent on quadratics.

The optimizers are drawn from the registry, OPTIMIZERS: every hyperparameter gets any value its
declared check allows.
"""
import dataclasses
import math
import warnings

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from rmsprop_lib import _validate
from rmsprop_lib.objectives import quadratic
from rmsprop_lib.optimizers import OPTIMIZERS, AdaGrad, Adadelta, Adam, AdamW, GradientDescent, Momentum, RMSProp, Yogi
from rmsprop_lib.run import minimize
from rmsprop_lib.schedules import cosine_decay, linear_warmup, step_decay, warmup_cosine

# Modest example counts and no deadline: the whole file runs in a few seconds on a slow machine.
# derandomize: the same examples on every run (CI cannot flake); no example database on disk.
FAST = settings(max_examples=40, deadline=None, derandomize=True, database=None)
SLOW = settings(max_examples=30, deadline=None, derandomize=True, database=None)

shapes = hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4)
decay = st.floats(0.0, 0.999)
lrs = st.floats(1e-4, 10.0)
epsilons = st.floats(1e-10, 1.0)


def finite(low=-1e3, high=1e3):
    return st.floats(low, high, allow_nan=False, allow_infinity=False, allow_subnormal=False)


def nonzero(low=1e-3, high=1e3):
    """Numbers with low <= |x| <= high (no zeros: eps = 0 must not divide by zero)."""
    return st.tuples(st.floats(low, high), st.sampled_from([-1.0, 1.0])).map(lambda p: p[0] * p[1])


#: Learning-rate schedules of every kind, over a few updates
schedules = st.one_of(st.builds(step_decay, lrs, st.integers(1, 4), st.floats(0.1, 1.0)),
                      st.builds(cosine_decay, lrs, st.integers(1, 6)),
                      st.builds(linear_warmup, lrs, st.integers(1, 4), st.floats(0.1, 1.0)),
                      st.builds(warmup_cosine, lrs, st.just(2), st.integers(3, 8)))

#: Values for a hyperparameter, by the check it declares (a learning rate: a number or a schedule)
VALUES = {_validate.positive: epsilons, _validate.nonnegative: epsilons, _validate.decay_rate: decay,
          _validate.flag: st.booleans(), _validate.learning_rate: st.one_of(lrs, schedules)}


@st.composite
def optimizers(draw, classes=tuple(OPTIMIZERS.values()), **fixed):
    """Any registered optimizer (or one of ``classes``) with any valid options; ``fixed`` sets some."""
    cls = draw(st.sampled_from(classes))
    kwargs = {f.name: fixed[f.name] if f.name in fixed else draw(VALUES[f.metadata["check"]])
              for f in dataclasses.fields(cls)}
    try:
        return cls(**kwargs)
    except ValueError:  # a combination the rule refuses (Nesterov without momentum)
        assume(False)


def update_of(opt, g, state, x=None):
    """``opt.update``, given a point x (ones, unless given) when the rule needs one (weight decay)."""
    if x is None and opt.needs_x():
        x = np.ones(np.shape(g))
    return opt.update(g, state, x)


def lr_of(opt, t):
    """The learning rate of update t (1 for the first): lr, or the schedule's value lr(t - 1)."""
    return opt.lr(t - 1) if callable(opt.lr) else opt.lr


@st.composite
def gradient_sequences(draw, elements=finite(), min_steps=1, max_steps=5):
    """(shape, [grad_1, ..., grad_k]) with every grad of that shape."""
    shape = draw(shapes)
    k = draw(st.integers(min_steps, max_steps))
    return shape, [draw(hnp.arrays(np.float64, shape, elements=elements)) for _ in range(k)]


@FAST
@given(opt=optimizers(), data=gradient_sequences())
def test_no_step_mutates_its_inputs(opt, data):
    shape, grads = data
    x0 = np.ones(shape)
    state = opt.init(x0)
    for g in grads:
        g_before = g.copy()
        state_before = [np.copy(field) for field in state]
        x = np.full(shape, 0.5)
        update, new_state = update_of(opt, g, state, x)
        assert np.array_equal(g, g_before) and np.array_equal(x, np.full(shape, 0.5))
        for before, field in zip(state_before, state):
            # equal_nan: centered RMSProp can legitimately hold NaN once s - g_avg^2 rounds below zero
            assert field is None or np.array_equal(before, field, equal_nan=True)
        assert not np.shares_memory(update, g)
        state = new_state
    assert np.array_equal(x0, np.ones(shape))


@FAST
@given(opt=optimizers(), data=gradient_sequences(max_steps=3))
def test_state_shapes_follow_the_parameters(opt, data):
    shape, grads = data
    state = opt.init(np.zeros(shape))
    for g in grads:
        for field in state:
            if isinstance(field, np.ndarray):
                assert field.shape == shape and field.dtype == np.float64
        update, state = update_of(opt, g, state)
        assert update.shape == shape
        lr = opt.effective_lr(state)
        assert isinstance(lr, np.ndarray) and lr.shape == shape and lr.dtype == np.float64
        assert np.all(lr >= 0)
    assert state.t == len(grads)  # every state counts the updates taken (what a schedule is called with)


@FAST
@given(data=gradient_sequences(max_steps=1), lr=lrs, rho=decay, eps=epsilons)
def test_rmsprop_first_step(data, lr, rho, eps):
    # from zero state: s = (1 - rho) g^2, so update = lr g / (sqrt(1 - rho) |g| + eps)
    _, (g,) = data
    opt = RMSProp(lr=lr, rho=rho, eps=eps)
    update, _ = opt.update(g, opt.init(np.zeros_like(g)))
    np.testing.assert_allclose(update, lr * g / (math.sqrt(1 - rho) * np.abs(g) + eps), rtol=1e-12, atol=0)


@FAST
@given(data=gradient_sequences(elements=nonzero(1e-2, 1e4), max_steps=1), lr=lrs,
       beta1=decay, beta2=decay, eps=st.floats(0.0, 1e-8))
def test_adam_first_step_is_about_lr(data, lr, beta1, beta2, eps):
    # bias correction turns m and v into g and g^2, so update = lr g / (|g| + eps): about lr when |g| >> eps
    _, (g,) = data
    opt = Adam(lr=lr, beta1=beta1, beta2=beta2, eps=eps)
    update, _ = opt.update(g, opt.init(np.zeros_like(g)))
    np.testing.assert_allclose(np.abs(update), lr, rtol=1e-5)  # eps/|g| <= 1e-6
    assert np.all(np.sign(update) == np.sign(g))


#: The rules that divide by a root of squared gradients: without eps (and without weight decay, and
#: with Yogi's moments starting at 0), scaling every gradient by c changes nothing. Not Adadelta: its
#: numerator sqrt(u + eps) needs eps > 0 (and has the units of x, not of g).
SCALE_FREE = tuple(cls for cls in OPTIMIZERS.values() if cls.squares_gradient and cls is not Adadelta)
ADAM_LIKE = (Adam, AdamW, Yogi)


def scale_tolerance(opt, steps):
    """(rtol, atol) for comparing the updates of g and c * g over ``steps`` updates."""
    if isinstance(opt, ADAM_LIKE):
        # m may cancel to nearly zero (e.g. g then -g with beta1 = 0.5): compare relative to the update length
        return 1e-9, 1e-9 * max(lr_of(opt, t) for t in range(1, steps + 1))
    if isinstance(opt, RMSProp) and opt.centered:
        return 1e-9, 0.0  # s - g_avg^2 loses a few digits to cancellation when the gradients repeat
    return 1e-12, 0.0


@settings(FAST, max_examples=40 * len(SCALE_FREE))  # as many examples per rule as the other tests
@given(opt=optimizers(SCALE_FREE, eps=0.0, initial_accumulator=0.0, weight_decay=0.0), c=st.floats(1e-3, 1e3),
       data=gradient_sequences(elements=nonzero(), max_steps=6))
def test_adaptive_rules_are_scale_invariant_without_eps(opt, c, data):
    _, grads = data
    if isinstance(opt, RMSProp) and opt.centered:
        assume(opt.rho >= 0.5)  # a short memory makes s - g_avg^2 a difference of nearly equal numbers
    rtol, atol = scale_tolerance(opt, len(grads))
    plain, scaled = opt.init(grads[0]), opt.init(grads[0])
    for g in grads:
        u1, plain = update_of(opt, g, plain)
        u2, scaled = update_of(opt, c * g, scaled)
        np.testing.assert_allclose(u2, u1, rtol=rtol, atol=atol)


@FAST
@given(data=gradient_sequences(elements=finite(), min_steps=1, max_steps=8), lr=lrs, eps=epsilons,
       initial_accumulator=st.floats(0.0, 1.0))
def test_adagrad_effective_lr_never_increases(data, lr, eps, initial_accumulator):
    _, grads = data
    opt = AdaGrad(lr=lr, eps=eps, initial_accumulator=initial_accumulator)
    state = opt.init(grads[0])
    previous = opt.effective_lr(state)
    np.testing.assert_allclose(previous, lr / (math.sqrt(initial_accumulator) + eps), rtol=1e-15)
    for g in grads:
        _, state = opt.update(g, state)
        current = opt.effective_lr(state)
        assert np.all(current <= previous)
        previous = current


@FAST
@given(opt=optimizers(), data=gradient_sequences(elements=finite(), max_steps=6))
def test_the_update_is_effective_lr_times_the_averaged_gradient(opt, data):
    # One meaning of effective_lr for every rule (Optimizer's docstring). Without momentum the update
    # is exactly effective_lr * g; Adam's is effective_lr * m_hat. With momentum the factor holds for
    # a steady gradient (test_optimizers.py), so here only its value is checked: lr / (1 - mu) times
    # the rule without momentum. AdamW adds its decay lr * wd * x on top; Adadelta's factor is the one
    # the next update applies to a steady gradient (test_optimizers.py), checked here by its value.
    # With a schedule, lr is the learning rate of the update that made the state.
    shape, grads = data
    x = np.full(shape, 0.5)
    state = opt.init(grads[0])
    for t, g in enumerate(grads, start=1):
        update, state = update_of(opt, g, state, x)
        lr = opt.effective_lr(state)
        if isinstance(opt, ADAM_LIKE):
            m_hat = state.m / (1 - opt.beta1**t) if getattr(opt, "bias_correction", True) else state.m
            decay = lr_of(opt, t) * opt.weight_decay * x if isinstance(opt, AdamW) else 0.0
            np.testing.assert_allclose(update, lr * m_hat + decay, rtol=1e-12, atol=1e-300)
        elif isinstance(opt, Adadelta):
            expected = lr_of(opt, t) * np.sqrt(state.u + opt.eps) / np.sqrt(state.s + opt.eps)
            np.testing.assert_allclose(lr, expected, rtol=1e-15)
        elif isinstance(opt, Momentum):
            np.testing.assert_allclose(lr, lr_of(opt, t) / (1 - opt.momentum), rtol=1e-15)
        elif isinstance(opt, RMSProp) and opt.momentum > 0:
            plain = RMSProp(opt.lr, rho=opt.rho, eps=opt.eps, centered=opt.centered,
                            eps_inside_sqrt=opt.eps_inside_sqrt)
            np.testing.assert_allclose(lr, plain.effective_lr(state) / (1 - opt.momentum), rtol=1e-14)
        else:
            np.testing.assert_allclose(update, lr * g, rtol=1e-12, atol=1e-300)


@st.composite
def quadratic_problems(draw):
    """A quadratic sum_i c_i x_i^2 in 1-4 dimensions (condition number <= 10) and a start point."""
    dim = draw(st.integers(1, 4))
    scales = draw(st.lists(st.floats(0.5, 5.0), min_size=dim, max_size=dim))
    x0 = draw(st.lists(finite(-5.0, 5.0), min_size=dim, max_size=dim))
    return quadratic(scales), np.array(scales), np.array(x0)


@SLOW
@given(problem=quadratic_problems(), fraction=st.floats(0.1, 0.9))
def test_gradient_descent_converges_below_two_over_l(problem, fraction):
    objective, scales, x0 = problem
    g0 = np.linalg.norm(2 * scales * x0)
    assume(g0 > 1e-3)
    lr = fraction * 2 / (2 * scales.max())  # L = 2 max(c_i)
    # each coordinate is multiplied by 1 - 2 c_i lr, and |1 - 2 c_i lr| <= q < 1 when lr < 2/L
    q = np.max(np.abs(1 - 2 * scales * lr))
    assert q < 1
    tol = 1e-6
    # |grad_k| <= q^k |grad_0| (q may be 0: one step lands on the minimum)
    steps = math.ceil(math.log(tol / g0) / math.log(max(q, 0.5))) + 2
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        trace = minimize(objective, GradientDescent(lr), x0=x0, steps=steps, tol=tol)
    assert trace.status == "converged"
    assert np.all(np.diff(trace.fs) <= 0)  # every step lowers f


@SLOW
@given(problem=quadratic_problems(), fraction=st.floats(1.1, 3.0))
def test_gradient_descent_diverges_above_two_over_l(problem, fraction):
    objective, scales, x0 = problem
    stiffest = int(np.argmax(scales))
    x0[stiffest] = 1.0  # the start must have a component along the stiffest direction
    lr = fraction * 2 / (2 * scales.max())  # L = 2 max(c_i)
    # that component grows by |1 - 2 c_max lr| = 2 fraction - 1 >= 1.2 per step: past 1e10 within 130 steps
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        trace = minimize(objective, GradientDescent(lr), x0=x0, steps=1000)
    assert trace.status == "diverged"
    assert trace.steps < 200
    assert np.all(np.isfinite(trace.xs))


@FAST
@given(opt=optimizers((Yogi,)), data=gradient_sequences(elements=finite(), max_steps=6))
def test_yogi_moves_v_by_at_most_one_minus_beta2_times_g_squared(opt, data):
    # Yogi's additive rule: v moves toward g^2 by at most (1 - beta2) g^2 (up to one rounding of v),
    # however large g is; Adam's v jumps by the fraction (1 - beta2) of the gap
    _, grads = data
    state = opt.init(grads[0])
    for g in grads:
        _, new = update_of(opt, g, state)
        step = new.v - state.v
        assert np.all(np.abs(step) <= (1 - opt.beta2) * g * g * (1 + 1e-12) + np.spacing(state.v))
        assert np.all(step * (g * g - state.v) >= 0)  # toward g^2 (or not at all)
        assert np.all(new.v >= 0)
        state = new


@FAST
@given(opt=optimizers((Adam,), amsgrad=True), data=gradient_sequences(elements=finite(), max_steps=6))
def test_amsgrad_keeps_the_running_maximum_of_v(opt, data):
    _, grads = data
    state = opt.init(grads[0])
    for g in grads:
        _, new = update_of(opt, g, state)
        assert np.all(new.v_max >= state.v_max) and np.all(new.v_max >= new.v)
        assert np.array_equal(new.v_max, np.maximum(state.v_max, new.v))
        state = new
