"""Generate the PyTorch reference trajectories in ``torch_reference.json``.

Run from the repository root (needs ``torch==2.13.0``, CPU build is enough)::

    python tests/reference/make_torch_reference.py

Every run uses float64 tensors and ``foreach=False`` (the single-tensor code path), on two
objectives: an ill-conditioned 3-D quadratic ``x1^2 + 10 x2^2 + 100 x3^2`` and the 2-D
Rosenbrock function. Their gradients come from torch's autograd of the formulas written here,
never from ``rmsprop_lib``'s analytic gradients, so the data is an independent reference.

Each run is written as one of our optimizers; the ``torch.optim`` class and its arguments come
from that optimizer's registry declaration (``torch_name``, ``torch_kwargs()``), so a new rule
needs only its lines in ``RUNS``. torch is imported only to generate: the tests read ``RUNS``
without it.

``generate()`` returns the data as a dict (the tests call it to regenerate in memory);
``main()`` writes it to the JSON file next to this script. Floats are written with ``repr``,
which reads back to exactly the same float64.
"""
import json
import sys
from pathlib import Path

if __name__ == "__main__":  # run as a script from the checkout: rmsprop_lib is two folders up
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from rmsprop_lib.optimizers import AdaGrad, Adam, Momentum, RMSProp  # noqa: E402

TORCH_VERSION = "2.13.0"
STEPS = 200
OUTPUT = Path(__file__).with_name("torch_reference.json")

QUADRATIC_SCALES = [1.0, 10.0, 100.0]
QUADRATIC_START = [4.0, 3.0, 3.0]
ROSENBROCK_START = [-1.5, 2.0]


def quadratic_value(x):
    """sum_i c_i x_i^2 with c = QUADRATIC_SCALES (the formula of rmsprop_lib.objectives.quadratic)."""
    import torch
    scales = torch.tensor(QUADRATIC_SCALES, dtype=torch.float64)
    return torch.sum(scales * x**2)


def rosenbrock_value(x):
    """(1 - x)^2 + 100 (y - x^2)^2."""
    return (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2


OBJECTIVES = {
    "quadratic": {"value": quadratic_value, "start": QUADRATIC_START,
                  "description": "sum_i c_i x_i^2, c = scales", "scales": QUADRATIC_SCALES},
    "rosenbrock": {"value": rosenbrock_value, "start": ROSENBROCK_START,
                   "description": "(1 - x)^2 + 100 (y - x^2)^2"},
}

# torch_kwargs() writes out every argument that changes the arithmetic, neutral ones included,
# so the JSON says exactly what was run. Learning rates differ by objective where one value
# cannot suit both (Rosenbrock's curvature near the start is about 2000, the quadratic's at most 200).
RUNS = [
    # (name, optimizer on the quadratic, optimizer on Rosenbrock)
    ("sgd_momentum", Momentum(lr=0.004, momentum=0.9), Momentum(lr=5e-4, momentum=0.9)),
    ("sgd_nesterov", Momentum(lr=0.004, momentum=0.9, nesterov=True), Momentum(lr=5e-4, momentum=0.9, nesterov=True)),
    ("rmsprop_default", RMSProp(lr=0.01, rho=0.99, eps=1e-8), RMSProp(lr=0.01, rho=0.99, eps=1e-8)),
    ("rmsprop_centered", RMSProp(lr=0.01, rho=0.99, centered=True), RMSProp(lr=0.01, rho=0.99, centered=True)),
    ("rmsprop_momentum", RMSProp(lr=0.01, rho=0.99, momentum=0.9), RMSProp(lr=0.003, rho=0.99, momentum=0.9)),
    ("rmsprop_centered_momentum", RMSProp(lr=0.01, rho=0.99, momentum=0.9, centered=True),
     RMSProp(lr=0.003, rho=0.99, momentum=0.9, centered=True)),
    ("rmsprop_alpha0.9_eps1e-6_lr0.1", RMSProp(lr=0.1, rho=0.9, eps=1e-6), RMSProp(lr=0.1, rho=0.9, eps=1e-6)),
    ("adagrad", AdaGrad(lr=0.5, eps=1e-10), AdaGrad(lr=0.5, eps=1e-10)),
    ("adam_lr0.001", Adam(lr=0.001), Adam(lr=0.001)),
    ("adam_lr0.1", Adam(lr=0.1), Adam(lr=0.1)),
]


def recorded(kwargs):
    """``torch_kwargs()`` as the JSON records them (tuples such as Adam's betas become lists)."""
    return {k: list(v) if isinstance(v, tuple) else v for k, v in kwargs.items()}


def trajectory(objective, optimizer, kwargs, steps=STEPS):
    """The points visited by ``torch.optim.<optimizer>(**kwargs)``: the start, then one per step."""
    import torch
    spec = OBJECTIVES[objective]
    x = torch.tensor(spec["start"], dtype=torch.float64, requires_grad=True)
    opt = getattr(torch.optim, optimizer)([x], foreach=False, **kwargs)
    xs = [x.detach().tolist()]
    for _ in range(steps):
        opt.zero_grad()
        spec["value"](x).backward()
        opt.step()
        point = x.detach().tolist()
        if not all(abs(v) < 1e6 for v in point):
            raise RuntimeError(f"{optimizer}{kwargs} left the region of interest on {objective}: {point}")
        xs.append(point)
    return xs


def generate(steps=STEPS):
    """All reference trajectories, as a JSON-ready dict."""
    import torch
    if torch.__version__.split("+")[0] != TORCH_VERSION:
        raise RuntimeError(f"the reference data is defined with torch {TORCH_VERSION}, found {torch.__version__}")
    runs = []
    for name, on_quadratic, on_rosenbrock in RUNS:
        for objective, ours in (("quadratic", on_quadratic), ("rosenbrock", on_rosenbrock)):
            runs.append({
                "name": name,
                "objective": objective,
                "optimizer": ours.torch_name,
                "hyperparameters": recorded(ours.torch_kwargs()),
                "start": OBJECTIVES[objective]["start"],
                "steps": steps,
                "xs": trajectory(objective, ours.torch_name, ours.torch_kwargs(), steps),
            })
    objectives = {k: {f: v for f, v in spec.items() if f != "value"} for k, spec in OBJECTIVES.items()}
    return {
        "generator": "tests/reference/make_torch_reference.py",
        "torch_version": TORCH_VERSION,
        "dtype": "float64",
        "foreach": False,
        "objectives": objectives,
        "runs": runs,
    }


def dumps(data):
    """JSON text with one trajectory point per line (small diffs, exact floats via repr)."""
    header = {k: v for k, v in data.items() if k != "runs"}
    lines = ["{"]
    for key, value in header.items():
        lines.append(f" {json.dumps(key)}: {json.dumps(value)},")
    lines.append(' "runs": [')
    for i, run in enumerate(data["runs"]):
        lines.append("  {")
        for key, value in run.items():
            if key != "xs":
                lines.append(f"   {json.dumps(key)}: {json.dumps(value)},")
        points = ",\n    ".join(json.dumps(point) for point in run["xs"])
        lines.append(f'   "xs": [\n    {points}\n   ]')
        lines.append("  }" + ("," if i < len(data["runs"]) - 1 else ""))
    lines.append(" ]")
    lines.append("}")
    return "\n".join(lines) + "\n"


def main():
    data = generate()
    OUTPUT.write_text(dumps(data))
    assert json.loads(OUTPUT.read_text()) == data, "the file does not read back to the generated data"
    print(f"wrote {len(data['runs'])} trajectories to {OUTPUT} ({OUTPUT.stat().st_size / 1024:.0f} KiB)")


if __name__ == "__main__":
    main()
