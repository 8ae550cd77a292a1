"""The playground: settings checks, compute, draw, and the widget driven from code (headless, Agg)."""
import matplotlib

matplotlib.use("Agg")

import ipywidgets  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from rmsprop_lib import widgets as w  # noqa: E402
from rmsprop_lib.objectives import get_objective  # noqa: E402
from rmsprop_lib.plotting import COLORS  # noqa: E402
from rmsprop_lib.widgets import (CONTROLS, LANDSCAPES, MAX_STEPS, OPTIMIZER_NAMES, FastRenderer,  # noqa: E402
                                 PlaygroundSettings, compute, draw, new_figure, playground)


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


def _curves(ax):
    """The lines of ``ax`` that show runs (not the stability limits' reference lines)."""
    return [line for line in ax.lines if line.get_label() != "stability limit"]


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
    np.testing.assert_allclose(gd_x, 0.002)  # plain gradient descent: the effective learning rate is lr
    assert axes[1].get_yscale() == "log" and axes[2].get_yscale() == "log"
    assert axes[0].get_xlim() == (-2.0, 2.0) and axes[0].get_ylim() == (-1.0, 3.0)
    legend = figure.legends[0]
    from rmsprop_lib.optimizers import OPTIMIZERS
    assert [t.get_text() for t in legend.get_texts()][:4] == [OPTIMIZERS[n].label for n in s.optimizers]
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
    assert len(axes[1].lines) == 4 and len(_curves(axes[2])) == 8

    s3 = s2.replace(landscape="himmelblau", start=None, optimizers=["Adam"])
    third = draw(compute(s3), s3, axes)
    assert list(axes[0].collections) != contour
    assert "himmelblau" in axes[0].get_title()
    assert len(axes[0].lines) == 2 and len(axes[1].lines) == 1 and len(_curves(axes[2])) == 2
    assert third["paths"][0].get_label() == "Adam"


def test_a_diverged_run_says_so_in_the_legend():
    s = PlaygroundSettings(landscape="rosenbrock", optimizers=["GradientDescent", "Adam"], lr=0.01)
    figure, axes = new_figure()
    traces = compute(s)
    assert traces[0].status == "diverged"
    draw(traces, s, axes)
    labels = [t.get_text() for t in figure.legends[0].get_texts()]
    assert "Gradient descent (diverged)" in labels and "Adam" in labels
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
    assert set(pg.controls) == {"landscape", *OPTIMIZER_NAMES, "lr", *(f"lr_{n}" for n in OPTIMIZER_NAMES), *CONTROLS,
                                "epsilon", "bias_correction", "noise", "runs", "start_x", "start_y", "steps",
                                "seed", "reset"}
    assert {"rho", "beta1", "beta2", "momentum"} <= set(CONTROLS)
    assert isinstance(pg.controls["lr"], ipywidgets.FloatLogSlider)
    for name in ("lr", "steps", "start_x", "start_y", "seed", "noise", "runs"):  # these rerun every optimizer
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
    assert pg.summary.value.count("lr 0.02:") == len(pg.traces)


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


@pytest.mark.parametrize("changes, words", [({"lr": 20.0}, ["lr", "0.0001", "10"]),
                                            ({"steps": 5}, ["steps", "10", "1000"]),
                                            ({"beta2": 0.5}, ["beta2", "0.9", "0.9999"])])
def test_values_beyond_a_slider_are_rejected_not_clipped(pg, changes, words):
    before = pg.settings
    with pytest.raises(ValueError) as info:
        pg.set(**changes)
    for word in words:
        assert word in str(info.value)
    assert pg.settings == before and pg.controls["lr"].value == before.lr


# ---------------------------------------------------------------------------------------------
# Every change leaves controls, settings and figure consistent (or is refused)


def _controls(pg):
    """The settings as the controls show them, read straight from the controls."""
    c = pg.controls
    return {"landscape": c["landscape"].value, "optimizers": tuple(n for n in OPTIMIZER_NAMES if c[n].value),
            "lr": c["lr"].value, **{name: c[name].value for name in CONTROLS},
            "start": (c["start_x"].value, c["start_y"].value),
            "steps": c["steps"].value, "seed": c["seed"].value}


def _reference_image(pg):
    """The image a full matplotlib render of the playground's figure gives: everything drawn
    with ``canvas.draw()`` except the changing artists, which are then painted on top."""
    changing = [a for a in pg.drawn["changing"] if a.get_visible()]
    for artist in changing:
        artist.set_visible(False)
    try:
        pg.figure.canvas.draw()
    finally:
        for artist in changing:
            artist.set_visible(True)
    renderer = pg.figure.canvas.get_renderer()
    for artist in sorted(changing, key=lambda a: a.get_zorder()):
        artist.draw(renderer)
    return w.encode_image(np.asarray(pg.figure.canvas.buffer_rgba()), "jpeg")


def assert_consistent(pg, expected, image=True):
    """Controls == settings == ``expected``, and the figure shows exactly the runs of ``expected``."""
    shown = _controls(pg)
    assert shown == {name: getattr(pg.settings, name) for name in shown}
    assert pg.settings == expected
    traces = compute(expected)
    assert [t.optimizer for t in pg.traces] == list(expected.optimizers)
    f_star = expected.objective().min_value or 0.0
    paths = [line for line in pg.axes[0].lines if line.get_visible() and line.get_label() != "start"]
    assert len(paths) == len(traces) and len(pg.axes[1].lines) == len(traces)
    lr_lines = _curves(pg.axes[2])
    assert len(lr_lines) == 2 * len(traces)
    limits = sorted(limit for limit, _ in w.stability_limits(expected.objective())[0])
    assert _limit_lines_shown(pg) == limits  # the current landscape's limits, and no other's
    for i, trace in enumerate(traces):
        np.testing.assert_array_equal(pg.traces[i].xs, trace.xs)
        x, y = _line_data(paths[i])
        np.testing.assert_array_equal(x, trace.xs[:, 0])
        np.testing.assert_array_equal(y, trace.xs[:, 1])
        assert paths[i].get_marker() == "o"
        loss = pg.axes[1].lines[i]
        np.testing.assert_array_equal(_line_data(loss)[0], np.arange(trace.steps + 1))
        np.testing.assert_allclose(_line_data(loss)[1], trace.fs - f_star, rtol=1e-9, atol=2 * w.LOSS_FLOOR)
        assert loss.get_marker() == ("o" if trace.steps == 0 else "None")  # a single point is a dot
        lrs = np.asarray(trace.effective_lrs, dtype=float).reshape(trace.steps, 2)
        for j in range(2):
            line = lr_lines[2 * i + j]
            np.testing.assert_array_equal(_line_data(line)[0], np.arange(1, trace.steps + 1))
            np.testing.assert_array_equal(_line_data(line)[1], lrs[:, j])
            assert line.get_marker() == ("o" if trace.steps == 1 else "None")
    (start,) = [line for line in pg.axes[0].lines if line.get_label() == "start"]
    np.testing.assert_array_equal(np.concatenate(_line_data(start)), expected.start_point())
    legends = [legend for legend in pg.figure.legends if legend.get_visible()]
    assert len(legends) == 1
    labels = [t.get_text() for t in legends[0].get_texts()]
    from rmsprop_lib.optimizers import OPTIMIZERS
    assert labels[:len(traces)] == [OPTIMIZERS[t.optimizer].label + " (diverged)" * (t.status == "diverged")
                                    for t in traces]
    assert labels[len(traces)] == "start"
    name = expected.landscape.replace("noisy_", "").replace("_", " ")
    assert name in pg.axes[0].get_title()
    (x0, x1), (y0, y1) = expected.objective().bounds
    assert pg.axes[0].get_xlim() == (x0, x1) and pg.axes[0].get_ylim() == (y0, y1)
    if image:
        assert pg.image.value == _reference_image(pg)


def _diverging_in_one_step(pg):
    # From a corner of the Rosenbrock area, lr 1 throws gradient descent and momentum out
    # after their first update: their effective-lr curves have a single point.
    pg.set(landscape="rosenbrock", lr=1.0, start=(2.0, 3.0))
    assert [t.steps for t in pg.traces][:2] == [1, 1]


def test_a_single_point_curve_is_a_dot_also_on_reused_lines(pg):
    assert_consistent(pg, pg.settings)
    _diverging_in_one_step(pg)
    assert_consistent(pg, pg.settings)
    lr_lines = pg.drawn["effective_lr"]
    assert [line.get_marker() for line in lr_lines[:4]] == ["o"] * 4  # GD and Momentum, x and y
    pg.set(lr=0.001)  # the same optimizers: the same lines get long curves again, without dots
    assert pg.drawn["effective_lr"] == lr_lines
    assert all(line.get_marker() == "None" for line in pg.drawn["effective_lr"] + pg.drawn["loss"])
    assert_consistent(pg, pg.settings)


def test_draw_shows_runs_without_updates():
    from rmsprop_lib import OPTIMIZERS, get_objective, minimize

    s = PlaygroundSettings(landscape="rosenbrock", optimizers=["GradientDescent", "Adam"])
    objective = get_objective("rosenbrock")
    # Far outside the drawn area the first step overflows: the run stops with no update.
    thrown = minimize(objective, OPTIMIZERS["GradientDescent"](lr=0.05), [1e6, 0.0], steps=10)
    idle = minimize(objective, OPTIMIZERS["Adam"](lr=0.05), [0.0, 0.0], steps=0)
    assert thrown.status == "diverged" and thrown.steps == 0 and idle.steps == 0
    figure, axes = new_figure()
    drawn = draw([thrown, idle], s, axes)
    for loss, trace in zip(drawn["loss"], (thrown, idle)):
        np.testing.assert_array_equal(_line_data(loss)[1], trace.fs - (0.0 - w.LOSS_FLOOR))
        assert loss.get_marker() == "o"
    assert all(line.get_xdata().size == 0 for line in drawn["effective_lr"])
    FastRenderer(figure).render(drawn["changing"])


def test_a_start_beyond_the_drawn_area_is_refused_and_nothing_changes(pg):
    pg.set(landscape="rosenbrock")
    before, image, updates = pg.settings, pg.image.value, pg.updates
    paths = [_line_data(line) for line in pg.drawn["paths"]]
    with pytest.raises(ValueError) as info:
        pg.set(start=(1e6, 0))
    for word in ("start", "x in [-2, 2]", "y in [-1, 3]", "1e+06"):
        assert word in str(info.value)
    assert pg.settings == before and pg.updates == updates
    assert pg.image.value == image
    for (x, y), line in zip(paths, pg.drawn["paths"]):
        np.testing.assert_array_equal(_line_data(line)[0], x)
    assert "start must lie" in pg.message.value and pg.error == str(info.value)
    assert_consistent(pg, before)
    pg.set(lr=0.01)  # the next change works and clears the message
    assert pg.error is None and pg.message.value == ""


def test_a_nan_written_to_a_start_control_is_put_back_at_once(pg):
    before = pg.settings
    image = pg.image.value
    pg.controls["start_x"].value = float("nan")
    assert pg.controls["start_x"].value == before.start[0]  # not stuck until Reset
    assert "start" in pg.error and "finite" in pg.error
    assert "Not changed" in pg.message.value and "finite" in pg.message.value
    assert pg.image.value == image
    assert_consistent(pg, before)
    pg.controls["start_y"].value = -1.0
    assert pg.error is None and pg.settings.start == (before.start[0], -1.0)


@pytest.mark.parametrize("name", ["lr", "rho", "beta1", "beta2", "momentum"])
def test_a_nan_written_to_a_slider_is_refused_naming_the_setting(pg, name):
    before = pg.settings
    pg.controls[name].value = float("nan")
    assert pg.error.startswith(name) and "finite" in pg.error
    assert pg.controls[name].value == getattr(before, name)
    assert_consistent(pg, before, image=False)


def test_update_puts_a_bad_control_value_back():
    pg = playground()
    before = pg.settings
    pg._holding = True  # write a value without the automatic update
    pg.controls["start_y"].value = float("nan")
    pg._holding = False
    with pytest.raises(ValueError, match="start"):
        pg.update()
    assert pg.controls["start_y"].value == before.start[1]
    assert_consistent(pg, before, image=False)


def test_a_failure_while_drawing_restores_the_previous_figure(pg, monkeypatch):
    before, image = pg.settings, pg.image.value

    encode = pg._renderer.encode
    failures = []

    def fails_once(*args, **kwargs):
        if not failures:
            failures.append(1)
            raise ValueError("drawing failed")
        return encode(*args, **kwargs)

    monkeypatch.setattr(pg._renderer, "encode", fails_once)  # after draw() changed the lines
    pg.controls["lr"].value = 0.2
    assert failures and pg.error == "drawing failed" and "drawing failed" in pg.message.value
    assert pg.controls["lr"].value == before.lr
    assert pg.image.value == image  # the previous figure, drawn again
    assert_consistent(pg, before)


GOOD_LR, BAD_LR = [1e-4, 0.003, 0.05, 0.4, 1.0, 2.0, 10.0], [0.0, -0.1, 20.0, 1e-5, float("nan"), "0.1", 10**400, None]
GOOD_DECAY, BAD_DECAY = [0.0, 0.5, 0.9, 0.95], [1.0, -0.2, float("inf"), "0.9", 0.9 + 0j]


def _actions():
    """Strategies for one change: (kind, what, value, allowed)."""
    from hypothesis import strategies as st

    def tagged(good, bad):
        values = st.tuples(st.sampled_from(good), st.just(True))
        return st.one_of(values, st.tuples(st.sampled_from(bad), st.just(False))) if bad else values

    corner = st.tuples(st.sampled_from([0.0, 0.37, 1.0]), st.sampled_from([0.0, 0.5, 1.0]))
    return st.one_of(
        # a value written to a control from code (in range, or NaN: a slider clips anything else)
        st.tuples(st.just("control"), st.just("lr"), tagged(GOOD_LR, [float("nan")])),
        st.tuples(st.just("control"), st.sampled_from(["rho", "beta1", "momentum"]),
                  tagged(GOOD_DECAY, [float("nan")])),
        st.tuples(st.just("control"), st.just("beta2"), tagged([0.9, 0.99, 0.999], [float("nan")])),
        st.tuples(st.just("control"), st.just("steps"), tagged([10, 40, 300], [])),
        st.tuples(st.just("control"), st.just("seed"), tagged([0, 3], [])),
        st.tuples(st.just("control"), st.just("landscape"), tagged(list(LANDSCAPES), [])),
        st.tuples(st.just("control"), st.sampled_from(OPTIMIZER_NAMES), tagged([True, False], [])),
        st.tuples(st.just("control"), st.sampled_from(["start_x", "start_y"]),
                  tagged([0.0, 0.25, 1.0], [float("nan")])),  # good: a fraction of the range
        # set() from code, with good and bad values
        st.tuples(st.just("set"), st.just("lr"), tagged(GOOD_LR, BAD_LR)),
        st.tuples(st.just("set"), st.sampled_from(["rho", "beta1"]), tagged(GOOD_DECAY, BAD_DECAY)),
        st.tuples(st.just("set"), st.just("steps"), tagged([10, 25, 1000], [0, 5, 1001, 2.5, "10", 10**400])),
        st.tuples(st.just("set"), st.just("landscape"), tagged(list(LANDSCAPES), ["moon", 3, None])),
        st.tuples(st.just("set"), st.just("optimizers"),
                  tagged([(), ("Adam",), ("GradientDescent", "Momentum"), OPTIMIZER_NAMES], [("SGD",), "Adam"])),
        st.tuples(st.just("set"), st.just("start"),
                  st.one_of(st.tuples(corner, st.just(True)),
                            st.tuples(st.sampled_from([(1e6, 0.0), (float("nan"), 0.0), ("1", "2"), (1 + 2j, 0.0),
                                                       (0.0,), 7.0]), st.just(False)))),
        # several settings at once, often a run thrown out after one or two updates (from a corner, lr >= 0.5)
        st.tuples(st.just("set"), st.just("many"),
                  st.tuples(st.fixed_dictionaries({"landscape": st.sampled_from(["rosenbrock", "beale", "himmelblau"]),
                                                   "lr": st.sampled_from([0.5, 1.0, 0.05]),
                                                   "start": st.tuples(st.sampled_from([0.0, 1.0]),
                                                                      st.sampled_from([0.0, 1.0]))}),
                            st.just(True))),
        st.tuples(st.just("reset"), st.none(), st.just((None, True))),
    )


def _apply(pg, expected, action):
    """Do ``action`` on the playground; return the settings it should show now (the model)."""
    kind, what, (value, allowed) = action
    if kind == "reset":
        pg.controls["reset"].click()
        return pg.defaults
    if what == "many":
        (x0, x1), (y0, y1) = get_objective(value["landscape"]).bounds
        fx, fy = value["start"]
        value = dict(value, start=(x0 + fx * (x1 - x0), y0 + fy * (y1 - y0)))
        pg.set(**value)
        return expected.replace(**value)
    if what in ("start_x", "start_y", "start") and allowed:
        (x0, x1), (y0, y1) = expected.objective().bounds
        if what == "start":
            value = (x0 + value[0] * (x1 - x0), y0 + value[1] * (y1 - y0))
        else:
            low, high = (x0, x1) if what == "start_x" else (y0, y1)
            value = low + value * (high - low)
    if allowed:
        if what in OPTIMIZER_NAMES:
            chosen = set(expected.optimizers) | {what} if value else set(expected.optimizers) - {what}
            new = expected.replace(optimizers=chosen)
        elif what == "landscape":
            new = expected.replace(landscape=value, start=None)
            new = new.replace(start=tuple(new.start_point()))
        elif what == "start_x":
            new = expected.replace(start=(value, expected.start[1]))
        elif what == "start_y":
            new = expected.replace(start=(expected.start[0], value))
        else:
            new = expected.replace(**{what: value})
    else:
        new = expected
    if kind == "control":
        if pg.controls[what].value == value:  # no change, no event: everything stays as it is
            return expected
        pg.controls[what].value = value
    else:
        try:
            pg.set(**{what: value})
        except (TypeError, ValueError) as exc:
            assert not allowed, f"set({what}={value!r}) was refused: {exc}"
            setting = what if what != "landscape" or isinstance(value, str) else "landscape"
            assert setting in str(exc)
        else:
            assert allowed, f"set({what}={value!r}) was accepted"
    if allowed:
        assert pg.error is None and pg.message.value == ""
    else:
        assert pg.error and "Not changed" in pg.message.value
    return new


_SHARED = {}


def test_random_sequences_of_changes_keep_controls_settings_and_figure_consistent():
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    # Each step is checked down to the pixels (about 0.2 s), so the examples are few but long.
    @settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(_actions(), min_size=1, max_size=5))
    def check(actions):
        if "pg" not in _SHARED:  # one playground for every example: its caches are part of what is tested
            _SHARED["pg"] = playground(PlaygroundSettings(steps=40), dpi=40)
        pg = _SHARED["pg"]
        pg.reset()
        expected = pg.defaults
        for action in actions:
            expected = _apply(pg, expected, action)
            assert_consistent(pg, expected)

    check()


# ---------------------------------------------------------------------------------------------
# Bad input to the playground's public functions: a ValueError/TypeError naming the argument


NUMBERS_BAD = [(None, TypeError), ("0.5", TypeError), (0.5 + 0j, TypeError), (True, TypeError), ([0.5], TypeError),
               (float("nan"), ValueError), (float("inf"), ValueError), (-float("inf"), ValueError),
               (10**400, ValueError)]
SETTINGS_BAD = (
    [("lr", v, e) for v, e in NUMBERS_BAD + [(0, ValueError), (-1.0, ValueError)]]
    + [(n, v, e) for n in ("rho", "beta1", "beta2", "momentum")
       for v, e in NUMBERS_BAD + [(1.0, ValueError), (-0.1, ValueError), (1e300, ValueError)]]
    + [("steps", v, e) for v, e in [(None, TypeError), ("10", TypeError), (10.0, TypeError), (1 + 0j, TypeError),
                                     (float("nan"), TypeError), (True, TypeError), (0, ValueError),
                                     (MAX_STEPS + 1, ValueError), (10**400, ValueError)]]
    + [("seed", v, e) for v, e in [(None, TypeError), ("1", TypeError), (1.5, TypeError), (True, TypeError),
                                    (-1, ValueError)]]
    + [("landscape", v, e) for v, e in [(None, TypeError), (3, TypeError), ("moon", ValueError), ("", ValueError),
                                         ("noisy_", ValueError), ("Bowl", ValueError)]]
    + [("optimizers", v, e) for v, e in [(None, TypeError), ("Adam", TypeError), (3, TypeError),
                                          (["SGD"], ValueError), ([3], TypeError), ([["Adam"]], TypeError)]]
    + [("start", v, e) for v, e in [("1,2", TypeError), (("1", "2"), TypeError), ((1 + 2j, 0.0), TypeError),
                                     (np.array([1 + 2j, 0]), TypeError), ((True, 0.0), TypeError), (5.0, TypeError),
                                     ((float("nan"), 0.0), ValueError), ((0.0, float("inf")), ValueError),
                                     ((1e6, 0.0), ValueError), ((10**400, 0.0), ValueError), ((1.0,), ValueError),
                                     ((1.0, 2.0, 3.0), ValueError), ([[1.0, 2.0]], ValueError),
                                     ((-5.1, 0.0), ValueError), ((0.0, 2.01), ValueError)]]
)


@pytest.mark.parametrize("name, value, error", SETTINGS_BAD)
def test_bad_settings_raise_an_error_naming_the_setting(name, value, error):
    with pytest.raises(error) as info:
        PlaygroundSettings(**{name: value})
    assert str(info.value).startswith(name) or f"{name} " in str(info.value)


def test_huge_and_boundary_settings_that_are_allowed():
    # Allowed by the settings (the playground's sliders are narrower: see the next tests).
    assert PlaygroundSettings(lr=1e300).lr == 1e300
    assert PlaygroundSettings(seed=10**40, landscape="noisy_bowl").seed == 10**40
    assert PlaygroundSettings(start=np.array([-5.0, 2.0])).start == (-5.0, 2.0)  # a corner of the area
    assert PlaygroundSettings(start=(np.int64(1), np.float32(0.5))).start == (1.0, 0.5)
    assert PlaygroundSettings(steps=MAX_STEPS, rho=0.0).steps == MAX_STEPS


@pytest.mark.parametrize("call, name, error", [
    (lambda: PlaygroundSettings().replace(speed=1), "speed", TypeError),
    (lambda: PlaygroundSettings().hyperparameters("SGD"), "name", ValueError),
    (lambda: PlaygroundSettings().hyperparameters(["Adam"]), "name", TypeError),
    (lambda: PlaygroundSettings().optimizer(None), "name", TypeError),
    (lambda: compute(None), "settings", TypeError),
    (lambda: draw(None, PlaygroundSettings(), new_figure()[1]), "traces", TypeError),
    (lambda: draw([], PlaygroundSettings(), "abc"), "axes", TypeError),
    (lambda: draw([], PlaygroundSettings(), None), "axes", TypeError),
    (lambda: new_figure(figsize="big"), "figsize", TypeError),
    (lambda: new_figure(figsize=(13.0,)), "figsize", TypeError),
    (lambda: new_figure(figsize=("13", 4.4)), "figsize", TypeError),
    (lambda: new_figure(figsize=(0, 4.4)), "figsize", ValueError),
    (lambda: new_figure(figsize=(float("nan"), 4.4)), "figsize", ValueError),
    (lambda: new_figure(figsize=(1e6, 4.4)), "figsize", ValueError),
    (lambda: new_figure(dpi=0), "dpi", ValueError),
    (lambda: new_figure(dpi="80"), "dpi", TypeError),
    (lambda: new_figure(dpi=1e6), "dpi", ValueError),
    (lambda: new_figure(dpi=10**400), "dpi", ValueError),
    (lambda: playground({"lr": 0.1}), "settings", TypeError),
    (lambda: playground("default"), "settings", TypeError),
    (lambda: playground(figsize=(1e5, 1e5)), "figsize", ValueError),
    (lambda: playground(dpi=-80), "dpi", ValueError),
    (lambda: playground(PlaygroundSettings(lr=20.0)), "lr", ValueError),
    (lambda: playground(PlaygroundSettings(steps=5)), "steps", ValueError),
    (lambda: playground(figsize=(6.0, 2.5), dpi=40).prepare("bowl"), "landscapes", TypeError),
    (lambda: playground(figsize=(6.0, 2.5), dpi=40).prepare(3), "landscapes", TypeError),
    (lambda: playground(figsize=(6.0, 2.5), dpi=40).prepare(["moon"]), "landscapes", ValueError),
    (lambda: playground(figsize=(6.0, 2.5), dpi=40).prepare([None]), "landscapes", TypeError),
    (lambda: FastRenderer(None), "figure", TypeError),
    (lambda: FastRenderer(new_figure()[0]).render([None]), "changing", TypeError),
    (lambda: w.encode_image(np.zeros((4, 4, 4)), "jpeg"), "rgba", ValueError),
    (lambda: w.encode_image(np.zeros((4, 4), dtype=np.uint8), "jpeg"), "rgba", ValueError),
    (lambda: w.encode_image(np.zeros((0, 4, 4), dtype=np.uint8), "jpeg"), "rgba", ValueError),
    (lambda: w.encode_image(np.zeros((4, 4, 4), dtype=np.uint8), "gif"), "format", ValueError),
    (lambda: w.encode_image(np.zeros((4, 4, 4), dtype=np.uint8), None), "format", ValueError),
])
def test_bad_arguments_raise_an_error_naming_the_argument(call, name, error):
    with pytest.raises(error) as info:
        call()
    assert name in str(info.value)


def test_draw_wants_runs_on_a_two_dimensional_landscape():
    from rmsprop_lib import Adam, minimize, quadratic

    trace = minimize(quadratic([1.0, 2.0, 3.0]), Adam(lr=0.1), [1.0, 1.0, 1.0], steps=3)
    with pytest.raises(ValueError, match=r"traces\[0\].*2-D"):
        draw([trace], PlaygroundSettings(), new_figure()[1])


SET_BAD = [(name, value, error) for name, value, error in SETTINGS_BAD if name != "landscape" or value is not None] + [
    ("lr", 20.0, ValueError), ("lr", 1e-5, ValueError), ("lr", 1e300, ValueError), ("steps", 5, ValueError),
    ("lrs", {"Adam": 20.0}, ValueError), ("lrs", {"SGD": 0.1}, ValueError), ("lrs", {"Adam": 0.0}, ValueError),
    ("lrs", "Adam", TypeError), ("epsilon", 3e-7, ValueError), ("epsilon", -1.0, ValueError),
    ("bias_correction", 1, TypeError), ("noise", 2.5, ValueError), ("noise", -0.1, ValueError),
    ("runs", 0, ValueError), ("runs", 9, ValueError),
    ("steps", 1001, ValueError), ("beta2", 0.5, ValueError), ("momentum", 0.995, ValueError), ("seed", 21, ValueError),
]


def test_bad_values_given_to_set_are_refused_naming_the_setting_and_nothing_changes():
    pg = playground(figsize=(6.0, 2.5), dpi=40)
    before, image, updates = pg.settings, pg.image.value, pg.updates
    for name, value, error in SET_BAD + [("speed", 1.0, TypeError)]:
        with pytest.raises(error) as info:
            pg.set(**{name: value})
        assert name in str(info.value), (name, value)
        assert pg.error == str(info.value) and "Not changed" in pg.message.value
        assert pg.settings == before and pg.updates == updates and pg.image.value == image, (name, value)
    assert_consistent(pg, before)
    assert len(SET_BAD) >= 100  # every setting, each with its bad values


# ---------------------------------------------------------------------------------------------
# The renderer repaints only what changed, and its image is always a full render's


def test_going_back_to_a_landscape_redraws_nothing_but_the_curves(pg):
    renderer = pg._renderer
    pg.set(landscape="himmelblau")
    pg.set(landscape="elongated_bowl")
    drawn, full = renderer.region_renders, renderer.full_renders
    pg.set(landscape="himmelblau")
    assert renderer.region_renders == drawn and renderer.full_renders == full
    assert_consistent(pg, pg.settings)


def test_a_new_noise_seed_redraws_only_the_title(pg):
    pg.set(landscape="noisy_bowl")
    renderer = pg._renderer
    pg.set(seed=1, optimizers=["Adam"], lr=0.001)  # a small lr: the curves keep their axis limits
    pg.set(seed=2)
    drawn, full = renderer.region_renders, renderer.full_renders
    pg.set(seed=3)
    assert "seed 3" in pg.axes[0].get_title()
    assert renderer.region_renders == drawn + 1 and renderer.full_renders == full
    assert_consistent(pg, pg.settings)


def test_panels_that_share_pixels_are_drawn_whole():
    pg = playground(figsize=(6.0, 2.2), dpi=50)  # so small that titles, labels and legend touch
    renderer = pg._renderer
    assert renderer._clashing
    pg.set(landscape="beale", lr=0.01)
    assert_consistent(pg, pg.settings)
    fulls = renderer.full_renders
    pg.set(landscape="elongated_bowl", lr=0.05)  # the first layout again: its whole background is kept
    assert renderer.full_renders == fulls
    assert_consistent(pg, pg.settings)


def test_forget_drops_the_kept_backgrounds(pg):
    pg.axes[1].set_facecolor("#eeeeee")  # changed in place: the renderer cannot notice
    pg._renderer.forget()
    pg.set(lr=0.02)
    assert_consistent(pg, pg.settings)


# ---------------------------------------------------------------------------------------------
# The hyperparameter settings and sliders come from the optimizer registry


def test_every_declared_control_is_a_setting_and_a_slider_with_its_range_and_default(pg):
    from rmsprop_lib.optimizers import OPTIMIZERS

    declared = [(name, control) for name, cls in OPTIMIZERS.items() for control in cls.controls]
    assert {control.name for _, control in declared} == set(CONTROLS)
    for name, control in declared:
        slider = pg.controls[control.name]
        assert getattr(PlaygroundSettings(), control.name) == control.default == slider.value
        low, high = (10 ** slider.min, 10 ** slider.max) if control.log else (slider.min, slider.max)
        assert (low, high) == pytest.approx((control.low, control.high), rel=1e-12)
        labels = {c.label or c.name for cls in OPTIMIZERS.values() for c in cls.controls if c.name == control.name}
        if len(labels) == 1:  # every optimizer declaring the name calls it the same: that is the slider's text
            assert slider.description == (control.label or control.name)
        else:  # declared under several labels: the name, and who uses it
            assert slider.description.startswith(control.name + " (") and OPTIMIZERS[name].label in slider.description
        assert name in w.CONTROL_USERS[control.name]


def test_each_optimizer_is_built_with_the_controls_it_declares():
    from rmsprop_lib.optimizers import OPTIMIZERS

    # A value for every control, each different from its default.
    values = {name: (control.low + control.default) / 2 for name, control in CONTROLS.items()}
    settings = PlaygroundSettings(lr=0.02, **values)
    for name, cls in OPTIMIZERS.items():
        optimizer = settings.optimizer(name)
        assert optimizer.lr == 0.02
        for control in cls.controls:
            assert getattr(optimizer, control.name) == values[control.name] != control.default
        assert settings.hyperparameters(name) == {"lr": 0.02, **{c.name: values[c.name] for c in cls.controls}}


_NEW_OPTIMIZER = '''
import json
import matplotlib
matplotlib.use("Agg")
from rmsprop_lib.optimizers import OPTIMIZERS, Control

class Toy:  # what the package needs of an optimizer it does not run: a constructor, label, colour, controls
    label, color = "Toy", "#000000"
    controls = OPTIMIZERS["Adam"].controls + (
        Control("toy_decay", low=1e-4, high=0.1, default=0.01, log=True, label="Toy decay"),)

    def __init__(self, lr, beta1=0.9, beta2=0.999, toy_decay=0.0):
        if not 0 < toy_decay < 1:
            raise ValueError(f"toy_decay must be in (0, 1), got {toy_decay}")
        self.arguments = dict(lr=lr, beta1=beta1, beta2=beta2, toy_decay=toy_decay)

OPTIMIZERS["Toy"] = Toy
EXTRA
from rmsprop_lib.widgets import CONTROL_USERS, PlaygroundSettings, playground

pg = playground(figsize=(6.0, 2.5), dpi=40)
slider = pg.controls["toy_decay"]
pg.controls["toy_decay"].value = 0.05
pg.set(beta1=0.5)
errors = []
for call in (lambda: PlaygroundSettings(toy_decay=2.0), lambda: pg.set(toy_decay=0.5)):
    try:
        call()
    except ValueError as exc:
        errors.append(str(exc))
print(json.dumps({
    "checkbox": "Toy" in pg.controls, "slider": type(slider).__name__, "min": slider.min, "max": slider.max,
    "description": slider.description, "beta1_users": CONTROL_USERS["beta1"],
    "toy": pg.settings.optimizer("Toy").arguments, "adam_beta1": pg.settings.optimizer("Adam").beta1,
    "beta1_sliders": sum(1 for name in pg.controls if name == "beta1"), "errors": errors}))
'''


def _run_with_new_optimizer(checkout, extra=""):
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-c", _NEW_OPTIMIZER.replace("EXTRA", extra)], cwd=checkout,
                          capture_output=True, text=True, timeout=300)


def test_an_optimizer_added_to_the_registry_gets_its_sliders_with_no_change_to_the_playground(checkout):
    import json

    result = _run_with_new_optimizer(checkout)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["checkbox"] and out["slider"] == "FloatLogSlider" and out["description"] == "Toy decay"
    assert (out["min"], out["max"]) == pytest.approx((-4.0, -1.0))
    # The slider's value reaches the optimizer; beta1, declared by Adam and Toy alike, is one slider for both.
    assert out["toy"] == {"lr": 0.05, "beta1": 0.5, "beta2": 0.999, "toy_decay": 0.05}
    assert out["adam_beta1"] == 0.5 and out["beta1_users"][0] == "Adam" and out["beta1_users"][-1] == "Toy" and out["beta1_sliders"] == 1
    # The optimizer's own check refuses a bad value; the slider's range refuses one it would clip.
    assert out["errors"][0] == "toy_decay must be in (0, 1), got 2.0"
    assert out["errors"][1].startswith("toy_decay must be between 0.0001 and 0.1 in the playground")


def test_two_optimizers_declaring_one_name_differently_are_refused_naming_both(checkout):
    extra = ('class Other(Toy):\n    label = "Other"\n'
             '    controls = (Control("beta1", low=0.5, high=0.999, default=0.9),)\n'
             'OPTIMIZERS["Other"] = Other\n')
    result = _run_with_new_optimizer(checkout, extra)
    assert result.returncode != 0
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("ValueError: Adam and Other both declare the control 'beta1'"), last
    assert "must agree" in last


def test_a_steps_change_cuts_the_kept_runs_and_gives_the_runs_of_those_steps(pg):
    from rmsprop_lib.widgets.drawing import step_axis_end

    kept = []
    for steps in (310, 390, 250, 300):
        pg.controls["steps"].value = steps
        assert_consistent(pg, pg.settings, image=False)
        assert pg.axes[1].get_xlim() == (0, step_axis_end(steps))
        kept.append(list(pg._cache.values()))
    # 310 ran each optimizer once, to 400 steps (where the axis ends); 390, 250 and 300 are cuts of those runs.
    assert [run.steps for run in kept[0]] == [400] * 4
    assert all(a is b for later in kept[1:] for a, b in zip(kept[0], later))
    assert [t.steps for t in pg.traces] == [300] * 4
    assert all(t.status == "max_steps" for t in pg.traces)


def test_a_cut_of_a_run_that_diverged_later_has_not_diverged():
    from rmsprop_lib.widgets.settings import first_updates

    (long,) = compute(PlaygroundSettings(optimizers=["GradientDescent"], lr=0.11, steps=MAX_STEPS))
    assert long.status == "diverged"
    d = long.steps
    for steps in (d - 5, d):
        (want,) = compute(PlaygroundSettings(optimizers=["GradientDescent"], lr=0.11, steps=steps))
        cut = first_updates(long, steps)
        assert cut.status == want.status == "max_steps" and cut.steps == want.steps == steps
        np.testing.assert_array_equal(cut.xs, want.xs)
        np.testing.assert_array_equal(cut.fs, want.fs)
        np.testing.assert_array_equal(cut.effective_lrs, want.effective_lrs)
    assert first_updates(long, d + 1) is long


# ---------------------------------------------------------------------------------------------
# Landscapes drawn ahead: a first visit costs what a return costs


def test_prepare_draws_every_landscape_ahead_and_leaves_the_figure_as_it_was():
    pg = playground(figsize=(8.0, 3.0), dpi=50)
    pg.set(lr=0.02)
    before, image, updates = pg.settings, pg.image.value, pg.updates
    pg.prepare()
    assert pg.settings == before and pg.image.value == image and pg.updates == updates
    assert_consistent(pg, before)
    renderer = pg._renderer
    drawn = renderer.region_renders
    for landscape in LANDSCAPES:
        pg.set(landscape=landscape)
        assert_consistent(pg, pg.settings)
    assert renderer.region_renders == drawn  # every panel, title and legend was drawn ahead


def test_the_playground_prepares_by_itself_once_used_from_the_page_and_left_alone(monkeypatch):
    import asyncio
    import threading

    monkeypatch.setattr(w.app, "IDLE_SECONDS", 0.01)
    pg = playground(figsize=(6.0, 2.5), dpi=40)

    async def use():
        pg.controls["lr"].value = 0.02  # from code (a notebook cell): nothing is scheduled
        assert pg._idle is None
        pg.controls["lr"].set_state({"value": 0.03})  # as the page sends a moved slider
        assert pg.settings.lr == 0.03 and pg._idle is not None
        for _ in range(500):
            if pg._idle is None:
                break
            await asyncio.sleep(0.02)

    # In a thread of its own: an earlier test (the browser tests' Playwright) may still hold a running
    # event loop in this one, and asyncio.run refuses to start a second.
    failures = []

    def run_use():
        try:
            asyncio.run(use())
        except BaseException as exc:  # noqa: BLE001 - re-raised below, in the test's thread
            failures.append(exc)

    worker = threading.Thread(target=run_use)
    worker.start()
    worker.join()
    if failures:
        raise failures[0]
    assert pg._idle is None and pg._unprepared(LANDSCAPES) == []
    assert set(pg._prepared) == set(LANDSCAPES) - {pg.settings.landscape}
    assert all(ahead.lr == 0.03 for ahead in pg._prepared.values())  # drawn ahead with the settings shown
    assert_consistent(pg, pg.settings)
    assert pg._unprepared(LANDSCAPES) == []
    pg.set(lr=0.04)  # the landscapes drawn ahead are for lr 0.03: each is to be drawn again
    assert sorted(pg._unprepared(LANDSCAPES)) == sorted(set(LANDSCAPES) - {pg.settings.landscape})


# ---------------------------------------------------------------------------------------------
# Each optimizer's own learning rate, epsilon, bias correction, noise size, several noise draws


def test_an_optimizers_own_learning_rate_reruns_only_that_optimizer(pg):
    from rmsprop_lib import Momentum, minimize

    before = {t.optimizer: t for t in pg.traces}
    pg.controls["lr_Momentum"].value = 0.005
    assert pg.settings.lrs == (("Momentum", 0.005),) and pg.settings.lr == 0.05
    after = {t.optimizer: t for t in pg.traces}
    want = minimize(get_objective("elongated_bowl"), Momentum(lr=0.005, momentum=0.9), steps=300)
    np.testing.assert_array_equal(after["Momentum"].xs, want.xs)
    for name in ("GradientDescent", "RMSProp", "Adam"):
        assert after[name] is before[name] or np.array_equal(after[name].xs, before[name].xs)
    assert "lr 0.005:" in pg.summary.value and pg.summary.value.count("lr 0.05:") == 3
    pg.controls["lr"].value = 0.02  # the shared slider sets every optimizer's learning rate
    assert pg.settings.lrs == () and pg.controls["lr_Momentum"].value == 0.02


def test_epsilon_and_bias_correction_reach_the_optimizers_that_have_them():
    from rmsprop_lib import Adam, GradientDescent, minimize

    settings = PlaygroundSettings(landscape="bowl", optimizers=["GradientDescent", "Adam"], lr=0.1,
                                  epsilon=1e-2, bias_correction=False)
    gd, adam = compute(settings)
    bowl = get_objective("bowl")
    np.testing.assert_array_equal(adam.xs, minimize(bowl, Adam(lr=0.1, eps=1e-2, bias_correction=False), steps=300).xs)
    np.testing.assert_array_equal(gd.xs, minimize(bowl, GradientDescent(lr=0.1), steps=300).xs)
    assert not np.array_equal(adam.xs, compute(settings.replace(epsilon=None, bias_correction=True))[1].xs)


def test_the_noise_size_and_several_noise_draws():
    from rmsprop_lib import RMSProp, minimize
    from rmsprop_lib.objectives import with_noise

    base = get_objective("elongated_bowl")
    pg = playground(PlaygroundSettings(landscape="noisy_elongated_bowl", optimizers=["RMSProp"], noise=1.0,
                                       seed=3, runs=3), figsize=(6.0, 2.5), dpi=40)
    runs = [pg.traces[0]] + [others[0] for others in pg.other_traces]
    assert len(runs) == 3
    for k, trace in enumerate(runs):  # draw k is the run with seed + k
        want = minimize(with_noise(base, 1.0, seed=3 + k), RMSProp(lr=0.05), x0=base.start_point(), steps=300)
        np.testing.assert_array_equal(trace.xs, want.xs)
    faint = [line for line in pg.axes[0].lines if line.get_alpha() == 0.4]
    assert len(faint) == 2  # the two further draws, on the paths panel
    pg.set(landscape="bowl")  # no noise: one draw, and the noise controls are off
    assert pg.other_traces == [] and pg.controls["runs"].disabled and pg.controls["noise"].disabled


def test_the_stored_picture_is_the_figure_the_playground_shows():
    import io

    from PIL import Image

    pg = playground(figsize=(6.0, 2.5), dpi=40)
    png = pg.picture()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    shown = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))
    fresh, full = FastRenderer(pg.figure).render(pg.drawn["changing"])  # a full render of the same figure
    assert full and np.array_equal(shown, fresh[..., :3])


def test_displaying_the_playground_shows_the_box_and_a_picture_taken_away_on_the_first_use(monkeypatch):
    import IPython.display

    shown = []

    class Handle:
        def update(self, obj):
            shown.append(("update", obj))

    def display(obj, display_id=None):
        shown.append(("display", obj))
        return Handle() if display_id else None

    monkeypatch.setattr(IPython.display, "display", display)
    pg = playground(figsize=(6.0, 2.5), dpi=40)
    pg._ipython_display_()
    assert shown[0] == ("display", pg.widget)
    assert isinstance(shown[1][1], IPython.display.Image) and shown[1][1].data == pg.picture()
    slider = pg.controls["lr"]
    with slider.hold_sync():  # as a change from the page arrives: under the property lock
        slider._property_lock = {"value": 0.02}
        slider.value = 0.02
        slider._property_lock = {}
    assert shown[2][0] == "update" and shown[2][1].data == ""
    assert pg._picture is None


# ---------------------------------------------------------------------------------------------
# The stability limits 2/lambda on the effective-learning-rate panel


def test_stability_limits_are_two_over_the_hessians_eigenvalues():
    from rmsprop_lib.widgets import stability_limits
    # x^2 + 10 y^2 has the Hessian diag(2, 20) everywhere: x's limit 1, y's 0.1.
    assert stability_limits(get_objective("elongated_bowl")) == ([(1.0, "x"), (0.1, "y")], "")
    assert stability_limits(get_objective("noisy_bowl")) == ([(1.0, "x and y")], "")
    # Rosenbrock's Hessian at its minimum (1, 1), from its second derivatives, is tilted.
    eigenvalues = np.linalg.eigvalsh([[802.0, -400.0], [-400.0, 200.0]])
    limits, where = stability_limits(get_objective("rosenbrock"))
    assert where == "at the minimum" and [axis for _, axis in limits] == ["", ""]
    np.testing.assert_allclose([limit for limit, _ in limits], sorted(2 / eigenvalues, reverse=True), rtol=1e-5)
    assert stability_limits(get_objective("himmelblau")) == ([], "")  # four minima, four Hessians


def _limit_lines_shown(pg):
    return sorted(line.get_ydata()[0] for line in pg.axes[2].lines
                  if line.get_visible() and line.get_label() == "stability limit")


def test_the_effective_lr_panel_shows_the_current_landscapes_limits_as_dashed_lines(pg):
    assert _limit_lines_shown(pg) == [0.1, 1.0]
    line = next(line for line in pg.axes[2].lines if line.get_label() == "stability limit")
    assert line.get_linestyle() == "--"
    texts = [t.get_text() for t in pg.axes[2].texts if t.get_visible()]
    assert texts == ["x: 2/λ = 1 (limit without momentum)", "y: 2/λ = 0.1"]  # momentum's limit is 2(1 + mu)/lambda
    pg.set(landscape="himmelblau")
    assert _limit_lines_shown(pg) == [] and not [t for t in pg.axes[2].texts if t.get_visible()]
    pg.set(landscape="rosenbrock", lr=0.0001)  # every effective lr far below the limit 5: still in view
    low, high = pg.axes[2].get_ylim()
    assert all(low <= limit <= high for limit in _limit_lines_shown(pg)) and len(_limit_lines_shown(pg)) == 2
    assert "at the minimum" in [t.get_text() for t in pg.axes[2].texts if t.get_visible()][0]
    assert_consistent(pg, pg.settings)
    pg.set(landscape="elongated_bowl")
    assert _limit_lines_shown(pg) == [0.1, 1.0]


def test_a_new_step_axis_redraws_the_panels_and_their_x_labels_but_not_their_y_labels(pg):
    renderer = pg._renderer
    pg.set(optimizers=["GradientDescent"], lr=0.0001)  # a slow, steady run: the y limits stay as they are
    limits = [ax.get_ylim() for ax in pg.axes[1:]]
    drawn, full = renderer.region_renders, renderer.full_renders
    pg.set(steps=310)  # the step axes end at 400 instead of 300
    assert [ax.get_xlim()[1] for ax in pg.axes[1:]] == [400, 400]
    assert [ax.get_ylim() for ax in pg.axes[1:]] == limits
    assert renderer.region_renders == drawn + 4 and renderer.full_renders == full  # 2 panels, 2 rows of x labels
    assert_consistent(pg, pg.settings)
