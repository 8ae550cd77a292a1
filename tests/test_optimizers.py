"""Unit tests for rmsprop_lib.optimizers.

Expected values are worked out by hand: the hyperparameters and gradients are chosen (powers of
two, perfect squares) so that every intermediate number is exact, and the arithmetic is written
out in the comments. Longer sequences are checked against a scalar, one-coordinate-at-a-time
transcription of the published equations. Lists of optimizers come from the registry, OPTIMIZERS.
"""
import dataclasses
import inspect
import math
import re

import numpy as np
import pytest

from rmsprop_lib.optimizers import (OPTIMIZERS, AdaGrad, AdaGradState, Adadelta, AdadeltaState, Adam, AdamState,
                                    AdamW, Control, GradientDescent, GradientDescentState, Momentum, MomentumState,
                                    Optimizer, RMSProp, RMSPropState, Yogi)
from rmsprop_lib.schedules import cosine_decay, linear_warmup, step_decay

CLASSES = list(OPTIMIZERS.values())

def close(actual, expected):
    np.testing.assert_allclose(actual, expected, rtol=1e-14, atol=0)


# ---------------------------------------------------------------------------------------------
# The state NamedTuples are a contract (notebooks and exercises use them): field names exactly as documented.

@pytest.mark.parametrize("state_cls, fields", [
    (GradientDescentState, ("shape", "t")),
    (MomentumState, ("velocity", "t")),
    (AdaGradState, ("s", "t")),
    (RMSPropState, ("s", "g_avg", "velocity", "t")),
    (AdamState, ("m", "v", "t", "v_max")),
    (AdadeltaState, ("s", "u", "t")),
])
def test_state_field_names(state_cls, fields):
    assert state_cls._fields == fields


def test_states_can_be_written_without_the_count():
    # t (the updates taken, what a schedule reads) and v_max (amsgrad only) have defaults, so the
    # states notebooks and checkers write by their buffers stay valid: they start at t = 0
    assert RMSPropState(s=np.ones(2), g_avg=np.zeros(2), velocity=np.zeros(2)).t == 0
    assert AdaGradState(s=np.ones(2)).t == MomentumState(velocity=np.ones(2)).t == GradientDescentState((2,)).t == 0
    assert AdamState(m=np.zeros(2), v=np.zeros(2), t=3).v_max is None


def test_init_returns_documented_state_types_of_zeros():
    x0 = np.array([1.5, -2.0, 3.0])
    assert GradientDescent(0.1).init(x0) == GradientDescentState(shape=(3,), t=0)
    m = Momentum(0.1).init(x0)
    assert isinstance(m, MomentumState) and np.array_equal(m.velocity, np.zeros(3))
    a = AdaGrad(0.1).init(x0)
    assert isinstance(a, AdaGradState) and np.array_equal(a.s, np.zeros(3))
    r = RMSProp(0.1).init(x0)
    assert isinstance(r, RMSPropState) and r.t == 0
    for field in r[:3]:
        assert np.array_equal(field, np.zeros(3))
    ad = Adam(0.1).init(x0)
    assert isinstance(ad, AdamState) and ad.t == 0 and ad.v_max is None
    assert np.array_equal(ad.m, np.zeros(3)) and np.array_equal(ad.v, np.zeros(3))
    assert np.array_equal(Adam(0.1, amsgrad=True).init(x0).v_max, np.zeros(3))
    assert all(np.array_equal(b, np.zeros(3)) for b in Adadelta().init(x0)[:2]) and Adadelta().init(x0).t == 0
    yogi = Yogi(0.1, initial_accumulator=0.25).init(x0)  # both moments start at initial_accumulator
    assert np.array_equal(yogi.m, np.full(3, 0.25)) and np.array_equal(yogi.v, np.full(3, 0.25)) and yogi.v_max is None
    assert x0.tolist() == [1.5, -2.0, 3.0]


def test_registry_names_every_optimizer():
    assert OPTIMIZERS == {"GradientDescent": GradientDescent, "Momentum": Momentum, "AdaGrad": AdaGrad,
                          "RMSProp": RMSProp, "Adam": Adam, "AdamW": AdamW, "Adadelta": Adadelta, "Yogi": Yogi}
    for name, cls in OPTIMIZERS.items():
        assert cls.name == name == cls.__name__ and issubclass(cls, Optimizer)
    assert GradientDescent.label == "Gradient descent"


def test_documented_defaults():
    assert Momentum(0.1).hyperparameters() == {"lr": 0.1, "momentum": 0.9, "nesterov": False}
    assert AdaGrad(0.1).hyperparameters() == {"lr": 0.1, "eps": 1e-8, "initial_accumulator": 0.0}
    assert RMSProp(0.1).hyperparameters() == {"lr": 0.1, "rho": 0.9, "eps": 1e-8, "centered": False,
                                              "momentum": 0.0, "eps_inside_sqrt": False}
    assert Adam(0.1).hyperparameters() == {"lr": 0.1, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8,
                                           "bias_correction": True, "weight_decay": 0.0, "amsgrad": False}
    assert AdamW(0.1).hyperparameters() == {"lr": 0.1, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 0.01}
    assert Adadelta().hyperparameters() == {"lr": 1.0, "rho": 0.9, "eps": 1e-6}
    assert Yogi(0.1).hyperparameters() == {"lr": 0.1, "beta1": 0.9, "beta2": 0.999, "eps": 1e-3,
                                           "initial_accumulator": 1e-6}
    assert repr(RMSProp(0.1, rho=0.5)).startswith("RMSProp(lr=0.1, rho=0.5,")


# ---------------------------------------------------------------------------------------------
# What each class declares (the registry contract): hyperparameters once, with their checks;
# label, colour, playground controls and the matching torch.optim class.

@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.name)
def test_hyperparameters_repr_and_constructor_agree(cls):
    opt = cls(0.25)
    names = list(inspect.signature(cls).parameters)
    assert names[0] == "lr" and list(opt.hyperparameters()) == names
    assert repr(opt) == f"{cls.name}(" + ", ".join(f"{k}={v!r}" for k, v in opt.hyperparameters().items()) + ")"
    assert eval(repr(opt), dict(OPTIMIZERS)) == opt  # the repr rebuilds the optimizer
    with pytest.raises(dataclasses.FrozenInstanceError):
        opt.lr = 1.0


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.name)
def test_every_class_declares_what_the_package_reads(cls):
    assert isinstance(cls.label, str) and cls.label
    assert re.fullmatch(r"#[0-9A-F]{6}", cls.color)
    if cls.torch_name is None:  # no torch.optim class computes it: torch_kwargs says so
        with pytest.raises(ValueError, match=rf"{cls.name} has no torch.optim class"):
            cls(0.25).torch_kwargs()
    else:
        assert cls.torch_name.isidentifier()  # a torch.optim class: test_reference.py runs it
        assert cls(0.25).torch_kwargs()["lr"] == 0.25
    assert cls.State._fields and cls.squares_gradient in (True, False)
    fields = {f.name: f.default for f in dataclasses.fields(cls)}
    for control in cls.controls:
        assert isinstance(control, Control) and control.name in fields and control.name != "lr"
        for value in (control.low, control.default, control.high):  # the slider's whole range is valid
            assert getattr(cls(0.1, **{control.name: value}), control.name) == value


def test_colours_and_labels_are_distinct():
    assert len({cls.color for cls in CLASSES}) == len({cls.label for cls in CLASSES}) == len(CLASSES)


def test_the_controls_are_the_playgrounds_sliders():
    # the ranges and defaults the playground showed before they moved into the registry
    assert Momentum.controls == (Control("momentum", 0.0, 0.99, 0.9),)
    assert RMSProp.controls == (Control("rho", 0.0, 0.999, 0.9, label="RMSProp rho"),)
    assert Adam.controls == (Control("beta1", 0.0, 0.999, 0.9, label="Adam beta1"),
                             Control("beta2", 0.9, 0.9999, 0.999, label="Adam beta2"))
    assert GradientDescent.controls == AdaGrad.controls == ()


def test_a_control_outside_its_own_range_is_refused():
    with pytest.raises(ValueError, match="Control 'rho' must have low <= default <= high"):
        Control("rho", low=0.5, high=0.9, default=0.95)
    with pytest.raises(ValueError, match="low > 0 on a log scale"):
        Control("eps", low=0.0, high=1.0, default=0.5, log=True)


def test_torch_kwargs_by_hand():
    # torch.optim's names: RMSprop's alpha is rho, Adam's betas is (beta1, beta2); neutral options written out
    assert Momentum(0.1, momentum=0.5, nesterov=True).torch_kwargs() == {
        "lr": 0.1, "momentum": 0.5, "dampening": 0.0, "nesterov": True, "weight_decay": 0.0}
    assert GradientDescent(0.1).torch_kwargs() == Momentum(0.1, momentum=0.0).torch_kwargs()
    assert GradientDescent.torch_name == Momentum.torch_name == "SGD"
    assert AdaGrad(0.5, eps=1e-10, initial_accumulator=0.1).torch_kwargs() == {
        "lr": 0.5, "eps": 1e-10, "initial_accumulator_value": 0.1, "lr_decay": 0.0, "weight_decay": 0.0}
    assert RMSProp(0.01, rho=0.99, centered=True, momentum=0.9).torch_kwargs() == {
        "lr": 0.01, "alpha": 0.99, "eps": 1e-8, "momentum": 0.9, "centered": True, "weight_decay": 0.0}
    assert Adam(0.001, beta1=0.8, beta2=0.99).torch_kwargs() == {
        "lr": 0.001, "betas": (0.8, 0.99), "eps": 1e-8, "weight_decay": 0.0, "amsgrad": False}


@pytest.mark.parametrize("opt, option", [(RMSProp(0.1, eps_inside_sqrt=True), "eps_inside_sqrt"),
                                         (Adam(0.1, bias_correction=False), "bias_correction")], ids=repr)
def test_options_torch_lacks_have_no_torch_kwargs(opt, option):
    with pytest.raises(ValueError, match=rf"{option} must be \w+ for torch.optim"):
        opt.torch_kwargs()


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.name)
def test_update_checks_x_when_it_is_given(cls):
    opt = cls(0.1)
    state = opt.init(np.zeros(2))
    g = np.array([1.0, -2.0])
    if opt.needs_x():  # weight decay: the update depends on x, and refuses to go without it
        with pytest.raises(TypeError, match=rf"x must be given: {cls.name} with weight_decay = 0.01"):
            opt.update(g, state)
        assert not np.array_equal(opt.update(g, state, x=np.ones(2))[0], opt.update(g, state, x=np.zeros(2))[0])
    else:
        assert np.array_equal(opt.update(g, state, x=np.ones(2))[0], opt.update(g, state)[0])
    with pytest.raises(ValueError, match=r"x must have shape \(2,\), got shape \(3,\)"):
        opt.update(g, state, x=np.ones(3))
    with pytest.raises(ValueError, match="x must contain only finite numbers"):
        opt.update(g, state, x=[np.nan, 0.0])


@pytest.mark.parametrize("cls", [cls for cls in CLASSES if cls is not Adadelta], ids=lambda c: c.name)
def test_lr_is_required(cls):
    with pytest.raises(TypeError):
        cls()


def test_adadelta_has_a_default_lr_of_one():
    # Zeiler's rule has no learning rate; torch.optim.Adadelta's lr multiplies the update and defaults to 1
    assert Adadelta().lr == 1.0 and list(Adadelta().hyperparameters())[0] == "lr"


# ---------------------------------------------------------------------------------------------
# Gradient descent

def test_gradient_descent_step_by_hand():
    opt = GradientDescent(lr=0.25)
    state = opt.init(np.zeros(2))
    update, new_state = opt.update(np.array([4.0, -2.0]), state)
    close(update, [1.0, -0.5])  # 0.25 * 4, 0.25 * -2
    assert new_state == GradientDescentState(shape=(2,), t=1)
    lr = opt.effective_lr(new_state)
    assert isinstance(lr, np.ndarray) and lr.dtype == np.float64
    close(lr, [0.25, 0.25])


def test_gradient_descent_rejects_a_foreign_state():
    with pytest.raises(TypeError, match="state"):
        GradientDescent(0.1).update(np.ones(2), MomentumState(np.zeros(2)))


# ---------------------------------------------------------------------------------------------
# Momentum (torch.optim.SGD: v <- mu v + g, update lr*v, Nesterov lr*(g + mu v))

def test_momentum_steps_by_hand():
    opt = Momentum(lr=0.1, momentum=0.5)
    state = opt.init(np.zeros(2))
    u1, state = opt.update(np.array([1.0, 2.0]), state)
    close(state.velocity, [1.0, 2.0])  # 0.5 * 0 + g
    close(u1, [0.1, 0.2])
    u2, state = opt.update(np.array([2.0, 0.0]), state)
    close(state.velocity, [2.5, 1.0])  # 0.5 * [1, 2] + [2, 0]
    close(u2, [0.25, 0.1])
    # a steady gradient g builds the velocity g (1 + mu + mu^2 + ...) = g / (1 - mu) = 2 g: lr * 2
    close(opt.effective_lr(state), [0.2, 0.2])


def test_nesterov_steps_by_hand():
    opt = Momentum(lr=0.1, momentum=0.5, nesterov=True)
    state = opt.init(np.zeros(2))
    u1, state = opt.update(np.array([1.0, 2.0]), state)
    close(u1, [0.15, 0.3])  # 0.1 * (g + 0.5 * v) with v = g = [1, 2]
    u2, state = opt.update(np.array([2.0, 0.0]), state)
    close(state.velocity, [2.5, 1.0])
    close(u2, [0.325, 0.05])  # 0.1 * ([2, 0] + 0.5 * [2.5, 1])


def test_momentum_zero_is_gradient_descent():
    opt = Momentum(lr=0.3, momentum=0.0)
    state = opt.init(np.zeros(3))
    for g in ([1.0, -2.0, 3.0], [0.5, 0.5, -4.0]):
        update, state = opt.update(np.array(g), state)
        close(update, 0.3 * np.array(g))


# ---------------------------------------------------------------------------------------------
# AdaGrad (s <- s + g^2, update lr * g / (sqrt(s) + eps))

def test_adagrad_steps_by_hand():
    opt = AdaGrad(lr=0.5, eps=0.0)
    state = opt.init(np.zeros(2))
    u1, state = opt.update(np.array([3.0, -4.0]), state)
    close(state.s, [9.0, 16.0])
    close(u1, [0.5, -0.5])  # 0.5 * 3/3, 0.5 * -4/4
    u2, state = opt.update(np.array([4.0, 3.0]), state)
    close(state.s, [25.0, 25.0])
    close(u2, [0.4, 0.3])  # 0.5 * 4/5, 0.5 * 3/5
    close(opt.effective_lr(state), [0.1, 0.1])  # 0.5 / 5


def test_adagrad_eps_is_added_outside_the_root():
    opt = AdaGrad(lr=1.0, eps=1.0)
    update, state = opt.update(np.array([3.0, 0.0]), opt.init(np.zeros(2)))
    close(update, [0.75, 0.0])  # 3 / (sqrt(9) + 1)
    close(opt.effective_lr(state), [0.25, 1.0])  # 1 / (3 + 1), 1 / (0 + 1)


def test_adagrad_initial_accumulator():
    opt = AdaGrad(lr=0.5, eps=0.0, initial_accumulator=7.0)
    state = opt.init(np.zeros(2))
    close(state.s, [7.0, 7.0])
    update, state = opt.update(np.array([3.0, -3.0]), state)
    close(state.s, [16.0, 16.0])
    close(update, [0.375, -0.375])  # 0.5 * 3 / 4


# ---------------------------------------------------------------------------------------------
# RMSProp (s <- rho s + (1 - rho) g^2, update lr * g / (sqrt(s) + eps))
# With rho = 0.75: g = [2, -4] gives s = 0.25 * [4, 16] = [1, 4]; then g = [1, 2] gives
# s = 0.75 * [1, 4] + 0.25 * [1, 4] = [1, 4] again.

def test_rmsprop_steps_by_hand():
    opt = RMSProp(lr=0.1, rho=0.75, eps=0.0)
    state = opt.init(np.zeros(2))
    u1, state = opt.update(np.array([2.0, -4.0]), state)
    close(state.s, [1.0, 4.0])
    close(u1, [0.2, -0.2])  # 0.1 * 2/1, 0.1 * -4/2
    u2, state = opt.update(np.array([1.0, 2.0]), state)
    close(state.s, [1.0, 4.0])
    close(u2, [0.1, 0.1])  # 0.1 * 1/1, 0.1 * 2/2
    close(opt.effective_lr(state), [0.1, 0.05])  # 0.1 / 1, 0.1 / 2
    # unused buffers stay at zero
    assert np.array_equal(state.g_avg, [0.0, 0.0]) and np.array_equal(state.velocity, [0.0, 0.0])


def test_rmsprop_eps_outside_the_root():
    opt = RMSProp(lr=1.0, rho=0.75, eps=1.0)
    update, state = opt.update(np.array([2.0, -4.0]), opt.init(np.zeros(2)))
    close(update, [1.0, -4.0 / 3.0])  # 2 / (1 + 1), -4 / (2 + 1)
    close(opt.effective_lr(state), [0.5, 1.0 / 3.0])


def test_rmsprop_eps_inside_the_root():
    # s = [1, 4], eps = 6.5625: sqrt(s + eps) = sqrt([7.5625, 10.5625]) = [2.75, 3.25]
    opt = RMSProp(lr=1.0, rho=0.75, eps=6.5625, eps_inside_sqrt=True)
    update, state = opt.update(np.array([2.0, -4.0]), opt.init(np.zeros(2)))
    close(update, [2.0 / 2.75, -4.0 / 3.25])
    close(opt.effective_lr(state), [1.0 / 2.75, 1.0 / 3.25])
    outside = RMSProp(lr=1.0, rho=0.75, eps=6.5625)
    close(outside.update(np.array([2.0, -4.0]), outside.init(np.zeros(2)))[0], [2.0 / 7.5625, -4.0 / 8.5625])


def test_rmsprop_centered_by_hand():
    # g_avg = 0.25 * [2, -4] = [0.5, -1]; s - g_avg^2 = [1 - 0.25, 4 - 1] = [0.75, 3]
    # sqrt = [sqrt(3)/2, sqrt(3)]; update = [2 / (sqrt(3)/2), -4 / sqrt(3)] = 4/sqrt(3) * [1, -1]
    opt = RMSProp(lr=1.0, rho=0.75, eps=0.0, centered=True)
    update, state = opt.update(np.array([2.0, -4.0]), opt.init(np.zeros(2)))
    close(state.s, [1.0, 4.0])
    close(state.g_avg, [0.5, -1.0])
    close(update, [4 / math.sqrt(3), -4 / math.sqrt(3)])
    close(opt.effective_lr(state), [2 / math.sqrt(3), 1 / math.sqrt(3)])
    # second step, g = [1, 2]: g_avg = 0.75 * [0.5, -1] + 0.25 * [1, 2] = [0.625, -0.25]
    # s = [1, 4]; s - g_avg^2 = [1 - 0.390625, 4 - 0.0625] = [0.609375, 3.9375]
    update, state = opt.update(np.array([1.0, 2.0]), state)
    close(state.g_avg, [0.625, -0.25])
    close(update, [1 / math.sqrt(0.609375), 2 / math.sqrt(3.9375)])


def test_rmsprop_momentum_by_hand():
    opt = RMSProp(lr=0.1, rho=0.75, eps=0.0, momentum=0.5)
    state = opt.init(np.zeros(2))
    u1, state = opt.update(np.array([2.0, -4.0]), state)
    close(state.velocity, [2.0, -2.0])  # 0.5 * 0 + [2/1, -4/2]
    close(u1, [0.2, -0.2])
    u2, state = opt.update(np.array([1.0, 2.0]), state)
    close(state.velocity, [2.0, 0.0])  # 0.5 * [2, -2] + [1/1, 2/2]
    close(u2, [0.2, 0.0])


def test_rmsprop_centered_momentum_matches_scalar_equations():
    lr, rho, eps, mu = 0.05, 0.9, 1e-3, 0.8
    grads = [[0.3, -1.2], [0.5, 0.7], [-0.2, 2.0], [1.1, -0.4]]
    opt = RMSProp(lr=lr, rho=rho, eps=eps, centered=True, momentum=mu)
    state = opt.init(np.zeros(2))
    ours = []
    for g in grads:
        update, state = opt.update(np.array(g), state)
        ours.append(update)
    for i in range(2):  # coordinate i, one scalar at a time (Graves 2013; torch.optim.RMSprop)
        s = g_avg = b = 0.0
        for k, g in enumerate(grads):
            s = rho * s + (1 - rho) * g[i] ** 2
            g_avg = rho * g_avg + (1 - rho) * g[i]
            b = mu * b + g[i] / (math.sqrt(s - g_avg**2) + eps)
            np.testing.assert_allclose(ours[k][i], lr * b, rtol=1e-12)


def test_rmsprop_first_step_is_lr_over_sqrt_one_minus_rho():
    # s = (1 - rho) g^2, so |update| = lr |g| / (sqrt(1 - rho) |g|) = lr / sqrt(1 - rho), any g
    opt = RMSProp(lr=0.01, rho=0.99, eps=0.0)
    update, _ = opt.update(np.array([1e-3, -5.0, 250.0]), opt.init(np.zeros(3)))
    close(np.abs(update), [0.1, 0.1, 0.1])


# ---------------------------------------------------------------------------------------------
# Adam (m <- b1 m + (1-b1) g, v <- b2 v + (1-b2) g^2, update lr m_hat / (sqrt(v_hat) + eps))
# beta1 = 0.5, beta2 = 0.9375 = 15/16, g = [2, -4]:
#   m = [1, -2], v = [4, 16] / 16 = [0.25, 1]; corrections 1 - 0.5 = 0.5, 1 - 15/16 = 1/16
#   m_hat = [2, -4], v_hat = [4, 16] -> update = lr * [2/2, -4/4] = lr * [1, -1]
#   without correction: lr * [1/0.5, -2/1] = lr * [2, -2]

def test_adam_first_step_by_hand():
    opt = Adam(lr=0.1, beta1=0.5, beta2=0.9375, eps=0.0)
    update, state = opt.update(np.array([2.0, -4.0]), opt.init(np.zeros(2)))
    close(state.m, [1.0, -2.0])
    close(state.v, [0.25, 1.0])
    assert state.t == 1 and isinstance(state.t, int)
    close(update, [0.1, -0.1])
    close(opt.effective_lr(state), [0.05, 0.025])  # 0.1 / sqrt([4, 16])


def test_adam_without_bias_correction_by_hand():
    opt = Adam(lr=0.1, beta1=0.5, beta2=0.9375, eps=0.0, bias_correction=False)
    update, state = opt.update(np.array([2.0, -4.0]), opt.init(np.zeros(2)))
    close(update, [0.2, -0.2])
    close(opt.effective_lr(state), [0.2, 0.1])  # 0.1 / sqrt([0.25, 1])


def test_adam_second_step_by_hand():
    # g2 = [1, 0]: m = 0.5 * [1, -2] + 0.5 * [1, 0] = [1, -1]
    # v = 15/16 * [0.25, 1] + 1/16 * [1, 0] = [19/64, 15/16]
    # corrections: 1 - 0.25 = 0.75 and 1 - 225/256 = 31/256
    # m_hat = [4/3, -4/3]; v_hat = [19/64 * 256/31, 15/16 * 256/31] = [76/31, 240/31]
    opt = Adam(lr=0.1, beta1=0.5, beta2=0.9375, eps=0.0)
    state = opt.init(np.zeros(2))
    _, state = opt.update(np.array([2.0, -4.0]), state)
    update, state = opt.update(np.array([1.0, 0.0]), state)
    assert state.t == 2
    close(state.m, [1.0, -1.0])
    close(state.v, [19 / 64, 15 / 16])
    close(update, [0.1 * (4 / 3) / math.sqrt(76 / 31), 0.1 * (-4 / 3) / math.sqrt(240 / 31)])


def test_adam_matches_scalar_equations_with_eps():
    lr, b1, b2, eps = 0.01, 0.9, 0.999, 1e-2
    grads = [[0.3, -1.2], [0.5, 0.7], [-0.2, 2.0], [1.1, -0.4], [0.0, 0.05]]
    for bias_correction in (True, False):
        opt = Adam(lr=lr, beta1=b1, beta2=b2, eps=eps, bias_correction=bias_correction)
        state = opt.init(np.zeros(2))
        ours = []
        for g in grads:
            update, state = opt.update(np.array(g), state)
            ours.append(update)
        for i in range(2):  # Kingma & Ba (2014), Algorithm 1, one coordinate at a time
            m = v = 0.0
            for t, g in enumerate(grads, start=1):
                m = b1 * m + (1 - b1) * g[i]
                v = b2 * v + (1 - b2) * g[i] ** 2
                m_hat, v_hat = (m / (1 - b1**t), v / (1 - b2**t)) if bias_correction else (m, v)
                np.testing.assert_allclose(ours[t - 1][i], lr * m_hat / (math.sqrt(v_hat) + eps), rtol=1e-12)


def test_adam_t_counts_updates():
    opt = Adam(0.1)
    state = opt.init(np.zeros(1))
    for expected in range(1, 6):
        _, state = opt.update(np.array([1.0]), state)
        assert state.t == expected


# ---------------------------------------------------------------------------------------------
# Adam's options (torch.optim.Adam): weight_decay adds wd * x to the gradient (coupled L2);
# amsgrad divides by the running maximum of v, corrected by 1 - beta2^t as torch does.
# Same numbers as above: beta1 = 0.5, beta2 = 15/16.

def test_adam_weight_decay_is_added_to_the_gradient_by_hand():
    # x = [2, -4], wd = 0.5, g = [1, -2]: the gradient used is g + wd x = [2, -4], Adam's first step above
    opt = Adam(lr=0.1, beta1=0.5, beta2=0.9375, eps=0.0, weight_decay=0.5)
    update, state = opt.update(np.array([1.0, -2.0]), opt.init(np.zeros(2)), x=np.array([2.0, -4.0]))
    close(state.m, [1.0, -2.0])  # 0.5 * [2, -4]
    close(state.v, [0.25, 1.0])  # [4, 16] / 16
    close(update, [0.1, -0.1])  # lr m_hat / sqrt(v_hat) = 0.1 * [2/2, -4/4]: the decay was divided too


def test_adam_amsgrad_by_hand():
    # step 1 as Adam: v = v_max = [0.25, 1]. Step 2, g = [1, 0]: v = [19/64, 15/16] (Adam's second step above),
    # v_max = max([0.25, 1], [19/64, 15/16]) = [19/64, 1]; c1 = 0.75, c2 = 31/256, m = [1, -1]
    opt = Adam(lr=0.1, beta1=0.5, beta2=0.9375, eps=0.0, amsgrad=True)
    state = opt.init(np.zeros(2))
    u1, state = opt.update(np.array([2.0, -4.0]), state)
    close(u1, [0.1, -0.1])
    close(state.v_max, [0.25, 1.0])
    u2, state = opt.update(np.array([1.0, 0.0]), state)
    close(state.v, [19 / 64, 15 / 16])
    close(state.v_max, [19 / 64, 1.0])
    # update = lr (m / c1) / sqrt(v_max / c2): [0.1 (4/3) / sqrt(76/31), -0.1 (4/3) / sqrt(256/31)]
    close(u2, [0.1 * (4 / 3) / math.sqrt(76 / 31), -0.1 * (4 / 3) * math.sqrt(31) / 16])
    close(opt.effective_lr(state), [0.1 / math.sqrt(76 / 31), 0.1 * math.sqrt(31) / 16])


def test_adam_options_match_torchs_scalar_code():
    # torch.optim.Adam's _single_tensor_adam, one coordinate at a time: grad += wd * param; the moments;
    # max_exp_avg_sq = max(max_exp_avg_sq, exp_avg_sq); denom = sqrt(max) / sqrt(c2) + eps;
    # param -= lr / c1 * exp_avg / denom
    lr, b1, b2, eps, wd = 0.05, 0.9, 0.99, 1e-3, 0.3
    grads = [[0.3, -1.2], [0.5, 0.7], [-0.2, 2.0], [1.1, -0.4], [0.0, 0.05], [-2.0, 0.1]]
    opt = Adam(lr=lr, beta1=b1, beta2=b2, eps=eps, weight_decay=wd, amsgrad=True)
    x = np.array([1.5, -0.5])
    state = opt.init(x)
    xs = [x]
    for g in grads:
        update, state = opt.update(np.array(g), state, x)
        x = x - update
        xs.append(x)
    for i in range(2):
        p, m, v, v_max = 1.5 if i == 0 else -0.5, 0.0, 0.0, 0.0
        for t, g in enumerate(grads, start=1):
            gi = g[i] + wd * p
            m = b1 * m + (1 - b1) * gi
            v = b2 * v + (1 - b2) * gi * gi
            v_max = max(v_max, v)
            p = p - lr / (1 - b1**t) * m / (math.sqrt(v_max) / math.sqrt(1 - b2**t) + eps)
            np.testing.assert_allclose(xs[t][i], p, rtol=1e-12)


# ---------------------------------------------------------------------------------------------
# AdamW (torch.optim.AdamW): Adam's update plus the decoupled decay lr * wd * x

def test_adamw_by_hand():
    # g = [2, -4], x = [2, -4], wd = 0.5: Adam's part is lr * [1, -1] (above), the decay 0.1 * 0.5 * x = [0.1, -0.2]
    opt = AdamW(lr=0.1, beta1=0.5, beta2=0.9375, eps=0.0, weight_decay=0.5)
    update, state = opt.update(np.array([2.0, -4.0]), opt.init(np.zeros(2)), x=np.array([2.0, -4.0]))
    close(update, [0.2, -0.3])
    close(state.m, [1.0, -2.0])  # the moments see the gradient only
    close(state.v, [0.25, 1.0])
    close(opt.effective_lr(state), [0.05, 0.025])  # Adam's: 0.1 / sqrt([4, 16]); the decay comes on top
    # a zero gradient still shrinks x by the fraction lr * wd = 0.05 (coupled L2 would not move it at all)
    fresh = opt.init(np.zeros(2))
    close(opt.update(np.zeros(2), fresh, x=np.array([2.0, -4.0]))[0], [0.1, -0.2])
    # coupled L2 instead: the gradient wd x = [1, -2] is divided by its own root, so the first update is
    # lr * sign(x) = [0.1, -0.1] whatever the size of x
    coupled = Adam(lr=0.1, eps=0.0, weight_decay=0.5)
    close(coupled.update(np.zeros(2), coupled.init(np.zeros(2)), x=np.array([2.0, -4.0]))[0], [0.1, -0.1])


def test_adamw_without_decay_is_adam():
    grads = [[0.3, -1.2], [0.5, 0.7], [-0.2, 2.0]]
    adamw, adam = AdamW(0.01, beta1=0.8, weight_decay=0.0), Adam(0.01, beta1=0.8)
    a, b = adamw.init(np.zeros(2)), adam.init(np.zeros(2))
    for g in grads:
        (ua, a), (ub, b) = adamw.update(np.array(g), a), adam.update(np.array(g), b)
        assert np.array_equal(ua, ub)


def test_adamw_matches_torchs_scalar_code():
    # torch.optim.AdamW: param *= 1 - lr wd; then Adam's update from the moments of the gradient
    lr, b1, b2, eps, wd = 0.05, 0.9, 0.99, 1e-8, 0.2
    grads = [[0.3, -1.2], [0.5, 0.7], [-0.2, 2.0], [1.1, -0.4], [0.0, 0.05]]
    opt = AdamW(lr=lr, beta1=b1, beta2=b2, eps=eps, weight_decay=wd)
    x = np.array([1.5, -0.5])
    state, xs = opt.init(x), [x]
    for g in grads:
        update, state = opt.update(np.array(g), state, x)
        x = x - update
        xs.append(x)
    for i in range(2):
        p, m, v = (1.5, -0.5)[i], 0.0, 0.0
        for t, g in enumerate(grads, start=1):
            p = p * (1 - lr * wd)
            m = b1 * m + (1 - b1) * g[i]
            v = b2 * v + (1 - b2) * g[i] ** 2
            p = p - lr / (1 - b1**t) * m / (math.sqrt(v) / math.sqrt(1 - b2**t) + eps)
            np.testing.assert_allclose(xs[t][i], p, rtol=1e-12)


# ---------------------------------------------------------------------------------------------
# Adadelta (torch.optim.Adadelta): s <- rho s + (1-rho) g^2; delta = sqrt(u + eps) / sqrt(s + eps) * g;
# u <- rho u + (1-rho) delta^2; update = lr * delta

def test_adadelta_first_step_by_hand():
    # rho = 0.25, eps = 1, g = [2, 0]: s = 0.75 * [4, 0] = [3, 0]; sqrt(u + eps) / sqrt(s + eps) = 1 / [2, 1]
    # delta = [2/2, 0] = [1, 0]; u = 0.75 * [1, 0] = [0.75, 0]; update = lr * delta
    opt = Adadelta(lr=0.5, rho=0.25, eps=1.0)
    update, state = opt.update(np.array([2.0, 0.0]), opt.init(np.zeros(2)))
    close(state.s, [3.0, 0.0])
    close(state.u, [0.75, 0.0])
    close(update, [0.5, 0.0])
    assert state.t == 1
    # the next update's factor for a gradient whose s stays at [3, 0]: lr sqrt(u + eps) / sqrt(s + eps)
    close(opt.effective_lr(state), [0.5 * math.sqrt(1.75) / 2, 0.5])
    # second step, g = [2, 0]: s = 0.25 * 3 + 0.75 * 4 = 3.75; delta = sqrt(1.75) / sqrt(4.75) * 2
    update, state = opt.update(np.array([2.0, 0.0]), state)
    close(state.s, [3.75, 0.0])
    close(update, [0.5 * 2 * math.sqrt(1.75 / 4.75), 0.0])
    close(state.u, [0.25 * 0.75 + 0.75 * 4 * 1.75 / 4.75, 0.0])


def test_adadelta_matches_torchs_scalar_code():
    lr, rho, eps = 2.0, 0.9, 1e-4
    grads = [[0.3, -1.2], [0.5, 0.7], [-0.2, 2.0], [1.1, -0.4], [0.0, 0.05]]
    opt = Adadelta(lr=lr, rho=rho, eps=eps)
    state, ours = opt.init(np.zeros(2)), []
    for g in grads:
        update, state = opt.update(np.array(g), state)
        ours.append(update)
    for i in range(2):  # torch's _single_tensor_adadelta, one coordinate at a time
        square_avg = acc_delta = 0.0
        for k, g in enumerate(grads):
            square_avg = rho * square_avg + (1 - rho) * g[i] ** 2
            delta = math.sqrt(acc_delta + eps) / math.sqrt(square_avg + eps) * g[i]
            acc_delta = rho * acc_delta + (1 - rho) * delta**2
            np.testing.assert_allclose(ours[k][i], lr * delta, rtol=1e-12)


def test_adadelta_effective_lr_is_the_next_updates_factor_for_a_steady_gradient():
    opt = Adadelta(lr=1.0, rho=0.5, eps=1e-2)
    g = np.array([0.5, -3.0])
    state = opt.init(np.zeros(2))
    for _ in range(200):  # s settles to g^2 (within 0.5^200)
        _, state = opt.update(g, state)
    factor = opt.effective_lr(state)
    update, _ = opt.update(g, state)
    close(update, factor * g)


# ---------------------------------------------------------------------------------------------
# Yogi (optax's scale_by_yogi): m <- b1 m + (1-b1) g; v <- v - (1-b2) sign(v - g^2) g^2, both from
# initial_accumulator; update = lr * m_hat / (sqrt(v_hat) + eps), m_hat = m / (1 - b1^t), v_hat = v / (1 - b2^t)

def test_yogi_steps_by_hand():
    # beta1 = 0.5, beta2 = 0.75, eps = 0, moments from 0. Step 1, g = [2, -4]: m = [1, -2];
    # v = 0 - 0.25 * sign(0 - [4, 16]) * [4, 16] = [1, 4]; m_hat = [2, -4], v_hat = [4, 16]: update = lr [1, -1]
    opt = Yogi(lr=0.1, beta1=0.5, beta2=0.75, eps=0.0, initial_accumulator=0.0)
    u1, state = opt.update(np.array([2.0, -4.0]), opt.init(np.zeros(2)))
    close(state.m, [1.0, -2.0])
    close(state.v, [1.0, 4.0])
    close(u1, [0.1, -0.1])
    # step 2, g = [1, 4]: v - g^2 = [0, -12], so v = [1, 4 + 0.25 * 16] = [1, 8] (the first stays: sign 0;
    # Adam's would be 0.75 [1, 4] + 0.25 [1, 16] = [1, 7]). m = [1, 1]; c1 = 3/4, c2 = 7/16
    u2, state = opt.update(np.array([1.0, 4.0]), state)
    close(state.v, [1.0, 8.0])
    close(state.m, [1.0, 1.0])
    # m_hat = 4/3, v_hat = [16/7, 128/7]: update = 0.1 (4/3) / [4/sqrt(7), 8 sqrt(2)/sqrt(7)]
    close(u2, [0.1 * math.sqrt(7) / 3, 0.1 * math.sqrt(7) / (6 * math.sqrt(2))])
    close(opt.effective_lr(state), [0.1 * math.sqrt(7) / 4, 0.1 * math.sqrt(7) / (8 * math.sqrt(2))])


def test_yogi_matches_optax_scale_by_yogi_then_the_learning_rate():
    # optax/_src/transform.py scale_by_yogi (eps_root = 0) chained with scale_by_learning_rate, written out:
    #   mu = nu = initial_accumulator_value;  per update:  mu = (1 - b1) * g + b1 * mu
    #   nu = nu - (1 - b2) * sign(nu - g^2) * g^2;  count += 1
    #   mu_hat = mu / (1 - b1^count);  nu_hat = nu / (1 - b2^count)
    #   update = -lr * mu_hat / (sqrt(nu_hat + 0) + eps)   (optax adds it; ours is subtracted, so + here)
    lr, b1, b2, eps, init = 0.02, 0.9, 0.999, 1e-3, 1e-6
    grads = [[0.3, -1.2], [0.5, 0.7], [-0.2, 2.0], [1.1, -0.4], [0.0, 0.05], [3.0, 0.0], [0.0, 0.0]]
    opt = Yogi(lr)
    assert (opt.beta1, opt.beta2, opt.eps, opt.initial_accumulator) == (b1, b2, eps, init)  # optax's defaults
    state, ours = opt.init(np.zeros(2)), []
    for g in grads:
        update, state = opt.update(np.array(g), state)
        ours.append(update)
    for i in range(2):
        mu = nu = init
        for count, g in enumerate(grads, start=1):
            mu = (1 - b1) * g[i] + b1 * mu
            nu = nu - (1 - b2) * float(np.sign(nu - g[i] ** 2)) * g[i] ** 2
            mu_hat, nu_hat = mu / (1 - b1**count), nu / (1 - b2**count)
            np.testing.assert_allclose(ours[count - 1][i], lr * mu_hat / (math.sqrt(nu_hat) + eps), rtol=1e-12)


# ---------------------------------------------------------------------------------------------
# Learning-rate schedules: lr(k) with k the updates already taken (state.t)

def test_a_schedule_gives_each_update_its_learning_rate():
    opt = GradientDescent(step_decay(1.0, step_size=1, gamma=0.5))  # 1, 0.5, 0.25, ...
    state = opt.init(np.zeros(2))
    close(opt.effective_lr(state), [1.0, 1.0])  # before any update: lr(0)
    for k, expected in enumerate([1.0, 0.5, 0.25, 0.125]):
        update, state = opt.update(np.array([4.0, -2.0]), state)
        close(update, [4.0 * expected, -2.0 * expected])
        assert state.t == k + 1
        close(opt.effective_lr(state), [expected, expected])  # the rate of the update that made the state


def test_a_schedule_is_called_with_the_number_of_updates_taken():
    calls = []

    def schedule(k):
        calls.append(k)
        return 0.5

    opt = RMSProp(schedule, rho=0.75, eps=0.0)
    assert calls == [0]  # checked once when the optimizer is made
    state = opt.init(np.zeros(2))
    for _ in range(3):
        _, state = opt.update(np.array([2.0, -4.0]), state)
    assert calls == [0, 0, 1, 2]


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.name)
def test_a_constant_schedule_computes_what_the_number_does(cls):
    number, scheduled = cls(0.125), cls(lambda k: 0.125)
    a, b = number.init(np.zeros(2)), scheduled.init(np.zeros(2))
    for g in ([0.5, -2.0], [1.0, 0.25], [-0.75, 8.0]):
        x = np.array([1.0, -3.0])
        (ua, a), (ub, b) = number.update(np.array(g), a, x), scheduled.update(np.array(g), b, x)
        assert np.array_equal(ua, ub)
        assert np.array_equal(number.effective_lr(a), scheduled.effective_lr(b))


def test_adam_with_warmup_takes_its_first_update_at_the_warm_up_rate():
    # linear_warmup(0.1, 4, 0.25): 0.025 for the first update; Adam's first update is lr * sign(g) (eps = 0)
    opt = Adam(linear_warmup(0.1, 4, start_factor=0.25), eps=0.0)
    update, state = opt.update(np.array([3.0, -0.5]), opt.init(np.zeros(2)))
    close(update, [0.025, -0.025])


@pytest.mark.parametrize("schedule, update_number, error, words", [
    (lambda k: 0.1 if k < 2 else -0.1, 3, ValueError, r"lr must be a schedule that returns a finite learning rate >= 0, "
                                                      r"got lr\(2\) = -0.1 \(the learning rate of update 3\)"),
    (lambda k: 0.1 if k < 1 else math.nan, 2, ValueError, r"got lr\(1\) = nan \(the learning rate of update 2\)"),
    (lambda k: 0.1 if k < 1 else math.inf, 2, ValueError, r"got lr\(1\) = inf"),
    (lambda k: 0.1 if k < 1 else "0.1", 2, TypeError, r"lr must be a schedule that returns a real number, got lr\(1\) = str"),
    (lambda k: 0.1 if k < 1 else None, 2, TypeError, r"got lr\(1\) = NoneType None \(the learning rate of update 2\)"),
    (lambda k: 0.1 if k < 1 else 1 / 0, 2, ValueError, r"lr\(1\) raised ZeroDivisionError"),
])
def test_a_bad_learning_rate_from_a_schedule_is_refused_with_its_update(schedule, update_number, error, words):
    for cls in (GradientDescent, RMSProp, Adam):
        opt = cls(schedule)
        state = opt.init(np.zeros(2))
        for _ in range(update_number - 1):
            _, state = opt.update(np.ones(2), state)
        with pytest.raises(error, match=words):
            opt.update(np.ones(2), state)
    # the loop reports it the same way
    from rmsprop_lib.objectives import bowl
    from rmsprop_lib.run import minimize
    with pytest.raises(error, match=words):
        minimize(bowl, RMSProp(schedule), steps=5)


@pytest.mark.parametrize("lr, error, words", [
    (lambda: 0.1, TypeError, r"lr must be a schedule called with one argument, the number of updates already taken"),
    (lambda k: -1.0, ValueError, r"got lr\(0\) = -1.0 \(the learning rate of update 1\)"),
    (lambda k: [0.1], TypeError, "lr must be a schedule that returns a real number"),
    (object(), TypeError, r"lr must be a real number > 0 or a schedule"),
])
def test_a_bad_schedule_is_refused_when_the_optimizer_is_made(lr, error, words):
    with pytest.raises(error, match=words):
        Adam(lr)


def test_update_without_the_point_a_rule_needs_is_refused():
    for opt in (AdamW(0.1), Adam(0.1, weight_decay=0.1)):
        with pytest.raises(TypeError, match=rf"x must be given: {opt.name} with weight_decay = 0.1?"):
            opt.update(np.ones(2), opt.init(np.zeros(2)))
    assert not Adam(0.1).needs_x() and not AdamW(0.1, weight_decay=0.0).needs_x()


# ---------------------------------------------------------------------------------------------
# Validation at construction: the error names the parameter (and the range)

BAD_NUMBERS = [
    (0.0, ValueError, r"> 0"),
    (-0.1, ValueError, r"> 0"),
    (float("nan"), ValueError, "finite"),
    (float("inf"), ValueError, "finite"),
    ("0.1", TypeError, "real number"),
    (True, TypeError, "real number"),
    (None, TypeError, "real number"),
]


#: What each hyperparameter name means, wherever it appears (one vocabulary): the values it allows.
#: A new hyperparameter gets its line here.
#: "Class.name" overrides the kind for one class (Adadelta's eps must be > 0: with 0 it never moves).
KINDS = {"lr": "positive", "eps": "nonnegative", "initial_accumulator": "nonnegative", "rho": "decay rate",
         "momentum": "decay rate", "beta1": "decay rate", "beta2": "decay rate", "nesterov": "flag",
         "centered": "flag", "eps_inside_sqrt": "flag", "bias_correction": "flag", "weight_decay": "nonnegative",
         "amsgrad": "flag", "Adadelta.eps": "positive"}

#: (class, hyperparameter) for every hyperparameter of every registered optimizer
HYPERPARAMETERS = [(cls, f.name) for cls in CLASSES for f in dataclasses.fields(cls)]


def kind(cls, name):
    return KINDS.get(f"{cls.name}.{name}", KINDS[name])


def of_kind(*kinds):
    return [(cls, name) for cls, name in HYPERPARAMETERS if kind(cls, name) in kinds]


def hyperparameter_id(case):
    return f"{case[0].name}.{case[1]}" if isinstance(case, tuple) else None


def test_every_hyperparameter_has_a_known_kind():
    assert {name for _, name in HYPERPARAMETERS} <= set(KINDS)


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.name)
@pytest.mark.parametrize("value, error, detail", BAD_NUMBERS)
def test_bad_lr(cls, value, error, detail):
    with pytest.raises(error, match=rf"lr .*{detail}"):
        cls(lr=value)


@pytest.mark.parametrize("case", of_kind("decay rate"), ids=hyperparameter_id)
@pytest.mark.parametrize("value", [-0.1, 1.0, 1.5])
def test_decay_rates_outside_unit_interval(case, value):
    cls, name = case
    with pytest.raises(ValueError, match=rf"{name} must be in \[0, 1\)"):
        cls(lr=0.1, **{name: value})


@pytest.mark.parametrize("case", of_kind("decay rate", "nonnegative", "positive"), ids=hyperparameter_id)
@pytest.mark.parametrize("value, error", [(float("nan"), ValueError), (float("inf"), ValueError),
                                          ("0.5", TypeError), (False, TypeError)])
def test_non_numbers_and_non_finite_hyperparameters(case, value, error):
    cls, name = case
    with pytest.raises(error, match=name):
        cls(**{"lr": 0.1, name: value})


@pytest.mark.parametrize("case", of_kind("nonnegative"), ids=hyperparameter_id)
def test_negative_eps(case):
    cls, name = case
    with pytest.raises(ValueError, match=rf"{name} must be >= 0"):
        cls(lr=0.1, **{name: -1e-8})


def test_boundary_values_are_accepted():
    assert RMSProp(lr=1e-12, rho=0.0, eps=0.0, momentum=0.0).hyperparameters() == {
        "lr": 1e-12, "rho": 0.0, "eps": 0.0, "centered": False, "momentum": 0.0, "eps_inside_sqrt": False}
    assert Adam(lr=3, beta1=0.0, beta2=0.0, eps=0.0).hyperparameters() == {
        "lr": 3.0, "beta1": 0.0, "beta2": 0.0, "eps": 0.0, "bias_correction": True, "weight_decay": 0.0,
        "amsgrad": False}
    assert AdamW(lr=1, weight_decay=0).weight_decay == 0.0 and Yogi(lr=1, initial_accumulator=0).initial_accumulator == 0.0
    assert Momentum(lr=1, momentum=0.0).hyperparameters() == {"lr": 1.0, "momentum": 0.0, "nesterov": False}
    ada = AdaGrad(lr=np.float64(0.5), eps=0, initial_accumulator=0)
    assert ada.hyperparameters() == {"lr": 0.5, "eps": 0.0, "initial_accumulator": 0.0}
    assert all(type(v) is float for v in ada.hyperparameters().values())


def test_nesterov_needs_momentum():
    with pytest.raises(ValueError, match="nesterov"):
        Momentum(lr=0.1, momentum=0.0, nesterov=True)


@pytest.mark.parametrize("case", of_kind("flag"), ids=hyperparameter_id)
def test_flags_must_be_booleans(case):
    cls, flag = case
    with pytest.raises(TypeError, match=flag):
        cls(lr=0.1, **{flag: "yes"})
    with pytest.raises(TypeError, match=flag):
        cls(lr=0.1, **{flag: 1})


# ---------------------------------------------------------------------------------------------
# update: shape checks and purity

#: The classes that have an eps, and those that square the gradient
#: (eps may be 0 for them; Adadelta's must be > 0)
#: The options that make a rule move a coordinate whose gradients are all zero, turned off: AdamW's
#: decay pulls x to 0, Yogi's moments start at 1e-6.
NEUTRAL = {AdamW: {"weight_decay": 0.0}, Yogi: {"initial_accumulator": 0.0}}
WITH_EPS = [cls for cls in CLASSES if "eps" in {f.name for f in dataclasses.fields(cls)} and kind(cls, "eps") != "positive"]
SQUARING = [cls for cls in CLASSES if cls.squares_gradient]

# Every registered optimizer with its defaults, and with the options that change its arithmetic.
# (GradientDescent's state holds only the shape of the parameters, which update checks gradients against.)
ALL = [cls(0.1) for cls in CLASSES] + [
    Momentum(0.1, nesterov=True), RMSProp(0.1, centered=True, momentum=0.9, eps_inside_sqrt=True),
    Adam(0.1, bias_correction=False), Adam(0.1, weight_decay=0.5, amsgrad=True),
    RMSProp(cosine_decay(0.1, 10)), Adam(linear_warmup(0.1, 3)), AdamW(step_decay(0.1, 2, 0.5)),
]


def update_of(opt, grad, state):
    """``opt.update``, given a point x (ones, shaped like the state) when the rule needs one (weight decay)."""
    if not opt.needs_x():
        return opt.update(grad, state)
    return opt.update(grad, state, x=np.ones(opt._check_state(state)))


@pytest.mark.parametrize("opt", ALL, ids=repr)
@pytest.mark.parametrize("bad", [np.ones(3), np.ones((2, 1)), np.ones(()), np.ones((1, 2))])
def test_update_rejects_a_grad_of_another_shape(opt, bad):
    state = opt.init(np.zeros(2))
    with pytest.raises(ValueError, match=r"grad must have the shape of the optimizer state, \(2,\), got"):
        update_of(opt, bad, state)


@pytest.mark.parametrize("opt", ALL, ids=repr)
def test_update_is_pure(opt):
    x0 = np.array([[1.0, -2.0], [0.5, 3.0]])
    x0_copy = x0.copy()
    state = opt.init(x0)
    _, state = update_of(opt, np.array([[0.3, -0.1], [2.0, 0.7]]), state)  # a non-trivial state
    assert np.array_equal(x0, x0_copy)
    grad = np.array([[1.5, 0.2], [-0.4, 0.9]])
    grad_copy = grad.copy()
    state_copy = [np.copy(field) for field in state]
    update, new_state = update_of(opt, grad, state)
    assert np.array_equal(grad, grad_copy)
    for before, after in zip(state_copy, state):
        assert np.array_equal(before, after)
    # the outputs do not alias the gradient: editing them cannot change the caller's data
    assert not np.shares_memory(update, grad)
    for field in new_state:
        if isinstance(field, np.ndarray):
            assert not np.shares_memory(field, grad)
    # the same inputs give the same outputs
    update_again, _ = update_of(opt, grad, state)
    assert np.array_equal(update, update_again)


@pytest.mark.parametrize("opt", ALL, ids=repr)
def test_update_accepts_lists_and_returns_float_arrays(opt):
    state = opt.init([0.0, 0.0])
    update, state = update_of(opt, [1, -2], state)
    assert isinstance(update, np.ndarray) and update.dtype == np.float64 and update.shape == (2,)


@pytest.mark.parametrize("opt", ALL, ids=repr)
def test_effective_lr_is_a_float_array_shaped_like_the_parameters(opt):
    state = opt.init(np.zeros((2, 3)))
    for lr in (opt.effective_lr(state), opt.effective_lr(update_of(opt, np.ones((2, 3)), state)[1])):
        assert isinstance(lr, np.ndarray) and lr.shape == (2, 3) and lr.dtype == np.float64


# ---------------------------------------------------------------------------------------------
# effective_lr: one meaning for every rule (Optimizer's docstring): update = effective_lr * g for a
# steady gradient, at the scale in the state. Checked against the updates the rules actually take.

NO_MOMENTUM = [
    GradientDescent(0.3), AdaGrad(0.5), AdaGrad(0.5, eps=0.1, initial_accumulator=2.0), RMSProp(0.1),
    RMSProp(0.1, rho=0.5, eps=0.3, eps_inside_sqrt=True), RMSProp(0.1, centered=True, eps=1e-3),
]


@pytest.mark.parametrize("opt", NO_MOMENTUM, ids=repr)
def test_without_momentum_every_update_is_effective_lr_times_the_gradient(opt):
    state = opt.init(np.zeros(3))
    for g in ([0.5, -2.0, 4.0], [1.0, 0.25, -3.0], [-0.75, 8.0, 0.5]):
        update, state = update_of(opt, np.array(g), state)
        close(update, opt.effective_lr(state) * np.array(g))


@pytest.mark.parametrize("bias_correction", [True, False])
def test_adam_update_is_effective_lr_times_the_corrected_first_moment(bias_correction):
    opt = Adam(0.1, beta1=0.5, beta2=0.75, eps=1e-3, bias_correction=bias_correction)
    state = opt.init(np.zeros(2))
    for t, g in enumerate(([0.5, -2.0], [1.0, 0.25], [-0.75, 8.0]), start=1):
        update, state = update_of(opt, np.array(g), state)
        m_hat = state.m / (1 - 0.5**t) if bias_correction else state.m
        close(update, opt.effective_lr(state) * m_hat)


@pytest.mark.parametrize("opt", [Momentum(0.1, momentum=0.5), Momentum(0.1, momentum=0.9, nesterov=True),
                                 RMSProp(0.01, rho=0.9, momentum=0.8), Adam(0.01, beta1=0.9, beta2=0.99)], ids=repr)
def test_with_momentum_a_steady_gradient_reaches_effective_lr_times_the_gradient(opt):
    # a constant gradient for 1000 steps: the momentum buffer (and s) have settled to within mu^1000
    g = np.array([2.0, -0.5])
    state = opt.init(np.zeros(2))
    for _ in range(1000):
        update, state = update_of(opt, g, state)
    close(update / g, opt.effective_lr(state))


def test_effective_lr_by_hand_for_each_rule():
    # Momentum: lr / (1 - mu) = 0.1 / 0.5; at any state, also the first
    momentum = Momentum(0.1, momentum=0.5)
    close(momentum.effective_lr(momentum.init(np.zeros(2))), [0.2, 0.2])
    # RMSProp with momentum: g = [2, -4], rho = 0.75 gives s = [1, 4]; lr / ((1 - mu) sqrt(s)) = 0.1 / (0.5 [1, 2])
    rms = RMSProp(lr=0.1, rho=0.75, eps=0.0, momentum=0.5)
    _, state = rms.update(np.array([2.0, -4.0]), rms.init(np.zeros(2)))
    close(rms.effective_lr(state), [0.2, 0.1])
    # before any gradient the scale is zero: lr / eps, the largest value eps allows
    for opt in [cls(0.1, eps=1e-4, **NEUTRAL.get(cls, {})) for cls in WITH_EPS] + [Adam(0.1, eps=1e-4, bias_correction=False)]:
        close(opt.effective_lr(opt.init(np.zeros(2))), [1e3, 1e3])
    # ... and with eps = 0 such a coordinate does not move: 0, not inf
    for opt in [cls(0.1, eps=0.0, **NEUTRAL.get(cls, {})) for cls in WITH_EPS]:
        _, state = update_of(opt, np.array([0.0, 2.0]), opt.init(np.zeros(2)))
        lr = opt.effective_lr(state)
        assert lr[0] == 0.0 and lr[1] > 0


# ---------------------------------------------------------------------------------------------
# eps = 0: the rules as first published. A zero gradient in a coordinate that has seen no other
# gives 0 / 0; it is defined as a zero step (no NaN), as optax's AdaGrad guards its division.

ZERO_EPS = [cls(0.1, eps=0.0, **NEUTRAL.get(cls, {})) for cls in WITH_EPS] + [
    RMSProp(0.1, eps=0.0, centered=True), RMSProp(0.1, eps=0.0, momentum=0.9), RMSProp(0.1, eps=0.0, eps_inside_sqrt=True),
    Adam(0.1, eps=0.0, bias_correction=False)]


@pytest.mark.parametrize("opt", ZERO_EPS, ids=repr)
def test_eps_zero_and_a_zero_gradient_give_a_zero_step(opt, no_warnings):
    state = opt.init(np.zeros(2))
    for _ in range(3):
        update, state = update_of(opt, np.array([0.0, 3.0]), state)
        assert update[0] == 0.0 and np.isfinite(update[1]) and update[1] > 0
    for field in state:
        if isinstance(field, np.ndarray):
            assert np.all(np.isfinite(field))


@pytest.mark.parametrize("opt, bad", [(opt, bad) for opt in ZERO_EPS for bad in (np.nan, np.inf, -np.inf, 1e200)
                                      if bad != 1e200 or opt.squares_gradient],  # 1e200 is too large to square
                         ids=lambda case: repr(case))
def test_eps_zero_guard_never_hides_a_bad_gradient(opt, bad):
    # with eps = 0 a NaN denominator fails the guard's "> 0" and would give a zero update: update
    # must still refuse the gradient, in a fresh state and in one that has seen gradients
    fresh = opt.init(np.zeros(3))
    _, used = update_of(opt, np.array([0.5, -2.0, 0.0]), fresh)
    for state in (fresh, used):
        for grad in (np.array([bad, 1.0, 0.0]), np.array([1.0, 0.0, bad])):
            with pytest.raises(ValueError, match="grad"):
                update_of(opt, grad, state)


def test_eps_zero_elsewhere_is_the_plain_rule():
    # AdaGrad, eps = 0: update = lr g / |g| on the first step, for the coordinate that has a gradient
    update, _ = AdaGrad(0.5, eps=0.0).update(np.array([0.0, -3.0]), AdaGrad(0.5, eps=0.0).init(np.zeros(2)))
    close(update, [0.0, -0.5])


# ---------------------------------------------------------------------------------------------
# update and effective_lr check their arguments (the full sweep is tests/test_bad_input.py)

@pytest.mark.parametrize("opt", ALL, ids=repr)
@pytest.mark.parametrize("grad, error", [(None, TypeError), ("1.0", TypeError), ([1 + 2j, 1.0], TypeError),
                                         ([np.nan, 1.0], ValueError), ([np.inf, 1.0], ValueError),
                                         (np.ones(3), ValueError), ([True, False], TypeError)])
def test_every_update_checks_the_gradient(opt, grad, error):
    with pytest.raises(error, match="grad"):
        update_of(opt, grad, opt.init(np.zeros(2)))


@pytest.mark.parametrize("cls", SQUARING, ids=lambda c: c.name)
def test_gradients_too_large_to_square_are_refused(cls):
    opt = cls(0.1)
    with pytest.raises(ValueError, match=r"grad has entries up to 1e\+200 in size; \w+ squares them, so they must stay below"):
        update_of(opt, np.array([1e200, 1.0]), opt.init(np.zeros(2)))


def test_gradient_descent_takes_large_gradients():
    update, _ = GradientDescent(0.5).update(np.array([1e200, 1.0]), GradientDescent(0.5).init(np.zeros(2)))
    close(update, [5e199, 0.5])


@pytest.mark.parametrize("opt", ALL, ids=repr)
def test_a_state_of_another_type_is_refused(opt):
    for state in (None, (), {"s": np.zeros(2)}, Momentum(0.1).init(np.zeros(2)) if not isinstance(opt, Momentum)
                  else AdaGrad(0.1).init(np.zeros(2))):
        with pytest.raises(TypeError, match=rf"state must be a {opt.State.__name__} made by {opt.name}.init"):
            update_of(opt, np.ones(2), state)
        with pytest.raises(TypeError, match="state must be"):
            opt.effective_lr(state)


@pytest.mark.parametrize("state, error, words", [
    (RMSPropState(None, np.zeros(2), np.zeros(2)), TypeError, "state.s must be a float64 array"),
    (RMSPropState(np.zeros(2), np.zeros(3), np.zeros(2)), ValueError, r"state.g_avg must have the shape of state.s"),
    (RMSPropState(np.array([np.nan, 0.0]), np.zeros(2), np.zeros(2)), ValueError, "state.s must contain only finite"),
    (RMSPropState(np.array([-1.0, 0.0]), np.zeros(2), np.zeros(2)), ValueError, "state.s must be >= 0"),
    (RMSPropState(np.zeros(2, dtype=int), np.zeros(2), np.zeros(2)), TypeError, "state.s must be a float64 array"),
])
def test_a_state_with_bad_contents_is_refused(state, error, words):
    opt = RMSProp(0.1, centered=True)
    with pytest.raises(error, match=words):
        update_of(opt, np.ones(2), state)
    with pytest.raises(error, match=words):
        opt.effective_lr(state)


@pytest.mark.parametrize("t, error", [(-1, ValueError), (1.5, TypeError), ("3", TypeError), (True, TypeError),
                                      (10**400, ValueError)])
def test_adam_state_t_must_be_a_count(t, error):
    with pytest.raises(error, match="state.t"):
        Adam(0.1).update(np.ones(2), AdamState(np.zeros(2), np.zeros(2), t))


def test_a_state_changed_in_place_after_an_update_is_caught():
    # the state an update returned is not read again in full (a million parameters would pay for it),
    # but a NaN written into it still cannot produce a silent update
    opt = RMSProp(0.1)
    _, state = update_of(opt, np.ones(2), opt.init(np.zeros(2)))
    state.s[0] = np.nan
    with pytest.raises(ValueError, match="state must be one that RMSProp.init or update returned, unchanged"):
        update_of(opt, np.ones(2), state)
    # an update beyond float64 is refused as well
    huge = GradientDescent(1e300)
    with pytest.raises(ValueError, match="update is not finite .* lr must be smaller"):
        huge.update(np.array([1e10, 1.0]), huge.init(np.zeros(2)))


@pytest.mark.parametrize("opt", ALL, ids=repr)
def test_init_checks_the_start_point(opt):
    for x0, error in ((None, TypeError), ("abc", TypeError), ({}, TypeError), ([np.nan, 1.0], ValueError),
                      ([1 + 2j], TypeError), ([], ValueError), ("1.5", TypeError)):
        with pytest.raises(error, match="x0"):
            opt.init(x0)


def test_centered_rmsprop_never_takes_the_root_of_a_rounded_negative_variance(no_warnings):
    # With a constant gradient, g_avg^2 approaches s and s - g_avg^2 rounds to tiny negative
    # numbers after a few hundred steps (PyTorch returns NaN there). The variance is clipped at 0.
    opt = RMSProp(lr=0.01, rho=0.9, eps=1e-8, centered=True)
    state = opt.init(np.zeros(3))
    grad = np.array([4.51524271, 1.7, 12.5])  # the first rounds below zero at update 320
    negative = []
    for _ in range(600):
        update, state = update_of(opt, grad, state)
        assert np.all(np.isfinite(update))
        negative.append(np.any(state.s - state.g_avg**2 < 0))
    assert any(negative)  # the case the clipping is for did happen
    assert np.all(state.s - state.g_avg**2 < 1e-12)
