"""The figures of notebooks 05 to 07: Adam's bias correction, four rules on one gradient sequence, the
playground's gallery and sensitivity maps (the very experiments of notebook 06), the small network."""
import matplotlib.pyplot as plt
import numpy as np

from rmsprop_lib import data, experiments, mlp, training
from rmsprop_lib.optimizers import OPTIMIZERS, Adam
from rmsprop_lib.run import follow


def bias_correction():
    steps = 40
    t = np.arange(1, steps + 1)
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    for corrected, style in [(True, "-"), (False, "--")]:
        trace = follow(Adam(lr=0.1, beta1=0.9, beta2=0.999, bias_correction=corrected), np.ones(steps))
        label = "with bias correction" if corrected else "without"
        left.plot(t, trace.updates[:, 0], color=Adam.color, linestyle=style, linewidth=2, label=label)
    right.plot(t, 1 - 0.9**t, color="#E69F00", linewidth=2, label="m (first moment), raw")
    right.plot(t, 1 - 0.999**t, color="#56B4E9", linewidth=2, label="v (second moment), raw")
    right.axhline(1.0, color="black", linestyle=":", linewidth=1.5, label="true value (g = 1), and both after correction")
    left.set_xlabel("step t")
    left.set_ylabel("update")
    left.set_title("Adam's update for a constant gradient g = 1, lr = 0.1")
    left.legend(fontsize="small")
    right.set_yscale("log")
    right.set_xlabel("step t")
    right.set_ylabel("moving average (log scale)")
    right.set_title("both averages start at 0 and are biased low")
    right.legend(fontsize="small", loc="lower right")
    fig.suptitle("Bias correction: without it Adam's first updates have the wrong length")
    fig.tight_layout()
    return fig


def four_optimizers_comparison():
    # A simulated gradient sequence: noise around a drift from -0.5 to 0.5 (numpy's legacy generator, seed 0).
    rng = np.random.RandomState(0)
    steps = 50
    grads = rng.randn(steps) * 0.2 + np.linspace(-0.5, 0.5, steps)
    runs = [("GradientDescent", dict(lr=0.1)), ("AdaGrad", dict(lr=0.1)), ("RMSProp", dict(lr=0.1, rho=0.9)),
            ("Adam", dict(lr=0.1))]
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    t = np.arange(1, steps + 1)
    for name, hyper in runs:
        cls = OPTIMIZERS[name]
        trace = follow(cls(**hyper), grads)
        left.plot(t, trace.effective_lrs[:, 0], color=cls.color, linewidth=2, label=cls.label)
        right.plot(np.arange(steps + 1), trace.xs[:, 0], color=cls.color, linewidth=2, label=cls.label)
    left.set_yscale("log")
    left.set_xlabel("step")
    left.set_ylabel("effective learning rate")
    left.set_title("effective learning rate (lr = 0.1 for all)")
    left.legend(fontsize="small")
    right.set_xlabel("step")
    right.set_ylabel("parameter value")
    right.set_title("the parameter, starting at 0")
    right.legend(fontsize="small")
    fig.suptitle("One gradient sequence (noise + a drift from -0.5 to 0.5), four update rules")
    fig.tight_layout()
    return fig


def gallery():
    return experiments.plot_gallery(experiments.gallery_runs())


def sensitivity_heat_maps():
    return experiments.plot_sensitivity_maps(experiments.sensitivity_map("RMSProp", "rho", experiments.RHOS),
                                             experiments.sensitivity_map("Adam", "beta1", experiments.BETA1S))


def mlp_comparison():
    # Notebook 07's set-up: 100 training points, one hidden layer of 10, full batch, 200 steps,
    # and for each optimizer the best learning rate of the notebook's grid.
    X, y = data.make_moons(100, noise=0.2, seed=0)
    net = mlp.MLP(hidden=(10,), activation="tanh")
    runs = [("GradientDescent", dict(lr=3.0)), ("Momentum", dict(lr=1.0)), ("AdaGrad", dict(lr=1.0)),
            ("RMSProp", dict(lr=0.03)), ("Adam", dict(lr=0.3))]
    seeds = (0, 1, 2, 3, 4)
    steps = 200
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4), gridspec_kw={"width_ratios": [1.6, 1]})
    for k, (name, hyper) in enumerate(runs):
        cls = OPTIMIZERS[name]
        results = training.train_seeds(net, cls(**hyper), X, y, seeds=seeds, steps=steps)
        losses = np.array([r.losses for r in results])
        t = np.arange(losses.shape[1])
        left.plot(t, np.median(losses, axis=0), color=cls.color, linewidth=2, label=f"{cls.label} (lr {hyper['lr']:g})")
        left.fill_between(t, losses.min(axis=0), losses.max(axis=0), color=cls.color, alpha=0.12, linewidth=0)
        accuracy = np.array([r.accuracy for r in results])
        right.scatter(np.full(len(seeds), k) + np.linspace(-0.15, 0.15, len(seeds)), accuracy, color=cls.color, s=30,
                      edgecolors="black", linewidths=0.5, zorder=3)
    left.set_yscale("log")
    left.set_xlabel("step (full batch)")
    left.set_ylabel("training loss (cross-entropy)")
    left.set_title(f"median (line) and range (band) over {len(seeds)} seeds")
    left.legend(fontsize="small")
    right.set_xticks(range(len(runs)), [OPTIMIZERS[name].label for name, _ in runs], rotation=30, ha="right")
    right.set_ylabel("training accuracy after the last step")
    right.set_title("one dot per seed")
    right.grid(axis="y", alpha=0.4)
    fig.suptitle(f"A 2-10-2 network on the two-moons data: {steps} steps of each optimizer at its best learning rate")
    fig.tight_layout()
    return fig
