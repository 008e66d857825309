"""The soft-DTW engine behind the alignment losses in ``losses.py``: cost matrices in, values and hand-written
gradients out, one anti-diagonal at a time for the whole batch (TensorFlow)."""

from __future__ import annotations

import numpy as np
import tensorflow as tf

# -- soft-DTW and DILATE on cost matrices --------------------------------------------------------------------------
# Soft-DTW (Cuturi & Blondel, ICML 2017) replaces the hard minimum of dynamic time warping by a soft minimum,
# softmin_γ(a, b, c) = −γ log(e^(−a/γ) + e^(−b/γ) + e^(−c/γ)), so the cost of the best alignment becomes smooth
# in the predictions. The recursion R[i, j] = C[i, j] + softmin_γ(R[i−1, j−1], R[i−1, j], R[i, j−1]) links a
# cell only to cells on the two previous anti-diagonals (i + j constant), so each anti-diagonal is computed at
# once for the whole batch: n + m − 1 vectorised steps instead of n × m scalar ones. The lengths must be known
# when the loss is traced (they are for a model trained on fixed-length windows).
#
# Gradients are written out rather than left to autodiff: the backward pass of soft-DTW is the soft alignment
# E = ∂R[n, m]/∂C (a second recursion, run backwards), and DILATE's temporal term ⟨E, Ω⟩ needs the product of
# soft-DTW's Hessian with Ω, obtained with one forward "tangent" recursion and one backward one (Mensch &
# Blondel, ICML 2018). This keeps both the traced graph and the step time small; these gradients are
# first-order only (differentiating them again is not supported).

OUTSIDE = 1e10  # stands in for +∞ outside the grid: finite, so no inf − inf or 0 × inf reaches a gradient


def as_series(values, argument: str) -> tf.Tensor:
    """(batch, steps) or (batch, steps, features) → float tensor (batch, steps, features)."""
    tensor = tf.convert_to_tensor(values)
    if not tensor.dtype.is_floating:
        tensor = tf.cast(tensor, tf.float32)
    if tensor.shape.rank == 2:
        tensor = tensor[..., None]
    if tensor.shape.rank != 3:
        raise ValueError(
            f"{argument}: must have shape (batch, steps) or (batch, steps, features); received shape {tensor.shape}"
        )
    if tensor.shape[1] is None:
        raise ValueError(
            f"{argument}: the number of steps must be known when the loss is traced; received shape {tensor.shape}"
        )
    return tensor


def check_gamma(gamma) -> float:
    gamma = float(gamma)
    if not np.isfinite(gamma) or gamma <= 0:
        raise ValueError(f"gamma: must be a finite number above 0; received {gamma}")
    return gamma


def check_alpha(alpha) -> float:
    alpha = float(alpha)
    if not 0.0 <= alpha <= 1.0:
        raise ValueError(f"alpha: must be between 0 and 1; received {alpha}")
    return alpha


def pairwise_squared_distances(y_true, y_pred) -> tf.Tensor:
    """Cost matrix C[b, i, j] = ‖y_true[b, i] − y_pred[b, j]‖², shape (batch, n, m)."""
    a = as_series(y_true, "y_true")
    b = tf.cast(as_series(y_pred, "y_pred"), a.dtype)
    return tf.reduce_sum(tf.square(a[:, :, None, :] - b[:, None, :, :]), axis=-1)


def time_penalty(n: int, m: int) -> np.ndarray:
    """Ω[i, j] = (i − j)² / (n m): the squared time gap of a matched pair, normalised as in the DILATE code."""
    return np.square(np.arange(n)[:, None] - np.arange(m)[None, :]) / float(n * m)


class _Diagonals:
    """Index tables between an (n, m) grid and its n + m − 1 anti-diagonals, each indexed by the row i."""

    def __init__(self, n: int | None, m: int | None) -> None:
        if n is None or m is None:
            raise ValueError(f"cost: both lengths must be known when the loss is traced; received ({n}, {m})")
        self.n, self.m, self.count = n, m, n + m - 1
        rows = np.arange(n)[None, :]
        cols = np.arange(self.count)[:, None] - rows  # column of row i on diagonal d
        self.valid = (cols >= 0) & (cols < m)  # (count, n)
        self.gather = (rows * m + np.clip(cols, 0, m - 1)).astype(np.int32).reshape(-1)  # grid → diagonals
        i, j = np.meshgrid(np.arange(n), np.arange(m), indexing="ij")
        self.scatter = ((i + j) * n + i).reshape(-1).astype(np.int32)  # diagonals → grid

    def skew(self, grid: tf.Tensor) -> tf.Tensor:
        """(batch, n, m) → (count, batch, n); cells off the grid hold arbitrary values (masked later)."""
        batch = tf.shape(grid)[0]
        flat = tf.gather(tf.reshape(grid, [batch, self.n * self.m]), self.gather, axis=1)
        return tf.transpose(tf.reshape(flat, [batch, self.count, self.n]), [1, 0, 2])

    def skew_constant(self, grid: np.ndarray, dtype) -> tf.Tensor:
        """A fixed (n, m) array → (count, n), zero off the grid."""
        values = np.asarray(grid).reshape(-1)[self.gather].reshape(self.count, self.n)
        return tf.constant(np.where(self.valid, values, 0.0), dtype)

    def unskew(self, per_diagonal: tf.Tensor) -> tf.Tensor:
        """(count, batch, n) → (batch, n, m)."""
        batch = tf.shape(per_diagonal)[1]
        flat = tf.reshape(tf.transpose(per_diagonal, [1, 0, 2]), [batch, self.count * self.n])
        return tf.reshape(tf.gather(flat, self.scatter, axis=1), [batch, self.n, self.m])


def _predecessors(before_previous: tf.Tensor, previous: tf.Tensor) -> tf.Tensor:
    """For rows 1..n of a diagonal: the (diagonal, up, left) neighbours, from the padded (batch, n + 1) rows
    of the two diagonals before it. → (batch, n, 3)"""
    return tf.stack([before_previous[:, :-1], previous[:, :-1], previous[:, 1:]], axis=-1)


def _forward(cost: tf.Tensor, gamma: float, direction: np.ndarray | None = None):
    """Soft-DTW recursion, one anti-diagonal per loop step (a ``tf.while_loop``: the traced graph stays small).

    Returns (value (batch,), tangent value or None, tables). ``tables`` holds, per diagonal, the soft-argmin
    weights (count, batch, n, 3) each cell gave its (diagonal, up, left) predecessors — the local alignment
    probabilities — and, when a direction Z (n, m) is given, the tangent Ṙ = dR · Z, whose last cell is ⟨E, Z⟩.
    """
    grid = _Diagonals(cost.shape[1], cost.shape[2])
    dtype, batch, n = cost.dtype, tf.shape(cost)[0], grid.n
    skewed, valid = grid.skew(cost), tf.constant(grid.valid)
    with_tangent = direction is not None
    direction_skewed = grid.skew_constant(direction if with_tangent else np.zeros((n, grid.m)), dtype)
    outside = tf.constant(OUTSIDE, dtype)
    edge, zero_edge = tf.fill([batch, 1], outside), tf.zeros([batch, 1], dtype)

    def step(d, before_previous, previous, tangent_before, tangent_previous, weights, tangents):
        scaled = _predecessors(before_previous, previous) / -gamma
        top = tf.stop_gradient(tf.reduce_max(scaled, axis=-1, keepdims=True))
        exps = tf.exp(scaled - top)
        total = tf.reduce_sum(exps, axis=-1)
        weight = exps / total[..., None]
        inner = tf.where(valid[d], skewed[d] - gamma * (tf.math.log(total) + top[..., 0]), outside)
        if with_tangent:  # Ṙ = Z + Σ weights × Ṙ(predecessors); zero off the grid
            spread = tf.reduce_sum(weight * _predecessors(tangent_before, tangent_previous), axis=-1)
            tangent = tf.where(valid[d], direction_skewed[d] + spread, tf.zeros_like(spread))
            tangent_before, tangent_previous = tangent_previous, tf.concat([zero_edge, tangent], axis=1)
            tangents = tangents.write(d, tangent)
        return (
            d + 1,
            previous,
            tf.concat([edge, inner], axis=1),
            tangent_before,
            tangent_previous,
            weights.write(d, weight),
            tangents,
        )

    # Rows 0..n of R on the two diagonals before the first; R[0, 0] = 0 and the rest of row/column 0 is +∞.
    start = (
        tf.constant(0),
        tf.concat([zero_edge, tf.fill([batch, n], outside)], axis=1),
        tf.fill([batch, n + 1], outside),
        tf.zeros([batch, n + 1], dtype),
        tf.zeros([batch, n + 1], dtype),
        tf.TensorArray(dtype, size=grid.count),
        tf.TensorArray(dtype, size=grid.count),
    )
    _, _, last, _, tangent_last, weights, tangents = tf.while_loop(
        lambda d, *_: d < grid.count, step, start, maximum_iterations=grid.count
    )
    tables = {
        "grid": grid,
        "weights": weights.stack(),
        "direction": direction_skewed,
        "tangents": tangents.stack() if with_tangent else None,
    }
    return last[:, -1], (tangent_last[:, -1] if with_tangent else None), tables


def _pass_back(next_1: tf.Tensor, next_2: tf.Tensor) -> tf.Tensor:
    """What each cell of a diagonal receives from its successors, given (mass × weights) of shape
    (batch, n, 3, k) on the next diagonal (left and up successors) and the one after (diagonal successor)."""
    pad = tf.zeros_like(next_1[:, :1, 0])
    return next_1[:, :, 2] + tf.concat([next_1[:, 1:, 1], pad], axis=1) + tf.concat([next_2[:, 1:, 0], pad], axis=1)


def _backward(tables: dict, dtype, gamma: float, with_tangent: bool = False):
    """Backward recursion. E[i, j] = ∂R[n, m]/∂C[i, j], the expected alignment (batch, n, m): each cell hands
    its mass back to its predecessors in proportion to its soft-argmin weights. With ``with_tangent``, also
    Ė = ∂⟨E, Z⟩/∂C (the Hessian of soft-DTW times Z), carried alongside as a second channel:
    Ė_p = Σ_c q_c→p (Ė_c + E_c (Ṙ_c − Z_c)/γ) − Ṙ_p E_p / γ over the successors c of p, and Ė = 0 at the end.
    Plain TensorFlow ops: E alone is differentiable by autodiff (see :func:`soft_alignment`).
    """
    grid, weights = tables["grid"], tables["weights"]
    valid, count, n = tf.constant(grid.valid), grid.count, grid.n
    batch = tf.shape(weights)[1]
    channels = 2 if with_tangent else 1
    end = tf.one_hot(n - 1, n, dtype=dtype)[None, :] * tf.ones([batch, 1], dtype)  # on every path

    def step(d, next_1, next_2, alignment, hessian_product):
        incoming = _pass_back(next_1, next_2)
        is_end = tf.cast(tf.equal(d, count - 1), dtype)
        mass = tf.where(valid[d], incoming[..., 0], tf.zeros_like(end)) + is_end * end
        if with_tangent:
            tangent = tables["tangents"][d]
            tangent_mass = tf.where(valid[d], incoming[..., 1] - tangent * mass / gamma, tf.zeros_like(end))
            tangent_mass *= 1.0 - is_end
            hessian_product = hessian_product.write(d, tangent_mass)
            slack = tangent - tables["direction"][d]  # Ṙ_c − Z_c
            carried = tf.stack([mass, tangent_mass + mass * slack / gamma], axis=-1)
        else:
            carried = mass[..., None]
        passed = weights[d][..., None] * carried[:, :, None, :]  # (batch, n, 3, channels)
        return d - 1, passed, next_1, alignment.write(d, mass), hessian_product

    zeros = tf.zeros([batch, n, 3, channels], dtype)
    start = (tf.constant(count - 1), zeros, zeros, tf.TensorArray(dtype, size=count), tf.TensorArray(dtype, size=count))
    _, _, _, alignment, hessian_product = tf.while_loop(lambda d, *_: d >= 0, step, start, maximum_iterations=count)
    return grid.unskew(alignment.stack()), (grid.unskew(hessian_product.stack()) if with_tangent else None)


def soft_dtw_from_cost(cost, gamma: float = 1.0) -> tf.Tensor:
    """Soft-DTW of a batch of cost matrices (batch, n, m) → (batch,); its gradient is the soft alignment."""
    gamma = check_gamma(gamma)

    @tf.custom_gradient
    def value(cost):
        result, _, tables = _forward(cost, gamma)

        def gradient(upstream):
            alignment, _ = _backward(tables, cost.dtype, gamma)
            return upstream[:, None, None] * alignment

        return result, gradient

    return value(tf.convert_to_tensor(cost))


def dilate_from_cost(cost, alpha: float = 0.5, gamma: float = 0.01):
    """DILATE parts from cost matrices (batch, n, m): ``(total, shape, temporal)``, each (batch,)."""
    alpha, gamma = check_alpha(alpha), check_gamma(gamma)

    @tf.custom_gradient
    def parts(cost):
        penalty = time_penalty(cost.shape[1], cost.shape[2])
        shape, temporal, tables = _forward(cost, gamma, direction=penalty)

        def gradient(d_total, d_shape, d_temporal):
            alignment, hessian_product = _backward(tables, cost.dtype, gamma, with_tangent=True)
            d_total = tf.zeros_like(shape) if d_total is None else d_total
            d_shape = d_total * alpha + (0.0 if d_shape is None else d_shape)
            d_temporal = d_total * (1.0 - alpha) + (0.0 if d_temporal is None else d_temporal)
            return d_shape[:, None, None] * alignment + d_temporal[:, None, None] * hessian_product

        return (alpha * shape + (1.0 - alpha) * temporal, shape, temporal), gradient

    return parts(tf.convert_to_tensor(cost))


def soft_alignment_from_cost(cost, gamma: float = 1.0) -> tf.Tensor:
    """E = ∂ soft-DTW / ∂C for cost matrices (batch, n, m), computed by the backward recursion."""
    gamma = check_gamma(gamma)
    cost = tf.convert_to_tensor(cost)
    _, _, tables = _forward(cost, gamma)
    return _backward(tables, cost.dtype, gamma)[0]
