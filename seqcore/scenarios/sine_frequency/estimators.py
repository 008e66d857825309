"""The classical side: a periodogram-peak frequency estimator (no training) and the Cramér–Rao bound.

All frequencies are in cycles per series (see ``data.py``): a series of N samples spans one series time,
one sample step is 1 / (N − 1) of it, Nyquist is (N − 1) / 2.

Estimator, in three steps:

1. **Periodogram peak on a fine grid.** The series is zero-padded to ``pad`` × its length (rounded up to a
   power of two) before the FFT. Padding adds no information, it only samples the same spectrum more finely,
   so the highest bin lands close to the true peak.
2. **Parabolic refinement.** A parabola through the log power of the top bin and its two neighbours puts the
   peak between bins.
3. **Least-squares refinement (the default).** A real sine is two complex tones, at +f and at −f. The
   periodogram sees both; near 0 or Nyquist the mirror image's side lobe leans on the peak and shifts it by a
   fraction of a bin — an error that does not shrink with more SNR, so at high SNR the plain peak stalls above
   the Cramér–Rao bound. Step 3 fits ``a·cos(2πft) + b·sin(2πft)`` to the series and moves f to the best fit
   (the maximum-likelihood estimate for one real tone in white noise), which models both images at once.
   A three-point parabolic search around the step-2 value, with a step that halves each round, finds it.
"""

from __future__ import annotations

import numpy as np

from seqcore.scenarios.sine_frequency.data import noise_sigma, nyquist, series_time

DEFAULT_PAD = 8  # zero-padding factor: 8 × finer frequency grid than the plain FFT
# Halving rounds of the least-squares search: the step ends at 0.25 / 2²² ≈ 6e-8 of a cycle, far below the bound
# anywhere the config allows (≥ 1.2e-5 at 2000 samples and 60 dB); more rounds only cost time (the page's SNR
# chart runs the estimator at 13 noise levels).
REFINE_ROUNDS = 22


def _as_batch(series) -> np.ndarray:
    x = np.asarray(series, float)
    if x.ndim == 1:
        x = x[None, :]
    if x.ndim != 2 or x.shape[1] < 4:
        raise ValueError(
            f"series: must be one series or a batch (count, length) with length >= 4; received shape {np.shape(series)}"
        )
    return x


def periodogram_peak(series, *, pad: int = DEFAULT_PAD, parabolic: bool = True) -> np.ndarray:
    """Steps 1–2: the zero-padded periodogram's highest bin (refined by a parabola), cycles per series."""
    x = _as_batch(series)
    if pad < 1:
        raise ValueError(f"pad: must be at least 1; received {pad}")
    length = x.shape[1]
    size = 1 << int(np.ceil(np.log2(length * pad)))
    power = np.abs(np.fft.rfft(x, n=size, axis=1)) ** 2
    bins = power.shape[1]
    peak = 1 + np.argmax(power[:, 1 : bins - 1], axis=1)  # neither the DC bin nor the last bin
    offset = np.zeros(len(x))
    if parabolic:
        rows = np.arange(len(x))
        tiny = np.finfo(float).tiny
        left, mid, right = (np.log(power[rows, peak + d] + tiny) for d in (-1, 0, 1))
        curvature = left - 2 * mid + right
        safe = np.where(curvature < 0, curvature, -1.0)
        offset = np.where(curvature < 0, np.clip(0.5 * (left - right) / safe, -0.5, 0.5), 0.0)
    return (peak + offset) * (length - 1) / size


def fit_energy(series, frequencies) -> np.ndarray:
    """How much of each series a least-squares fit ``a·cos(2πft) + b·sin(2πft)`` explains (sum of squares).

    ``series`` is (count, length); ``frequencies`` is (count,) or (count, k) candidates per series. The
    maximum over f is the maximum-likelihood frequency for one real tone of unknown amplitude and phase.
    """
    x = _as_batch(series)
    f = np.asarray(frequencies, float)
    squeeze = f.ndim == 1
    f = f.reshape(len(x), -1)
    angle = 2 * np.pi * f[:, :, None] * series_time(x.shape[1])[None, None, :]
    c, s = np.cos(angle), np.sin(angle)
    cc, ss, cs = (c * c).sum(-1), (s * s).sum(-1), (c * s).sum(-1)
    bc, bs = (c * x[:, None, :]).sum(-1), (s * x[:, None, :]).sum(-1)
    det = cc * ss - cs * cs
    ridge = 1e-12 * (cc + ss) ** 2  # near 0 and Nyquist the sine column vanishes: keep the solve finite
    energy = (ss * bc * bc - 2 * cs * bc * bs + cc * bs * bs) / (det + ridge)
    return energy[:, 0] if squeeze else energy


def refine_least_squares(series, start, *, step: float = 0.25, rounds: int = REFINE_ROUNDS) -> np.ndarray:
    """Step 3: climb ``fit_energy`` from ``start`` (cycles per series) by halving three-point searches."""
    x = _as_batch(series)
    f = np.array(start, float).reshape(len(x))
    top = nyquist(x.shape[1])
    delta = np.full(len(x), float(step))
    for _ in range(rounds):
        candidates = np.clip(np.stack([f - delta, f, f + delta], axis=1), 1e-6, top - 1e-6)
        left, mid, right = fit_energy(x, candidates).T
        curvature = left - 2 * mid + right
        # a parabola's vertex where the three points bend down; else step toward the higher side
        vertex = np.where(
            curvature < 0, 0.5 * (left - right) / np.where(curvature < 0, curvature, -1.0), np.sign(right - left)
        )
        f = np.clip(f + np.clip(vertex, -1.0, 1.0) * delta, 1e-6, top - 1e-6)
        delta = delta / 2
    return f


def estimate_frequency(series, *, pad: int = DEFAULT_PAD, refine: bool = True) -> np.ndarray:
    """The ``fft`` variant: periodogram peak → parabola → (optionally) least-squares refinement."""
    x = _as_batch(series)
    start = periodogram_peak(x, pad=pad)
    return refine_least_squares(x, start) if refine else start


# -- the floor ------------------------------------------------------------------------------------------------
def crlb_variance(frequencies, phases, *, length: int, snr_db: float) -> np.ndarray:
    """Exact Cramér–Rao bound on the variance of any unbiased frequency estimate, per series.

    Model: ``A·sin(2πft + φ) + w``, A = 1, t = 0 … 1 over ``length`` samples, w white Gaussian with
    σ² = (A²/2) / 10^(snr_db/10); unknowns A, f, φ. Fisher information = Jᵀ J / σ² with J the derivatives
    of the clean series; the bound is the (f, f) entry of its inverse, in (cycles per series)².
    """
    f = np.asarray(frequencies, float).reshape(-1)
    phi = np.asarray(phases, float).reshape(-1)
    if f.shape != phi.shape:
        raise ValueError(f"phases: must have one phase per frequency ({len(f)}); received {len(phi)}")
    t = series_time(length)
    psi = 2 * np.pi * f[:, None] * t[None, :] + phi[:, None]
    jac = np.stack([np.sin(psi), 2 * np.pi * t[None, :] * np.cos(psi), np.cos(psi)], axis=2)  # A, f, φ
    fisher = np.einsum("mni,mnj->mij", jac, jac) / noise_sigma(snr_db) ** 2
    return np.linalg.inv(fisher)[:, 1, 1]


def crlb_rmse(frequencies, phases, *, length: int, snr_db: float) -> float:
    """The bound on the RMSE over a set: the root of the mean per-series bound."""
    return float(np.sqrt(np.mean(crlb_variance(frequencies, phases, length=length, snr_db=snr_db))))


def crlb_std_asymptotic(*, length: int, snr_db: float) -> float:
    """The textbook large-N form (Kay, eq. 3.41) in cycles per series, valid away from 0 and Nyquist:

    var(f) ≥ 12 / ((2π)² · SNR · N · (N² − 1)) cycles² per sample², times (N − 1)² to convert units.
    """
    snr = 10 ** (snr_db / 10)
    n = length
    return float((n - 1) * np.sqrt(12 / ((2 * np.pi) ** 2 * snr * n * (n * n - 1))))
