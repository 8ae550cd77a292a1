"""The figures of notebook 01: the bowl, the learning rate's three regimes, each optimizer's path."""
import matplotlib.pyplot as plt
import numpy as np

from rmsprop_lib import plotting
from rmsprop_lib.objectives import bowl, elongated_bowl, quadratic
from rmsprop_lib.optimizers import OPTIMIZERS, GradientDescent
from rmsprop_lib.run import minimize


def bowl_surface_contour():
    fig = plt.figure(figsize=(10, 4.2))
    left = fig.add_subplot(1, 2, 1, projection="3d")
    plotting.plot_surface(bowl, ax=left, n=60)
    left.set_title("surface of $f(x, y) = x^2 + y^2$")
    right = fig.add_subplot(1, 2, 2)
    plotting.plot_contour(bowl, ax=right, levels=20)
    right.set_title("the same bowl from above (contours)")
    right.set_aspect("equal")
    fig.suptitle("The bowl: every optimizer's first test")
    fig.tight_layout()
    return fig


def learning_rate_regimes():
    parabola = quadratic([1.0], name="parabola", start=(2.0,))  # f = x^2, L = 2, so lr < 2/L = 1
    cases = [(0.05, "too small"), (0.4, "about right"), (1.05, "too large (> 2/L = 1)")]
    fig, axes = plt.subplots(1, 3, figsize=(12, 3.8), sharey=True)
    xs = np.linspace(-3.2, 3.2, 200)
    for ax, (lr, what) in zip(axes, cases):
        trace = minimize(parabola, GradientDescent(lr=lr), steps=10)
        path = trace.xs[:, 0]
        ax.plot(xs, xs**2, color="0.6", linewidth=1.5, label="$f(x) = x^2$")
        ax.plot(path, path**2, color=GradientDescent.color, marker="o", markersize=4, linewidth=1, label="10 steps")
        ax.plot(path[:1], path[:1] ** 2, linestyle="none", marker="o", markersize=9, markerfacecolor="white",
                markeredgecolor="black", label="start")
        ax.set_title(f"lr = {lr:g}: {what}")
        ax.set_xlabel("x")
        ax.set_xlim(-3.2, 3.2)
        ax.set_ylim(-0.3, 10.5)
    axes[0].set_ylabel("f(x)")
    axes[0].legend(loc="upper center", fontsize="small")
    fig.suptitle("Gradient descent on $x^2$: the learning rate decides between crawling, converging and diverging")
    fig.tight_layout()
    return fig


def elongated_bowl_paths():
    valley = elongated_bowl(10.0)
    runs = [("GradientDescent", dict(lr=0.09)), ("Momentum", dict(lr=0.02, momentum=0.8)),
            ("AdaGrad", dict(lr=0.5)), ("RMSProp", dict(lr=0.1, rho=0.9)), ("Adam", dict(lr=0.3))]
    fig, axes = plt.subplots(2, 3, figsize=(13, 6.4))
    for ax, (name, hyper) in zip(axes.flat, runs):
        trace = minimize(valley, OPTIMIZERS[name](**hyper), steps=60, label=OPTIMIZERS[name].label)
        plotting.plot_contour(valley, [trace], ax=ax, levels=15, bounds=valley.bounds)
        settings = ", ".join(f"{k}={v:g}" for k, v in hyper.items())
        ax.set_title(f"{OPTIMIZERS[name].label} ({settings}), 60 steps")
    last = axes.flat[-1]
    last.set_axis_off()
    last.text(0.02, 0.5, "$f(x, y) = x^2 + 10\\,y^2$\n\nThe steep y direction caps the one shared\n"
              "learning rate (lr < 2/L = 0.1): gradient\ndescent zig-zags across the valley.\n"
              "Per-coordinate scaling (AdaGrad, RMSProp)\nheads for the valley floor at once;\n"
              "AdaGrad then slows down, momentum\nand Adam overshoot and circle back.",
              transform=last.transAxes, va="center", fontsize="medium")
    fig.suptitle("Each optimizer on the elongated bowl (condition number 10)")
    fig.tight_layout()
    return fig
