"""The playground's ipywidgets controls: made from the settings (and the registry's declared
controls), laid out, read back into ``PlaygroundSettings``, and set from them."""
import numpy as np

from ..objectives import get_objective
from ..optimizers import OPTIMIZERS
from .drawing import display_label
from .landscapes import LANDSCAPES, split_landscape
from .settings import CONTROLS, LR_RANGE, MAX_RUNS, NOISE_RANGE, OPTIMIZER_NAMES, PlaygroundSettings, control_label, takes

#: How many sliders a row of the widget holds.
PER_ROW = 3

#: The settings shown on a slider (each refused when beyond its slider's range).
SLIDER_SETTINGS = ("lr", *CONTROLS, "noise", "steps", "seed", "runs")

#: The choices of the epsilon control: None (each optimizer's own default) or a power of ten.
EPSILONS = (None, 1e-12, 1e-10, 1e-8, 1e-6, 1e-4, 1e-3, 1e-2, 1e-1, 1.0)

#: The optimizers with a bias-correction switch.
CORRECTED = tuple(name for name in OPTIMIZER_NAMES if takes(name, "bias_correction"))


def lr_control(name):
    """The name of the control holding the learning rate of the optimizer ``name``."""
    return f"lr_{name}"


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


def summary_html(traces, settings, objective):
    """A small table of where each run ended."""
    if not traces:
        return "<i>Choose at least one optimizer.</i>"
    f_star = objective.min_value or 0.0
    rows = []
    for trace in traces:
        lr = f"lr {settings.lr_of(trace.optimizer):.4g}: "
        if trace.status == "diverged":
            result = lr + f"diverged at step {trace.steps + 1}"
        else:
            x, y = (round(float(v), 3) + 0.0 for v in trace.x)  # + 0.0 turns -0.0 into 0.0
            result = lr + f"f - f* = {trace.f - f_star:.3e} at ({x:.3f}, {y:.3f})"
        rows.append(f"<tr><td style='padding-right:1em'><b>{display_label(trace)}</b></td><td>{result}</td></tr>")
    return (f"<div>After {settings.steps} steps:</div>"
            f"<table>{''.join(rows)}</table>")


def make_controls(defaults):
    """Every control by setting name (plus ``reset``), showing the settings ``defaults``."""
    import ipywidgets as widgets

    wide = {"description_width": "initial"}
    slider = dict(style=wide, layout=widgets.Layout(width="300px", margin="0 12px 0 0"))
    c = {}
    c["landscape"] = widgets.Dropdown(options=[(_landscape_label(n), n) for n in LANDSCAPES],
                                      value=defaults.landscape, description="landscape", style=wide)
    for name in OPTIMIZER_NAMES:
        c[name] = widgets.Checkbox(value=name in defaults.optimizers, description=OPTIMIZERS[name].label,
                                   indent=False, layout=widgets.Layout(width="auto", margin="0 12px 0 0"))
    # Controls that rerun every optimizer update when released; the others (one optimizer
    # each) follow the slider as it moves.
    c["lr"] = widgets.FloatLogSlider(value=defaults.lr, base=10, min=np.log10(LR_RANGE[0]),
                                     max=np.log10(LR_RANGE[1]), step=0.01, readout_format=".4g",
                                     description="learning rate (all)", continuous_update=False, **slider)
    for name in OPTIMIZER_NAMES:  # each optimizer's own: it reruns only that optimizer, so it follows the mouse
        c[lr_control(name)] = widgets.FloatLogSlider(
            value=defaults.lr_of(name), base=10, min=np.log10(LR_RANGE[0]), max=np.log10(LR_RANGE[1]), step=0.01,
            readout_format=".4g", description=f"lr {OPTIMIZERS[name].label}", **slider)
    c["epsilon"] = widgets.Dropdown(options=[("each one's default" if e is None else f"{e:g}", e) for e in EPSILONS],
                                    value=defaults.epsilon, description="epsilon", style=wide)
    c["bias_correction"] = widgets.Checkbox(value=defaults.bias_correction, indent=False,
                                            description="bias correction (" + ", ".join(
                                                OPTIMIZERS[n].label for n in CORRECTED) + ")")
    c["noise"] = widgets.FloatSlider(value=defaults.noise, min=NOISE_RANGE[0], max=NOISE_RANGE[1], step=0.05,
                                     readout_format=".2f", description="noise size", continuous_update=False,
                                     **slider)
    c["runs"] = widgets.IntSlider(value=defaults.runs, min=1, max=MAX_RUNS, description="noise draws shown",
                                  continuous_update=False, **slider)
    c["steps"] = widgets.IntSlider(value=defaults.steps, min=10, max=1000, step=10,
                                   description="steps", continuous_update=False, **slider)
    c["start_x"] = widgets.FloatSlider(description="start x", step=0.001, readout_format=".3f",
                                       continuous_update=False, **slider)
    c["start_y"] = widgets.FloatSlider(description="start y", step=0.001, readout_format=".3f",
                                       continuous_update=False, **slider)
    for name in CONTROLS:
        c[name] = _control_slider(widgets, name, getattr(defaults, name), **slider)
    c["seed"] = widgets.IntSlider(value=defaults.seed, min=0, max=20, description="noise seed",
                                  continuous_update=False, **slider)
    c["reset"] = widgets.Button(description="Reset", tooltip="restore the starting settings", icon="undo")
    return c


def layout(controls, message, image, summary):
    """The box the playground shows: the controls in rows (each optimizer's own learning rate and the
    rarer settings folded away), then ``message``, ``image`` and ``summary``."""
    import ipywidgets as widgets

    c = controls
    row = widgets.Layout(flex_flow="row wrap", align_items="center")

    def rows(items):
        return [widgets.HBox(items[i:i + PER_ROW], layout=row) for i in range(0, len(items), PER_ROW)]

    sliders = [c["lr"], c["steps"]] + [c[name] for name in CONTROLS]
    own = widgets.VBox(rows([c[lr_control(n)] for n in OPTIMIZER_NAMES]))
    more = widgets.VBox([widgets.HBox([c["epsilon"], c["bias_correction"]], layout=row),
                         widgets.HBox([c["noise"], c["runs"]], layout=row)])
    folded = widgets.Accordion(children=[own, more])
    folded.set_title(0, "learning rate per optimizer (the slider above sets them all)")
    folded.set_title(1, "epsilon, bias correction, noise")
    folded.selected_index = None
    return widgets.VBox([
        widgets.HBox([c["landscape"], widgets.Label("show:")] + [c[n] for n in OPTIMIZER_NAMES], layout=row),
        *rows(sliders),
        widgets.HBox([c["start_x"], c["start_y"], c["seed"], c["reset"]], layout=row),
        folded, message, image, summary,
    ])


def read_settings(controls):
    """The ``PlaygroundSettings`` the controls show (raises if a value is not allowed)."""
    c = controls
    lr = c["lr"].value
    own = {n: c[lr_control(n)].value for n in OPTIMIZER_NAMES if c[lr_control(n)].value != lr}
    return PlaygroundSettings(
        landscape=c["landscape"].value,
        optimizers=tuple(n for n in OPTIMIZER_NAMES if c[n].value),
        lr=lr, lrs=own, **{name: c[name].value for name in CONTROLS},
        epsilon=c["epsilon"].value, bias_correction=c["bias_correction"].value, noise=c["noise"].value,
        start=(c["start_x"].value, c["start_y"].value), steps=c["steps"].value, seed=c["seed"].value,
        runs=c["runs"].value,
    )


def check_fits(controls, settings):
    """Raise a ``ValueError`` if a setting lies beyond its slider (a slider would silently clip it)."""
    for name in SLIDER_SETTINGS:
        slider = controls[name]
        value, low, high = getattr(settings, name), slider.min, slider.max
        if hasattr(slider, "base"):  # a log slider: min and max are exponents
            low, high = slider.base ** low, slider.base ** high
        if not low <= value <= high:
            raise ValueError(f"{name} must be between {low:g} and {high:g} in the playground, got {value:g}")
    low, high = LR_RANGE
    for name, lr in settings.lrs:
        if not low <= lr <= high:
            raise ValueError(f"lrs[{name!r}] must be between {low:g} and {high:g} in the playground, got {lr:g}")
    if settings.epsilon not in EPSILONS:
        raise ValueError(f"epsilon must be None (each optimizer's default) or one of "
                         f"{', '.join(f'{e:g}' for e in EPSILONS[1:])} in the playground, got {settings.epsilon:g}")


def show_settings(controls, settings):
    """Put ``settings`` (checked by ``check_fits``) on the controls."""
    c = controls
    c["landscape"].value = settings.landscape
    (x0, x1), (y0, y1) = get_objective(settings.landscape).bounds
    x, y = settings.start_point()
    for slider, low, high, value in ((c["start_x"], x0, x1, x), (c["start_y"], y0, y1, y)):
        if low > slider.max:  # change the range in an order the slider accepts
            slider.max, slider.min = high, low
        else:
            slider.min, slider.max = low, high
        slider.value = value
    for name in ("seed", "noise", "runs"):
        c[name].disabled = settings.noise_seed is None
    for name in OPTIMIZER_NAMES:
        c[name].value = name in settings.optimizers
        c[lr_control(name)].value = settings.lr_of(name)
    c["epsilon"].value = settings.epsilon
    c["bias_correction"].value = settings.bias_correction
    for name in SLIDER_SETTINGS:
        c[name].value = getattr(settings, name)
