"""rmsprop_lib.plotting: render with Agg and check what was drawn, not only that nothing raised."""
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.animation import FuncAnimation  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402

from rmsprop_lib import plotting  # noqa: E402
from rmsprop_lib.objectives import bowl, elongated_bowl, quadratic, rosenbrock  # noqa: E402
from rmsprop_lib.optimizers import OPTIMIZERS, AdaGrad, Adam, GradientDescent, RMSProp  # noqa: E402
from rmsprop_lib.run import minimize  # noqa: E402

# The Okabe-Ito palette (Okabe & Ito, "Color Universal Design"), written out independently.
OKABE_ITO = {"#000000", "#e69f00", "#56b4e9", "#009e73", "#f0e442", "#0072b2", "#d55e00", "#cc79a7"}
#: The palette's yellow marks minima; the ninth colour an optimizer may take is a neutral grey.
OPTIMIZER_PALETTE = (OKABE_ITO - {"#f0e442"}) | {"#999999"}
NAMES = list(OPTIMIZERS)

#: Learning rates that keep each run on the bowl for 20 steps (any other optimizer: 0.1)
LRS = {"GradientDescent": 0.1, "Momentum": 0.05, "AdaGrad": 0.5, "RMSProp": 0.1, "Adam": 0.3}


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture
def five_traces():
    """One run of every registered optimizer, in the registry's order."""
    opts = [cls(LRS.get(name, 0.1)) for name, cls in OPTIMIZERS.items()]
    return [minimize(bowl, opt, steps=20) for opt in opts]


def ax2d():
    return plt.subplots()[1]


# --- colours ------------------------------------------------------------------------------


def test_colors_one_distinct_okabe_ito_colour_per_optimizer():
    assert set(plotting.COLORS) == set(NAMES)
    hexes = [to_hex(plotting.COLORS[n]) for n in NAMES]
    assert len(set(hexes)) == len(NAMES)
    assert set(hexes) <= OPTIMIZER_PALETTE
    assert to_hex(plotting.style.MINIMUM_COLOR) not in hexes  # the minimum's star is never an optimizer's colour
    assert {to_hex(c) for c in plotting.FALLBACK_COLORS} <= OKABE_ITO
    for name, cls in OPTIMIZERS.items():
        assert plotting.COLORS[name] == cls.color  # the registry is the one source
    # the series' colours, as every notebook's figures show them
    assert [to_hex(plotting.COLORS[n]) for n in ("GradientDescent", "Momentum", "AdaGrad", "RMSProp", "Adam")] == [
        "#000000", "#e69f00", "#009e73", "#0072b2", "#d55e00"]


def test_color_for_accepts_trace_optimizer_and_name(five_traces):
    for trace in five_traces:
        assert plotting.color_for(trace) == plotting.COLORS[trace.optimizer]
    assert plotting.color_for(RMSProp(0.1)) == plotting.COLORS["RMSProp"]
    assert plotting.color_for("Adam") == plotting.COLORS["Adam"]


def test_color_for_unknown_name_is_stable_and_from_the_fallback_cycle():
    first = plotting.color_for("my optimizer")
    assert first in plotting.FALLBACK_COLORS
    assert plotting.color_for("my optimizer") == first


def test_color_for_rejects_other_types():
    with pytest.raises(TypeError, match="trace_or_name"):
        plotting.color_for(3)


# --- surface ------------------------------------------------------------------------------


def test_surface_creates_3d_axes_and_labels():
    surface = plotting.plot_surface(bowl, n=30)
    ax = surface.axes
    assert ax.name == "3d"
    assert surface in ax.collections
    assert (ax.get_xlabel(), ax.get_ylabel(), ax.get_zlabel()) == ("x", "y", "f(x, y)")
    # x^2 + y^2 on [-5, 5]^2 reaches 50 in the corners and 0 at the centre.
    z0, z1 = ax.get_zlim()
    assert z0 <= 0.0 and z1 >= 50.0 - 1e-9
    assert ax.get_xlim()[0] <= -5 and ax.get_xlim()[1] >= 5


def test_surface_on_given_3d_axes_and_log_heights():
    ax = plt.figure().add_subplot(projection="3d")
    surface = plotting.plot_surface(bowl, ax=ax, n=30, log=True)
    assert surface.axes is ax
    assert "log10" in ax.get_zlabel()
    # log10(1 + 50) = 1.7076: the log surface is far lower than the plain one.
    assert ax.get_zlim()[1] < 2.0


def test_surface_uses_given_bounds():
    ax = plotting.plot_surface(bowl, bounds=((0.0, 1.0), (-3.0, -1.0)), n=20).axes
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    assert x0 >= -0.1 and x1 <= 1.1 and y0 >= -3.2 and y1 <= -0.8


def test_surface_bad_input():
    with pytest.raises(TypeError, match="3-D"):
        plotting.plot_surface(bowl, ax=ax2d())
    with pytest.raises(TypeError, match="ax must be"):
        plotting.plot_surface(bowl, ax="left")
    with pytest.raises(ValueError, match="2-D"):
        plotting.plot_surface(quadratic([1.0, 2.0, 3.0]))
    with pytest.raises(TypeError, match="objective"):
        plotting.plot_surface(lambda x: x)
    with pytest.raises(ValueError, match="n must be >= 2"):
        plotting.plot_surface(bowl, n=1)


# --- contour ------------------------------------------------------------------------------


def test_contour_draws_one_line_per_trace_with_its_points_colour_and_label(five_traces):
    ax = ax2d()
    drawn = plotting.plot_contour(bowl, five_traces, ax=ax)
    lines = drawn["trajectories"]
    assert len(lines) == len(NAMES)
    for line, trace in zip(lines, five_traces):
        np.testing.assert_array_equal(np.column_stack(line.get_data()), trace.xs)
        assert to_hex(line.get_color()) == to_hex(plotting.COLORS[trace.optimizer])
        assert line.get_label() == trace.label
        assert line.get_marker() == "o"
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("x", "y")
    legend_texts = [t.get_text() for t in drawn["legend"].get_texts()]
    assert legend_texts[:len(NAMES)] == NAMES
    assert "start" in legend_texts and "minimum" in legend_texts
    assert drawn["contour"].axes is ax


def test_contour_marks_start_and_minimum():
    trace = minimize(bowl, GradientDescent(0.1), x0=[4.0, 3.0], steps=5)
    drawn = plotting.plot_contour(bowl, [trace, trace], ax=ax2d())
    # Two runs from the same start: one start marker.
    np.testing.assert_array_equal(drawn["starts"].get_offsets(), [[4.0, 3.0]])
    np.testing.assert_array_equal(drawn["minima"].get_offsets(), [[0.0, 0.0]])
    assert drawn["minima"].get_paths()[0] is not None


def test_contour_without_markers_and_without_traces():
    ax = ax2d()
    drawn = plotting.plot_contour(bowl, (), ax=ax, show_minima=False, show_start=False)
    assert drawn["trajectories"] == [] and drawn["starts"] is None and drawn["minima"] is None
    assert drawn["legend"] is None
    assert ax.get_xlim() == (-5.0, 5.0) and ax.get_ylim() == (-5.0, 5.0)


def test_contour_bounds_grow_to_include_every_point():
    far = minimize(bowl, GradientDescent(0.05), x0=[20.0, -30.0], steps=10)
    near = minimize(bowl, GradientDescent(0.05), steps=10)
    ax = ax2d()
    plotting.plot_contour(bowl, [far, near], ax=ax)
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    for trace in (far, near):
        assert np.all((trace.xs[:, 0] >= x0) & (trace.xs[:, 0] <= x1))
        assert np.all((trace.xs[:, 1] >= y0) & (trace.xs[:, 1] <= y1))
    # still at least the objective's own area
    assert x0 <= -5.0 and x1 >= 20.0 and y0 <= -30.0 and y1 >= 5.0


def test_contour_given_bounds_are_used_as_they_are():
    ax = ax2d()
    trace = minimize(bowl, GradientDescent(0.05), x0=[20.0, -30.0], steps=10)
    plotting.plot_contour(bowl, [trace], ax=ax, bounds=((-1, 2), (-3, 4)))
    assert ax.get_xlim() == (-1.0, 2.0) and ax.get_ylim() == (-3.0, 4.0)


def test_contour_diverged_and_one_point_traces():
    diverged = minimize(bowl, GradientDescent(1.5), steps=200)  # lr > 2/L = 1 on x^2 + y^2
    assert diverged.status == "diverged"
    single = minimize(bowl, Adam(0.1), steps=0)
    assert len(single.xs) == 1
    drawn = plotting.plot_contour(bowl, [diverged, single], ax=ax2d())
    d_line, s_line = drawn["trajectories"]
    assert d_line.get_label() == "GradientDescent (diverged)"
    np.testing.assert_array_equal(np.column_stack(d_line.get_data()), diverged.xs)
    np.testing.assert_array_equal(np.column_stack(s_line.get_data()), single.xs)
    np.testing.assert_array_equal(drawn["ends"].get_offsets(), [diverged.xs[-1]])


def test_contour_same_optimizer_runs_get_different_line_styles():
    traces = [minimize(bowl, GradientDescent(lr), steps=5, label=f"lr={lr}") for lr in (0.01, 0.1, 0.5)]
    lines = plotting.plot_contour(bowl, traces, ax=ax2d())["trajectories"]
    assert len({line.get_linestyle() for line in lines}) == 3
    assert {to_hex(line.get_color()) for line in lines} == {to_hex(plotting.COLORS["GradientDescent"])}
    assert [line.get_label() for line in lines] == ["lr=0.01", "lr=0.1", "lr=0.5"]


def test_contour_explicit_colours():
    traces = [minimize(bowl, GradientDescent(lr), steps=5) for lr in (0.01, 0.1)]
    lines = plotting.plot_contour(bowl, traces, ax=ax2d(), colors=["#56B4E9", "#CC79A7"])["trajectories"]
    assert [to_hex(line.get_color()) for line in lines] == ["#56b4e9", "#cc79a7"]
    with pytest.raises(ValueError, match="colors"):
        plotting.plot_contour(bowl, traces, ax=ax2d(), colors=["#56B4E9"])


def test_contour_levels_log_spaced_for_steep_functions_and_linear_for_the_bowl():
    levels = np.asarray(plotting.plot_contour(rosenbrock, ax=ax2d(), levels=12)["contour"].levels)
    offsets = levels[1:] - levels[0]
    ratios = offsets[1:] / offsets[:-1]
    np.testing.assert_allclose(ratios, ratios[0], rtol=1e-9)  # geometric above the lowest level
    assert ratios[0] > 1.5
    levels = np.asarray(plotting.plot_contour(bowl, ax=ax2d(), levels=12)["contour"].levels)
    np.testing.assert_allclose(np.diff(levels), np.diff(levels)[0], rtol=1e-9)
    forced = np.asarray(plotting.plot_contour(bowl, ax=ax2d(), levels=12, log_levels=True)["contour"].levels)
    assert not np.allclose(np.diff(forced), np.diff(forced)[0])


def test_contour_line_mode_and_level_list():
    drawn = plotting.plot_contour(bowl, ax=ax2d(), filled=False, levels=[1.0, 4.0, 9.0])
    assert not drawn["contour"].filled
    np.testing.assert_array_equal(drawn["contour"].levels, [1.0, 4.0, 9.0])


def test_contour_bad_input(five_traces):
    ax3d = plt.figure().add_subplot(projection="3d")
    with pytest.raises(TypeError, match="2-D Axes"):
        plotting.plot_contour(bowl, five_traces, ax=ax3d)
    with pytest.raises(ValueError, match="2-D"):
        plotting.plot_contour(quadratic([1.0, 2.0, 3.0]))
    three_d = minimize(quadratic([1.0, 2.0, 3.0]), GradientDescent(0.1), steps=3)
    with pytest.raises(ValueError, match=r"traces\[0\]"):
        plotting.plot_contour(bowl, [three_d], ax=ax2d())
    with pytest.raises(TypeError, match=r"traces\[1\]"):
        plotting.plot_contour(bowl, [five_traces[0], "RMSProp"], ax=ax2d())
    with pytest.raises(ValueError, match="bounds"):
        plotting.plot_contour(bowl, bounds=((1, -1), (0, 1)), ax=ax2d())
    with pytest.raises(ValueError, match="levels"):
        plotting.plot_contour(bowl, levels=1, ax=ax2d())
    with pytest.raises(TypeError, match="log_levels"):
        plotting.plot_contour(bowl, log_levels="yes", ax=ax2d())


def test_a_single_trace_is_accepted_without_a_list(five_traces):
    drawn = plotting.plot_contour(bowl, five_traces[3], ax=ax2d())
    assert len(drawn["trajectories"]) == 1


# --- loss ---------------------------------------------------------------------------------


def test_loss_draws_gap_to_minimum_on_log_scale(five_traces):
    ax = ax2d()
    lines = plotting.plot_loss(five_traces, ax=ax, min_value=-2.0)
    assert len(lines) == len(NAMES)
    for line, trace in zip(lines, five_traces):
        x, y = line.get_data()
        np.testing.assert_array_equal(x, np.arange(len(trace.fs)))
        np.testing.assert_array_equal(y, trace.fs + 2.0)
        assert to_hex(line.get_color()) == to_hex(plotting.COLORS[trace.optimizer])
    assert ax.get_yscale() == "log"
    assert ax.get_xlabel() == "step"
    assert ax.get_ylabel() == "f(x) - f*"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == NAMES


def test_loss_linear_scale_and_plain_values(five_traces):
    ax = ax2d()
    lines = plotting.plot_loss(five_traces[:2], ax=ax, log=False)
    np.testing.assert_array_equal(lines[0].get_ydata(), five_traces[0].fs)
    assert ax.get_yscale() == "linear" and ax.get_ylabel() == "f(x)"


def test_loss_one_point_and_diverged_traces():
    single = minimize(bowl, GradientDescent(0.1), steps=0)
    diverged = minimize(elongated_bowl(10.0), GradientDescent(0.2), steps=500)  # L = 20 > 2/0.2
    assert diverged.status == "diverged"
    lines = plotting.plot_loss([single, diverged], ax=ax2d())
    assert len(lines[0].get_xdata()) == 1 and lines[0].get_marker() == "o"
    assert lines[1].get_label() == "GradientDescent (diverged)"
    assert len(lines[1].get_xdata()) == len(diverged.fs)


def test_loss_bad_input(five_traces):
    with pytest.raises(ValueError, match="at least one Trace"):
        plotting.plot_loss([], ax=ax2d())
    with pytest.raises(ValueError, match="min_value"):
        plotting.plot_loss(five_traces, ax=ax2d(), min_value=5.0)  # f - 5 < 0 at the end
    with pytest.raises(TypeError, match="ax must be"):
        plotting.plot_loss(five_traces, ax=plt.figure())
    with pytest.raises(TypeError, match="traces"):
        plotting.plot_loss(None)


# --- effective learning rate --------------------------------------------------------------


def test_effective_lr_one_line_per_trace_and_coordinate(five_traces):
    ax = ax2d()
    lines = plotting.plot_effective_lr(five_traces, ax=ax)
    assert len(lines) == 2 * len(five_traces)  # two coordinates each
    for i, trace in enumerate(five_traces):
        x_line, y_line = lines[2 * i], lines[2 * i + 1]
        for c, line in enumerate((x_line, y_line)):
            np.testing.assert_array_equal(line.get_xdata(), np.arange(1, trace.steps + 1))
            np.testing.assert_array_equal(line.get_ydata(), trace.effective_lrs[:, c])
            assert to_hex(line.get_color()) == to_hex(plotting.COLORS[trace.optimizer])
        assert x_line.get_linestyle() != y_line.get_linestyle()
        assert x_line.get_label() == f"{trace.label}, x" and y_line.get_label() == f"{trace.label}, y"
    assert ax.get_yscale() == "log"
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("step", "effective learning rate")


def test_effective_lr_values_are_the_optimizers():
    # AdaGrad from (4, 3) on x^2 + y^2: first gradient (8, 6), so after one step lr / (|g| + eps).
    trace = minimize(bowl, AdaGrad(0.5, eps=0.0), steps=1)
    lines = plotting.plot_effective_lr([trace], ax=ax2d())
    assert lines[0].get_ydata()[0] == pytest.approx(0.5 / 8.0)
    assert lines[1].get_ydata()[0] == pytest.approx(0.5 / 6.0)


def test_effective_lr_selected_coordinate(five_traces):
    lines = plotting.plot_effective_lr(five_traces[2:4], ax=ax2d(), coordinates=[1])
    assert len(lines) == 2
    np.testing.assert_array_equal(lines[0].get_ydata(), five_traces[2].effective_lrs[:, 1])
    assert lines[0].get_label() == "AdaGrad"


def test_effective_lr_bad_input(five_traces):
    with pytest.raises(ValueError, match="coordinates"):
        plotting.plot_effective_lr(five_traces, ax=ax2d(), coordinates=[2])
    many = minimize(quadratic(np.arange(1.0, 21.0)), GradientDescent(0.01), steps=3)
    with pytest.raises(ValueError, match="20 coordinates"):
        plotting.plot_effective_lr([many], ax=ax2d())
    lines = plotting.plot_effective_lr([many], ax=ax2d(), coordinates=[0, 19])
    np.testing.assert_array_equal(lines[1].get_ydata(), many.effective_lrs[:, 19])
    assert lines[1].get_label() == "GradientDescent, x20"
    with pytest.raises(ValueError, match="at least one Trace"):
        plotting.plot_effective_lr((), ax=ax2d())


# --- animation ----------------------------------------------------------------------------


def test_animate_draws_paths_step_by_step(tmp_path):
    traces = [minimize(bowl, GradientDescent(0.1), steps=3), minimize(bowl, GradientDescent(30.0), steps=200)]
    assert traces[1].status == "diverged" and len(traces[1].xs) > len(traces[0].xs)
    anim = plotting.animate(bowl, traces, interval=20, n=40, levels=10)
    assert isinstance(anim, FuncAnimation)
    lines = anim.drawn["trajectories"]
    # Frame 0: only the start point of each path.
    for line, trace in zip(lines, traces):
        np.testing.assert_array_equal(np.column_stack(line.get_data()), trace.xs[:1])
    frames = []
    anim.save(tmp_path / "paths.gif", writer="pillow", fps=10, dpi=30,
              progress_callback=lambda i, n: frames.append(i))
    assert frames == list(range(max(len(t.xs) for t in traces)))
    # After the last frame every path is complete.
    for line, trace in zip(lines, traces):
        np.testing.assert_array_equal(np.column_stack(line.get_data()), trace.xs)


def test_animate_bad_input():
    with pytest.raises(ValueError, match="at least one Trace"):
        plotting.animate(bowl, [])
    with pytest.raises(ValueError, match="interval"):
        plotting.animate(bowl, [minimize(bowl, GradientDescent(0.1), steps=2)], interval=0)


def test_effective_lr_of_a_run_without_updates_is_an_empty_line():
    # a run that diverged on its first step has no effective learning rate to draw (before: a reshape error)
    trace = minimize(bowl, GradientDescent(1e300), steps=5)
    assert trace.steps == 0
    lines = plotting.plot_effective_lr([trace], ax=ax2d())
    assert len(lines) == 2 and all(len(line.get_xdata()) == 0 for line in lines)
    assert lines[0].get_label() == "GradientDescent, x"


def test_colours_and_flags_are_checked(five_traces):
    with pytest.raises(ValueError, match=r"colors\[0\] must be a matplotlib colour"):
        plotting.plot_loss(five_traces[:1], ax=ax2d(), colors=["notacolor"])
    for flag in ("show_minima", "show_start", "filled"):
        with pytest.raises(TypeError, match=f"{flag} must be True or False"):
            plotting.plot_contour(bowl, five_traces, ax=ax2d(), n=10, **{flag: "yes"})
    with pytest.raises(TypeError, match="nope is not an option of plot_contour"):
        plotting.animate(bowl, five_traces, ax=ax2d(), nope=1)
    with pytest.raises(TypeError, match="traces must be a Trace or a list"):
        plotting.plot_loss({"a": five_traces[0]})


def test_contour_draws_equal_units_by_default_and_auto_on_request():
    fig, (left, right) = plt.subplots(1, 2)
    plotting.plot_contour(elongated_bowl(), ax=left, n=20)
    plotting.plot_contour(elongated_bowl(), ax=right, n=20, aspect="auto")
    assert left.get_aspect() == 1.0
    assert right.get_aspect() == "auto"
    with pytest.raises(ValueError, match="aspect must be 'equal' or 'auto'"):
        plotting.plot_contour(bowl, n=20, aspect="square")
    plt.close(fig)


def test_log_spaced_contour_bands_each_get_their_own_shade():
    # Rosenbrock's levels are log-spaced; a linear colour scale would paint all the low bands one shade.
    fig, ax = plt.subplots()
    drawn = plotting.plot_contour(rosenbrock, ax=ax, n=60)
    levels = drawn["contour"].levels
    shades = [to_hex(drawn["contour"].cmap(drawn["contour"].norm(0.5 * (a + b)))) for a, b in zip(levels[:5], levels[1:6])]
    assert len(set(shades)) == 5
    plt.close(fig)
