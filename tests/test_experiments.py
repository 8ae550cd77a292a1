"""The experiments notebook 06 runs and the lecture figures redraw, and the two 'end is chance' rules."""
import json

import numpy as np
import pytest

from rmsprop_lib import experiments
from rmsprop_lib.experiments import bounces, gap_and_chaos
from rmsprop_lib.objectives import bowl, elongated_bowl, get_objective, rosenbrock
from rmsprop_lib.optimizers import OPTIMIZERS, GradientDescent, RMSProp
from rmsprop_lib.run import minimize


# --- bounces --------------------------------------------------------------------------------------

@pytest.mark.parametrize("losses, expected", [
    ([5.0, 4.0, 3.0, 2.0, 1.0], False),          # only falls
    (10.0 ** -np.arange(40.0), False),           # falls very fast: still no bounce
    ([4.0, 1.0, 1.9, 1.5], False),               # climbs back, but not above twice its lowest value
    ([4.0, 1.0, 2.1], True),                     # above twice the lowest value so far
    ([1.0, 3.0, 0.5], True),                     # 3 > 2 x 1, even though the run ends lower
])
def test_bounces_means_climbing_back_above_twice_the_lowest_value_so_far(losses, expected):
    tail = np.asarray(losses, dtype=float)
    assert any(tail[k] > 2 * tail[:k + 1].min() for k in range(len(tail))) is expected  # the rule by hand
    assert bounces(losses) is expected


def test_bounces_looks_only_at_the_last_window():
    early_bounce = [4.0, 1.0, 3.0] + [0.5] * 50
    assert bounces(early_bounce, window=60) is True
    assert bounces(early_bounce, window=50) is False


@pytest.mark.parametrize("losses, window, error, message", [
    ("abc", 50, TypeError, "losses"),
    ([[1.0, 2.0]], 50, ValueError, "losses must be a non-empty sequence"),
    ([], 50, ValueError, "losses must not be empty"),
    ([1.0, 2.0], 0, ValueError, "window"),
    ([1.0, 2.0], 2.5, TypeError, "window"),
])
def test_bounces_refuses_bad_input(losses, window, error, message):
    with pytest.raises(error, match=message):
        bounces(losses, window=window)


# --- the twin-start test ------------------------------------------------------------------------

def test_a_smooth_run_is_not_chaotic_and_its_gap_is_the_runs_own():
    gap, chaotic = gap_and_chaos(bowl, GradientDescent(lr=0.1), steps=50)
    assert chaotic is False
    assert gap == minimize(bowl, GradientDescent(lr=0.1), steps=50).f - bowl.min_value


def test_chaotic_means_twin_starts_a_billionth_apart_end_more_than_twice_apart():
    # Checked against the definition written out: three runs, from the start and nudged in x and in y.
    for lr, rho in [(1.0, 0.5), (0.3, 0.9), (0.001, 0.9), (0.1, 0.99)]:
        x, y = rosenbrock.start
        finals = [minimize(rosenbrock, RMSProp(lr=lr, rho=rho), x0=s, steps=300).f
                  for s in ((x, y), (x + 1e-9, y), (x, y + 1e-9))]
        gap, chaotic = gap_and_chaos(rosenbrock, RMSProp(lr=lr, rho=rho), steps=300)
        assert chaotic is bool(max(finals) > 2 * min(finals)), (lr, rho)
        if not chaotic:  # run side by side, the same runs agree up to rounding (a chaotic one amplifies it)
            assert gap == pytest.approx(finals[0], rel=1e-9, abs=0), (lr, rho)


def test_the_chaotic_cells_of_notebook_06_are_found_and_the_slow_ones_are_not():
    # RMSProp with a short memory at a large learning rate bounces between Rosenbrock's walls.
    assert gap_and_chaos(rosenbrock, RMSProp(lr=1.0, rho=0.5), steps=300)[1] is True
    assert gap_and_chaos(rosenbrock, RMSProp(lr=0.001, rho=0.9), steps=300)[1] is False


def test_on_a_noisy_landscape_the_twins_see_the_same_noise():
    noisy = get_objective("noisy_bowl")
    x, y = noisy.start
    finals = [minimize(noisy, GradientDescent(lr=0.1), x0=s, steps=50).f - noisy.min_value
              for s in ((x, y), (x + 1e-9, y), (x, y + 1e-9))]
    assert gap_and_chaos(noisy, GradientDescent(lr=0.1), steps=50) == (finals[0], False)
    assert max(finals) < 1.01 * min(finals)  # with other noise per twin they would differ far more


def test_a_run_that_always_diverges_has_gap_inf_and_is_not_chaotic():
    gap, chaotic = gap_and_chaos(elongated_bowl(10.0), GradientDescent(lr=0.11), steps=300)
    assert gap == np.inf and chaotic is False


@pytest.mark.parametrize("args, error, message", [
    (("rosenbrock", RMSProp(lr=0.1), 10), TypeError, "objective must be an Objective"),
    ((rosenbrock, "RMSProp", 10), TypeError, "optimizer must be an optimizer"),
    ((rosenbrock, RMSProp(lr=0.1), 10, None, 0.0), ValueError, "nudge"),
    ((rosenbrock, RMSProp(lr=0.1), 10, [1.0, 2.0, 3.0]), ValueError, "x0"),
])
def test_gap_and_chaos_refuses_bad_input(args, error, message):
    with pytest.raises(error, match=message):
        gap_and_chaos(*args)


# --- the gallery and the sensitivity maps ---------------------------------------------------------

def test_the_gallery_runs_every_optimizer_on_every_landscape_at_its_learning_rate():
    runs = experiments.gallery_runs(steps=5)
    assert list(runs) == list(experiments.GALLERY_LR)
    for name, traces in runs.items():
        assert [t.optimizer for t in traces] == list(OPTIMIZERS)
        assert [t.label for t in traces] == [cls.label for cls in OPTIMIZERS.values()]
        for t in traces:
            plain, adaptive = experiments.GALLERY_LR[name]
            assert t.rule.lr == (plain if t.optimizer in ("GradientDescent", "Momentum") else adaptive)
            assert t.steps == 5 and t.status == "max_steps"


def test_gallery_lr_refuses_unknown_names():
    with pytest.raises(ValueError, match="landscape must be one of"):
        experiments.gallery_lr("moon", "Adam")
    with pytest.raises(ValueError, match="optimizer must be one of"):
        experiments.gallery_lr("bowl", "SGD")


def test_a_sensitivity_map_has_one_row_per_value_and_one_column_per_learning_rate():
    result = experiments.sensitivity_map("RMSProp", "rho", (0.5, 0.9), lrs=(0.01, 1.0), steps=100)
    assert result.gaps.shape == result.chaotic.shape == (2, 2)
    for i, rho in enumerate((0.5, 0.9)):
        for j, lr in enumerate((0.01, 1.0)):
            assert (result.gaps[i, j], result.chaotic[i, j]) == gap_and_chaos(rosenbrock, RMSProp(lr=lr, rho=rho), 100)
    kept = result.kept()
    assert np.array_equal(np.isnan(kept), ~np.isfinite(result.gaps) | result.chaotic)


def test_sensitivity_map_refuses_an_unknown_optimizer_or_setting():
    with pytest.raises(ValueError, match="optimizer must be one of"):
        experiments.sensitivity_map("SGD", "rho", (0.9,))
    with pytest.raises(TypeError):
        experiments.sensitivity_map("RMSProp", "beta1", (0.9,), lrs=(0.1,), steps=5)  # RMSProp has no beta1
    with pytest.raises(ValueError):
        experiments.sensitivity_map("RMSProp", "rho", (0.9,), landscape="moon")


def test_notebook_06_draws_its_gallery_and_heat_maps_with_the_functions_the_figures_use(checkout):
    nb = json.loads((checkout / "notebooks" / "06_playground.ipynb").read_text(encoding="utf-8"))
    code = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    for call in ("gallery_runs(", "plot_gallery(", "sensitivity_map(", "plot_sensitivity_maps("):
        assert call in code, call
    assert "GALLERY_LR = {" not in code  # no copy of the settings
    source = (checkout / "course" / "figures" / "comparisons.py").read_text(encoding="utf-8")
    for call in ("experiments.gallery_runs()", "experiments.plot_gallery(", "experiments.sensitivity_map(",
                 "experiments.plot_sensitivity_maps("):
        assert call in source, call


def test_on_rosenbrock_x_gets_the_smaller_effective_learning_rate():
    """Notebook 06, "Try this" answer 2: from the playground's start with lr 0.1, x's factor is the smaller one in
    93% of RMSProp's 300 updates and in all of Adam's (x's gradient carries the wall term -400 x (y - x^2))."""
    from rmsprop_lib import Adam, RMSProp, minimize, rosenbrock

    shares = {}
    for opt in (RMSProp(lr=0.1), Adam(lr=0.1)):
        lrs = np.asarray(minimize(rosenbrock, opt, steps=300).effective_lrs)
        shares[opt.name] = np.mean(lrs[:, 0] < lrs[:, 1])
    assert round(shares["RMSProp"], 2) == 0.93 and shares["Adam"] == 1.0
