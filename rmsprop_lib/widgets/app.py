"""The ipywidgets app: ``playground()`` wires controls to ``compute``, ``draw`` and the renderer."""
import time

from .controls import check_fits, layout, make_controls, read_settings, show_settings, summary_html
from .drawing import draw, new_figure, step_axis_end
from .render import FastRenderer, encode_image
from .landscapes import LANDSCAPES
from .settings import MAX_STEPS, OPTIMIZER_NAMES, PlaygroundSettings, draws, first_updates, run_one

#: How long the playground must be left alone before it draws ahead the next landscape (seconds).
IDLE_SECONDS = 1.0


class Playground:
    """The interactive playground (see ``playground()``): controls, figure and state.

    - ``widget``: the ipywidgets box to display (displaying the ``Playground`` shows it too);
    - ``controls``: the controls by name: ``landscape``, one checkbox per optimizer name,
      ``lr``, one slider per control the optimizers declare (``CONTROLS``: ``momentum``, ``rho``,
      ``beta1``, ``beta2``, ...), ``start_x``, ``start_y``, ``steps``, ``seed`` and the ``reset``
      button. Setting a control's ``value`` in code updates everything, as a click does;
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
        self.other_traces = []  # on a noisy landscape with runs > 1: the traces of the other noise draws
        self._picture = None  # the display handle of the stored picture (see _ipython_display_)
        self.last_update_seconds = None
        self._prepared, self._idle = {}, None  # landscape -> the settings it was drawn ahead with

        self.controls = make_controls(self.defaults)
        self.image, self.summary, self.message = widgets.Image(format="jpeg"), widgets.HTML(), widgets.HTML()
        self.widget = layout(self.controls, self.message, self.image, self.summary)

        self._check_fits(self.defaults)
        self._push(self.defaults)
        self._show(self.defaults)
        for name, control in self.controls.items():
            if name == "reset":
                control.on_click(lambda _button: self._from_ui(self.reset))
            else:
                control.observe(self._on_change, names="value")

    # -- displaying --------------------------------------------------------------------------
    def _ipython_display_(self):  # ipywidgets 7 and IPython: show the box, and a picture under it
        from IPython.display import Image, display

        display(self.widget)
        # Without a running kernel (GitHub, nbviewer, a website) the box shows nothing: the picture of the
        # figure below it, stored with the notebook, shows what the playground showed. Once a control is
        # moved on the page, the picture (no longer current) is taken away.
        self._picture = display(Image(self.picture(), format="png"), display_id=True)

    def picture(self):
        """The figure as it is now, as PNG bytes."""
        rgba, _ = self._renderer.render(self.drawn["changing"])
        return encode_image(rgba, "png")

    # -- settings <-> controls ---------------------------------------------------------------
    def settings_from_controls(self):
        """The ``PlaygroundSettings`` the controls show (raises if a value is not allowed)."""
        return read_settings(self.controls)

    def _check_fits(self, settings):
        """Raise a ``ValueError`` if a setting lies beyond its slider (a slider would silently clip it)."""
        check_fits(self.controls, settings)

    def _push(self, settings):
        """Show ``settings`` (checked by ``_check_fits``) on the controls, without an update per control."""
        held, self._holding = self._holding, True
        try:
            show_settings(self.controls, settings)
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
            if "lr" in changes and "lrs" not in changes:  # the shared learning rate sets them all
                changes["lrs"] = ()
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
        if getattr(change["owner"], "_property_lock", None):  # the change comes from the page: someone uses it
            self._prepare_when_idle()
            if self._picture is not None:
                from IPython.display import HTML

                self._picture.update(HTML(""))
                self._picture = None
        name, value = next(n for n, c in self.controls.items() if c is change["owner"]), change["new"]
        if name == "landscape":
            changes = {"landscape": value}
        elif name in OPTIMIZER_NAMES:
            chosen = set(self.settings.optimizers) | {name} if value else set(self.settings.optimizers) - {name}
            changes = {"optimizers": tuple(chosen)}
        elif name.startswith("lr_") and name[3:] in OPTIMIZER_NAMES:
            changes = {"lrs": {**dict(self.settings.lrs), name[3:]: value}}
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
    def _trace(self, settings, name, objective, run=0):
        """The run of ``name`` (with noise draw ``run``): cut from a kept run with the same settings and
        at least as many steps, or run anew up to where the step axis ends (so nearby step counts are
        cuts too)."""
        noise = (settings.noise_seed + run, settings.noise) if settings.noise_seed is not None else None
        key = (settings.landscape, noise, settings.start, name, tuple(sorted(settings.hyperparameters(name).items())))
        run = self._cache.get(key)
        if run is None or (run.steps < settings.steps and run.status != "diverged"):
            if len(self._cache) >= 256:
                self._cache.clear()
            longer = settings.replace(steps=min(MAX_STEPS, step_axis_end(settings.steps)))
            run = self._cache[key] = run_one(longer, name, objective)
        return first_updates(run, settings.steps)

    def prepare(self, landscapes=None):
        """Draw ahead the first visit of each of ``landscapes`` (default: every landscape), with the
        current settings: its runs, its contour and the panels' backgrounds are kept, so showing it
        later costs what a return to it costs. The figure and the image keep showing the current
        settings. In Jupyter this happens by itself once someone moves a control, one landscape at
        a time while the playground is left alone for ``IDLE_SECONDS`` (again after each change)."""
        landscapes = LANDSCAPES if landscapes is None else _landscape_names(landscapes)
        todo = self._unprepared(landscapes)
        if not todo:
            return self
        try:
            for name in todo:
                ahead = self._ahead(name)
                objective = ahead.objective()
                drawn = draw([self._trace(ahead, o, objective) for o in ahead.optimizers], ahead, self.axes,
                             others=self._others(ahead))
                self._renderer.render(drawn["changing"])
                self._prepared[name] = ahead
        finally:  # back to what the image shows
            self.drawn = draw(self.traces, self.settings, self.axes, others=self.other_traces)
        return self

    def _ahead(self, landscape):
        """The settings a change to ``landscape`` would show now (its suggested start)."""
        ahead = self.settings.replace(landscape=landscape, start=None)
        return ahead.replace(start=tuple(ahead.start_point()))

    def _unprepared(self, landscapes):
        """Those of ``landscapes`` not shown now and not drawn ahead with the current settings."""
        return [name for name in landscapes
                if name != self.settings.landscape and self._prepared.get(name) != self._ahead(name)]

    def _prepare_when_idle(self):
        """Prepare the next landscape once nothing has happened for ``IDLE_SECONDS`` (in a running kernel)."""
        import asyncio

        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no event loop (a script): call prepare() instead
            return
        if self._idle is not None:
            self._idle.cancel()
        self._idle = loop.call_later(IDLE_SECONDS, self._prepare_next)

    def _prepare_next(self):
        self._idle = None
        todo = self._unprepared(LANDSCAPES)
        if todo:
            self.prepare(todo[:1])
            self._prepare_when_idle()

    def _others(self, settings):
        """The traces of the noise draws after the first: one list (in legend order) per draw."""
        others = []
        for run in range(1, draws(settings)):
            objective = settings.objective(run)
            others.append([self._trace(settings, name, objective, run) for name in settings.optimizers])
        return others

    def _show(self, settings):
        """Run, draw and show ``settings`` (already on the controls)."""
        started = time.perf_counter()
        objective = settings.objective()
        traces = [self._trace(settings, name, objective) for name in settings.optimizers]
        others = self._others(settings)
        self._figure_current = False
        drawn = draw(traces, settings, self.axes, others=others)
        image = self._renderer.encode(drawn["changing"], self.image.format)
        self._figure_current = True
        self.image.value = image
        self.summary.value = summary_html(traces, settings, objective)
        self.message.value = ""
        self.settings, self.traces, self.drawn, self.error = settings, traces, drawn, None
        self.other_traces = others
        self.updates += 1
        self.last_update_seconds = time.perf_counter() - started
        return traces


def _landscape_names(names):
    """``names`` checked: a list of names from ``LANDSCAPES``."""
    if isinstance(names, str) or not hasattr(names, "__iter__"):
        raise TypeError(f"landscapes must be a list of names from {list(LANDSCAPES)} (or None), got {names!r}")
    names = list(names)
    for name in names:
        if not isinstance(name, str) or name not in LANDSCAPES:
            raise (TypeError if not isinstance(name, str) else ValueError)(
                f"landscapes must be names from {list(LANDSCAPES)}; got {name!r}")
    return names


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
