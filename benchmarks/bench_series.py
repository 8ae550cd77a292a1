"""How long each notebook takes under nbval, against the floor of a notebook that only imports the package.

The notebooks are run the way the test suite runs them: ``python -m pytest`` with the repository's
pytest configuration (nbval, the sanitize file, the current environment), serially, in ONE pytest
process, like ``pytest notebooks/``. A small plugin adds up each notebook's setup, call and teardown
times (so a notebook's time includes starting its kernel). The floor is a notebook made in a
temporary directory whose only cell is ``import rmsprop_lib``, run in the same process: the cost of a
kernel, which every notebook pays. Each notebook also gets its own floor: a notebook made of that
notebook's top-level import statements only (numpy, matplotlib, the parts of the package it uses), so a
notebook that draws pays matplotlib's import in its floor as well. The start-up of pytest itself
(imports, collection) is paid once per process and reported on its own line.

With ``--separate`` each notebook gets its own pytest process instead
(``python -m pytest notebooks/NN_name.ipynb``): what one learner running one notebook waits for,
start-up included.

For each notebook the table gives the wall time and its ratios to the package floor and to its own
floor, measured in the same run (machines here are noisy, so the budgets are ratios): no notebook
over 3x its own floor, and the notebooks together at most 2x the floor of as many import-only
notebooks (both the package floor and the sum of the own floors are reported). The total wall time of the
whole pytest process (start-up included) is printed too.

This is a script, not a test. Run it from anywhere:

    python benchmarks/bench_series.py                     # every notebook in notebooks/
    python benchmarks/bench_series.py --repeat 3          # median of 3 runs
    python benchmarks/bench_series.py --separate          # one pytest process per notebook
    python benchmarks/bench_series.py notebooks/07_neural_network.ipynb
"""
import argparse
import ast
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _machine import machine_notes  # benchmarks/_machine.py, beside this script

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_BUDGET = 3.0  # x the floor, for each notebook
SERIES_BUDGET = 2.0  # x the floor times the number of notebooks, for the notebooks together


def print_table(headers, rows):
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    fmt = "  ".join(("{:<%d}" if i == 0 else "{:>%d}") % w for i, w in enumerate(widths))
    print(fmt.format(*headers))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print(fmt.format(*row))


def make_floor_notebook(directory):
    """A notebook whose only cell imports the package (nbformat 4, no outputs to compare)."""
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import rmsprop_lib")])
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    path = Path(directory) / "floor.ipynb"
    nbformat.write(nb, path)
    return path


def imports_of(path):
    """The top-level import statements of the code cells of the notebook at ``path``, in order, as source."""
    import nbformat

    statements = []
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type != "code":
            continue
        source = "\n".join(line for line in cell.source.splitlines() if not line.lstrip().startswith(("%", "!")))
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        statements += [ast.get_source_segment(source, node) for node in tree.body
                       if isinstance(node, (ast.Import, ast.ImportFrom))]
    return statements


def make_own_floor_notebook(notebook, directory):
    """A notebook whose only cell holds ``notebook``'s top-level imports: what that notebook pays before it
    computes or draws anything."""
    import nbformat

    imports = imports_of(notebook) or ["import rmsprop_lib"]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("\n".join(imports))])
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    path = Path(directory) / f"floor_of_{Path(notebook).stem}.ipynb"
    nbformat.write(nb, path)
    return path


PLUGIN = """
import json, time
from collections import defaultdict

_durations = defaultdict(float)
_outcomes = defaultdict(lambda: "passed")
_marks = {"start": time.perf_counter()}


def pytest_collection_finish(session):
    _marks["collected"] = time.perf_counter()


import pytest


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    report = (yield).get_result()  # one per phase: setup, call, teardown
    path = str(item.path.resolve())
    _durations[path] += report.duration
    if report.failed:
        _outcomes[path] = "failed"


def pytest_sessionfinish(session):
    import os
    with open(os.environ["BENCH_SERIES_OUT"], "w") as out:
        json.dump({"startup": _marks.get("collected", time.perf_counter()) - _marks["start"],
                   "durations": dict(_durations), "outcomes": dict(_outcomes)}, out)
"""


def run_pytest(paths, tmp):
    """One pytest process over ``paths``: its wall time, the plugin's record, and its last output line."""
    plugin = Path(tmp) / "bench_series_plugin.py"
    plugin.write_text(PLUGIN)
    out = Path(tmp) / "durations.json"
    env = dict(os.environ, BENCH_SERIES_OUT=str(out),
               PYTHONPATH=os.pathsep.join(filter(None, [str(tmp), os.environ.get("PYTHONPATH")])))
    command = [sys.executable, "-m", "pytest", *map(str, paths), "-q", "-p", "no:cacheprovider",
               "-p", "bench_series_plugin", "-c", str(ROOT / "pyproject.toml"), "--rootdir", str(ROOT)]
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - start
    if not out.exists():
        raise SystemExit(f"pytest did not run the notebooks:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    record = json.loads(out.read_text())
    out.unlink()
    lines = done.stdout.strip().splitlines()
    return wall, record, lines[-1] if lines else ""


def key_of(path, record):
    """The plugin's key (an absolute path) for a notebook path, or None if pytest did not run it."""
    key = str(Path(path).resolve())
    return key if key in record["durations"] else None


def measure(paths, floor, repeat, separate, tmp, own_floors=()):
    """Median per-notebook times over ``repeat`` runs: {path: (seconds, passed)}, process wall, start-up.
    ``own_floors`` run in the same process after the notebooks; the process wall leaves them out."""
    per_path = {p: [] for p in [*paths, floor, *own_floors]}
    passed = {p: True for p in per_path}
    walls, startups = [], []
    for _ in range(repeat):
        groups = [[p] for p in [floor, *paths, *own_floors]] if separate else [[floor, *paths, *own_floors]]
        wall_total, startup_total = 0.0, 0.0
        for group in groups:
            wall, record, _ = run_pytest(group, tmp)
            wall_total += wall
            startup_total += record["startup"]
            for p in group:
                key = key_of(p, record)
                seconds = record["durations"].get(key, float("nan"))
                if separate:
                    seconds = wall  # the whole process: what one run of one notebook costs
                per_path[p].append(seconds)
                if key is None or record["outcomes"].get(key) == "failed":
                    passed[p] = False
        wall_total -= sum(per_path[p][-1] for p in own_floors)  # the wall of the floor and the notebooks alone
        walls.append(wall_total)
        startups.append(startup_total)
    times = {p: (statistics.median(v), passed[p]) for p, v in per_path.items()}
    return times, statistics.median(walls), statistics.median(startups)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", help="notebooks to time (default: every notebooks/*.ipynb)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of the whole set; the median is reported")
    parser.add_argument("--separate", action="store_true", help="one pytest process per notebook")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be >= 1")
    paths = [Path(p).resolve() for p in args.notebooks] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        parser.error(f"no such notebook: {', '.join(missing)}")

    print("bench_series: each notebook under nbval, serially")
    for line in machine_notes():
        print("  " + line)
    if not paths:
        print("no notebooks found in notebooks/")
        return 0

    with tempfile.TemporaryDirectory() as tmp:
        floor = make_floor_notebook(tmp).resolve()
        own = {path: make_own_floor_notebook(path, tmp).resolve() for path in paths}
        times, process_wall, startup = measure(paths, floor, args.repeat, args.separate, tmp, list(own.values()))
    floor_time, floor_ok = times[floor]
    if not floor_ok:
        print("the floor notebook failed under nbval: is the package installed (pip install -e .)?")
        return 1

    rows, over, failures = [], [], []
    for path in paths:
        seconds, passed = times[path]
        own_time, own_ok = times[own[path]]
        status = "ok" if seconds <= NOTEBOOK_BUDGET * own_time else "OVER"
        if seconds > NOTEBOOK_BUDGET * own_time:
            over.append(path.name)
        if not passed:
            status += ", nbval FAILED"
            failures.append(path.name)
        if not own_ok:
            status += ", own floor FAILED"
            failures.append(own[path].name)
        rows.append([path.name, f"{seconds:.2f}", f"{seconds / floor_time:.2f}", f"{own_time:.2f}",
                     f"{seconds / own_time:.2f}", status])
    rows.append(["(floor: import rmsprop_lib only)", f"{floor_time:.2f}", "1.00", "", "", ""])
    mode = "one pytest process per notebook" if args.separate else "one pytest process for all"
    print(f"\n{mode}, median of {args.repeat} run(s); own floor: the notebook's own import statements only")
    print_table(["notebook", "seconds", "x floor", "own floor", "x own floor", f"<= {NOTEBOOK_BUDGET:g}x own"], rows)
    notebooks_total = sum(times[p][0] for p in paths)
    if args.separate:
        series = notebooks_total
        print(f"\npytest start-up (imports, collection), paid by every process: {startup / (len(paths) + 1):.2f} s")
    else:
        series = process_wall - floor_time
        print(f"\npytest start-up (imports, collection), paid once: {startup:.2f} s")
    ratio = notebooks_total / (floor_time * len(paths))
    own_total = sum(times[own[p]][0] for p in paths)
    print(f"notebooks alone: {notebooks_total:.2f} s, {ratio:.2f} x the floor of {len(paths)} import-only notebook(s) "
          f"(budget {SERIES_BUDGET:g}x: {'ok' if ratio <= SERIES_BUDGET else 'OVER'}); "
          f"{notebooks_total / own_total:.2f} x the sum of their own floors, {own_total:.2f} s "
          f"(budget {SERIES_BUDGET:g}x: {'ok' if notebooks_total <= SERIES_BUDGET * own_total else 'OVER'})")
    what = "the series" if not args.notebooks else "these notebooks"
    print(f"total for {what}: {series:.2f} s for {len(paths)} notebook(s)"
          + ("" if args.separate else " (the wall time of the pytest process without the floor notebook)"))
    print(f"slowest: {max(rows[:-1], key=lambda r: float(r[1]))[0]}; over {NOTEBOOK_BUDGET:g}x their own floor: "
          f"{', '.join(over) if over else 'none'}")
    for name in failures:
        print(f"nbval failed: {name}" + ("" if name.startswith("floor_of_") else f" (run: python -m pytest notebooks/{name})"))
    print(f"\nreproduce with: python benchmarks/bench_series.py {' '.join(sys.argv[1:] if argv is None else argv)}"
          .rstrip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
