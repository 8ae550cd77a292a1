"""How long each playground control change takes, against a bare matplotlib redraw of the same figure.

One update is what happens when a learner moves a control: the optimizers whose settings changed
are rerun with ``minimize`` (4 shown by default, 300 steps), the three panels are redrawn with
the Agg backend and the image is encoded (JPEG) for the widget. The reference is
``figure.canvas.draw()`` of the same, unchanged figure: the cost of redrawing it from scratch.
All rows are measured in the same run; the table gives medians of wall-clock and CPU time (CPU
time is what the update itself costs when other programs share the machine).

Every kind of control is timed: the learning rate, each hyperparameter slider the optimizers
declare (from the registry), one optimizer's own learning rate, epsilon, bias correction, the noise
size and the number of noise draws shown, the start, the steps (small moves, and a jump to a new step axis),
an optimizer checkbox, the noise seed, and the landscape. A landscape change is timed three ways:
a return to a landscape shown before (the playground keeps each landscape's contour and the panels
it has drawn); a first visit in a playground that has prepared it (``Playground.prepare``, which the
playground runs by itself in Jupyter while it is left alone for a second after someone has used
it); and a cold first visit (a new playground, nothing prepared: contour, runs and panels all new).

Budget (DESIGN.md): every control change <= 100 ms median.

Run from the repository root:  python benchmarks/bench_playground.py [--repeats 30]
"""
import argparse
import statistics
import sys
import time

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402

from _machine import machine_notes  # noqa: E402  (benchmarks/_machine.py, beside this script)
import rmsprop_lib.widgets as w  # noqa: E402
from rmsprop_lib.widgets import CONTROLS, Playground, compute, draw, encode_image  # noqa: E402
from rmsprop_lib.widgets import LANDSCAPES as ALL_LANDSCAPES  # noqa: E402

BUDGET_MS = 100.0
LANDSCAPES = ["rosenbrock", "himmelblau", "beale", "elongated_bowl"]


def _measure(action, repeats, prepare=None):
    """Run ``action(i)`` ``repeats`` times (after ``prepare(i)``, untimed); medians (ms) of wall and CPU time, worst wall."""
    wall, cpu = [], []
    for i in range(repeats):
        if prepare is not None:
            prepare(i)
        w0, c0 = time.perf_counter(), time.process_time()
        action(i)
        cpu.append(1e3 * (time.process_time() - c0))
        wall.append(1e3 * (time.perf_counter() - w0))
    return statistics.median(wall), statistics.median(cpu), max(wall)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=30, help="updates to time per row (default 30)")
    args = parser.parse_args(argv)
    if args.repeats < 6:
        parser.error("--repeats must be >= 6")
    n = args.repeats

    pg = Playground()
    settings = pg.settings
    figure = pg.figure
    # Warm up: fonts, the first full render, numpy's first calls.
    for lr in (0.04, 0.06):
        pg.controls["lr"].value = lr
    figure.canvas.draw()
    renderer = pg._renderer

    # New learning rates every time (never a cached run): each update reruns every optimizer.
    lrs = np.geomspace(0.03, 0.08, n)
    misses_before = len(pg._cache)
    counters_before = (renderer.full_renders, getattr(renderer, "region_renders", None))

    def slider_update(i):
        pg.controls["lr"].value = float(lrs[i])

    rows = [("lr slider (compute + draw + render + JPEG)", _measure(slider_update, n))]
    reruns = len(pg._cache) - misses_before
    full_renders = renderer.full_renders - counters_before[0]
    region_renders = None if counters_before[1] is None else renderer.region_renders - counters_before[1]

    rows.append(("  of which compute: 4 optimizers x 300 steps (minimize)",
                 _measure(lambda i: compute(settings.replace(lr=float(lrs[i]) * 1.001)), n)))
    last = settings.replace(lr=float(lrs[-1]))
    traces = compute(last)

    def draw_and_render(i):
        drawn = draw(traces, last, pg.axes)
        renderer.render(drawn["changing"])

    rows.append(("  of which draw + render (Agg)", _measure(draw_and_render, n)))
    rgba = np.asarray(figure.canvas.buffer_rgba()).copy()
    rows.append(("  of which JPEG encoding", _measure(lambda i: encode_image(rgba, "jpeg"), n)))
    rows.append(("bare matplotlib redraw: figure.canvas.draw()", _measure(lambda i: figure.canvas.draw(), n)))
    pg.update()  # the canvas.draw() calls above painted over the playground's image

    for name, control in CONTROLS.items():  # every declared hyperparameter slider, each value new
        low, high = control.low, control.high
        values = np.geomspace(low, high, n) if control.log else low + (high - low) * (0.2 + 0.75 * np.arange(n) / n)
        rows.append((f"{name} slider (reruns {', '.join(w.CONTROL_USERS[name])} only)",
                     _measure(lambda i, name=name, values=values: setattr(pg.controls[name], "value", float(values[i])),
                              n)))
        pg.reset()
    half = max(6, n // 2)
    own = np.geomspace(0.002, 0.02, n)
    rows.append(("one optimizer's own lr slider (Momentum: reruns it only)",
                 _measure(lambda i: setattr(pg.controls["lr_Momentum"], "value", float(own[i])), n)))
    pg.reset()
    epsilons = [e for e in w.controls.EPSILONS if e is not None]
    rows.append(("epsilon choice (reruns every optimizer with an eps)",
                 _measure(lambda i: setattr(pg.controls["epsilon"], "value", epsilons[i % len(epsilons)]), half)))
    pg.reset()
    rows.append(("bias correction off / on (reruns Adam)",
                 _measure(lambda i: setattr(pg.controls["bias_correction"], "value", i % 2 == 1), half)))
    pg.reset()
    pg.set(landscape="noisy_elongated_bowl")
    noises = 0.3 + 0.05 * np.arange(n)
    rows.append(("noise size slider (reruns every optimizer)",
                 _measure(lambda i: setattr(pg.controls["noise"], "value", float(noises[i] % 2.0)), half)))
    pg.set(noise=0.5)
    rows.append(("noise draws slider, 1 -> 2 .. 4 (runs the new draws)",
                 _measure(lambda i: pg.set(runs=2 + i % 3, seed=i // 3 % 21), half, prepare=lambda i: pg.set(runs=1))))
    pg.reset()
    rows.append(("start x slider (reruns every optimizer)",
                 _measure(lambda i: setattr(pg.controls["start_x"], "value", -4.5 + 3.0 * i / half), half)))
    pg.reset()
    rows.append(("steps slider, moves of 10 (200, 210, ...)",
                 _measure(lambda i: setattr(pg.controls["steps"], "value", 200 + 10 * i), half)))
    pg.reset()
    jumps = [610, 110, 910, 160, 460, 60, 760, 260]  # each on a new step axis, runs not kept
    rows.append(("steps slider, jumps to a new step axis",
                 _measure(lambda i: setattr(pg.controls["steps"], "value", jumps[i % len(jumps)]), len(jumps))))
    pg.reset()
    rows.append(("optimizer checkbox (Momentum off / on)",
                 _measure(lambda i: setattr(pg.controls["Momentum"], "value", i % 2 == 1), half)))
    pg.reset()

    pg.set(landscape="noisy_elongated_bowl")
    rows.append(("noise seed slider (reruns every optimizer, new title)",
                 _measure(lambda i: setattr(pg.controls["seed"], "value", (i + 1) % 21), half)))
    pg.reset()

    few = max(6, n // 5)
    rows.append(("landscape change, 4 landscapes in turn (earlier row)",
                 _measure(lambda i: pg.set(landscape=LANDSCAPES[i % len(LANDSCAPES)]), few)))
    rows.append(("landscape change, back to one shown before",
                 _measure(lambda i: pg.set(landscape=LANDSCAPES[i % len(LANDSCAPES)]), n)))
    # Every landscape once, in one new playground: each change shows a landscape for the first time.
    tour = Playground()
    unseen = [name for name in ALL_LANDSCAPES if name != tour.settings.landscape]
    tour.prepare()  # what the playground does by itself while it is left alone in Jupyter
    rows.append((f"landscape change, first visit, prepared ({len(unseen)} landscapes)",
                 _measure(lambda i: tour.set(landscape=unseen[i]), len(unseen))))
    cold = Playground()
    rows.append((f"landscape change, first visit, cold ({len(unseen)} landscapes)",
                 _measure(lambda i: cold.set(landscape=unseen[i]), len(unseen))))
    fresh = {}

    def new_playground(i):
        fresh["pg"] = Playground()

    rows.append(("landscape change, first visit in a new playground, cold",
                 _measure(lambda i: fresh["pg"].set(landscape=LANDSCAPES[i % len(LANDSCAPES)]), few,
                          prepare=new_playground)))
    started = time.perf_counter()
    fresh["pg"].prepare()
    prepare_seconds = time.perf_counter() - started

    update_wall, update_cpu, _ = rows[0][1]
    bare_wall = rows[4][1][0]
    print(f"Playground control-change benchmark ({n} repeats per row, {half} or {few} for the slower rows; "
          f"matplotlib {matplotlib.__version__})")
    for line in machine_notes():
        print(f"  {line}")
    print()
    bare_cpu = rows[4][1][1]
    print(f"| {'control change':<62} | median wall (ms) | median CPU (ms) | worst wall (ms) | CPU / bare redraw |")
    print(f"|{'-' * 64}|-----------------:|----------------:|----------------:|------------------:|")
    for label, (wall, cpu, worst) in rows:
        print(f"| {label:<62} | {wall:16.1f} | {cpu:15.1f} | {worst:15.1f} | {cpu / bare_cpu:16.2f}x |")
    print()
    drawn = (f"{region_renders} panel(s) or legends drawn anew in {n} updates, {full_renders} full renders"
             if region_renders is not None else f"{full_renders} of {n} needed a full render")
    print(f"Each timed lr update reran {reruns / n:.1f} optimizers x {settings.steps} steps; {drawn}; "
          "the rest repainted only the curves over the kept background.")
    print(f"Preparing every landscape ahead (Playground.prepare(), in idle time): {prepare_seconds:.2f} s wall.")
    changes = [(label, wall, cpu) for label, (wall, cpu, _) in rows if not label.startswith(("  ", "bare"))]
    over = [label for label, wall, cpu in changes if wall > BUDGET_MS]
    over_cpu = [label for label, wall, cpu in changes if cpu > BUDGET_MS]
    print(f"lr update / bare redraw: {update_wall / bare_wall:.2f}x (median wall {update_wall:.1f} ms, "
          f"CPU {update_cpu:.1f} ms).")
    print(f"Budget: every control change <= {BUDGET_MS:.0f} ms median wall -> "
          + ("all within budget." if not over else f"OVER budget: {'; '.join(over)}."))
    print("By median CPU time (the update's own cost, whatever else runs): "
          + ("all within budget." if not over_cpu else f"OVER budget: {'; '.join(over_cpu)}."))
    print()
    print("Reproduce: python benchmarks/bench_playground.py" + (f" --repeats {n}" if n != 30 else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
