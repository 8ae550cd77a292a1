"""The landscapes the playground offers: their names and titles, their contours (drawn once each, then
shown and hidden), and the stability limits ``2/lambda`` of each one's Hessian, which the
effective-learning-rate panel draws as reference lines."""
import numpy as np

from ..objectives import OBJECTIVES

#: The prefix of a landscape whose gradients carry noise (``noisy_bowl``): read only by ``split_landscape``.
NOISY_PREFIX = "noisy_"

#: Every landscape the playground offers: each objective and its noisy version.
LANDSCAPES = tuple(OBJECTIVES) + tuple(NOISY_PREFIX + name for name in OBJECTIVES)


def split_landscape(landscape):
    """``(objective name, noisy)``: ``"noisy_bowl"`` -> ``("bowl", True)``, ``"bowl"`` -> ``("bowl", False)``."""
    if landscape.startswith(NOISY_PREFIX):
        return landscape[len(NOISY_PREFIX):], True
    return landscape, False


def hessian(objective, x):
    """The Hessian of ``objective`` (without its gradient noise) at the point ``x``: central differences
    of its exact gradient, exact up to rounding where the gradient is at most quadratic in x."""
    gradient = getattr(objective, "base", objective).gradient
    x = np.asarray(x, dtype=float)
    h = 1e-4 * max(1.0, float(np.abs(x).max()))
    columns = [(gradient(x + h * e) - gradient(x - h * e)) / (2 * h) for e in np.eye(len(x))]
    H = np.array(columns).T
    return (H + H.T) / 2


def stability_limits(objective):
    """``(limits, where)``: the limits ``2/lambda`` for the eigenvalues lambda > 0 of the Hessian of the
    2-D ``objective`` (largest limit first), each with the coordinate its direction lies along ("x",
    "y", "x and y" or "" for a tilted direction); ``where`` is "" when the Hessian is the same everywhere
    (the quadratics) and "at the minimum" (or "minima", all with the same Hessian) when it is taken there. ``([], "")`` when the objective has
    neither (several minima with different Hessians, as Himmelblau's).

    A gradient-descent update multiplies the distance to the minimum along a direction of curvature
    lambda by ``1 - lr * lambda``: it shrinks while lr < 2/lambda. A rule that scales each coordinate
    by its own effective learning rate crosses its limit where that rate passes the line of its
    coordinate (momentum moves the limit: ``2 (1 + mu) / lambda`` for heavy-ball momentum mu)."""
    if objective.lipschitz is not None:
        H, where = hessian(objective, objective.start_point()), ""
    else:
        found = [hessian(objective, m) for m in objective.minima]
        if not found or any(not np.allclose(H, found[0], rtol=1e-6, atol=1e-9) for H in found):
            return [], ""
        H, where = found[0], "at the minimum" if len(found) == 1 else "at the minima"
    values, vectors = np.linalg.eigh(H)
    limits = {}
    for value, vector in zip(values, vectors.T):
        if value > 0:
            axis = "x" if abs(vector[0]) > 0.999 else "y" if abs(vector[1]) > 0.999 else ""
            limit = float(f"{2 / value:.6g}")  # equal curvatures give one line
            limits[limit] = "x and y" if limit in limits else axis
    return sorted(limits.items(), reverse=True), where


def landscape_title(settings, objective):
    """The title of the paths panel: the landscape's name and formula (and its noise and seed)."""
    base, noisy = split_landscape(settings.landscape)
    name = base.replace("_", " ")
    formula = f"${objective.formula}$" if objective.formula else ""
    if noisy:
        # Two lines, none wider than the plain title: the panel's title stays within its column.
        return f"noisy {name} (gradient noise {objective.sigma:g}, seed {settings.seed})" + (f"\n{formula}" * bool(formula))
    return f"{name}: {formula}" if formula else name


def show_landscape(state, ax_path, ax_lr, objective, base):
    """Make ``base``'s contour and stability limits the visible ones (drawn the first time it is shown)."""
    from .. import plotting

    for artist in state["contours"].get(state["landscape"], []):
        artist.set_visible(False)
    artists = state["contours"].get(base)
    if artists is None:
        before = set(ax_path.collections)
        plotting.plot_contour(objective, (), ax=ax_path, bounds=objective.bounds, levels=25, n=120, show_minima=False)
        # The stars as plot_contour draws them, without the legend it makes with them (slow; not shown here).
        (x0, x1), (y0, y1) = objective.bounds
        inside = np.array([m for m in objective.minima if x0 <= m[0] <= x1 and y0 <= m[1] <= y1]).reshape(-1, 2)
        if len(inside):
            ax_path.scatter(inside[:, 0], inside[:, 1], marker="*", s=220, c=plotting.style.MINIMUM_COLOR,
                            edgecolors="black", linewidths=0.8, zorder=6, label="minimum" if len(inside) == 1 else "minima")
        contour = [c for c in ax_path.collections if c not in before]
        artists = state["contours"][base] = contour + limit_lines(ax_lr, objective)
    for artist in artists:
        artist.set_visible(True)
    ax_path.set_xlim(*objective.bounds[0])
    ax_path.set_ylim(*objective.bounds[1])
    state["minima"] = [c for c in artists if c.get_label() in ("minimum", "minima")]
    state["limits"] = [a.get_ydata()[0] for a in artists if a.get_label() == "stability limit"]
    state["landscape"] = base


def limit_lines(ax, objective):
    """The stability limits 2/lambda of ``objective``'s Hessian on ``ax``: a dashed grey line each, named. They
    are the limits of the rules without momentum (the top one says so): momentum's is 2(1 + mu)/lambda."""
    limits, where = stability_limits(objective)
    artists = []
    for i, (limit, axis) in enumerate(sorted(limits, key=lambda pair: -pair[0])):
        artists.append(ax.axhline(limit, color="0.45", linestyle=(0, (4, 3)), linewidth=1.0, zorder=1.8,
                                  label="stability limit"))
        name = ((f"{axis}: " if axis else "") + f"2/λ = {limit:.2g}" + (f" {where}" if where else "")
                + (" (limit without momentum)" if i == 0 else ""))
        artists.append(ax.text(0.02, limit, name, transform=ax.get_yaxis_transform(), fontsize="small",
                               color="0.3", va="bottom"))
    return artists
