"""The experiments notebook 06 runs and the lecture figures redraw, and the two 'end is chance' rules."""
import dataclasses
import json

import numpy as np
import pytest

from rmsprop_lib import experiments
from rmsprop_lib.experiments import bounces, gap_and_chaos
from rmsprop_lib.objectives import bowl, elongated_bowl, get_objective, rosenbrock
from rmsprop_lib.optimizers import OPTIMIZERS, AdaGrad, Adam, GradientDescent, Momentum, RMSProp
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


@pytest.mark.parametrize("rule", [AdaGrad(lr=1.0), Adam(lr=1.0), Momentum(lr=1e-3, momentum=0.9)],
                         ids=lambda r: r.label)
def test_lr_sweep_is_gap_and_chaos_at_every_learning_rate(rule):
    """Rosenbrock in 300 steps at rates 1.5 apart: the verdicts equal gap_and_chaos's run by run, and the gaps
    agree up to rounding wherever the end is not chance (a chaotic run's digits are rounding by definition)."""
    lrs = rule.lr * 1.5 ** np.arange(-3, 4)
    swept = experiments.lr_sweep(rosenbrock, rule, lrs, steps=300)
    alone = [gap_and_chaos(rosenbrock, dataclasses.replace(rule, lr=lr), 300) for lr in lrs]
    assert [c for _, c in swept] == [c for _, c in alone]
    for (gap, chaotic), (expected, _) in zip(swept, alone):
        if not chaotic:
            assert gap == pytest.approx(expected, rel=1e-6, abs=1e-300)


def test_lr_sweep_refuses_bad_input():
    with pytest.raises(TypeError, match="objective must be an Objective"):
        experiments.lr_sweep("rosenbrock", RMSProp(lr=0.1), [0.1], 10)
    with pytest.raises(TypeError, match="optimizer must be an optimizer"):
        experiments.lr_sweep(rosenbrock, "RMSProp", [0.1], 10)
    with pytest.raises(ValueError, match="lrs"):
        experiments.lr_sweep(rosenbrock, RMSProp(lr=0.1), [0.1, -1.0], 10)
    with pytest.raises(ValueError, match="at least one"):
        experiments.lr_sweep(rosenbrock, RMSProp(lr=0.1), [], 10)
    with pytest.raises((ValueError, TypeError), match="steps"):
        experiments.lr_sweep(rosenbrock, RMSProp(lr=0.1), [0.1], 0)


# --- the gallery and the sensitivity maps ---------------------------------------------------------

def test_the_gallery_runs_its_optimizers_on_every_landscape_at_their_learning_rates():
    runs = experiments.gallery_runs(steps=5)
    assert list(runs) == list(experiments.GALLERY_LR)
    shown = [name for name in OPTIMIZERS if name in experiments.GALLERY_OPTIMIZERS]  # legend order
    assert set(experiments.GALLERY_OPTIMIZERS) <= set(OPTIMIZERS) and len(shown) == 5
    for name, traces in runs.items():
        assert [t.optimizer for t in traces] == shown
        assert [t.label for t in traces] == [OPTIMIZERS[n].label for n in shown]
        for t in traces:
            plain, adaptive = experiments.GALLERY_LR[name]
            assert t.rule.lr == (plain if t.optimizer in ("GradientDescent", "Momentum") else adaptive)
            assert t.steps == 5 and t.status == "max_steps"


def test_the_tuned_gallery_is_each_run_at_each_learning_rate():
    lrs = (0.01, 0.5, 3.0)
    tuned = experiments.tuned_gallery(lrs=lrs, steps=20)
    assert list(tuned) == list(experiments.GALLERY_LR)
    shown = [name for name in OPTIMIZERS if name in experiments.GALLERY_OPTIMIZERS]
    for landscape in ("bowl", "rosenbrock"):
        objective = get_objective(landscape)
        assert list(tuned[landscape]) == shown
        for name in shown:
            for lr, gap in zip(lrs, tuned[landscape][name]):
                alone = minimize(objective, OPTIMIZERS[name](lr=lr), steps=20)
                if alone.status == "diverged":
                    assert gap == np.inf, (landscape, name, lr)
                else:  # the same run up to rounding (the stack multiplies each update by its lr afterwards)
                    assert gap == pytest.approx(alone.f - objective.min_value, rel=1e-9, abs=1e-300), (landscape, name, lr)
    # Gradient descent at lr 1/2 on x^2 + y^2 (gradient 2x) lands on the minimum in one update.
    assert tuned["bowl"]["GradientDescent"][1] == 0.0
    assert tuned["rosenbrock"]["GradientDescent"][2] == np.inf  # lr 3 on Rosenbrock's walls blows up


def test_the_tuned_gallery_twin_test_agrees_with_gap_and_chaos():
    # RMSProp on Himmelblau: at lr 17.8 it lands on a minimum by chance, at 0.0178 it hovers near one.
    lrs = (0.0178, 17.8)
    with_twins = experiments.tuned_gallery(lrs=lrs, steps=300, twins=True)
    plain = experiments.tuned_gallery(lrs=lrs, steps=300)
    himmelblau = get_objective("himmelblau")
    for landscape, by_optimizer in with_twins.items():
        for name, (gaps, chaotic) in by_optimizer.items():
            assert np.array_equal(gaps, plain[landscape][name]) and chaotic.dtype == bool
    gaps, chaotic = with_twins["himmelblau"]["RMSProp"]
    verdicts = [experiments.gap_and_chaos(himmelblau, RMSProp(lr=lr), 300)[1] for lr in lrs]
    assert list(chaotic) == verdicts == [False, True]


def test_tuned_gallery_refuses_bad_input():
    with pytest.raises(ValueError, match="lrs"):
        experiments.tuned_gallery(lrs=(0.1, -1.0), steps=5)
    with pytest.raises(ValueError, match="at least one"):
        experiments.tuned_gallery(lrs=(), steps=5)
    with pytest.raises((ValueError, TypeError), match="steps"):
        experiments.tuned_gallery(steps=0)
    with pytest.raises(TypeError, match="twins"):
        experiments.tuned_gallery(steps=5, twins="yes")


def test_the_gallery_draws_every_minimum_above_the_paths_and_adam_dashed():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig = experiments.plot_gallery(experiments.gallery_runs(steps=5))
    saddle = fig.axes[5]
    stars = [c for c in saddle.collections if c.get_label() in ("minimum", "minima")]
    assert len(stars) == 1 and len(stars[0].get_offsets()) == 2  # (0, -1) and (0, 1)
    crosses = [line for line in saddle.lines if line.get_marker() == "X"]
    assert len(crosses) == 5 and all(line.get_markersize() < 9 for line in crosses)
    paths = [line for line in saddle.lines if line.get_marker() != "X"]
    styles = {line.get_label(): line.get_linestyle() for line in paths}
    assert styles["Adam"] == "--" and styles["RMSProp"] == "-"
    widths = [line.get_linewidth() for line in paths]  # in drawing order: each narrower than the ones under it
    assert len(widths) == 5 and all(a > b for a, b in zip(widths, widths[1:]))
    assert all(line.get_marker() in ("None", "none", "", None) for line in paths)  # no dot per step to hide a path
    assert stars[0].get_zorder() > max(p.get_zorder() for p in paths)
    plt.close(fig)


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
            # The map runs a whole row in one stack (the rule at lr 1, each update times its row's lr): the same
            # runs up to rounding, so the same chaos verdicts and, where the run is not chaotic, the same gaps.
            gap, chaotic = gap_and_chaos(rosenbrock, RMSProp(lr=lr, rho=rho), 100)
            assert result.chaotic[i, j] == chaotic, (rho, lr)
            if not chaotic:
                assert result.gaps[i, j] == pytest.approx(gap, rel=1e-9), (rho, lr)
    assert result.chaotic.any() and not result.chaotic.all()  # both kinds of cell are compared
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


# --- noise floors ---------------------------------------------------------------------------------

def test_noisy_loss_gaps_are_runs_with_the_noise_written_out():
    from rmsprop_lib import Adam

    objective = get_objective("elongated_bowl")
    lrs, runs, steps, sigma = (0.05, 0.02), 3, 40, 0.5
    gaps = experiments.noisy_loss_gaps(Adam(lr=0.1), lrs, runs=runs, steps=steps, sigma=sigma, seed=7)
    assert gaps.shape == (len(lrs), runs, steps + 1)
    # By hand: one noise draw of shape (runs, 2) per step from default_rng(seed), the same for every lr.
    rng = np.random.default_rng(7)
    noise = [rng.standard_normal((runs, 2)) for _ in range(steps)]
    for i, lr in enumerate(lrs):
        for r in range(runs):
            opt = Adam(lr=lr)
            x = np.array(objective.start, dtype=float)
            state = opt.init(x)
            expected = [objective.f(x)]
            for k in range(steps):
                update, state = opt.update(objective.gradient(x) + sigma * noise[k][r], state)
                x = x - update
                expected.append(objective.f(x))
            assert gaps[i, r] == pytest.approx(np.array(expected) - objective.min_value, rel=1e-9, abs=1e-15)


def test_the_gradient_descent_noise_floor_is_proportional_to_the_learning_rate():
    """Notebook 06 section 4: on x^2 + 10 y^2 with gradient noise sigma, gradient descent's average loss settles at
    sum_i lr sigma^2 / (2 (2 - lr lambda_i)), lambda = (2, 20): within 10% over 64 runs (another seed than the notebook's)."""
    from rmsprop_lib import GradientDescent

    lrs = (0.05, 0.0125)
    gaps = experiments.noisy_loss_gaps(GradientDescent(lr=0.05), lrs, runs=64, steps=1500, seed=3)
    for lr, curves in zip(lrs, gaps):
        predicted = np.sum(lr * 0.5**2 / (2 * (2 - lr * np.array([2.0, 20.0]))))
        assert curves[:, 700:].mean() == pytest.approx(predicted, rel=0.1), lr


def test_noisy_loss_gaps_marks_a_diverged_run_inf():
    from rmsprop_lib import GradientDescent

    gaps = experiments.noisy_loss_gaps(GradientDescent(lr=0.05), (0.05, 0.2), runs=2, steps=400)
    assert np.isfinite(gaps[0]).all()
    assert np.isinf(gaps[1, :, -1]).all()  # lr 0.2 > 2/L = 0.1: diverges


@pytest.mark.parametrize("kwargs, error, message", [
    ({"optimizer": "Adam"}, TypeError, "optimizer must be an optimizer"),
    ({"lrs": (0.1, -1.0)}, ValueError, "lrs"),
    ({"runs": 0}, ValueError, "runs"),
    ({"steps": 2.5}, TypeError, "steps"),
    ({"sigma": -0.5}, ValueError, "sigma"),
    ({"landscape": "noisy_bowl"}, ValueError, "without noise"),
    ({"landscape": "moon"}, ValueError, "moon"),
])
def test_noisy_loss_gaps_refuses_bad_input(kwargs, error, message):
    from rmsprop_lib import GradientDescent

    args = {"optimizer": GradientDescent(lr=0.1), "lrs": (0.1,), **kwargs}
    with pytest.raises(error, match=message):
        experiments.noisy_loss_gaps(args.pop("optimizer"), args.pop("lrs"), steps=args.pop("steps", 5), **args)


def test_adam_on_the_bowl_does_not_settle_for_good():
    """Notebook 06 section 2: Adam (lr 0.1) on x^2 + y^2 falls below 1e-100, then its loss climbs back above 1e-4
    again and again (its effective learning rate grows as v forgets the start, until it passes 2(1+beta1)/(1-beta1)
    over the curvature = 19)."""
    from rmsprop_lib import Adam

    trace = minimize(bowl, Adam(lr=0.1), steps=30_000)
    gaps = trace.fs - bowl.min_value
    assert gaps[:5000].min() < 1e-100
    above = gaps > 1e-4
    upcrossings = np.flatnonzero(above[1:] & ~above[:-1]) + 1
    late = upcrossings[upcrossings > 5000]
    assert len(late) >= 3, late  # it keeps coming back
    lrs = np.asarray(trace.effective_lrs)
    first = late[0]
    assert lrs[first - 50:first].max() > 19 > lrs[299].max()


def test_several_optimizers_in_one_loop_give_the_runs_each_gives_alone():
    from rmsprop_lib import Adam, GradientDescent, Momentum

    groups = [(GradientDescent(lr=0.05), (0.05, 0.02)), (Momentum(lr=0.01), (0.005,)), (Adam(lr=0.05), (0.05,))]
    together = experiments.noisy_loss_gaps_of(groups, runs=2, steps=60, seed=4)
    for (optimizer, lrs), gaps in zip(groups, together):
        alone = experiments.noisy_loss_gaps(optimizer, lrs, runs=2, steps=60, seed=4)
        assert gaps.shape == alone.shape
        np.testing.assert_allclose(gaps, alone, rtol=1e-12, atol=0)
    with pytest.raises(ValueError, match="at least one"):
        experiments.noisy_loss_gaps_of([])
    with pytest.raises(TypeError, match="pairs"):
        experiments.noisy_loss_gaps_of([GradientDescent(lr=0.1)])
