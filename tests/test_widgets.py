"""The playground: settings checks, compute, draw, and the widget driven from code (headless, Agg)."""
import matplotlib

matplotlib.use("Agg")

import ipywidgets  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from rmsprop_lib import widgets as w  # noqa: E402
from rmsprop_lib.plotting import COLORS  # noqa: E402
from rmsprop_lib.widgets import (LANDSCAPES, MAX_STEPS, OPTIMIZER_NAMES, FastRenderer, PlaygroundSettings,  # noqa: E402
                                 compute, draw, new_figure, playground)


# ---------------------------------------------------------------------------------------------
# Settings


@pytest.mark.parametrize(
    "changes, error, words",
    [
        ({"lr": 0.0}, ValueError, ["lr", "> 0"]),
        ({"lr": -0.1}, ValueError, ["lr", "> 0"]),
        ({"lr": float("nan")}, ValueError, ["lr", "finite"]),
        ({"lr": "0.1"}, TypeError, ["lr", "real number"]),
        ({"rho": 1.0}, ValueError, ["rho", "[0, 1)"]),
        ({"rho": -0.5}, ValueError, ["rho", "[0, 1)"]),
        ({"beta1": 1.2}, ValueError, ["beta1", "[0, 1)"]),
        ({"beta2": 1.0}, ValueError, ["beta2", "[0, 1)"]),
        ({"momentum": 1.0}, ValueError, ["momentum", "[0, 1)"]),
        ({"landscape": "moon"}, ValueError, ["landscape", "rosenbrock", "noisy_bowl"]),
        ({"landscape": 3}, TypeError, ["landscape"]),
        ({"optimizers": "Adam"}, TypeError, ["optimizers", "list of names"]),
        ({"optimizers": ["SGD"]}, ValueError, ["optimizers", "'SGD'", "RMSProp"]),
        ({"start": (1.0, 2.0, 3.0)}, ValueError, ["start", "2 numbers"]),
        ({"start": (np.inf, 0.0)}, ValueError, ["start", "finite"]),
        ({"steps": 0}, ValueError, ["steps", ">= 1"]),
        ({"steps": MAX_STEPS + 1}, ValueError, ["steps", str(MAX_STEPS)]),
        ({"steps": 2.5}, TypeError, ["steps", "whole number"]),
        ({"seed": -1}, ValueError, ["seed", ">= 0"]),
    ],
)
def test_bad_settings_are_rejected_with_a_message_naming_the_setting(changes, error, words):
    with pytest.raises(error) as info:
        PlaygroundSettings(**changes)
    for word in words:
        assert word in str(info.value)


def test_replace_checks_again():
    with pytest.raises(ValueError, match="rho"):
        PlaygroundSettings().replace(rho=1.5)


def test_optimizers_are_kept_in_legend_order_without_repeats():
    settings = PlaygroundSettings(optimizers=["Adam", "GradientDescent", "Adam"])
    assert settings.optimizers == ("GradientDescent", "Adam")
    assert PlaygroundSettings(optimizers=[]).optimizers == ()


def test_every_objective_and_its_noisy_version_is_a_landscape():
    assert set(LANDSCAPES) == {"bowl", "elongated_bowl", "rosenbrock", "beale", "himmelblau", "saddle",
                               "noisy_bowl", "noisy_elongated_bowl", "noisy_rosenbrock", "noisy_beale",
                               "noisy_himmelblau", "noisy_saddle"}


def test_start_defaults_to_the_landscape_suggestion():
    assert PlaygroundSettings(landscape="rosenbrock").start_point().tolist() == [-1.5, 2.0]
    assert PlaygroundSettings(landscape="bowl", start=(1, -2)).start_point().tolist() == [1.0, -2.0]


def test_each_optimizer_gets_its_own_hyperparameters():
    s = PlaygroundSettings(lr=0.2, rho=0.8, beta1=0.7, beta2=0.95, momentum=0.5)
    assert s.optimizer("GradientDescent").hyperparameters() == {"lr": 0.2}
    assert s.optimizer("Momentum").momentum == 0.5
    assert s.optimizer("RMSProp").rho == 0.8
    adam = s.optimizer("Adam")
    assert (adam.beta1, adam.beta2) == (0.7, 0.95)


# ---------------------------------------------------------------------------------------------
# compute


def test_gradient_descent_on_the_bowl_matches_the_closed_form():
    # On x^2 + y^2, x <- x - lr * 2x, so after k steps x_k = (1 - 2 lr)^k x_0.
    s = PlaygroundSettings(landscape="bowl", optimizers=["GradientDescent"], lr=0.1, steps=10)
    (trace,) = compute(s)
    assert trace.steps == 10
    np.testing.assert_allclose(trace.x, np.array([4.0, 3.0]) * 0.8**10, rtol=1e-12)


def test_first_rmsprop_step_moves_every_coordinate_by_lr_over_sqrt_one_minus_rho():
    s = PlaygroundSettings(landscape="bowl", optimizers=["RMSProp"], lr=0.01, rho=0.75, steps=1)
    (trace,) = compute(s)
    step = 0.01 / np.sqrt(1 - 0.75)  # s_1 = (1 - rho) g^2, so g / sqrt(s_1) = sign(g) / sqrt(1 - rho)
    np.testing.assert_allclose(trace.xs[1], [4.0 - step, 3.0 - step], rtol=1e-6)


def test_compute_returns_one_trace_per_optimizer_in_legend_order():
    s = PlaygroundSettings(landscape="himmelblau", optimizers=OPTIMIZER_NAMES[::-1], lr=0.01, steps=25)
    traces = compute(s)
    assert [t.optimizer for t in traces] == list(OPTIMIZER_NAMES)
    assert all(t.steps == 25 and t.objective == "himmelblau" for t in traces)
    assert all(np.array_equal(t.xs[0], [0.0, 0.0]) for t in traces)


def test_a_larger_learning_rate_changes_every_trace():
    small = compute(PlaygroundSettings(lr=0.01))
    large = compute(PlaygroundSettings(lr=0.02))
    for a, b in zip(small, large):
        assert a.optimizer == b.optimizer
        assert not np.allclose(a.xs[1], b.xs[1])


def test_rho_changes_only_rmsprop():
    before = {t.optimizer: t for t in compute(PlaygroundSettings())}
    after = {t.optimizer: t for t in compute(PlaygroundSettings(rho=0.5))}
    for name in before:
        same = np.array_equal(before[name].xs, after[name].xs)
        assert same == (name != "RMSProp"), name


def test_gradient_descent_diverges_above_two_over_L_on_the_elongated_bowl():
    # x^2 + 10 y^2 has L = 20: gradient descent is stable only for lr < 2 / 20 = 0.1.
    (stable,) = compute(PlaygroundSettings(optimizers=["GradientDescent"], lr=0.09))
    (unstable,) = compute(PlaygroundSettings(optimizers=["GradientDescent"], lr=0.11, steps=MAX_STEPS))
    assert stable.status == "max_steps" and stable.f < 1e-6
    assert unstable.status == "diverged"


def test_noisy_landscapes_are_seeded():
    s = PlaygroundSettings(landscape="noisy_bowl", optimizers=["Adam"], steps=20)
    a, b = compute(s)[0], compute(s)[0]
    c = compute(s.replace(seed=1))[0]
    quiet = compute(s.replace(landscape="bowl"))[0]
    assert np.array_equal(a.xs, b.xs)
    assert not np.array_equal(a.xs, c.xs)
    assert not np.array_equal(a.xs, quiet.xs)
    # The loss is the noiseless function at the points reached.
    np.testing.assert_allclose(a.fs, np.sum(a.xs**2, axis=1))


def test_compute_wants_settings():
    with pytest.raises(TypeError, match="settings"):
        compute({"lr": 0.1})


# ---------------------------------------------------------------------------------------------
# draw


def _line_data(line):
    return np.asarray(line.get_xdata(), dtype=float), np.asarray(line.get_ydata(), dtype=float)


def test_draw_puts_every_trace_on_the_three_panels():
    s = PlaygroundSettings(landscape="rosenbrock", lr=0.002)
    traces = compute(s)
    figure, axes = new_figure()
    drawn = draw(traces, s, axes)
    assert len(drawn["paths"]) == len(traces) == 4
    assert len(drawn["loss"]) == 4
    assert len(drawn["effective_lr"]) == 8  # two coordinates per run
    for trace, path, loss in zip(traces, drawn["paths"], drawn["loss"]):
        x, y = _line_data(path)
        np.testing.assert_array_equal(x, trace.xs[:, 0])
        np.testing.assert_array_equal(y, trace.xs[:, 1])
        assert path.get_color() == COLORS[trace.optimizer]
        np.testing.assert_allclose(_line_data(loss)[1], trace.fs - 0.0, atol=2 * w.LOSS_FLOOR)
    gd_x = _line_data(drawn["effective_lr"][0])[1]
    np.testing.assert_allclose(gd_x, 0.002)  # plain gradient descent: the step size is lr
    assert axes[1].get_yscale() == "log" and axes[2].get_yscale() == "log"
    assert axes[0].get_xlim() == (-2.0, 2.0) and axes[0].get_ylim() == (-1.0, 3.0)
    legend = figure.legends[0]
    assert [t.get_text() for t in legend.get_texts()][:4] == list(s.optimizers)
    for ax in axes:
        assert ax.get_xlabel() and ax.get_ylabel() and ax.get_title()
    assert not plt.get_fignums()  # the figure is not managed by pyplot


def test_drawing_again_keeps_the_contour_and_updates_the_lines():
    s = PlaygroundSettings()
    figure, axes = new_figure()
    first = draw(compute(s), s, axes)
    contour = list(axes[0].collections)
    s2 = s.replace(lr=0.02)
    traces = compute(s2)
    second = draw(traces, s2, axes)
    assert list(axes[0].collections) == contour  # same contour artists: not recomputed
    for trace, path in zip(traces, second["paths"]):
        np.testing.assert_array_equal(_line_data(path)[0], trace.xs[:, 0])
    assert len(axes[0].lines) == len(first["paths"]) + 1  # the paths and the start marker, nothing stale
    assert len(axes[1].lines) == 4 and len(axes[2].lines) == 8

    s3 = s2.replace(landscape="himmelblau", start=None, optimizers=["Adam"])
    third = draw(compute(s3), s3, axes)
    assert list(axes[0].collections) != contour
    assert "himmelblau" in axes[0].get_title()
    assert len(axes[0].lines) == 2 and len(axes[1].lines) == 1 and len(axes[2].lines) == 2
    assert third["paths"][0].get_label() == "Adam"


def test_a_diverged_run_says_so_in_the_legend():
    s = PlaygroundSettings(landscape="rosenbrock", optimizers=["GradientDescent", "Adam"], lr=0.01)
    figure, axes = new_figure()
    traces = compute(s)
    assert traces[0].status == "diverged"
    draw(traces, s, axes)
    labels = [t.get_text() for t in figure.legends[0].get_texts()]
    assert "GradientDescent (diverged)" in labels and "Adam" in labels
    low, high = axes[1].get_ylim()
    assert high <= 1e4 * traces[1].fs[0]  # the diverging run does not squash the other curve


def test_draw_with_no_optimizer_says_what_to_do():
    s = PlaygroundSettings(optimizers=[])
    figure, axes = new_figure()
    drawn = draw([], s, axes)
    assert drawn["paths"] == []
    assert any("choose at least one optimizer" in t.get_text() for t in axes[1].texts)


def test_draw_checks_its_arguments():
    s = PlaygroundSettings()
    figure, axes = new_figure()
    with pytest.raises(TypeError, match="axes"):
        draw([], s, axes[:2])
    with pytest.raises(TypeError, match="settings"):
        draw([], {"lr": 1}, axes)
    with pytest.raises(TypeError, match="traces"):
        draw(["not a trace"], s, axes)


def test_fast_render_paints_the_same_image_as_a_full_render():
    s = PlaygroundSettings()
    figure, axes = new_figure()
    renderer = FastRenderer(figure)
    renderer.render(draw(compute(s), s, axes)["changing"])
    s2 = s.replace(rho=0.5)  # changes one path; no axis limit changes
    drawn = draw(compute(s2), s2, axes)
    fast, full = renderer.render(drawn["changing"])
    assert not full
    fast = fast.copy()
    fresh, full = FastRenderer(figure).render(drawn["changing"])
    assert full
    np.testing.assert_array_equal(fast, fresh)


# ---------------------------------------------------------------------------------------------
# The widget, driven from code


@pytest.fixture
def pg():
    return playground()


def test_the_playground_is_a_widget_box_with_named_controls(pg):
    assert isinstance(pg.widget, ipywidgets.Box)
    assert set(pg.controls) == {"landscape", *OPTIMIZER_NAMES, "lr", "rho", "beta1", "beta2", "momentum",
                                "start_x", "start_y", "steps", "seed", "reset"}
    assert isinstance(pg.controls["lr"], ipywidgets.FloatLogSlider)
    for name in ("lr", "steps", "start_x", "start_y", "seed"):  # these rerun every optimizer
        assert pg.controls[name].continuous_update is False
    assert pg.updates == 1 and pg.error is None
    assert pg.settings == PlaygroundSettings().replace(start=(-4.5, 1.5))
    assert pg.image.value[:3] == b"\xff\xd8\xff"  # a JPEG image
    assert not plt.get_fignums()


def test_moving_the_lr_slider_reruns_and_redraws(pg):
    before = [t.xs.copy() for t in pg.traces]
    image = pg.image.value
    pg.controls["lr"].value = 0.02
    assert pg.updates == 2 and pg.settings.lr == 0.02
    expected = compute(PlaygroundSettings(lr=0.02))
    for old, new, want, path in zip(before, pg.traces, expected, pg.drawn["paths"]):
        np.testing.assert_array_equal(new.xs, want.xs)
        assert not np.array_equal(old, new.xs)
        np.testing.assert_array_equal(_line_data(path)[0], want.xs[:, 0])
    assert pg.image.value != image
    assert "lr = 0.02" in pg.summary.value


def test_unticking_an_optimizer_removes_its_path(pg):
    pg.controls["Momentum"].value = False
    assert [t.optimizer for t in pg.traces] == ["GradientDescent", "RMSProp", "Adam"]
    colors = [line.get_color() for line in pg.axes[0].lines if line.get_label() != "start"]
    assert COLORS["Momentum"] not in colors and len(colors) == 3
    for name in OPTIMIZER_NAMES:
        pg.controls[name].value = False
    assert pg.traces == [] and pg.error is None
    assert "Choose at least one optimizer" in pg.summary.value


def test_changing_landscape_moves_the_start_to_its_suggestion(pg):
    pg.controls["landscape"].value = "noisy_rosenbrock"
    assert (pg.controls["start_x"].value, pg.controls["start_y"].value) == (-1.5, 2.0)
    assert (pg.controls["start_x"].min, pg.controls["start_x"].max) == (-2.0, 2.0)
    assert pg.controls["seed"].disabled is False
    assert pg.settings.landscape == "noisy_rosenbrock" and pg.settings.start == (-1.5, 2.0)
    assert pg.updates == 2  # one update for the whole change
    assert "noisy rosenbrock" in pg.axes[0].get_title()
    before = pg.traces[0].xs.copy()
    pg.controls["seed"].value = 3
    assert not np.array_equal(before, pg.traces[0].xs)
    pg.controls["landscape"].value = "bowl"
    assert pg.controls["seed"].disabled is True


def test_the_start_sliders_move_the_start(pg):
    pg.controls["start_y"].value = -1.0
    assert all(np.array_equal(t.xs[0], [-4.5, -1.0]) for t in pg.traces)


def test_reset_restores_the_defaults(pg):
    defaults = {name: c.value for name, c in pg.controls.items() if name != "reset"}
    pg.set(landscape="beale", lr=0.003, rho=0.5, beta1=0.2, beta2=0.95, momentum=0.3, steps=120,
           optimizers=["AdaGrad"])
    pg.controls["start_x"].value = 2.0
    assert pg.settings.landscape == "beale" and pg.settings.optimizers == ("AdaGrad",)
    pg.controls["reset"].click()
    assert {name: c.value for name, c in pg.controls.items() if name != "reset"} == defaults
    assert pg.settings == PlaygroundSettings().replace(start=(-4.5, 1.5))
    np.testing.assert_array_equal(pg.traces[2].xs, compute(PlaygroundSettings())[2].xs)


def test_reset_returns_to_custom_starting_settings():
    start = PlaygroundSettings(landscape="saddle", optimizers=["RMSProp", "Adam"], lr=0.01)
    pg = playground(start)
    assert pg.controls["start_y"].value == pytest.approx(1e-3)  # the saddle's start, off the ridge
    pg.set(lr=0.5, landscape="bowl")
    pg.reset()
    assert pg.settings == start.replace(start=(1.5, 1e-3))


def test_playground_rejects_bad_settings():
    with pytest.raises(TypeError, match="settings"):
        playground({"lr": 0.1})
    pg = playground()
    with pytest.raises(ValueError, match="beta2"):
        pg.set(beta2=1.0)


@pytest.mark.parametrize("changes, words", [({"lr": 2.0}, ["lr", "0.0001", "1"]),
                                            ({"steps": 5}, ["steps", "10", "1000"]),
                                            ({"beta2": 0.5}, ["beta2", "0.9", "0.9999"])])
def test_values_beyond_a_slider_are_rejected_not_clipped(pg, changes, words):
    before = pg.settings
    with pytest.raises(ValueError) as info:
        pg.set(**changes)
    for word in words:
        assert word in str(info.value)
    assert pg.settings == before and pg.controls["lr"].value == before.lr
