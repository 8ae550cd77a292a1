"""How much the package's abstractions cost: three measurements, each against its budget.

1. ``minimize`` against a hand-written numpy loop of the same rule on the same objective
   (2-D Rosenbrock, 300 steps, every rule of the series; and a 10,000-D quadratic). The hand loop
   calls the objective's own functions (``objective.f``, ``objective.gradient``), as ``minimize``
   does. Budget: at most 1.5x.
2. The memory of a run's history: the most memory ``minimize`` holds at once during a long run (and
   while its effective learning rates are computed), measured with ``tracemalloc``, against the bytes
   of the arrays the trace hands out (xs, fs, grads, updates, effective_lrs). Budget: at most 4x.
3. One RMSProp and one Adam step on 10^6 float64 parameters (``opt.update`` plus ``x = x - update``)
   against ``torch.optim`` on one thread (``torch.set_num_threads(1)``), when torch is installed.
   Budget: at most 1.5x. For reference, the memory-traffic bound of the step: the bytes the rule must
   move at least, divided by the copy bandwidth measured with a numpy copy of the same size.

This is a script, not a test: it prints tables and the command that reproduces them.

    python benchmarks/bench_steps.py                 # all three parts
    python benchmarks/bench_steps.py --profile       # also: where minimize spends its time
    python benchmarks/bench_steps.py --repeat 15 --size 1000000 --memory-steps 100000

Timings depend on the machine and on what else runs on it: the load average is printed with the
tables. Environment variables that affect numpy (OPENBLAS_CORETYPE, OPENBLAS_L2_SIZE) are reported,
never changed.
"""
import argparse
import sys
import time
import tracemalloc

import numpy as np

from rmsprop_lib.objectives import quadratic, rosenbrock
from rmsprop_lib.optimizers import AdaGrad, Adam, GradientDescent, Momentum, RMSProp
from rmsprop_lib.run import minimize

from _machine import machine_notes  # benchmarks/_machine.py, beside this script

BUDGET = 1.5  # minimize against a hand loop, and one large step against torch.optim
MEMORY_BUDGET = 4.0  # a run's history against its arrays


# --------------------------------------------------------------------------- printing


def print_table(headers, rows, left=1):
    """A plain-text table of strings; the first ``left`` columns are left-aligned."""
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    fmt = "  ".join(("{:<%d}" if i < left else "{:>%d}") % w for i, w in enumerate(widths))
    print(fmt.format(*headers))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print(fmt.format(*row))


def verdict(ratio, budget=BUDGET):
    return "ok" if ratio <= budget else "OVER"


def best_time(fn, repeat):
    """The minimum wall time of ``repeat`` calls (the least disturbed run), in seconds."""
    fn()  # warm up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


# --------------------------------------------------------------------------- part 1: minimize


def hand_loop(rule, objective, x0, steps):
    """The loop a learner would write: the rule inline, keeping the path and the values.

    It calls the objective's functions ``f`` and ``gradient`` directly, as ``minimize`` does (the
    checked ``value`` and ``grad`` first check every point, which ``minimize`` does once for x0).
    """
    x = np.array(x0, dtype=float)
    xs, fs = [x], [float(objective.f(x))]
    s = np.zeros_like(x)
    m = np.zeros_like(x)
    v = np.zeros_like(x)
    for t in range(1, steps + 1):
        g = objective.gradient(x)
        if rule == "GradientDescent":
            x = x - 0.001 * g
        elif rule == "Momentum":
            m = 0.9 * m + g
            x = x - 0.0005 * m
        elif rule == "AdaGrad":
            s = s + g * g
            x = x - 0.5 * g / (np.sqrt(s) + 1e-8)
        elif rule == "RMSProp":
            s = 0.9 * s + 0.1 * g * g
            x = x - 0.01 * g / (np.sqrt(s) + 1e-8)
        else:  # Adam
            m = 0.9 * m + 0.1 * g
            v = 0.999 * v + 0.001 * g * g
            x = x - 0.05 * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
        xs.append(x)
        fs.append(float(objective.f(x)))
    return np.array(xs), np.array(fs)


#: The optimizer settings the benchmark times (the registry's classes, with learning rates for Rosenbrock).
SETTINGS = {
    "GradientDescent": lambda: GradientDescent(lr=0.001),
    "Momentum": lambda: Momentum(lr=0.0005, momentum=0.9),
    "AdaGrad": lambda: AdaGrad(lr=0.5),
    "RMSProp": lambda: RMSProp(lr=0.01, rho=0.9),
    "Adam": lambda: Adam(lr=0.05),
}


def paired_times(fn_a, fn_b, repeat, clock=time.process_time):
    """Minimum times of two functions, timed alternately so that both see the same load.

    The clock is this process's CPU time by default: on a shared machine the time the process
    waits while other programs run does not count (``--wall`` uses the wall clock instead).
    """
    fn_a(), fn_b()  # warm up
    a, b = [], []
    for _ in range(repeat):
        for fn, out in ((fn_a, a), (fn_b, b)):
            start = clock()
            fn()
            out.append(clock() - start)
    return min(a), min(b)


def bench_minimize(steps, repeat, profile, clock=time.process_time):
    which = "CPU time of this process" if clock is time.process_time else "wall time"
    print(f"\n1. minimize vs a hand-written numpy loop of the same rule, {steps} steps, best of {repeat} ({which})")
    rows, worst, worst_big = [], 0.0, 0.0
    cases = [(rosenbrock, name) for name in SETTINGS]
    big = quadratic(np.linspace(1.0, 10.0, 10_000), name="quadratic_10000d")
    cases += [(big, "RMSProp"), (big, "Adam")]
    for objective, name in cases:
        x0 = objective.start_point()
        make = SETTINGS[name]
        trace = minimize(objective, make(), x0=x0, steps=steps)
        xs, fs = hand_loop(name, objective, x0, steps)
        if trace.status != "max_steps" or not np.allclose(trace.xs, xs, rtol=1e-12, atol=1e-12):
            raise SystemExit(f"{name}: the hand-written loop and minimize disagree; fix the benchmark first")
        t_pkg, t_hand = paired_times(lambda: minimize(objective, make(), x0=x0, steps=steps),
                                     lambda: hand_loop(name, objective, x0, steps), repeat, clock)
        ratio = t_pkg / t_hand
        if objective is rosenbrock:
            worst = max(worst, ratio)
        else:
            worst_big = max(worst_big, ratio)
        rows.append([objective.name, name, f"{t_pkg * 1e3:.2f}", f"{t_hand * 1e3:.2f}",
                     f"{t_pkg / steps * 1e6:.1f}", f"{t_hand / steps * 1e6:.1f}", f"{ratio:.2f}x", verdict(ratio)])
    print_table(["objective", "rule", "minimize ms", "hand loop ms", "us/step", "hand us/step", "ratio",
                 f"<= {BUDGET:g}x"], rows, left=2)
    print("(both loops keep the path and the values; minimize also keeps gradients and updates, checks\n"
          " every gradient, value and point for divergence and keeps copies of what it records; effective\n"
          " learning rates are computed when read, see part 2. The 2-D rows are what the notebooks run.)")
    if profile:
        profile_minimize()
    return worst, worst_big


def profile_minimize(repeat=20000):
    """The cost of each statement of minimize's loop, timed on its own (RMSProp on Rosenbrock).

    The statements are read from the loop itself (rmsprop_lib/loop.py), so this stays in step with the code.
    """
    import ast
    import inspect
    import timeit

    from rmsprop_lib import loop as loop_module

    source = inspect.getsource(loop_module._descend)
    tree = ast.parse(source)
    loop = next(node for node in ast.walk(tree) if isinstance(node, ast.For))
    lines = source.splitlines()
    optimizer = RMSProp(lr=0.01)
    objective = rosenbrock
    x = objective.start_point()
    state = optimizer.init(x)
    for _ in range(5):
        g = objective.grad(x)
        update, state = optimizer.update(g, state)
        x = x - update
    rows_needed = repeat + 2  # the loop writes row k of its arrays; timeit runs each statement `repeat` times
    # the loop's local names, as minimize sets them
    namespace = dict(vars(loop_module), rule=optimizer, x=x, state=state, tol=None, rows=False, alive=None,
                     value=objective.f, number=float, gradient=objective.gradient, step=optimizer._update,
                     shape=x.shape, vector=True, check_gradient=True, g_limit=loop_module.MAX_SQUARED_ENTRY,
                     limit2=loop_module.DIVERGENCE_LIMIT**2, source="objective", status="max_steps", k=0,
                     next_check=-1, check=None, keep_x=True, keep_f=True, keep_g=True, keep_u=True,
                     xs=np.empty((rows_needed, 2)), fs=np.empty(rows_needed),
                     grads=np.empty((rows_needed, 2)), updates=np.empty((rows_needed, 2)))

    def runnable(node):
        """The statement itself, or for an if (whose body may break) just its condition."""
        return f"({ast.unparse(node.test)})" if isinstance(node, ast.If) else ast.unparse(node)

    for node in loop.body:  # one pass through the loop body, so every name it assigns exists
        exec(runnable(node), namespace)
    assigned = sorted({n.id for node in loop.body if not isinstance(node, ast.If)
                       for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)})
    print(f"\nwhere minimize's loop spends its time (RMSProp on Rosenbrock; each statement of loop.py "
          f"timed alone, {repeat} times):")
    rows, total = [], 0.0
    # timeit runs a statement inside a function: the names the loop assigns get their values in setup
    setup = f"{', '.join(assigned)}, = _start"
    namespace["_start"] = tuple(namespace[k] for k in assigned)
    for node in loop.body:
        seconds = min(timeit.repeat(runnable(node), setup=setup, globals=namespace, number=repeat,
                                    repeat=3)) / repeat
        total += seconds
        rows.append([f"loop.py:{loop_module._descend.__code__.co_firstlineno + node.lineno - 1}",
                     lines[node.lineno - 1].strip()[:70], f"{seconds * 1e6:.2f}"])
    hand = best_time(lambda: hand_loop("RMSProp", rosenbrock, rosenbrock.start_point(), 300), 9) / 300
    print_table(["line", "statement (for an if: its condition)", "us"], rows, left=2)
    print(f"sum {total * 1e6:.2f} us per step; the hand-written RMSProp loop takes {hand * 1e6:.2f} us per step")


# --------------------------------------------------------------------------- part 2: memory of a run


def bench_memory(steps):
    print(f"\n2. memory of a run's history: {steps:,} steps on Rosenbrock, tracemalloc's peak during minimize "
          "and the first read of effective_lrs")
    rows, worst = [], 0.0
    for name, make in SETTINGS.items():
        small = {"GradientDescent": 1e-4, "Momentum": 1e-5, "AdaGrad": 0.05, "RMSProp": 1e-3, "Adam": 1e-3}[name]
        optimizer = type(make())(lr=small)  # small steps: the run lasts all its steps
        tracemalloc.start()
        try:
            trace = minimize(rosenbrock, optimizer, steps=steps)
            lrs = trace.effective_lrs
            kept, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        if trace.status != "max_steps":
            raise SystemExit(f"{name}: the run stopped early ({trace.status}); fix the benchmark first")
        arrays = sum(a.nbytes for a in (trace.xs, trace.fs, trace.grads, trace.updates, lrs))
        ratio = peak / arrays
        worst = max(worst, ratio)
        rows.append([name, f"{arrays / 1e6:.1f}", f"{peak / 1e6:.1f}", f"{kept / 1e6:.1f}", f"{ratio:.2f}x",
                     verdict(ratio, MEMORY_BUDGET)])
    print_table(["rule", "arrays MB", "peak MB", "kept MB", "peak / arrays", f"<= {MEMORY_BUDGET:g}x"], rows)
    print("(arrays: xs, fs, grads, updates and effective_lrs of the trace; kept: what is still allocated\n"
          " when the trace and its effective learning rates exist)")
    return worst


# --------------------------------------------------------------------------- part 3: one large step


def bench_large_step(n, repeat, clock=time.process_time):
    which = "CPU time of this process" if clock is time.process_time else "wall time"
    print(f"\n3. one step on {n:,} float64 parameters (best of {repeat} steps after two warm-up steps; "
          f"ours, torch's and the copy timed in turn; {which})")
    rng = np.random.default_rng(0)
    x0 = rng.standard_normal(n)
    grad = rng.standard_normal(n)
    array_bytes = x0.nbytes
    # the fewest bytes each rule must move: RMSProp reads x, g, s and writes x, s;
    # Adam reads x, g, m, v and writes x, m, v
    minimal_arrays = {"RMSProp": 5, "Adam": 7}
    try:
        import torch
    except ImportError:
        torch = None
    else:
        torch.set_num_threads(1)

    def our_stepper(opt):
        box = {"x": x0.copy(), "state": opt.init(x0)}

        def step():
            update, box["state"] = opt.update(grad, box["state"])
            box["x"] = box["x"] - update
        return step

    def torch_stepper(name):
        p = torch.nn.Parameter(torch.from_numpy(x0.copy()))
        p.grad = torch.from_numpy(grad.copy())
        opt = (torch.optim.RMSprop([p], lr=0.01, alpha=0.9, eps=1e-8) if name == "RMSProp"
               else torch.optim.Adam([p], lr=0.01, betas=(0.9, 0.999), eps=1e-8))

        def step():
            with torch.no_grad():
                opt.step()
        return step

    src, dst = x0.copy(), np.empty_like(x0)

    def copy():
        np.copyto(dst, src)

    rows, worst, copies = [], 0.0, []
    for name, make in (("RMSProp", lambda: RMSProp(lr=0.01, rho=0.9, eps=1e-8)),
                       ("Adam", lambda: Adam(lr=0.01, beta1=0.9, beta2=0.999, eps=1e-8))):
        contestants = {"ours": our_stepper(make()), "copy": copy}
        if torch is not None:
            contestants["torch"] = torch_stepper(name)
        times = {key: [] for key in contestants}
        for k in range(repeat + 2):
            for key, fn in contestants.items():
                start = clock()
                fn()
                if k >= 2:
                    times[key].append(clock() - start)
        best = {key: min(values) for key, values in times.items()}
        copies.append(best["copy"])
        bandwidth = 2 * array_bytes / best["copy"]  # a copy reads and writes the array once
        bound = minimal_arrays[name] * array_bytes / bandwidth
        if torch is not None:
            ratio = best["ours"] / best["torch"]
            worst = max(worst, ratio)
            torch_cells = [f"{best['torch'] * 1e3:.2f}", f"{ratio:.2f}x", verdict(ratio)]
        else:
            torch_cells = ["-", "-", "torch not installed"]
        rows.append([name, f"{best['ours'] * 1e3:.2f}", torch_cells[0], f"{bound * 1e3:.2f}",
                     f"{best['ours'] / bound:.1f}x", *torch_cells[1:]])
    print(f"numpy copy of {array_bytes / 1e6:.0f} MB: {2 * array_bytes / min(copies) / 1e9:.1f} GB/s (read + write)")
    print_table(["rule", "rmsprop_lib ms", "torch.optim ms", "traffic bound ms", "ours / bound",
                 "ours / torch", f"<= {BUDGET:g}x"], rows)
    if torch is not None:
        print(f"(torch {torch.__version__}, torch.set_num_threads(1), default implementation of torch.optim, "
              "which updates in place;\n rmsprop_lib timed as update, state = opt.update(grad, state); x = x - update, "
              "which makes new arrays)")
    return worst


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=300, help="steps of each minimize run (default 300)")
    parser.add_argument("--size", type=int, default=1_000_000, help="parameters in the large step (default 10^6)")
    parser.add_argument("--repeat", type=int, default=15, help="repetitions of each timing (default 15)")
    parser.add_argument("--profile", action="store_true", help="print where minimize spends its time")
    parser.add_argument("--wall", action="store_true",
                        help="time parts 1 and 3 by the wall clock, not by this process's CPU time")
    parser.add_argument("--memory-steps", type=int, default=100_000,
                        help="steps of each run in the memory part (default 100,000)")
    parser.add_argument("--skip-memory", action="store_true", help="skip part 2")
    parser.add_argument("--skip-large", action="store_true", help="skip part 3")
    args = parser.parse_args(argv)
    if min(args.steps, args.size, args.repeat, args.memory_steps) < 1:
        parser.error("--steps, --size, --repeat and --memory-steps must be >= 1")

    print("bench_steps: the cost of rmsprop_lib's abstractions")
    for line in machine_notes():
        print("  " + line)
    worst_minimize, worst_big = bench_minimize(args.steps, args.repeat, args.profile,
                                               time.perf_counter if args.wall else time.process_time)
    worst_memory = None if args.skip_memory else bench_memory(args.memory_steps)
    worst_step = None if args.skip_large else bench_large_step(args.size, args.repeat,
                                                               time.perf_counter if args.wall else time.process_time)
    print(f"\nworst minimize ratio on Rosenbrock (2-D) {worst_minimize:.2f}x (budget {BUDGET:g}x): "
          f"{verdict(worst_minimize)}")
    print(f"worst minimize ratio on the 10,000-D quadratic {worst_big:.2f}x (budget {BUDGET:g}x): {verdict(worst_big)}")
    if worst_memory:
        print(f"worst memory ratio of a run's history {worst_memory:.2f}x (budget {MEMORY_BUDGET:g}x): "
              f"{verdict(worst_memory, MEMORY_BUDGET)}")
    if worst_step:
        print(f"worst large-step ratio {worst_step:.2f}x (budget {BUDGET:g}x): {verdict(worst_step)}")
    print(f"\nreproduce with: python benchmarks/bench_steps.py {' '.join(sys.argv[1:] if argv is None else argv)}"
          .rstrip())


if __name__ == "__main__":
    main()
