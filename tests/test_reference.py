"""Our update rules against trajectories recorded from torch.optim 2.13.0 (float64, foreach=False).

The trajectories live in tests/reference/torch_reference.json, written by
tests/reference/make_torch_reference.py from its table RUNS of our optimizers (each one's
``torch_name`` and ``torch_kwargs()`` say what torch ran). torch is only needed to regenerate them.

Print the largest difference per trajectory with ``python tests/test_reference.py``.
"""
import dataclasses
import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest

from rmsprop_lib.objectives import quadratic, rosenbrock
from rmsprop_lib.optimizers import OPTIMIZERS, GradientDescent
from rmsprop_lib.run import minimize

REFERENCE_DIR = Path(__file__).parent / "reference"
REFERENCE_FILE = REFERENCE_DIR / "torch_reference.json"
GENERATOR = REFERENCE_DIR / "make_torch_reference.py"

# Tolerance on every coordinate of every point. Both sides compute in float64 but order the
# arithmetic differently: torch computes the update as ((-lr) * g) / denom, keeps moving
# averages with lerp, divides sqrt(v) by sqrt(1 - beta2^t) instead of dividing v, and takes
# gradients by autograd; we write each rule as its textbook equation and use analytic gradients.
# Each difference is about one rounding (1e-16 relative) per step; over 200 steps with
# coordinates of size <= 4 they accumulate to about 1e-15 (measured: at most 1.5e-14, AdamW on
# Rosenbrock, where torch scales x by 1 - lr wd before subtracting Adam's update and we subtract both).
# 1e-12 leaves room for that and is still far below any difference of convention: moving
# epsilon inside the root or dropping Adam's bias correction changes these trajectories by
# more than 1e-8, and even Adam with eps 1e-7 instead of 1e-8 at lr 1e-3 moves them by 1e-10
# (test_tolerance_detects_a_different_convention).
TOLERANCE = 1e-12


def load_reference():
    return json.loads(REFERENCE_FILE.read_text())


def load_generator():
    spec = importlib.util.spec_from_file_location("make_torch_reference", GENERATOR)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


REFERENCE = load_reference()
GENERATOR_MODULE = load_generator()  # imports torch only when it generates


def run_id(run):
    return f"{run['name']}-{run['objective']}"


def our_optimizer(run, **overrides):
    """The rmsprop_lib optimizer the generator's RUNS names for this run, with ``overrides``.

    It must declare exactly the torch class and arguments the JSON records: then the JSON's
    trajectory is what torch computes for our optimizer's hyperparameters.
    """
    (ours,) = [pair[1 if run["objective"] == "quadratic" else 2] for pair in GENERATOR_MODULE.RUNS
               if pair[0] == run["name"]]
    assert ours.torch_name == run["optimizer"]
    assert GENERATOR_MODULE.recorded(ours.torch_kwargs()) == run["hyperparameters"]
    assert GENERATOR_MODULE.schedule_of(ours) == run.get("schedule")  # the same schedule, or both none
    return dataclasses.replace(ours, **overrides)


def our_objective(name):
    if name == "quadratic":
        return quadratic(REFERENCE["objectives"]["quadratic"]["scales"])
    assert name == "rosenbrock"
    return rosenbrock


def our_trajectory(run, **overrides):
    trace = minimize(our_objective(run["objective"]), our_optimizer(run, **overrides),
                     x0=np.array(run["start"]), steps=run["steps"])
    return trace


def test_reference_file_describes_what_was_run():
    assert REFERENCE_FILE.stat().st_size < 1_000_000  # 48 runs of 200 steps: 0.58 MB
    assert REFERENCE["torch_version"] == "2.13.0"
    assert REFERENCE["dtype"] == "float64" and REFERENCE["foreach"] is False
    assert REFERENCE["objectives"]["quadratic"]["scales"] == [1.0, 10.0, 100.0]
    runs = {(r["optimizer"], r["objective"]): [] for r in REFERENCE["runs"]}
    for r in REFERENCE["runs"]:
        runs[(r["optimizer"], r["objective"])].append(r["hyperparameters"])
        assert len(r["xs"]) == r["steps"] + 1 >= 101
        assert r["xs"][0] == r["start"]
    for objective in ("quadratic", "rosenbrock"):
        sgd = runs[("SGD", objective)]
        assert {h["nesterov"] for h in sgd} == {False, True} and all(h["momentum"] > 0 for h in sgd)
        rms = runs[("RMSprop", objective)]
        assert {(h["centered"], h["momentum"] > 0) for h in rms} == {(False, False), (True, False), (False, True),
                                                                    (True, True)}
        assert {"lr": 0.01, "alpha": 0.99, "eps": 1e-8, "momentum": 0.0, "centered": False, "weight_decay": 0.0} in rms
        assert any((h["alpha"], h["eps"], h["lr"]) == (0.9, 1e-6, 0.1) for h in rms)
        assert len(runs[("Adagrad", objective)]) == 1
        adam = runs[("Adam", objective)]
        assert {(h["weight_decay"] > 0, h["amsgrad"]) for h in adam} == {(False, False), (True, False), (False, True)}
        assert len({h["weight_decay"] for h in runs[("AdamW", objective)]}) == 2
        assert len(runs[("Adadelta", objective)]) == 2
    schedules = {(r["optimizer"], r["schedule"]["name"]) for r in REFERENCE["runs"] if "schedule" in r}
    assert schedules == {(o, n) for o in ("RMSprop", "Adam")
                         for n in ("step_decay", "cosine_decay", "linear_warmup", "warmup_cosine")}


@pytest.mark.parametrize("run", REFERENCE["runs"], ids=run_id)
def test_our_trajectory_matches_torch(run):
    trace = our_trajectory(run)
    assert trace.status == "max_steps"
    expected = np.array(run["xs"])
    assert trace.xs.shape == expected.shape
    difference = np.max(np.abs(trace.xs - expected))
    assert difference <= TOLERANCE, f"largest difference {difference:.3e} at step " \
        f"{np.argmax(np.max(np.abs(trace.xs - expected), axis=1))}"


@pytest.mark.parametrize("name, objective, overrides", [
    ("rmsprop_alpha0.9_eps1e-6_lr0.1", "quadratic", {"eps_inside_sqrt": True}),
    ("rmsprop_default", "rosenbrock", {"eps_inside_sqrt": True}),
    ("adam_lr0.1", "quadratic", {"bias_correction": False}),
    ("adam_lr0.001", "rosenbrock", {"eps": 1e-7}),
    # each new option and rule moves its trajectories by far more than the tolerance
    ("adam_weight_decay0.1", "quadratic", {"weight_decay": 0.0}),
    ("adam_amsgrad", "rosenbrock", {"amsgrad": False}),
    ("adamw_weight_decay0.01", "quadratic", {"weight_decay": 0.0}),
    ("adadelta", "rosenbrock", {"eps": 1e-5}),
    ("rmsprop_step_decay", "quadratic", {"lr": 0.05}),
    ("rmsprop_cosine_decay", "rosenbrock", {"lr": 0.02}),
    ("adam_linear_warmup", "quadratic", {"lr": 0.1}),
    ("adam_warmup_cosine", "rosenbrock", {"lr": 0.1}),
])
def test_tolerance_detects_a_different_convention(name, objective, overrides):
    (run,) = [r for r in REFERENCE["runs"] if (r["name"], r["objective"]) == (name, objective)]
    trace = our_trajectory(run, **overrides)
    assert np.max(np.abs(trace.xs - np.array(run["xs"]))) > 10 * TOLERANCE


def test_every_registered_optimizer_has_reference_runs():
    # GradientDescent is torch's SGD at momentum 0 (its torch_kwargs say so, test_optimizers.py),
    # and Momentum at momentum 0 is gradient descent update for update (test_optimizers.py); a rule
    # torch.optim does not have (torch_name None: Yogi) is checked against its own reference there
    covered = {type(opt) for _, *pair in GENERATOR_MODULE.RUNS for opt in pair}
    assert covered == {cls for cls in OPTIMIZERS.values() if cls.torch_name is not None} - {GradientDescent}
    assert {run["name"] for run in REFERENCE["runs"]} == {name for name, *_ in GENERATOR_MODULE.RUNS}


@pytest.mark.torch
def test_regenerated_reference_matches_the_committed_file():
    torch = pytest.importorskip(
        "torch", reason="torch is not installed: the committed reference data cannot be regenerated here "
                        "(CI installs torch==2.13.0 and runs this test)")
    version = torch.__version__.split("+")[0]
    if version != REFERENCE["torch_version"]:
        pytest.skip(f"the reference data was made with torch {REFERENCE['torch_version']}, this is torch {version}")
    generator = GENERATOR_MODULE
    fresh = generator.generate()
    # JSON round trip: floats are written with repr, so they read back to the same float64
    fresh = json.loads(generator.dumps(fresh))
    committed = load_reference()
    assert {k: v for k, v in fresh.items() if k != "runs"} == {k: v for k, v in committed.items() if k != "runs"}
    assert len(fresh["runs"]) == len(committed["runs"])
    for new, old in zip(fresh["runs"], committed["runs"]):
        assert {k: v for k, v in new.items() if k != "xs"} == {k: v for k, v in old.items() if k != "xs"}
        difference = np.max(np.abs(np.array(new["xs"]) - np.array(old["xs"])))
        assert difference == 0.0, f"{run_id(old)}: regenerated trajectory differs by {difference:.3e}"
    assert fresh == committed
    assert generator.dumps(committed) == REFERENCE_FILE.read_text()  # the file is exactly what main() writes


if __name__ == "__main__":
    largest = 0.0
    for run in REFERENCE["runs"]:
        difference = np.max(np.abs(our_trajectory(run).xs - np.array(run["xs"])))
        largest = max(largest, difference)
        print(f"{run_id(run):45s} {difference:.3e}")
    print(f"largest absolute difference over all {len(REFERENCE['runs'])} trajectories: {largest:.3e}")
