"""How long one playground update takes, against a bare matplotlib redraw of the same figure.

One update is what happens when a learner moves the learning-rate slider: every optimizer shown
(4 by default) is rerun for 300 steps with ``minimize``, the three panels are redrawn with the
Agg backend and the image is encoded (JPEG) for the widget. The reference is
``figure.canvas.draw()`` of the same, unchanged figure: the cost of redrawing it from scratch.
Both are measured in the same run; the table gives medians of wall-clock and CPU time (CPU
time is what the update itself costs when other programs share the machine).

Budget (DESIGN.md): one update <= 100 ms.

Run from the repository root:  python benchmarks/bench_playground.py [--repeats 30]
"""
import argparse
import os
import platform
import statistics
import sys
import time

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402

from rmsprop_lib.widgets import Playground, compute, draw, encode_image  # noqa: E402

BUDGET_MS = 100.0


def _measure(action, repeats):
    """Run ``action(i)`` ``repeats`` times; medians (ms) of wall-clock and CPU time, and the worst wall time."""
    wall, cpu = [], []
    for i in range(repeats):
        w0, c0 = time.perf_counter(), time.process_time()
        action(i)
        cpu.append(1e3 * (time.process_time() - c0))
        wall.append(1e3 * (time.perf_counter() - w0))
    return statistics.median(wall), statistics.median(cpu), max(wall)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=30, help="updates to time per row (default 30)")
    args = parser.parse_args(argv)
    if args.repeats < 3:
        parser.error("--repeats must be >= 3")
    n = args.repeats

    pg = Playground()
    settings = pg.settings
    figure = pg.figure
    # Warm up: fonts, the first full render, numpy's first calls.
    for lr in (0.04, 0.06):
        pg.controls["lr"].value = lr
    figure.canvas.draw()

    # New learning rates every time (never a cached run): each update reruns every optimizer.
    lrs = np.geomspace(0.03, 0.08, n)
    misses_before = len(pg._cache)
    renders_before = pg._renderer.full_renders

    def slider_update(i):
        pg.controls["lr"].value = float(lrs[i])

    rows = [("playground update: lr slider (compute + draw + render + JPEG)", _measure(slider_update, n))]
    reruns = len(pg._cache) - misses_before
    full_renders = pg._renderer.full_renders - renders_before

    rows.append(("  of which compute: 4 optimizers x 300 steps (minimize)",
                 _measure(lambda i: compute(settings.replace(lr=float(lrs[i]) * 1.001)), n)))
    last = settings.replace(lr=float(lrs[-1]))
    traces = compute(last)

    def draw_and_render(i):
        drawn = draw(traces, last, pg.axes)
        pg._renderer.render(drawn["changing"])

    rows.append(("  of which draw + render (Agg)", _measure(draw_and_render, n)))
    rgba = np.asarray(figure.canvas.buffer_rgba()).copy()
    rows.append(("  of which JPEG encoding", _measure(lambda i: encode_image(rgba, "jpeg"), n)))
    rows.append(("bare matplotlib redraw: figure.canvas.draw()", _measure(lambda i: figure.canvas.draw(), n)))

    def rho_update(i):
        pg.controls["rho"].value = 0.80 + 0.19 * i / n

    rows.append(("rho slider (reruns RMSProp only)", _measure(rho_update, n)))
    landscapes = ["rosenbrock", "himmelblau", "beale", "elongated_bowl"]
    rows.append(("landscape change (new contour, full render)",
                 _measure(lambda i: pg.set(landscape=landscapes[i % len(landscapes)]), max(4, n // 5))))

    update_wall, update_cpu, _ = rows[0][1]
    bare_wall = rows[4][1][0]
    print(f"Playground update benchmark ({n} repeats; {platform.python_version()}, matplotlib "
          f"{matplotlib.__version__}, numpy {np.__version__}; {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.2f})")
    print()
    print(f"| {'what':<62} | median wall (ms) | median CPU (ms) | worst wall (ms) |")
    print(f"|{'-' * 64}|-----------------:|----------------:|----------------:|")
    for label, (wall, cpu, worst) in rows:
        print(f"| {label:<62} | {wall:16.1f} | {cpu:15.1f} | {worst:15.1f} |")
    print()
    print(f"Each timed lr update reran {reruns / n:.1f} optimizers x {settings.steps} steps; "
          f"{full_renders} of {n} needed a full render (axis limits changed), the rest repainted "
          "only the lines over the kept background.")
    print(f"Update / bare redraw: {update_wall / bare_wall:.2f}x.  Budget: update <= {BUDGET_MS:.0f} ms -> "
          f"{'within budget' if update_wall <= BUDGET_MS else 'OVER budget'} "
          f"(median wall {update_wall:.1f} ms, CPU {update_cpu:.1f} ms).")
    print()
    print("Reproduce: python benchmarks/bench_playground.py" + (f" --repeats {n}" if n != 30 else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
