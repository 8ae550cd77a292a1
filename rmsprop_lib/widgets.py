"""The playground: pick a landscape, optimizers and hyperparameters, and watch the paths.

Three layers, so that everything except the wiring can be tested without a browser:

- ``PlaygroundSettings`` - every setting, checked when it is created (bad values raise a
  ``ValueError``/``TypeError`` that names the setting and its allowed range);
- ``compute(settings)`` - runs each chosen optimizer with ``rmsprop_lib.run.minimize`` and
  returns the traces; ``draw(traces, settings, axes)`` - draws the three panels (contour with
  every path, loss on a log scale, effective learning rate);
- ``playground()`` - ipywidgets controls wired to ``compute`` and ``draw``. It returns a
  ``Playground`` whose ``.widget`` is the box to display, ``.controls`` the controls by setting
  name, and ``.settings``, ``.traces`` and ``.figure`` the state after the last change.

The figure is a plain matplotlib ``Figure`` rendered into an ``ipywidgets.Image``, so
the playground needs no front-end extension (no ipympl) and works with ipywidgets 7.7 and 8.
"""
import dataclasses
import io
import time
import weakref
from dataclasses import dataclass
from typing import Optional

import numpy as np

from . import _validate
from .objectives import OBJECTIVES, get_objective, with_noise
from .optimizers import OPTIMIZERS
from .run import minimize

#: Every landscape the playground offers: each objective and its noisy version.
LANDSCAPES = tuple(OBJECTIVES) + tuple(f"noisy_{name}" for name in OBJECTIVES)

#: The optimizers the playground can show, in legend order.
OPTIMIZER_NAMES = tuple(OPTIMIZERS)

#: Range of the learning-rate slider (log scale) and the largest number of steps.
LR_RANGE = (1e-4, 1.0)
MAX_STEPS = 2000


def _unit(name, value):
    return _validate.unit_interval(name, value)


@dataclass(frozen=True)
class PlaygroundSettings:
    """Everything the playground shows, checked on creation.

    - ``landscape``: one of ``LANDSCAPES`` (``"noisy_<name>"`` adds Gaussian noise of size 0.5
      to every gradient, drawn from ``seed``);
    - ``optimizers``: names from ``OPTIMIZER_NAMES`` (stored in legend order, without repeats);
    - ``lr``: the learning rate shared by every optimizer, > 0;
    - ``rho`` (RMSProp), ``beta1``/``beta2`` (Adam), ``momentum`` (Momentum): in [0, 1);
    - ``start``: the start point ``(x, y)``, or ``None`` for the landscape's suggested start;
    - ``steps``: number of updates, 1 to ``MAX_STEPS``;
    - ``seed``: the noise seed of a noisy landscape (ignored otherwise), a whole number >= 0.
    """

    landscape: str = "elongated_bowl"
    optimizers: tuple = ("GradientDescent", "Momentum", "RMSProp", "Adam")
    lr: float = 0.05
    rho: float = 0.9
    beta1: float = 0.9
    beta2: float = 0.999
    momentum: float = 0.9
    start: Optional[tuple] = None
    steps: int = 300
    seed: int = 0

    def __post_init__(self):
        def set_(name, value):
            object.__setattr__(self, name, value)

        if not isinstance(self.landscape, str):
            raise TypeError(f"landscape must be a string, one of {list(LANDSCAPES)}; got {self.landscape!r}")
        if self.landscape not in LANDSCAPES:
            raise ValueError(f"landscape must be one of {list(LANDSCAPES)}; got {self.landscape!r}")
        set_("optimizers", _optimizer_names(self.optimizers))
        set_("lr", _validate.positive("lr", self.lr))
        for name in ("rho", "beta1", "beta2", "momentum"):
            set_(name, _unit(name, getattr(self, name)))
        if self.start is not None:
            start = _validate.finite_array("start", self.start)
            if start.shape != (2,):
                raise ValueError(f"start must be a point (x, y) with 2 numbers, or None; got {self.start!r}")
            set_("start", (float(start[0]), float(start[1])))
        set_("steps", _validate.count("steps", self.steps, minimum=1))
        if self.steps > MAX_STEPS:
            raise ValueError(f"steps must be between 1 and {MAX_STEPS}, got {self.steps}")
        set_("seed", _validate.count("seed", self.seed))

    def replace(self, **changes):
        """A copy with some settings changed (checked again)."""
        return dataclasses.replace(self, **changes)

    def objective(self):
        """The landscape as an ``Objective`` (noisy ones seeded with ``seed``)."""
        objective = get_objective(self.landscape)
        if self.landscape.startswith("noisy_") and self.seed != objective.seed:
            objective = with_noise(objective.base, objective.sigma, seed=self.seed)
        return objective

    def start_point(self):
        """The start point as an array (the landscape's suggestion when ``start`` is None)."""
        if self.start is None:
            return get_objective(self.landscape).start_point()
        return np.array(self.start, dtype=float)

    def hyperparameters(self, name):
        """The keyword arguments the optimizer ``name`` is built with."""
        if name not in OPTIMIZERS:
            raise ValueError(f"name must be one of {list(OPTIMIZER_NAMES)}, got {name!r}")
        extra = {"Momentum": {"momentum": self.momentum}, "RMSProp": {"rho": self.rho},
                 "Adam": {"beta1": self.beta1, "beta2": self.beta2}}.get(name, {})
        return {"lr": self.lr, **extra}

    def optimizer(self, name):
        """The optimizer ``name`` built from these settings."""
        return OPTIMIZERS[name](**self.hyperparameters(name))


def _optimizer_names(names):
    if isinstance(names, str) or not hasattr(names, "__iter__"):
        raise TypeError(f"optimizers must be a list of names from {list(OPTIMIZER_NAMES)}, got {names!r}")
    names = list(names)
    for name in names:
        if name not in OPTIMIZERS:
            raise ValueError(f"optimizers must be names from {list(OPTIMIZER_NAMES)}; got {name!r}")
    return tuple(n for n in OPTIMIZER_NAMES if n in names)


def _run_one(settings, name, objective=None):
    objective = settings.objective() if objective is None else objective
    return minimize(objective, settings.optimizer(name), settings.start_point(), steps=settings.steps)


def compute(settings):
    """Run every optimizer of ``settings`` on its landscape: a list of ``Trace``, in legend order."""
    if not isinstance(settings, PlaygroundSettings):
        raise TypeError(f"settings must be a PlaygroundSettings, got {type(settings).__name__}")
    objective = settings.objective()
    return [_run_one(settings, name, objective) for name in settings.optimizers]


# ---------------------------------------------------------------------------------------------
# Drawing

#: Loss values are drawn as f - f* + LOSS_FLOOR: rounding error near the minimum can make
#: f - f* a hair below zero, which a log scale cannot show. Invisible above about 1e-10.
LOSS_FLOOR = 1e-12

#: What ``draw`` remembers per axes: the landscape whose contour is already drawn (so a change
#: of hyperparameters keeps the contour and replaces only the paths and curves).
_DRAWN = weakref.WeakKeyDictionary()


def _base_name(landscape):
    return landscape[len("noisy_"):] if landscape.startswith("noisy_") else landscape


def _landscape_title(settings, objective):
    title = _base_name(settings.landscape).replace("_", " ")
    if objective.formula:
        title += f": ${objective.formula}$"
    if settings.landscape.startswith("noisy_"):
        title = f"noisy {title}\n(gradient noise {objective.sigma:g}, seed {settings.seed})"
    return title


def _status_label(trace):
    return f"{trace.label} (diverged)" if trace.status == "diverged" else trace.label


def _figure_legend(ax_path, state, paths, start_marker):
    """One legend above the panels: optimizers (with "(diverged)"), start, minima.

    It is rebuilt only when its entries change, so a redraw usually leaves it alone.
    """
    handles = paths + [start_marker] + [c for c in ax_path.collections if c.get_label() in ("minimum", "minima")]
    key = tuple((h.get_label(), str(h.get_color()) if hasattr(h, "get_color") else "") for h in handles)
    legend = state.get("legend")
    if legend is not None and state.get("legend_key") == key:
        return legend
    if legend is not None:
        legend.remove()
    if ax_path.get_legend() is not None:
        ax_path.get_legend().remove()
    legend = ax_path.figure.legend(handles=handles, labels=[k[0] for k in key], loc="upper center",
                                   ncol=len(handles), fontsize="small", frameon=False,
                                   bbox_to_anchor=(0.5, 1.0))
    state["legend"], state["legend_key"] = legend, key
    return legend


def _check_axes(axes):
    from matplotlib.axes import Axes

    try:
        axes = list(axes)
    except TypeError:
        raise TypeError(f"axes must be a sequence of 3 matplotlib Axes, got {type(axes).__name__}") from None
    if len(axes) != 3 or not all(isinstance(ax, Axes) for ax in axes):
        raise TypeError(f"axes must be a sequence of 3 matplotlib Axes (paths, loss, effective lr), got {axes!r}")
    return axes


def _decades(values, fallback=(1e-3, 1e3)):
    """Log-axis limits snapped to whole powers of ten around the finite positive ``values``."""
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values) & (values > 0)]
    if values.size == 0:
        return fallback
    low = 10.0 ** np.floor(np.log10(values.min() / 1.5))
    high = 10.0 ** np.ceil(np.log10(values.max() * 1.5))
    if high <= low:
        low, high = low / 10, high * 10
    return float(low), float(high)


def draw(traces, settings, axes):
    """Draw the playground's three panels on ``axes`` (a sequence of 3 matplotlib Axes).

    1. the landscape's contour with every path (start as a white circle, known minima as stars);
    2. the loss gap ``f - f*`` against the step, on a log scale (``LOSS_FLOOR`` added);
    3. the effective learning rate per coordinate (solid: x, dashed: y), on a log scale.

    One legend above the panels names the optimizers (a diverged run says so). Drawing again on
    the same axes keeps the contour while the landscape is unchanged, and keeps the lines (giving
    them the new data) while the optimizers shown are unchanged; log-axis limits snap to whole
    powers of ten, so small changes leave the axes still. Returns a dict of the artists drawn:
    ``paths`` (one line per trace), ``loss`` and ``effective_lr`` (lines), and ``changing``
    (every artist whose content may have changed: what a fast redraw must paint).
    """
    from matplotlib.ticker import NullLocator

    from . import plotting

    if not isinstance(settings, PlaygroundSettings):
        raise TypeError(f"settings must be a PlaygroundSettings, got {type(settings).__name__}")
    traces = plotting._traces(traces, allow_empty=True)
    ax_path, ax_loss, ax_lr = _check_axes(axes)
    objective = settings.objective()
    floor_value = (objective.min_value or 0.0) - LOSS_FLOOR

    state = _DRAWN.get(ax_path)
    if state is None or state["landscape"] != _base_name(settings.landscape):
        if state is not None:
            for artist in state.get("changing", []) + [state.get("legend")]:
                if artist is not None and (artist.axes is not ax_path) and artist.figure is not None:
                    artist.remove()
        # Remove the old landscape but keep the axes (clearing them would rebuild every tick).
        for artist in list(ax_path.collections) + list(ax_path.lines) + list(ax_path.texts):
            artist.remove()
        if ax_path.get_legend() is not None:
            ax_path.get_legend().remove()
        plotting.plot_contour(objective, (), ax=ax_path, bounds=objective.bounds, levels=25, n=120)
        if ax_path.get_legend() is not None:
            ax_path.get_legend().remove()
        (start_marker,) = ax_path.plot([], [], linestyle="none", marker="o", markersize=8, color="black",
                                       markerfacecolor="white", markeredgecolor="black", label="start", zorder=4)
        state = {"landscape": _base_name(settings.landscape), "start": start_marker}
        _DRAWN[ax_path] = state
    start = settings.start_point()
    state["start"].set_data([start[0]], [start[1]])
    ax_path.set_title(_landscape_title(settings, objective), fontsize="medium")

    names = tuple(t.optimizer for t in traces)
    if state.get("names") == names and names:
        # Same optimizers as last time: give the existing lines their new data (much faster).
        paths, loss_lines, lr_lines = state["paths"], state["loss"], state["effective_lr"]
        per_trace = len(lr_lines) // len(traces)
        for i, trace in enumerate(traces):
            paths[i].set_data(trace.xs[:, 0], trace.xs[:, 1])
            paths[i].set_label(_status_label(trace))
            loss_lines[i].set_data(np.arange(len(trace.fs)), trace.fs - floor_value)
            lrs = trace.effective_lrs.reshape(len(trace.effective_lrs), -1)
            for j in range(per_trace):
                lr_lines[i * per_trace + j].set_data(np.arange(1, len(lrs) + 1), lrs[:, j])
    else:
        for artist in state.get("changing", []):
            if artist is not state["start"] and artist not in ax_path.collections:
                artist.remove()
        paths, loss_lines, lr_lines = [], [], []
        for trace in traces:
            (line,) = ax_path.plot(trace.xs[:, 0], trace.xs[:, 1], color=plotting.color_for(trace), marker="o",
                                   markersize=2.5, linewidth=1.4, label=_status_label(trace), zorder=3)
            paths.append(line)
        if traces:
            loss_lines = plotting.plot_loss(traces, ax=ax_loss, min_value=floor_value)
            lr_lines = plotting.plot_effective_lr(traces, ax=ax_lr)
            changing_text = []
        else:
            changing_text = [ax.text(0.5, 0.5, "choose at least one optimizer", transform=ax.transAxes,
                                     ha="center", va="center") for ax in (ax_loss, ax_lr)]
        for ax in (ax_loss, ax_lr):
            if ax.get_legend() is not None:
                ax.get_legend().remove()
        state.update(names=names, paths=paths, loss=loss_lines, effective_lr=lr_lines, texts=changing_text)

    steps = max([t.steps for t in traces] + [settings.steps, 1])
    for ax in (ax_loss, ax_lr):
        if ax.get_yscale() != "log":
            ax.set_yscale("log")
        # Minor ticks on a log axis spanning many decades add clutter, and a quarter of the drawing time.
        if not isinstance(ax.yaxis.get_minor_locator(), NullLocator):
            ax.yaxis.set_minor_locator(NullLocator())
        ax.set_xlim(0, steps)
        ax.set_xlabel("step")
    if traces:
        # A diverging run's loss grows without bound: show at most 2 decades above the start.
        gaps = np.concatenate([t.fs - floor_value for t in traces])
        start_gap = max(float(t.fs[0] - floor_value) for t in traces)
        ax_loss.set_ylim(*_decades(gaps[gaps <= max(start_gap, LOSS_FLOOR) * 100]))
        ax_lr.set_ylim(*_decades(np.concatenate([t.effective_lrs.ravel() for t in traces])))
    ax_loss.set_ylabel("f(x) - f*")
    ax_lr.set_ylabel("effective learning rate")
    ax_loss.set_title("loss gap (log scale)", fontsize="medium")
    ax_lr.set_title("step size (log scale; solid x, dashed y)", fontsize="medium")
    _figure_legend(ax_path, state, paths, state["start"])

    minima = [c for c in ax_path.collections if c.get_label() in ("minimum", "minima")]
    changing = paths + [state["start"]] + minima + loss_lines + lr_lines + state["texts"]
    state["changing"] = changing
    return {"paths": paths, "loss": loss_lines, "effective_lr": lr_lines, "changing": changing}


def new_figure(figsize=(13.0, 4.4), dpi=80):
    """A matplotlib ``Figure`` with the playground's three panels, not managed by pyplot.

    Returns ``(figure, axes)``. As pyplot does not know the figure, the inline backend never
    shows it by itself; the playground renders it to an image whenever something changes.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=figsize, dpi=dpi)
    FigureCanvasAgg(figure)
    axes = figure.subplots(1, 3, gridspec_kw={"width_ratios": [1.15, 1, 1]})
    figure.subplots_adjust(left=0.05, right=0.99, bottom=0.12, top=0.82, wspace=0.28)
    return figure, list(axes)


class FastRenderer:
    """Renders a figure with the Agg backend, repainting only what changed when it can.

    A full render draws everything except the ``changing`` artists, keeps that background,
    then paints the changing artists on top. The next render reuses the background when the
    layout (axis limits, scales, titles, figure size) is unchanged: restore it and paint only
    the changing artists (matplotlib's blitting technique). ``render`` returns the image as an
    RGBA array and tells whether it had to draw everything.
    """

    def __init__(self, figure):
        self.figure = figure
        self._background = None
        self._layout = None
        self.full_renders = 0
        self.fast_renders = 0

    def _layout_key(self):
        key = [tuple(self.figure.get_size_inches()), self.figure.dpi,
               tuple(tuple(t.get_text() for t in legend.get_texts()) for legend in self.figure.legends)]
        for ax in self.figure.axes:
            key += [ax.get_xlim(), ax.get_ylim(), ax.get_xscale(), ax.get_yscale(), ax.get_title(),
                    len(ax.collections)]
        return tuple(key)

    def render(self, changing):
        """Render the figure; ``changing`` are the artists ``draw`` replaced. Returns ``(rgba, full)``."""
        canvas = self.figure.canvas
        layout = self._layout_key()
        full = self._background is None or layout != self._layout
        if full:
            for artist in changing:
                artist.set_visible(False)
            try:
                canvas.draw()
            finally:
                for artist in changing:
                    artist.set_visible(True)
            self._background = canvas.copy_from_bbox(self.figure.bbox)
            self._layout = layout
            self.full_renders += 1
        else:
            canvas.restore_region(self._background)
            self.fast_renders += 1
        renderer = canvas.get_renderer()
        for artist in sorted(changing, key=lambda a: a.get_zorder()):
            artist.draw(renderer)
        return np.asarray(canvas.buffer_rgba()), full

    def encode(self, changing, format="jpeg"):
        """Render (see ``render``) and encode the image (see ``encode_image``). Returns bytes."""
        rgba, _ = self.render(changing)
        return encode_image(rgba, format)


def encode_image(rgba, format="jpeg"):
    """An RGBA array as image bytes: ``"jpeg"`` (quality 90, full colour resolution; a few ms)
    or ``"png"`` (lossless, about ten times slower)."""
    from PIL import Image

    if format not in ("jpeg", "png"):
        raise ValueError(f"format must be 'jpeg' or 'png', got {format!r}")
    rgba = np.ascontiguousarray(rgba, dtype=np.uint8)
    image = Image.frombuffer("RGBA", (rgba.shape[1], rgba.shape[0]), rgba, "raw", "RGBA", 0, 1).convert("RGB")
    buffer = io.BytesIO()
    if format == "jpeg":
        image.save(buffer, format="jpeg", quality=90, subsampling=0)
    else:
        image.save(buffer, format="png", compress_level=1)
    return buffer.getvalue()


# ---------------------------------------------------------------------------------------------
# The widget


def _landscape_label(name):
    if name.startswith("noisy_"):
        return f"{_base_name(name).replace('_', ' ')} + noisy gradients"
    return name.replace("_", " ")


def _summary_html(traces, settings, objective):
    """A small table of where each run ended."""
    if not traces:
        return "<i>Choose at least one optimizer.</i>"
    f_star = objective.min_value or 0.0
    rows = []
    for trace in traces:
        if trace.status == "diverged":
            result = f"diverged at step {trace.steps + 1}"
        else:
            x, y = (round(float(v), 3) + 0.0 for v in trace.x)  # + 0.0 turns -0.0 into 0.0
            result = f"f - f* = {trace.f - f_star:.3e} at ({x:.3f}, {y:.3f})"
        rows.append(f"<tr><td style='padding-right:1em'><b>{trace.label}</b></td><td>{result}</td></tr>")
    return (f"<div>After {settings.steps} steps with lr = {settings.lr:.4g}:</div>"
            f"<table>{''.join(rows)}</table>")


class Playground:
    """The interactive playground (see ``playground()``): controls, figure and state.

    - ``widget``: the ipywidgets box to display (displaying the ``Playground`` shows it too);
    - ``controls``: the controls by name: ``landscape``, one checkbox per optimizer name,
      ``lr``, ``rho``, ``beta1``, ``beta2``, ``momentum``, ``start_x``, ``start_y``, ``steps``,
      ``seed`` and the ``reset`` button. Setting a control's ``value`` in code updates
      everything, as a click does;
    - after each change: ``settings`` (a ``PlaygroundSettings``), ``traces``, ``figure`` (the
      matplotlib figure, already drawn), ``image`` (the ``ipywidgets.Image`` showing it), ``updates`` (a counter) and
      ``error`` (the message of the last failed update, or None).
    """

    def __init__(self, settings=None, figsize=(13.0, 4.4), dpi=80):
        import ipywidgets as widgets

        settings = PlaygroundSettings() if settings is None else settings
        if not isinstance(settings, PlaygroundSettings):
            raise TypeError(f"settings must be a PlaygroundSettings or None, got {type(settings).__name__}")
        self.defaults = settings.replace(start=tuple(settings.start_point()))
        self.figure, self.axes = new_figure(figsize=figsize, dpi=dpi)
        self._renderer = FastRenderer(self.figure)
        self._cache = {}
        self._holding = False
        self.settings, self.traces, self.error, self.updates = None, [], None, 0
        self.last_update_seconds = None

        wide = {"description_width": "initial"}
        slider = dict(style=wide, layout=widgets.Layout(width="300px", margin="0 12px 0 0"))
        c = {}
        c["landscape"] = widgets.Dropdown(options=[(_landscape_label(n), n) for n in LANDSCAPES],
                                          value=self.defaults.landscape, description="landscape", style=wide)
        for name in OPTIMIZER_NAMES:
            c[name] = widgets.Checkbox(value=name in self.defaults.optimizers, description=name, indent=False,
                                       layout=widgets.Layout(width="auto", margin="0 12px 0 0"))
        # Controls that rerun every optimizer update when released; the others (one optimizer
        # each) follow the slider as it moves.
        c["lr"] = widgets.FloatLogSlider(value=self.defaults.lr, base=10, min=np.log10(LR_RANGE[0]),
                                         max=np.log10(LR_RANGE[1]), step=0.01, readout_format=".4f",
                                         description="learning rate", continuous_update=False, **slider)
        c["steps"] = widgets.IntSlider(value=self.defaults.steps, min=10, max=1000, step=10,
                                       description="steps", continuous_update=False, **slider)
        c["start_x"] = widgets.FloatSlider(description="start x", step=0.001, readout_format=".3f",
                                           continuous_update=False, **slider)
        c["start_y"] = widgets.FloatSlider(description="start y", step=0.001, readout_format=".3f",
                                           continuous_update=False, **slider)
        c["rho"] = widgets.FloatSlider(value=self.defaults.rho, min=0.0, max=0.999, step=0.001,
                                       readout_format=".3f", description="RMSProp rho", **slider)
        c["beta1"] = widgets.FloatSlider(value=self.defaults.beta1, min=0.0, max=0.999, step=0.001,
                                         readout_format=".3f", description="Adam beta1", **slider)
        c["beta2"] = widgets.FloatSlider(value=self.defaults.beta2, min=0.9, max=0.9999, step=0.0001,
                                         readout_format=".4f", description="Adam beta2", **slider)
        c["momentum"] = widgets.FloatSlider(value=self.defaults.momentum, min=0.0, max=0.99, step=0.01,
                                            readout_format=".2f", description="momentum", **slider)
        c["seed"] = widgets.IntSlider(value=self.defaults.seed, min=0, max=20, description="noise seed",
                                      continuous_update=False, **slider)
        c["reset"] = widgets.Button(description="Reset", tooltip="restore the starting settings", icon="undo")
        self.controls = c

        self.image = widgets.Image(format="jpeg")
        self.summary = widgets.HTML()
        self.message = widgets.HTML()
        row = widgets.Layout(flex_flow="row wrap", align_items="center")
        self.widget = widgets.VBox([
            widgets.HBox([c["landscape"], widgets.Label("show:")] + [c[n] for n in OPTIMIZER_NAMES], layout=row),
            widgets.HBox([c["lr"], c["steps"], c["momentum"]], layout=row),
            widgets.HBox([c["rho"], c["beta1"], c["beta2"]], layout=row),
            widgets.HBox([c["start_x"], c["start_y"], c["seed"], c["reset"]], layout=row),
            self.message, self.image, self.summary,
        ])

        for name, control in c.items():
            if name == "reset":
                control.on_click(lambda _button: self.reset())
            elif name == "landscape":
                control.observe(self._on_landscape, names="value")
            else:
                control.observe(self._on_change, names="value")
        self._push(self.defaults)
        self.update()

    # -- displaying --------------------------------------------------------------------------
    def _ipython_display_(self):  # ipywidgets 7 and IPython: show the box
        from IPython.display import display

        display(self.widget)

    # -- settings <-> controls ---------------------------------------------------------------
    def settings_from_controls(self):
        """The ``PlaygroundSettings`` the controls show (raises if a value is out of range)."""
        c = self.controls
        return PlaygroundSettings(
            landscape=c["landscape"].value,
            optimizers=tuple(n for n in OPTIMIZER_NAMES if c[n].value),
            lr=c["lr"].value, rho=c["rho"].value, beta1=c["beta1"].value, beta2=c["beta2"].value,
            momentum=c["momentum"].value, start=(c["start_x"].value, c["start_y"].value),
            steps=c["steps"].value, seed=c["seed"].value,
        )

    def _push(self, settings):
        """Show ``settings`` on the controls without triggering an update per control.

        A value outside a slider's range raises a ``ValueError`` (a slider would silently clip it).
        """
        c = self.controls
        for name in ("lr", "rho", "beta1", "beta2", "momentum", "steps", "seed"):
            value, low, high = getattr(settings, name), c[name].min, c[name].max
            if name == "lr":
                low, high = c[name].base ** low, c[name].base ** high
            if not low <= value <= high:
                raise ValueError(f"{name} must be between {low:g} and {high:g} in the playground, got {value:g}")
        held, self._holding = self._holding, True
        try:
            c["landscape"].value = settings.landscape
            self._fit_start_sliders(settings)
            for name in OPTIMIZER_NAMES:
                c[name].value = name in settings.optimizers
            for name in ("lr", "rho", "beta1", "beta2", "momentum", "steps", "seed"):
                c[name].value = getattr(settings, name)
        finally:
            self._holding = held

    def _fit_start_sliders(self, settings):
        (x0, x1), (y0, y1) = get_objective(settings.landscape).bounds
        x, y = settings.start_point()
        for slider, lo, hi, value in ((self.controls["start_x"], x0, x1, x), (self.controls["start_y"], y0, y1, y)):
            lo, hi = min(lo, value), max(hi, value)
            if lo > slider.max:  # change the range in an order the slider accepts
                slider.max, slider.min = hi, lo
            else:
                slider.min, slider.max = lo, hi
            slider.value = value
        self.controls["seed"].disabled = not settings.landscape.startswith("noisy_")

    def set(self, **changes):
        """Change some settings (names as in ``PlaygroundSettings``) and update once.

        A new ``landscape`` without a ``start`` moves the start to the landscape's suggestion.
        """
        current = self.settings_from_controls()
        if "landscape" in changes and "start" not in changes:
            changes["start"] = None
        new = current.replace(**changes)
        self._push(new.replace(start=tuple(new.start_point())))
        self.update()
        return self

    def reset(self):
        """Restore the settings the playground started with."""
        self._push(self.defaults)
        self.update()
        return self

    # -- reacting to the controls --------------------------------------------------------------
    def _on_landscape(self, change):
        if self._holding:
            return
        held, self._holding = self._holding, True
        try:
            self._fit_start_sliders(PlaygroundSettings(landscape=change["new"]))
        finally:
            self._holding = held
        self._guarded_update()

    def _on_change(self, change):
        if not self._holding:
            self._guarded_update()

    def _guarded_update(self):
        try:
            self.update()
        except (TypeError, ValueError) as exc:  # out-of-range settings: say so, keep the last figure
            self.error = str(exc)
            self.message.value = f"<span style='color:#D55E00'>Cannot update: {_escape(str(exc))}</span>"

    # -- computing and drawing -------------------------------------------------------------------
    def _trace(self, settings, name, objective):
        noise_seed = settings.seed if settings.landscape.startswith("noisy_") else None
        key = (settings.landscape, noise_seed, settings.start, settings.steps, name,
               tuple(sorted(settings.hyperparameters(name).items())))
        trace = self._cache.get(key)
        if trace is None:
            if len(self._cache) >= 256:
                self._cache.clear()
            trace = self._cache[key] = _run_one(settings, name, objective)
        return trace

    def update(self):
        """Read the controls, rerun what changed, redraw. Returns the traces."""
        started = time.perf_counter()
        settings = self.settings_from_controls()
        objective = settings.objective()
        traces = [self._trace(settings, name, objective) for name in settings.optimizers]
        drawn = draw(traces, settings, self.axes)
        self.image.value = self._renderer.encode(drawn["changing"], self.image.format)
        self.summary.value = _summary_html(traces, settings, objective)
        self.message.value = ""
        self.settings, self.traces, self.drawn, self.error = settings, traces, drawn, None
        self.updates += 1
        self.last_update_seconds = time.perf_counter() - started
        return traces


def _escape(text):
    import html

    return html.escape(text)


def playground(settings=None, **kwargs):
    """The interactive playground: display the returned ``Playground`` (or its ``.widget``).

    ``settings`` (a ``PlaygroundSettings``) are the starting values that Reset restores;
    extra keyword arguments go to ``Playground`` (``figsize``, ``dpi``). Works with ipywidgets
    7.7 and 8 and with the plain inline backend: the figure is shown as an image widget.
    """
    return Playground(settings, **kwargs)
