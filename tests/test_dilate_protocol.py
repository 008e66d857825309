"""The DILATE paper's protocol: our generator against the official one (re-typed here from its
data/synthetic_dataset.py), the paper-scaled metrics against tslearn (which the official code scores with), the
paper's network and the ``paper`` preset."""

import random
import subprocess
import sys

import numpy as np
import pytest
from tslearn.metrics import dtw_path

import seqcore
from seqcore import metrics
from seqcore.scenarios.event_timing import data
from seqcore.scenarios.event_timing.config import Config, paper_preset


def official_synthetic(count: int, seed: int, sigma: float = 0.01) -> tuple[np.ndarray, np.ndarray]:
    """The official generator's loop as its code does it (Python's ``random``; N_input = N_output = 20)."""
    generator = random.Random(seed)
    series = []
    for _ in range(count):
        serie = np.array([sigma * generator.random() for _ in range(40)])
        i1, i2 = generator.randint(1, 10), generator.randint(10, 18)
        j1, j2 = generator.random(), generator.random()
        interval = abs(i2 - i1) + generator.randint(-3, 3)
        serie[i1 : i1 + 1] += j1
        serie[i2 : i2 + 1] += j2
        serie[i2 + interval :] += j2 - j1
        series.append(serie)
    series = np.stack(series)
    return series[:, :20], series[:, 20:]


def ours(count: int, seed: int, **kwargs) -> tuple[np.ndarray, np.ndarray]:
    features, labels = data.dilate_synthetic(count=count, rng=np.random.default_rng(seed), **kwargs)
    return features[..., 0], labels[..., 0]


def test_generator_matches_the_official_one_in_shape_event_positions_and_noise():
    features, labels = data.dilate_synthetic(count=500, rng=np.random.default_rng(0))
    assert features.shape == labels.shape == (500, 20, 1) and features.dtype == np.float32
    # Noise: uniform in [0, 0.01) as the code adds it (step 0 never holds a peak nor the step, which starts ≥ 7).
    first = ours(20_000, 1)[0][:, 0]
    assert first.min() >= 0 and first.max() < 0.01
    assert first.mean() == pytest.approx(0.005, abs=2e-4) and first.std() == pytest.approx(0.01 / 12**0.5, abs=2e-4)
    # Event positions and heights: without noise, where each step holds a peak or the level, the two generators
    # agree step by step (share of series non-zero there, and mean value) within sampling error.
    mine, official = np.hstack(ours(20_000, 2, noise=0.0)), np.hstack(official_synthetic(20_000, 3, sigma=0.0))
    assert np.abs((mine != 0).mean(axis=0) - (official != 0).mean(axis=0)).max() < 0.02
    assert np.abs(mine.mean(axis=0) - official.mean(axis=0)).max() < 0.02
    # Peaks only where the code puts them: i1 ∈ 1..10 and i2 ∈ 10..18 (before any step has begun, steps 0–6).
    early = mine[:, :7] != 0
    assert not early[:, 0].any() and early[:, 1:7].any(axis=0).all()


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_paper_metrics_match_tslearn_on_small_step_series(seed):
    """DTW is tslearn's dtw_path similarity and TDI the official code's Σ (i − j)² / N², here on short noisy
    steps like the paper's (ties broken the same way)."""
    rng = np.random.default_rng(seed)
    truth = (np.arange(8)[None, :] >= rng.integers(2, 7, (6, 1))) * rng.random((6, 1)) + 0.01 * rng.random((6, 8))
    predicted = (np.arange(8)[None, :] >= rng.integers(2, 7, (6, 1))) * rng.random((6, 1)) + 0.01 * rng.random((6, 8))
    distances, distortion, paths = metrics.dtw_alignment(truth, predicted)
    for k in range(6):
        path, similarity = dtw_path(truth[k], predicted[k])
        assert paths[k] == path
        assert distances[k] == pytest.approx(similarity)
        assert distortion[k] == pytest.approx(sum((i - j) ** 2 for i, j in path) / 64)


def test_paper_preset_is_the_papers_protocol_and_needs_no_fixing():
    preset = paper_preset()
    assert (preset.dataset, preset.network, preset.units, preset.batch_size) == (
        "dilate_synthetic",
        "seq2seq_gru",
        128,
        100,
    )
    assert (preset.alpha, preset.gamma, preset.train_windows, preset.test_windows) == (0.5, 0.01, 500, 500)
    assert Config.from_params(preset.to_params()) == (preset, [])  # a link to it opens it unchanged
    scenario = seqcore.get_scenario("event_timing")
    assert scenario.preset("paper") == preset and scenario.preset("default") == Config()
    with pytest.raises(ValueError, match="preset: must be one of default, seed, paper"):
        scenario.preset("papers")


def test_cli_names_the_presets_when_one_is_unknown():
    done = subprocess.run(
        [sys.executable, "-m", "seqcore", "run", "event_timing", "--preset", "nope"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2 and "default, seed, paper" in done.stderr and "Traceback" not in done.stderr


def test_the_papers_network_predicts_from_its_own_feedback_and_round_trips_in_safe_mode(tmp_path):
    import keras

    from seqcore.scenarios.event_timing import networks

    model = networks.seq2seq_gru(units=8, history_steps=5, future_steps=4, seed=3)
    history = np.random.default_rng(0).random((3, 5, 1)).astype(np.float32)
    predicted = np.asarray(model(history))
    assert predicted.shape == (3, 4, 1)
    # Same seed → same weights; the decoder's first input is the last history value (changing it changes step 1).
    again = networks.seq2seq_gru(units=8, history_steps=5, future_steps=4, seed=3)
    assert np.array_equal(np.asarray(again(history)), predicted)
    nudged = history.copy()
    nudged[:, -1] += 1.0
    assert not np.allclose(np.asarray(model(nudged))[:, 0], predicted[:, 0])
    path = tmp_path / "seq2seq.keras"
    model.save(path)
    loaded = keras.saving.load_model(path, safe_mode=True)
    assert np.allclose(np.asarray(loaded(history)), predicted, atol=1e-6)
