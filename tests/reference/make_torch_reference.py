"""Generate the PyTorch reference trajectories in ``torch_reference.json``.

Run from the repository root (needs ``torch==2.13.0``, CPU build is enough)::

    python tests/reference/make_torch_reference.py

Every run uses float64 tensors and ``foreach=False`` (the single-tensor code path), on two
objectives: an ill-conditioned 3-D quadratic ``x1^2 + 10 x2^2 + 100 x3^2`` and the 2-D
Rosenbrock function. Their gradients come from torch's autograd of the formulas written here,
never from ``rmsprop_lib``'s analytic gradients, so the data is an independent reference.

Each run is written as one of our optimizers; the ``torch.optim`` class and its arguments come
from that optimizer's registry declaration (``torch_name``, ``torch_kwargs()``), so a new rule
needs only its lines in ``RUNS``. An optimizer whose ``lr`` is one of ``rmsprop_lib.schedules``'
schedules runs with the matching ``torch.optim.lr_scheduler`` (``torch_scheduler``), stepped after
every ``optimizer.step()``; its run records the schedule (``"schedule"``) and, as ``lr``, the
schedule's ``lr`` argument (the learning rate torch's optimizer is made with). torch is imported only to generate: the tests read ``RUNS``
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

from rmsprop_lib.optimizers import AdaGrad, Adadelta, Adam, AdamW, Momentum, RMSProp  # noqa: E402
from rmsprop_lib.schedules import Schedule, cosine_decay, linear_warmup, step_decay, warmup_cosine  # noqa: E402

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
    # Adam's options and AdamW: weight decays large enough to move these trajectories well beyond the tolerance
    ("adam_weight_decay0.1", Adam(lr=0.05, weight_decay=0.1), Adam(lr=0.05, weight_decay=0.1)),
    ("adam_amsgrad", Adam(lr=0.1, amsgrad=True), Adam(lr=0.05, amsgrad=True)),
    ("adamw_weight_decay0.01", AdamW(lr=0.05), AdamW(lr=0.05)),
    ("adamw_weight_decay0.5", AdamW(lr=0.05, weight_decay=0.5), AdamW(lr=0.05, weight_decay=0.5)),
    ("adadelta", Adadelta(), Adadelta()),
    ("adadelta_lr10_rho0.95", Adadelta(lr=10.0, rho=0.95, eps=1e-4), Adadelta(lr=10.0, rho=0.95, eps=1e-4)),
    # the four schedules over the 200 steps (cosine reaches min_lr after the last update)
    ("rmsprop_step_decay", RMSProp(lr=step_decay(0.05, 50, 0.5)), RMSProp(lr=step_decay(0.02, 50, 0.5))),
    ("rmsprop_cosine_decay", RMSProp(lr=cosine_decay(0.05, 200, 0.001)), RMSProp(lr=cosine_decay(0.02, 200, 0.001))),
    ("rmsprop_linear_warmup", RMSProp(lr=linear_warmup(0.05, 20, 0.1)), RMSProp(lr=linear_warmup(0.02, 20, 0.1))),
    ("rmsprop_warmup_cosine", RMSProp(lr=warmup_cosine(0.05, 20, 200, 0.001, 0.1)),
     RMSProp(lr=warmup_cosine(0.02, 20, 200, 0.001, 0.1))),
    ("adam_step_decay", Adam(lr=step_decay(0.1, 50, 0.5)), Adam(lr=step_decay(0.1, 50, 0.5))),
    ("adam_cosine_decay", Adam(lr=cosine_decay(0.1, 200)), Adam(lr=cosine_decay(0.1, 200))),
    ("adam_linear_warmup", Adam(lr=linear_warmup(0.1, 20)), Adam(lr=linear_warmup(0.1, 20))),
    ("adam_warmup_cosine", Adam(lr=warmup_cosine(0.1, 20, 200, 0.001)), Adam(lr=warmup_cosine(0.1, 20, 200, 0.001))),
]


def schedule_of(optimizer):
    """The schedule an optimizer's lr is, as the JSON records it (None for a number)."""
    if not isinstance(optimizer.lr, Schedule):
        return None
    return {"name": optimizer.lr.name, **dict(optimizer.lr.arguments)}


def torch_scheduler(schedule, opt):
    """The ``torch.optim.lr_scheduler`` on ``opt`` that gives, step for step, what ``schedule`` gives."""
    from torch.optim import lr_scheduler as L
    a = schedule
    if a["name"] == "step_decay":
        return L.StepLR(opt, a["step_size"], a["gamma"])
    if a["name"] == "cosine_decay":
        return L.CosineAnnealingLR(opt, T_max=a["total_steps"], eta_min=a["min_lr"])
    if a["name"] == "linear_warmup":
        return L.LinearLR(opt, a["start_factor"], 1.0, total_iters=a["warmup_steps"])
    if a["name"] == "warmup_cosine":
        return L.SequentialLR(opt, [L.LinearLR(opt, a["start_factor"], 1.0, total_iters=a["warmup_steps"]),
                                    L.CosineAnnealingLR(opt, T_max=a["total_steps"] - a["warmup_steps"],
                                                        eta_min=a["min_lr"])], milestones=[a["warmup_steps"]])
    raise ValueError(f"no torch scheduler for {a['name']}")


def recorded(kwargs):
    """``torch_kwargs()`` as the JSON records them (tuples such as Adam's betas become lists; a schedule
    becomes its ``lr`` argument, the learning rate torch's optimizer is made with)."""
    return {k: list(v) if isinstance(v, tuple) else dict(v.arguments)["lr"] if isinstance(v, Schedule) else v
            for k, v in kwargs.items()}


def trajectory(objective, optimizer, kwargs, steps=STEPS, schedule=None):
    """The points visited by ``torch.optim.<optimizer>(**kwargs)`` (with the scheduler of ``schedule``,
    stepped after every optimizer step): the start, then one per step."""
    import torch
    spec = OBJECTIVES[objective]
    x = torch.tensor(spec["start"], dtype=torch.float64, requires_grad=True)
    opt = getattr(torch.optim, optimizer)([x], foreach=False, **kwargs)
    scheduler = None if schedule is None else torch_scheduler(schedule, opt)
    xs = [x.detach().tolist()]
    for _ in range(steps):
        opt.zero_grad()
        spec["value"](x).backward()
        opt.step()
        if scheduler is not None:
            scheduler.step()
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
            kwargs, schedule = recorded(ours.torch_kwargs()), schedule_of(ours)
            run = {
                "name": name,
                "objective": objective,
                "optimizer": ours.torch_name,
                "hyperparameters": kwargs,
                "start": OBJECTIVES[objective]["start"],
                "steps": steps,
            }
            if schedule is not None:  # only the runs with a schedule say so (the others stay as they were)
                run["schedule"] = schedule
            run["xs"] = trajectory(objective, ours.torch_name, kwargs, steps, schedule)
            runs.append(run)
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
