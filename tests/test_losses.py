"""Soft-DTW, its divergence and DILATE: values and gradients against tslearn's NumPy soft-DTW, laws, keras."""

import keras
import numpy as np
import pytest
import tensorflow as tf
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from tslearn.metrics import SoftDTW as ReferenceSoftDTW
from tslearn.metrics import SquaredEuclidean

from seqcore import losses

TOLERANCE = 1e-5


def reference(x: np.ndarray, y: np.ndarray, gamma: float):
    """tslearn's NumPy soft-DTW of one pair: value, alignment E = ∂/∂C, and ∂/∂y."""
    distances = SquaredEuclidean(y, x)  # rows follow y so that the jacobian product is ∂/∂y
    solver = ReferenceSoftDTW(distances.compute(), gamma=gamma)
    value = solver.compute()
    alignment_yx = solver.grad()
    return value, alignment_yx.T, distances.jacobian_product(alignment_yx)


def reference_dilate(x: np.ndarray, y: np.ndarray, alpha: float, gamma: float):
    value, alignment, _ = reference(x, y, gamma)
    temporal = float(np.sum(alignment * losses.time_penalty(len(x), len(y))))
    return alpha * value + (1 - alpha) * temporal, value, temporal


def gradient(function, y_true, y_pred):
    y_pred = tf.constant(y_pred)
    with tf.GradientTape() as tape:
        tape.watch(y_pred)
        total = tf.reduce_sum(function(y_true, y_pred))
    return tape.gradient(total, y_pred).numpy()


PAIRS = [(5, 5, 1, 1.0), (7, 4, 1, 0.1), (20, 20, 1, 0.01), (3, 9, 2, 0.5), (12, 12, 1, 0.001)]


@pytest.mark.parametrize("n,m,features,gamma", PAIRS)
def test_soft_dtw_values_and_gradients_match_tslearn(n, m, features, gamma):
    rng = np.random.default_rng(n * 100 + m)
    x, y = rng.normal(size=(4, n, features)), rng.normal(size=(4, m, features))
    values = losses.soft_dtw(x, y, gamma).numpy()
    grads = gradient(lambda a, b: losses.soft_dtw(a, b, gamma), x, y)
    alignments = losses.soft_alignment(x, y, gamma).numpy()
    for b in range(4):
        value, alignment, grad = reference(x[b], y[b], gamma)
        assert values[b] == pytest.approx(value, abs=TOLERANCE)
        np.testing.assert_allclose(alignments[b], alignment, atol=TOLERANCE)
        np.testing.assert_allclose(grads[b], grad, atol=TOLERANCE)


def test_soft_dtw_exact_small_values():
    # One step each: the only alignment costs (1 − 3)².
    assert losses.soft_dtw(np.array([[1.0]]), np.array([[3.0]]), 0.5).numpy()[0] == pytest.approx(4.0)
    # Two zero steps each: three alignments of cost 0 → softmin = −γ log 3.
    value = losses.soft_dtw(np.zeros((1, 2)), np.zeros((1, 2)), 0.2).numpy()[0]
    assert value == pytest.approx(-0.2 * np.log(3.0), abs=1e-12)
    # Float32 in, float32 out; shapes (batch, steps) and (batch, steps, 1) agree.
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    assert losses.soft_dtw(x, x[:, ::-1], 1.0).dtype == tf.float32
    np.testing.assert_allclose(
        losses.soft_dtw(x, x[:, ::-1], 1.0), losses.soft_dtw(x[..., None], x[:, ::-1, None], 1.0)
    )


@pytest.mark.parametrize("n,m,features,gamma", PAIRS)
def test_dilate_parts_and_gradients_match_a_numpy_reference(n, m, features, gamma):
    rng = np.random.default_rng(n + 7 * m)
    alpha = 0.3
    x, y = rng.normal(size=(3, n, features)), rng.normal(size=(3, m, features))
    total, shape, temporal = (part.numpy() for part in losses.dilate(x, y, alpha, gamma))
    for b in range(3):
        expected = reference_dilate(x[b], y[b], alpha, gamma)
        assert (total[b], shape[b], temporal[b]) == pytest.approx(expected, abs=TOLERANCE)
    if gamma < 0.05:
        return  # finite differences of a nearly hard minimum are too rough to compare
    grads = gradient(lambda a, b: losses.dilate(a, b, alpha, gamma)[0], x, y)
    step = 1e-6
    for b in range(3):
        numeric = np.zeros_like(y[b])
        for index in np.ndindex(*y[b].shape):
            up, down = y[b].copy(), y[b].copy()
            up[index] += step
            down[index] -= step
            numeric[index] = (
                reference_dilate(x[b], up, alpha, gamma)[0] - reference_dilate(x[b], down, alpha, gamma)[0]
            ) / (2 * step)
        np.testing.assert_allclose(grads[b], numeric, atol=TOLERANCE)


def test_dilate_gradient_equals_autodiff_through_the_soft_alignment():
    """The hand-written Hessian-vector product agrees with TensorFlow differentiating the path itself."""
    rng = np.random.default_rng(5)
    x, y = rng.normal(size=(4, 20, 1)), rng.normal(size=(4, 20, 1))

    def by_autodiff(a, b):
        path = losses.soft_alignment(a, b, 0.01)
        return tf.reduce_sum(path * losses.time_penalty(20, 20), axis=[1, 2])

    np.testing.assert_allclose(
        gradient(lambda a, b: losses.dilate(a, b, 0.0, 0.01)[0], x, y), gradient(by_autodiff, x, y), atol=1e-9
    )


def test_dilate_temporal_term_is_near_zero_without_a_shift_and_grows_with_one():
    ramp = np.linspace(0.0, 1.0, 10).reshape(1, 10, 1)  # every step distinct: only the diagonal is cheap
    assert losses.dilate(ramp, ramp, 0.5, 0.001)[2].numpy()[0] < 1e-3
    spike = np.zeros((1, 10, 1))
    spike[0, 4] = 1.0
    temporal = [losses.dilate(spike, np.roll(spike, shift, axis=1), 0.5, 0.001)[2].numpy()[0] for shift in (0, 1, 3)]
    assert temporal[0] < temporal[1] < temporal[2]


@settings(max_examples=40, deadline=None)
@given(
    series=arrays(
        np.float64, st.tuples(st.integers(1, 4), st.integers(1, 12)), elements=st.floats(-5, 5, allow_nan=False)
    ),
    gamma=st.sampled_from([0.001, 0.01, 0.1, 1.0, 10.0]),
)
def test_divergence_of_a_series_with_itself_is_zero(series, gamma):
    assert np.all(losses.soft_dtw_divergence(series, series, gamma).numpy() == 0.0)


@settings(max_examples=30, deadline=None)
@given(
    pair=arrays(
        np.float64,
        st.tuples(st.just(2), st.integers(1, 3), st.integers(1, 10)),
        elements=st.floats(-3, 3, allow_nan=False),
    ),
    gamma=st.sampled_from([0.01, 0.1, 1.0]),
)
def test_divergence_is_not_negative(pair, gamma):
    assert losses.soft_dtw_divergence(pair[0], pair[1], gamma).numpy().min() >= -1e-9


@pytest.mark.parametrize("gamma", [1.0, 0.1, 0.01, 0.001])
@pytest.mark.parametrize("name", ["soft_dtw", "divergence", "dilate"])
def test_gradients_stay_finite_for_small_gamma(name, gamma):
    rng = np.random.default_rng(0)
    x = (rng.normal(size=(8, 20, 1)) * 4).astype(np.float32)  # unscaled magnitudes: large costs
    y = (rng.normal(size=(8, 20, 1)) * 4).astype(np.float32)
    function = {
        "soft_dtw": lambda a, b: losses.soft_dtw(a, b, gamma),
        "divergence": lambda a, b: losses.soft_dtw_divergence(a, b, gamma),
        "dilate": lambda a, b: losses.dilate(a, b, 0.5, gamma)[0],
    }[name]
    assert np.isfinite(function(x, y).numpy()).all()
    assert np.isfinite(gradient(function, x, y)).all()


@pytest.mark.parametrize(
    "call",
    [
        lambda: losses.soft_dtw(np.ones((1, 3)), np.ones((1, 3)), 0.0),
        lambda: losses.dilate(np.ones((1, 3)), np.ones((1, 3)), 1.5, 0.1),
        lambda: losses.SoftDTW(gamma=-1.0),
        lambda: losses.Dilate(alpha=-0.1),
        lambda: losses.soft_dtw(np.ones((3,)), np.ones((3,)), 1.0),
    ],
)
def test_bad_arguments_raise_value_error_naming_them(call):
    with pytest.raises(ValueError, match="gamma|alpha|y_true"):
        call()


LOSSES = [losses.SoftDTW(gamma=0.05), losses.SoftDTWDivergence(gamma=0.2), losses.Dilate(alpha=0.3, gamma=0.02)]


@pytest.mark.parametrize("loss", LOSSES, ids=lambda loss: loss.name)
def test_loss_config_round_trip(loss):
    again = type(loss).from_config(loss.get_config())
    assert again.get_config() == loss.get_config()
    x = np.random.default_rng(1).normal(size=(3, 6, 1)).astype(np.float32)
    y = x[:, ::-1]
    assert float(again(x, y)) == pytest.approx(float(loss(x, y)))


@pytest.mark.parametrize("loss", LOSSES, ids=lambda loss: loss.name)
def test_a_model_compiled_with_each_loss_trains_saves_and_loads(loss, tmp_path):
    rng = np.random.default_rng(2)
    x = rng.normal(size=(16, 6, 1)).astype(np.float32)
    y = np.roll(x, 1, axis=1)
    inputs = keras.Input(shape=(6, 1))
    outputs = keras.layers.Dense(1, kernel_initializer=keras.initializers.GlorotUniform(seed=1))(
        keras.layers.LSTM(
            4,
            return_sequences=True,
            kernel_initializer=keras.initializers.GlorotUniform(seed=2),
            recurrent_initializer=keras.initializers.Orthogonal(seed=3),
        )(inputs)
    )
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="adam", loss=loss)
    before = model.evaluate(x, y, verbose=0)
    model.fit(x, y, epochs=2, batch_size=8, verbose=0)
    assert np.isfinite(model.evaluate(x, y, verbose=0)) and model.evaluate(x, y, verbose=0) != before
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = keras.saving.load_model(path, safe_mode=True)
    assert type(loaded.loss) is type(loss) and loaded.loss.get_config() == model.loss.get_config()
    assert loaded.evaluate(x, y, verbose=0) == pytest.approx(model.evaluate(x, y, verbose=0), rel=1e-5)
