"""Unit tests for rmsprop_lib.objectives: gradients against finite differences, minima, bounds,
grids, the noisy wrapper and errors."""
import numpy as np
import pytest

from rmsprop_lib.objectives import (OBJECTIVES, NoisyObjective, Objective, beale, bowl, elongated_bowl,
                                    get_objective, himmelblau, quadratic, rosenbrock, saddle, with_noise)

NAMED = {name: make() for name, make in OBJECTIVES.items()}
ALL = list(NAMED.values()) + [quadratic([1.0, 10.0, 100.0]), elongated_bowl(50.0), quadratic([3.0])]


def central_difference(objective, x, h=1e-6):
    """d f / d x_i by (f(x + h e_i) - f(x - h e_i)) / 2h, coordinates on the first axis."""
    x = np.asarray(x, dtype=float)
    grad = np.empty_like(x)
    for i in range(x.shape[0]):
        step = np.zeros_like(x)
        step[i] = h
        grad[i] = (objective.value(x + step) - objective.value(x - step)) / (2 * h)
    return grad


def sample_points(objective, n, seed):
    """n points spread over the objective's plotting box (or [-3, 3]^d), coordinates first."""
    rng = np.random.default_rng(seed)
    dim = objective.dim
    if dim == 2:
        (x0, x1), (y0, y1) = objective.bounds
        return np.stack([rng.uniform(x0, x1, n), rng.uniform(y0, y1, n)])
    return rng.uniform(-3, 3, (dim, n))


@pytest.mark.parametrize("objective", ALL, ids=lambda o: f"{o.name}{o.dim}")
def test_gradient_matches_central_differences_at_many_points(objective):
    points = sample_points(objective, 200, seed=1)
    numeric = central_difference(objective, points)
    analytic = objective.grad(points)
    assert analytic.shape == points.shape
    scale = np.maximum(1.0, np.abs(analytic))
    # central differences with h = 1e-6 are accurate to about 1e-9 relative for these polynomials
    assert np.max(np.abs(analytic - numeric) / scale) < 1e-6


@pytest.mark.parametrize("objective", ALL, ids=lambda o: f"{o.name}{o.dim}")
def test_single_points_agree_with_vectorised_evaluation(objective):
    points = sample_points(objective, 7, seed=2)
    values = objective.value(points)
    grads = objective.grad(points)
    assert values.shape == (7,) and grads.shape == points.shape
    for k in range(7):
        assert objective.value(points[:, k]) == pytest.approx(values[k], rel=1e-15, abs=1e-300)
        np.testing.assert_allclose(objective.grad(points[:, k]), grads[:, k], rtol=1e-15)
        assert objective(points[:, k]) == objective.value(points[:, k])


@pytest.mark.parametrize("objective", [o for o in ALL if o.dim == 2], ids=lambda o: o.name)
def test_grid_evaluation(objective):
    X, Y, Z = objective.grid(n=15)
    assert X.shape == Y.shape == Z.shape == (15, 15)
    (x0, x1), (y0, y1) = objective.bounds
    assert X.min() == x0 and X.max() == x1 and Y.min() == y0 and Y.max() == y1
    # grids: the coordinates are on the first axis
    G = objective.grad(np.stack([X, Y]))
    assert G.shape == (2, 15, 15)
    for i, j in [(0, 0), (3, 11), (14, 14), (7, 2)]:
        point = np.array([X[i, j], Y[i, j]])
        assert Z[i, j] == pytest.approx(objective.value(point), rel=1e-15, abs=1e-300)
        np.testing.assert_allclose(G[:, i, j], objective.grad(point), rtol=1e-15)
        np.testing.assert_allclose(G[:, i, j], central_difference(objective, point), rtol=1e-6, atol=1e-6)
    X2, Y2, Z2 = objective.grid(n=5, bounds=((0.0, 1.0), (2.0, 3.0)))
    assert X2[0, 0] == 0.0 and X2[0, -1] == 1.0 and Y2[0, 0] == 2.0 and Y2[-1, 0] == 3.0


def test_hand_values():
    assert bowl.value(np.array([1.0, 2.0])) == 5.0
    np.testing.assert_array_equal(bowl.grad(np.array([1.0, 2.0])), [2.0, 4.0])
    assert rosenbrock.value(np.array([0.0, 0.0])) == 1.0
    np.testing.assert_array_equal(rosenbrock.grad(np.array([0.0, 0.0])), [-2.0, 0.0])
    assert rosenbrock.value(np.array([-1.0, 2.0])) == 4.0 + 100.0  # (1+1)^2 + 100 (2-1)^2
    assert himmelblau.value(np.array([0.0, 0.0])) == 121.0 + 49.0
    assert beale.value(np.array([0.0, 0.0])) == 1.5**2 + 2.25**2 + 2.625**2
    assert saddle.value(np.array([0.0, 0.0])) == 0.0
    np.testing.assert_array_equal(saddle.grad(np.array([0.0, 0.0])), [0.0, 0.0])  # the saddle point
    e = elongated_bowl(25.0)
    assert e.value(np.array([1.0, 1.0])) == 26.0
    np.testing.assert_array_equal(e.grad(np.array([1.0, 1.0])), [2.0, 50.0])


@pytest.mark.parametrize("objective", ALL, ids=lambda o: f"{o.name}{o.dim}")
def test_known_minima(objective):
    assert objective.minima, "every objective lists its minimisers"
    for x_star in objective.minima:
        assert x_star.shape == (objective.dim,)
        np.testing.assert_allclose(objective.grad(x_star), 0.0, atol=1e-12)
        assert objective.value(x_star) == pytest.approx(objective.min_value, abs=1e-20)


def test_minima_are_minima_nearby():
    rng = np.random.default_rng(3)
    for objective in ALL:
        for x_star in objective.minima:
            around = x_star[:, None] + rng.normal(scale=1e-3, size=(objective.dim, 50))
            assert np.all(objective.value(around) > objective.min_value)


def test_min_values():
    assert [NAMED[n].min_value for n in ("bowl", "rosenbrock", "beale", "himmelblau")] == [0.0] * 4
    assert saddle.min_value == -0.25
    assert len(himmelblau.minima) == 4


@pytest.mark.parametrize("objective", ALL, ids=lambda o: f"{o.name}{o.dim}")
def test_bounds_and_start(objective):
    (x0, x1), (y0, y1) = objective.bounds
    assert x0 < x1 and y0 < y1
    start = objective.start_point()
    assert start.shape == (objective.dim,) and start.dtype == np.float64
    start[0] = 1e9  # a fresh array: editing it does not change the objective
    assert objective.start_point()[0] != 1e9
    if objective.dim == 2:
        for point in list(objective.minima) + [objective.start_point()]:
            assert x0 <= point[0] <= x1 and y0 <= point[1] <= y1, (objective.name, point)


def test_quadratic_in_3d():
    q = quadratic([1.0, 10.0, 100.0])
    assert q.dim == 3
    assert q.lipschitz == 200.0  # largest curvature: d^2/dx3^2 (100 x3^2) = 200
    assert q.value(np.array([1.0, 1.0, 1.0])) == 111.0
    assert q.value(np.array([2.0, -1.0, 0.5])) == 4.0 + 10.0 + 25.0
    np.testing.assert_array_equal(q.grad(np.array([1.0, -1.0, 0.5])), [2.0, -20.0, 100.0])
    np.testing.assert_array_equal(q.minima[0], [0.0, 0.0, 0.0])
    assert q.start_point().tolist() == [4.0, 3.0, 3.0]
    # vectorised over extra axes too
    assert q.value(np.ones((3, 4, 5))).shape == (4, 5)
    assert bowl.lipschitz == 2.0 and elongated_bowl(10.0).lipschitz == 20.0


@pytest.mark.parametrize("objective, bad_shape", [
    (bowl, (3,)), (bowl, (1,)), (rosenbrock, (3,)), (himmelblau, (1, 5)), (quadratic([1.0, 2.0, 3.0]), (2,)),
    (bowl, ()),
])
def test_wrong_dimension(objective, bad_shape):
    with pytest.raises(ValueError, match="coordinates on the first axis"):
        objective.value(np.ones(bad_shape))
    with pytest.raises(ValueError, match="coordinates on the first axis"):
        objective.grad(np.ones(bad_shape))


def test_bad_constructor_arguments():
    with pytest.raises(ValueError, match="condition"):
        elongated_bowl(0.5)
    with pytest.raises(ValueError, match="condition"):
        elongated_bowl(-3.0)
    with pytest.raises(ValueError, match="scales"):
        quadratic([1.0, 0.0])
    with pytest.raises(ValueError, match="scales"):
        quadratic([[1.0, 2.0]])
    with pytest.raises(ValueError, match="scales"):
        quadratic([1.0, np.nan])


def test_get_objective():
    assert get_objective("bowl") is bowl
    assert get_objective("rosenbrock") is rosenbrock
    assert get_objective("elongated_bowl").lipschitz == 20.0
    for name in OBJECTIVES:
        assert isinstance(get_objective(name), Objective)
    noisy = get_objective("noisy_himmelblau")
    assert isinstance(noisy, NoisyObjective) and noisy.base is himmelblau and noisy.sigma == 0.5


@pytest.mark.parametrize("name", ["bowll", "Bowl", "noisy_", "noisy_nothing", ""])
def test_get_objective_unknown_name(name):
    with pytest.raises(ValueError, match=r"unknown objective .*name must be one of .*bowl"):
        get_objective(name)


def test_get_objective_needs_a_string():
    with pytest.raises(TypeError, match="name"):
        get_objective(3)


# ---------------------------------------------------------------------------------------------
# The noisy wrapper

def test_noisy_values_are_exact_and_gradients_carry_the_seeded_noise():
    noisy = with_noise(rosenbrock, sigma=0.3, seed=11)
    x = np.array([0.5, -0.25])
    assert noisy.value(x) == rosenbrock.value(x)
    assert noisy.name == "noisy_rosenbrock"
    assert noisy.bounds == rosenbrock.bounds and noisy.start == rosenbrock.start
    noise = np.random.default_rng(11).standard_normal((3, 2))  # the documented source of the noise
    for k in range(3):
        np.testing.assert_allclose(noisy.grad(x), rosenbrock.grad(x) + 0.3 * noise[k], rtol=1e-15)


def test_noisy_reset_restarts_the_sequence():
    noisy = with_noise(bowl, sigma=1.0, seed=4)
    x = np.array([1.0, 2.0])
    first = [noisy.grad(x) for _ in range(5)]
    assert not np.array_equal(first[0], first[1])
    noisy.reset()
    again = [noisy.grad(x) for _ in range(5)]
    np.testing.assert_array_equal(first, again)
    other = with_noise(bowl, sigma=1.0, seed=5)
    assert not np.array_equal(other.grad(x), first[0])
    same_seed = with_noise(bowl, sigma=1.0, seed=4)
    np.testing.assert_array_equal(same_seed.grad(x), first[0])


def test_noisy_statistics():
    noisy = with_noise(bowl, sigma=0.5, seed=0)
    x = np.array([1.0, -1.0])
    samples = np.array([noisy.grad(x) for _ in range(4000)])
    # mean: the true gradient [2, -2] within 5 standard errors (0.5 / sqrt(4000) = 0.008)
    np.testing.assert_allclose(samples.mean(axis=0), [2.0, -2.0], atol=0.04)
    np.testing.assert_allclose(samples.std(axis=0), 0.5, rtol=0.05)


def test_noisy_on_a_grid_and_zero_noise():
    noisy = with_noise(himmelblau, sigma=0.0, seed=0)
    X, Y, _ = himmelblau.grid(n=4)
    np.testing.assert_array_equal(noisy.grad(np.stack([X, Y])), himmelblau.grad(np.stack([X, Y])))
    assert with_noise(himmelblau, 0.1).grad(np.stack([X, Y])).shape == (2, 4, 4)


def test_noisy_bad_arguments():
    with pytest.raises(ValueError, match="sigma"):
        with_noise(bowl, sigma=-1.0)
    with pytest.raises(TypeError, match="seed"):
        with_noise(bowl, sigma=1.0, seed=1.5)
    with pytest.raises(TypeError, match="objective must be an Objective"):  # with_noise's own parameter name
        with_noise(lambda x: x, sigma=1.0)
    with pytest.raises(TypeError, match="base must be an Objective"):
        NoisyObjective(lambda x: x, sigma=1.0)


def test_reset_is_harmless_on_plain_objectives():
    assert bowl.reset() is None


# --------------------------------------------------------------------------- checked fields and points


@pytest.mark.parametrize("fields, error, words", [
    ({"dim": "2"}, TypeError, "dim must be a whole number"),
    ({"dim": 0}, ValueError, "dim must be >= 1"),
    ({"start": (1.0, 2.0, 3.0)}, ValueError, r"start must have shape \(2,\), got shape \(3,\)"),
    ({"start": ("1", "2")}, TypeError, "start must be an array of numbers"),
    ({"bounds": ((1, 0), (0, 1))}, ValueError, "bounds must have xmin < xmax"),
    ({"minima": ([0.0, np.nan],)}, ValueError, r"minima\[0\] must contain only finite"),
    ({"f": None}, TypeError, "f must be a function"),
    ({"name": 3}, TypeError, "name must be a string"),
    ({"min_value": "0"}, TypeError, "min_value must be a real number"),
    ({"lipschitz": 0.0}, ValueError, "lipschitz must be > 0"),
])
def test_objective_fields_are_checked(fields, error, words):
    good = dict(name="f", f=lambda x: x[0] ** 2, gradient=lambda x: 2 * x)
    with pytest.raises(error, match=words):
        Objective(**dict(good, **fields))


def test_quadratic_checks_its_start_and_bounds():
    with pytest.raises(ValueError, match=r"start must have shape \(3,\)"):
        quadratic([1.0, 2.0, 3.0], start=(1.0, 2.0))
    with pytest.raises(ValueError, match="start must contain only finite"):
        quadratic([1.0, 2.0], start=(np.inf, 0.0))
    with pytest.raises(TypeError, match="bounds must be"):
        quadratic([1.0, 2.0], bounds="wide")
    assert quadratic([1.0, 2.0], start=np.array([1, 2])).start == (1.0, 2.0)


@pytest.mark.parametrize("x, error", [([1 + 2j, 0.0], TypeError), (["1", "2"], TypeError), ([np.nan, 0.0], ValueError),
                                      (None, TypeError), ([10**400, 0.0], ValueError)])
def test_points_are_checked(x, error):
    for function in (bowl.value, bowl.grad, bowl):
        with pytest.raises(error, match=r"\bx\b"):
            function(x)


def test_grid_size_is_bounded():
    with pytest.raises(ValueError, match="n must be <= 2,000"):
        bowl.grid(10**6)
    X, Y, Z = bowl.grid(3)
    np.testing.assert_array_equal(Z, X**2 + Y**2)
