"""The figures of notebooks 02 to 04: AdaGrad's shrinking effective learning rate, RMSProp's moving
average, RMSProp against AdaGrad, RMSProp on linear regression."""
import matplotlib.pyplot as plt
import numpy as np

from rmsprop_lib import data, plotting, regression
from rmsprop_lib.objectives import rosenbrock
from rmsprop_lib.optimizers import AdaGrad, RMSProp
from rmsprop_lib.run import follow, minimize


def adagrad_effective_lr():
    steps, drop = 200, 100
    # The gradient is 1 for 100 steps, then the landscape flattens and it is 0.01.
    grads = np.where(np.arange(1, steps + 1) <= drop, 1.0, 0.01)
    t = np.arange(1, steps + 1)
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    for opt in (AdaGrad(lr=0.1), RMSProp(lr=0.1, rho=0.9)):
        trace = follow(opt, grads)
        left.plot(t, trace.effective_lrs[:, 0], color=opt.color, linewidth=2, label=opt.label)
        right.plot(t, np.abs(trace.updates[:, 0]), color=opt.color, linewidth=2, label=opt.label)
    left.plot(t[:drop], 0.1 / np.sqrt(t[:drop]), color="0.3", linestyle=":", linewidth=2, label="$0.1/\\sqrt{t}$")
    for ax in (left, right):
        ax.axvline(drop, color="0.6", linestyle="--", linewidth=1)
        ax.set_yscale("log")
        ax.set_xlabel("step t")
        ax.legend(fontsize="small", loc="center left")
    left.set_ylabel("effective learning rate")
    left.set_title("effective learning rate (lr = 0.1)")
    right.set_ylabel("update length $|x_t - x_{t+1}|$")
    right.set_title("the update actually taken")
    fig.suptitle("The gradient is 1, then 0.01 from step 100 on: AdaGrad's effective learning rate only shrinks "
                 "(like $1/\\sqrt{t}$), RMSProp's adapts", fontsize="medium")
    fig.tight_layout()
    return fig


def rmsprop_ema_weights():
    fig, ax = plt.subplots(figsize=(9, 3.8))
    k = np.arange(60)
    colors = ["#E69F00", "#0072B2", "#CC79A7"]
    for rho, color in zip([0.5, 0.8, 0.95], colors):
        weights = (1 - rho) * rho**k
        ax.plot(k, weights, color=color, marker="o", markersize=3, linewidth=1.2,
                label=f"rho = {rho:g}: memory about {1 / (1 - rho):.0f} steps")
        ax.axvline(1 / (1 - rho), color=color, linestyle=":", linewidth=1)
    ax.set_xlabel("age of the squared gradient (steps ago)")
    ax.set_ylabel("weight in s  =  $(1-\\rho)\\,\\rho^{k}$")
    ax.set_title("RMSProp's moving average: how much each past squared gradient counts")
    ax.set_xlim(-1, 60)
    ax.legend(fontsize="small")
    fig.tight_layout()
    return fig


def rmsprop_vs_adagrad():
    steps = 600
    traces = [minimize(rosenbrock, RMSProp(lr=0.01, rho=0.9), steps=steps),
              minimize(rosenbrock, AdaGrad(lr=0.1), steps=steps)]
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    # Fixed legend places and axis ranges: RMSProp's last steps hop across the valley, and where exactly
    # is decided by rounding; with "best" legends and automatic ranges that would shift the whole picture.
    plotting.plot_contour(rosenbrock, traces, ax=left, bounds=rosenbrock.bounds)
    left.legend(loc="upper right", fontsize="small", framealpha=0.9)
    left.set_title(f"paths on Rosenbrock, {steps} steps")
    plotting.plot_loss(traces, ax=right, min_value=rosenbrock.min_value)
    right.legend(loc="upper right", fontsize="small")
    right.set_ylim(0.1, 20)
    right.set_title("loss gap: AdaGrad slows to a crawl in the valley")
    fig.suptitle("RMSProp keeps moving where AdaGrad's accumulated sum stalls it")
    fig.tight_layout()
    return fig


def regression_loss_curves():
    X, y = data.make_linear_data(seed=0)
    best = regression.mse_loss(regression.least_squares(X, y), X, y)

    def rule():
        return RMSProp(lr=0.1, rho=0.9, eps=1e-5, eps_inside_sqrt=True)
    full = regression.fit(rule(), X, y, epochs=300)
    mini = regression.fit(rule(), X, y, epochs=30, batch_size=32, seed=1)
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    color = RMSProp.color
    # Near the best fit the minimum is unstable (notebook 04, section 2): the run is thrown out again and
    # settles into hopping around it. How close it gets and how it rings on the way out are decided by
    # rounding errors, so they differ between computers: that stretch is drawn thin, the y range is fixed.
    gap = full.data_losses - best
    steps = np.arange(1, len(gap) + 1)
    unstable = 105
    left.plot(steps[:unstable], gap[:unstable], color=color, linewidth=2)
    left.plot(steps[unstable - 1:], gap[unstable - 1:], color=color, linewidth=0.8, alpha=0.6)
    left.annotate("unstable minimum: from here on\nrounding errors decide the details",
                  xy=(unstable, gap[unstable - 1]), xytext=(150, 1e-7), fontsize="small",
                  arrowprops=dict(arrowstyle="->", color="0.4"))
    left.set_yscale("log")
    left.set_ylim(1e-11, 1e2)
    left.set_xlabel("step (one step = the whole data set)")
    left.set_ylabel("loss - least-squares loss")
    left.set_title("full batch: reaches the best fit, then hovers near it")
    steps = np.arange(1, len(mini.batch_losses) + 1)
    right.plot(steps, mini.batch_losses, color=color, alpha=0.45, linewidth=1, label="mini-batch loss")
    right.plot(mini.epoch_ends, mini.data_losses, color="black", marker="o", markersize=3, linewidth=1.5,
               label="loss on all data, after each epoch")
    right.axhline(best, color="0.5", linestyle=":", label="least-squares loss")
    right.set_yscale("log")
    right.set_xlabel("step (one step = a mini-batch of 32)")
    right.set_ylabel("loss (half mean squared error)")
    right.set_title("shuffled mini-batches: a noisy loss that levels off")
    right.legend(fontsize="small", loc="upper right")
    fig.suptitle("RMSProp fitting y = 4 + 3x + noise (lr 0.1, rho 0.9, eps 1e-5 inside the root)")
    fig.tight_layout()
    return fig
