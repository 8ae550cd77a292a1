"""The ipywidgets app: ``playground()`` wires controls to ``compute``, ``draw`` and the renderer."""
import time

import numpy as np

from ..objectives import get_objective
from .drawing import draw, new_figure, step_axis_end
from .render import FastRenderer
from .settings import (CONTROLS, LANDSCAPES, LR_RANGE, MAX_STEPS, OPTIMIZER_NAMES, PlaygroundSettings,
                       control_label, first_updates, run_one, split_landscape)

#: How many sliders a row of the widget holds.
PER_ROW = 3

#: The settings shown on a slider (each refused when beyond its slider's range).
_SLIDER_SETTINGS = ("lr", *CONTROLS, "steps", "seed")


def _landscape_label(name):
    base, noisy = split_landscape(name)
    return base.replace("_", " ") + " + noisy gradients" * noisy


def _decimals(*values):
    """How many decimals write each of ``values`` exactly (at most 6): 0.999 -> 3, 0.9999 -> 4."""
    return max(len(f"{float(v):.6f}".rstrip("0").split(".")[1]) for v in values)


def _control_slider(widgets, name, value, **layout):
    """The slider of the hyperparameter setting ``name``, made from its ``Control`` in the registry.

    It follows the mouse as it moves (``continuous_update``): it reruns only the optimizers using it.
    """
    control = CONTROLS[name]
    if control.log:
        return widgets.FloatLogSlider(value=value, base=10, min=np.log10(control.low), max=np.log10(control.high),
                                      step=0.01, readout_format=".3g", description=control_label(name), **layout)
    decimals = _decimals(control.low, control.high, control.default)
    return widgets.FloatSlider(value=value, min=control.low, max=control.high, step=10.0**-decimals,
                               readout_format=f".{decimals}f", description=control_label(name), **layout)


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
      ``lr``, one slider per control the optimizers declare (``CONTROLS``: ``momentum``, ``rho``,
      ``beta1``, ``beta2``, ...), ``start_x``, ``start_y``, ``steps``, ``seed`` and the ``reset`` button. Setting a control's ``value`` in code updates
      everything, as a click does;
    - after each change: ``settings`` (a ``PlaygroundSettings``), ``traces``, ``figure`` (the
      matplotlib figure, already drawn), ``image`` (the ``ipywidgets.Image`` showing it), ``updates`` (a counter) and
      ``error`` (the message of the last refused change, or None).

    Every change - a control moved, ``set``, ``reset`` - either shows its new settings on the
    controls, the figure and the summary, or is refused: then the controls go back to the last
    settings shown, the figure stays as it was, and ``message`` says why (``set`` and ``update``
    also raise the error).
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
        self._figure_current = True
        self.settings, self.traces, self.drawn, self.error, self.updates = None, [], None, None, 0
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
        for name in CONTROLS:
            c[name] = _control_slider(widgets, name, getattr(self.defaults, name), **slider)
        c["seed"] = widgets.IntSlider(value=self.defaults.seed, min=0, max=20, description="noise seed",
                                      continuous_update=False, **slider)
        c["reset"] = widgets.Button(description="Reset", tooltip="restore the starting settings", icon="undo")
        self.controls = c

        self.image = widgets.Image(format="jpeg")
        self.summary = widgets.HTML()
        self.message = widgets.HTML()
        row = widgets.Layout(flex_flow="row wrap", align_items="center")
        sliders = [c["lr"], c["steps"]] + [c[name] for name in CONTROLS]
        self.widget = widgets.VBox([
            widgets.HBox([c["landscape"], widgets.Label("show:")] + [c[n] for n in OPTIMIZER_NAMES], layout=row),
            *[widgets.HBox(sliders[i:i + PER_ROW], layout=row) for i in range(0, len(sliders), PER_ROW)],
            widgets.HBox([c["start_x"], c["start_y"], c["seed"], c["reset"]], layout=row),
            self.message, self.image, self.summary,
        ])

        self._check_fits(self.defaults)
        self._push(self.defaults)
        self._show(self.defaults)
        for name, control in c.items():
            if name == "reset":
                control.on_click(lambda _button: self._from_ui(self.reset))
            else:
                control.observe(self._on_change, names="value")

    # -- displaying --------------------------------------------------------------------------
    def _ipython_display_(self):  # ipywidgets 7 and IPython: show the box
        from IPython.display import display

        display(self.widget)

    # -- settings <-> controls ---------------------------------------------------------------
    def settings_from_controls(self):
        """The ``PlaygroundSettings`` the controls show (raises if a value is not allowed)."""
        c = self.controls
        return PlaygroundSettings(
            landscape=c["landscape"].value,
            optimizers=tuple(n for n in OPTIMIZER_NAMES if c[n].value),
            lr=c["lr"].value, **{name: c[name].value for name in CONTROLS},
            start=(c["start_x"].value, c["start_y"].value), steps=c["steps"].value, seed=c["seed"].value,
        )

    def _check_fits(self, settings):
        """Raise a ``ValueError`` if a setting lies beyond its slider (a slider would silently clip it)."""
        c = self.controls
        for name in _SLIDER_SETTINGS:
            value, low, high = getattr(settings, name), c[name].min, c[name].max
            if hasattr(c[name], "base"):  # a log slider: min and max are exponents
                low, high = c[name].base ** low, c[name].base ** high
            if not low <= value <= high:
                raise ValueError(f"{name} must be between {low:g} and {high:g} in the playground, got {value:g}")

    def _push(self, settings):
        """Show ``settings`` (checked by ``_check_fits``) on the controls, without an update per control."""
        c = self.controls
        held, self._holding = self._holding, True
        try:
            c["landscape"].value = settings.landscape
            (x0, x1), (y0, y1) = get_objective(settings.landscape).bounds
            x, y = settings.start_point()
            for slider, low, high, value in ((c["start_x"], x0, x1, x), (c["start_y"], y0, y1, y)):
                if low > slider.max:  # change the range in an order the slider accepts
                    slider.max, slider.min = high, low
                else:
                    slider.min, slider.max = low, high
                slider.value = value
            c["seed"].disabled = settings.noise_seed is None
            for name in OPTIMIZER_NAMES:
                c[name].value = name in settings.optimizers
            for name in _SLIDER_SETTINGS:
                c[name].value = getattr(settings, name)
        finally:
            self._holding = held

    def set(self, **changes):
        """Change some settings (names as in ``PlaygroundSettings``) and update once.

        A new ``landscape`` without a ``start`` moves the start to the landscape's suggestion.
        A change that is not allowed raises a ``ValueError``/``TypeError`` naming the setting;
        the playground then keeps what it showed (and says why in ``message``).
        """
        try:
            if "landscape" in changes and "start" not in changes:
                changes["start"] = None
            new = self.settings.replace(**changes)
            new = new.replace(start=tuple(new.start_point()))
            self._check_fits(new)
            self._push(new)
            self._show(new)
        except Exception as exc:
            self._refuse(exc)
            raise
        return self

    def reset(self):
        """Restore the settings the playground started with."""
        self._push(self.defaults)
        self._show(self.defaults)
        return self

    def update(self):
        """Read the controls, rerun what changed, redraw. Returns the traces.

        Controls holding a value that is not allowed (say a NaN written to ``start_x``) are put
        back to the last settings shown, and the error is raised.
        """
        try:
            self._show(self.settings_from_controls())
        except Exception as exc:
            self._refuse(exc)
            raise
        return self.traces

    # -- reacting to the controls --------------------------------------------------------------
    def _on_change(self, change):
        if self._holding:
            return
        name, value = next(n for n, c in self.controls.items() if c is change["owner"]), change["new"]
        if name == "landscape":
            changes = {"landscape": value}
        elif name in OPTIMIZER_NAMES:
            chosen = set(self.settings.optimizers) | {name} if value else set(self.settings.optimizers) - {name}
            changes = {"optimizers": tuple(chosen)}
        elif name in ("start_x", "start_y"):
            x, y = self.settings.start
            changes = {"start": (value, y) if name == "start_x" else (x, value)}
        else:
            changes = {name: value}
        self._from_ui(lambda: self.set(**changes))

    def _from_ui(self, action):
        """Run ``action``; a refused change is shown in the widget (``_refuse``), not raised."""
        try:
            action()
        except (TypeError, ValueError):
            pass  # the message is on the widget and the last settings are back on the controls

    def _refuse(self, exc):
        """Go back to the last settings shown (controls and figure) and say why the change was refused."""
        try:
            if self.settings is not None:
                self._push(self.settings)
                if not self._figure_current:  # it failed while drawing: draw the last settings again
                    self._show(self.settings)
        finally:
            self.error = str(exc)
            self.message.value = f"<span style='color:#D55E00'>Not changed: {_escape(str(exc))}</span>"

    # -- computing and drawing -------------------------------------------------------------------
    def _trace(self, settings, name, objective):
        """The run of ``name``: cut from a kept run with the same settings and at least as many
        steps, or run anew up to where the step axis ends (so nearby step counts are cuts too)."""
        key = (settings.landscape, settings.noise_seed, settings.start, name,
               tuple(sorted(settings.hyperparameters(name).items())))
        run = self._cache.get(key)
        if run is None or (run.steps < settings.steps and run.status != "diverged"):
            if len(self._cache) >= 256:
                self._cache.clear()
            longer = settings.replace(steps=min(MAX_STEPS, step_axis_end(settings.steps)))
            run = self._cache[key] = run_one(longer, name, objective)
        return first_updates(run, settings.steps)

    def _show(self, settings):
        """Run, draw and show ``settings`` (already on the controls)."""
        started = time.perf_counter()
        objective = settings.objective()
        traces = [self._trace(settings, name, objective) for name in settings.optimizers]
        self._figure_current = False
        drawn = draw(traces, settings, self.axes)
        image = self._renderer.encode(drawn["changing"], self.image.format)
        self._figure_current = True
        self.image.value = image
        self.summary.value = _summary_html(traces, settings, objective)
        self.message.value = ""
        self.settings, self.traces, self.drawn, self.error = settings, traces, drawn, None
        self.updates += 1
        self.last_update_seconds = time.perf_counter() - started
        return traces


def _escape(text):
    import html

    return html.escape(text)


def playground(settings=None, figsize=(13.0, 4.4), dpi=80):
    """The interactive playground: display the returned ``Playground`` (or its ``.widget``).

    ``settings`` (a ``PlaygroundSettings``) are the starting values that Reset restores; each
    must lie within its control's range (for instance lr between 0.0001 and 1). ``figsize``
    (inches) and ``dpi`` set the size of the figure. Works with ipywidgets 7.7 and 8 and with
    the plain inline backend: the figure is shown as an image widget.
    """
    return Playground(settings, figsize=figsize, dpi=dpi)
