"""Learning-rate schedules: values derived by hand, PyTorch's schedulers step for step, bad input."""
import math

import pytest

from rmsprop_lib import schedules
from rmsprop_lib.schedules import cosine_decay, linear_warmup, step_decay, warmup_cosine


def values(schedule, n):
    return [schedule(k) for k in range(n)]


# ----------------------------------------------------------------- values worked out by hand


def test_step_decay_multiplies_by_gamma_every_step_size_updates():
    lr = step_decay(0.8, step_size=3, gamma=0.5)
    assert values(lr, 7) == [0.8, 0.8, 0.8, 0.4, 0.4, 0.4, 0.2]


def test_cosine_decay_starts_at_lr_is_halfway_at_half_time_and_ends_at_min_lr():
    lr = cosine_decay(1.0, total_steps=10, min_lr=0.2)
    assert lr(0) == 1.0
    assert lr(5) == pytest.approx(0.6, abs=1e-15)  # cos(pi/2) = 0: the middle of [0.2, 1]
    assert lr(10) == pytest.approx(0.2, abs=1e-15)
    assert lr(2) == pytest.approx(0.2 + 0.8 * (1 + math.cos(math.pi / 5)) / 2, abs=1e-15)


def test_cosine_decay_stays_at_min_lr_after_total_steps():
    lr = cosine_decay(1.0, total_steps=10, min_lr=0.2)
    assert [lr(k) for k in (10, 11, 25, 10**9)] == [lr(10)] * 4


def test_cosine_decay_only_falls():
    lr = values(cosine_decay(0.3, total_steps=100), 120)
    assert all(a >= b for a, b in zip(lr, lr[1:]))
    assert lr[0] == 0.3 and lr[-1] == 0.0


def test_linear_warmup_climbs_in_equal_steps_then_holds():
    lr = linear_warmup(1.0, warmup_steps=4, start_factor=0.2)
    assert values(lr, 7) == pytest.approx([0.2, 0.4, 0.6, 0.8, 1.0, 1.0, 1.0], abs=1e-15)


def test_warmup_cosine_is_the_warm_up_then_the_cosine_shifted_by_the_warm_up():
    lr = warmup_cosine(1.0, warmup_steps=4, total_steps=14, min_lr=0.1, start_factor=0.2)
    warm = linear_warmup(1.0, warmup_steps=4, start_factor=0.2)
    cool = cosine_decay(1.0, total_steps=10, min_lr=0.1)
    assert values(lr, 4) == values(warm, 4)
    assert [lr(k) for k in range(4, 20)] == [cool(k) for k in range(0, 16)]
    assert lr(14) == pytest.approx(0.1, abs=1e-15)


def test_repr_shows_the_arguments():
    assert repr(step_decay(0.1, 5, 0.5)) == "step_decay(lr=0.1, step_size=5, gamma=0.5)"


# ----------------------------------------------------------------- PyTorch, step for step


def _torch_lrs(make, lr, n):
    torch = pytest.importorskip("torch", reason="comparing with PyTorch's schedulers needs PyTorch")
    p = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([p], lr=lr)
    scheduler = make(torch.optim.lr_scheduler, opt)
    out = []
    for _ in range(n):
        out.append(opt.param_groups[0]["lr"])
        opt.step()
        scheduler.step()
    return out


TORCH_CASES = {
    "step": (step_decay(0.1, 7, 0.5), lambda L, o: L.StepLR(o, 7, 0.5), 0.1, 50),
    "cosine": (cosine_decay(0.1, 40, 0.001), lambda L, o: L.CosineAnnealingLR(o, T_max=40, eta_min=0.001), 0.1, 41),
    "cosine_long": (cosine_decay(0.05, 1000), lambda L, o: L.CosineAnnealingLR(o, T_max=1000), 0.05, 1001),
    "warmup": (linear_warmup(0.1, 10, 0.2), lambda L, o: L.LinearLR(o, 0.2, 1.0, total_iters=10), 0.1, 40),
    "warmup_default": (linear_warmup(0.1, 10), lambda L, o: L.LinearLR(o, total_iters=10), 0.1, 20),
    "warmup_cosine": (warmup_cosine(0.1, 10, 50, 0.001, 0.2),
                      lambda L, o: L.SequentialLR(o, [L.LinearLR(o, 0.2, 1.0, total_iters=10),
                                                      L.CosineAnnealingLR(o, T_max=40, eta_min=0.001)],
                                                  milestones=[10]), 0.1, 51),
}


@pytest.mark.torch
@pytest.mark.parametrize("case", TORCH_CASES)
def test_equals_pytorch_scheduler(case):
    schedule, make, lr, n = TORCH_CASES[case]
    expected = _torch_lrs(make, lr, n)
    assert values(schedule, n) == pytest.approx(expected, rel=1e-12, abs=1e-15)


# ----------------------------------------------------------------- bad input


@pytest.mark.parametrize("make, message", [
    (lambda: step_decay(0.0, 5), "lr must be"),
    (lambda: step_decay(-1.0, 5), "lr must be"),
    (lambda: step_decay(float("nan"), 5), "lr must be"),
    (lambda: step_decay(0.1, 0), "step_size must be"),
    (lambda: step_decay(0.1, 5, gamma=0.0), r"gamma must be in \(0, 1\]"),
    (lambda: step_decay(0.1, 5, gamma=1.5), r"gamma must be in \(0, 1\]"),
    (lambda: cosine_decay(0.1, 0), "total_steps must be"),
    (lambda: cosine_decay(0.1, 10, min_lr=-0.1), "min_lr must be"),
    (lambda: cosine_decay(0.1, 10, min_lr=0.2), r"min_lr must be at most lr \(0.1\)"),
    (lambda: linear_warmup(0.1, 0), "warmup_steps must be"),
    (lambda: linear_warmup(0.1, 5, start_factor=0.0), r"start_factor must be in \(0, 1\]"),
    (lambda: linear_warmup(0.1, 5, start_factor=2.0), r"start_factor must be in \(0, 1\]"),
    (lambda: warmup_cosine(0.1, 10, 10), r"total_steps must be larger than warmup_steps \(10\)"),
])
def test_bad_arguments_are_named(make, message):
    with pytest.raises(ValueError, match=message):
        make()


@pytest.mark.parametrize("make", [lambda: step_decay("0.1", 5), lambda: step_decay(0.1, 2.5),
                                  lambda: cosine_decay(0.1, True)])
def test_wrong_types_are_refused(make):
    with pytest.raises(TypeError):
        make()


@pytest.mark.parametrize("k", [-1, 1.5, "3", None])
def test_the_update_count_must_be_a_whole_number_at_least_zero(k):
    schedule = cosine_decay(0.1, 10)
    with pytest.raises((TypeError, ValueError), match="k"):
        schedule(k)


def test_every_schedule_is_a_schedule():
    made = [step_decay(0.1, 2), cosine_decay(0.1, 5), linear_warmup(0.1, 3), warmup_cosine(0.1, 2, 5)]
    assert all(isinstance(s, schedules.Schedule) for s in made)
