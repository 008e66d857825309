"""Event timing: data sets, timing metrics, config clamps, and the run contract on a tiny config."""

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tslearn.metrics import dtw_path

import seqcore
from seqcore import metrics
from seqcore.scenarios.event_timing import data
from seqcore.scenarios.event_timing.config import MAX_WORK, Config, seed_preset

# Small enough for a test (a few seconds), still three real trainings.
TINY_EVENT_TIMING = {"windows": "40", "epochs": "2", "units": "4", "batch_size": "20"}
VARIANTS = ("mse", "soft_dtw", "dilate")


# -- data -------------------------------------------------------------------------------------------------
def test_seed_set_is_the_seeds_six_windows_in_magnitudes():
    features, labels = data.seed_windows()
    assert features.shape == labels.shape == (6, 7, 1)
    assert features[1, :, 0].tolist() == [0, 0, 5, 0, 5, 0, 0]
    assert [labels[i, :, 0].tolist() for i in (1, 3, 5)] == [[8, 0, 0, 4, 0, 0, 0], [0, 0, 8, 0, 0, 4, 0],
                                                             [0, 8, 0, 0, 4, 0, 0]]
    assert not features[::2].any() and not labels[::2].any()


@settings(max_examples=30, deadline=None)
@given(steps=st.integers(7, 36), seed=st.integers(0, 10_000))
def test_every_generated_event_follows_the_seeds_pattern(steps, seed):
    features, labels, has_event = data.event_windows(count=30, steps=steps, noise=0.0,
                                                     rng=np.random.default_rng(seed))
    assert features.shape == labels.shape == (30, steps, 1)
    for x, y, event in zip(features[..., 0], labels[..., 0], has_event):
        if not event:
            assert not x.any() and not y.any()
            continue
        fives, = np.nonzero(x == 5)
        assert len(fives) == 2 and fives[1] - fives[0] == 2 and np.count_nonzero(x) == 2
        main, = np.nonzero(y == 8)
        after, = np.nonzero(y == 4)
        assert len(main) == 1 and len(after) == 1 and after[0] - main[0] == 3
        assert main[0] >= 1  # never on the first month of the future: the alignment's fixed start
        assert steps + main[0] - fives[1] in (3, 4, 5)  # months from the second 5 to the 8


def test_events_delay_is_not_predictable_from_the_history():
    features, labels, has_event = data.event_windows(count=3000, steps=7, noise=0.0, rng=np.random.default_rng(0))
    main = np.argmax(labels[has_event, :, 0], axis=1)
    second = np.argmax(features[has_event, ::-1, 0], axis=1)  # months from the end to the second 5
    for position in np.unique(second):
        shares = np.bincount(main[second == position]) / np.sum(second == position)
        assert np.count_nonzero(shares) == 3 and shares.max() < 0.4  # three delays, about a third each


def test_noise_is_gaussian_with_the_asked_spread():
    features, labels, has_event = data.event_windows(count=2000, steps=7, noise=0.3, rng=np.random.default_rng(1))
    quiet = labels[~has_event]
    assert abs(quiet.std() - 0.3) < 0.01 and abs(quiet.mean()) < 0.01


def test_synthetic_set_follows_the_paper_recipe():
    features, labels = data.dilate_synthetic(count=500, rng=np.random.default_rng(3), noise_std=0.0)
    assert features.shape == labels.shape == (500, 20, 1)
    checked = 0
    for x, y in zip(features[..., 0], labels[..., 0]):
        height = y[-1]  # j2 − j1, reached by the end of the future window
        assert set(np.unique(y)) <= {0.0, height} and np.all(np.diff(y != 0) >= 0)  # zeros, then the step
        if y[0] != 0 or height == 0:
            continue  # the step began inside the history: the peaks are not alone there
        peaks = np.nonzero(x)[0]
        first, second = peaks[0], peaks[-1]
        assert 1 <= first <= 10 <= second <= 18 and len(peaks) <= 2
        if first != second:
            assert height == pytest.approx(x[second] - x[first], abs=1e-6)
        start = 20 + np.argmax(y != 0)
        assert abs(start - (second + (second - first))) <= 3
        checked += 1
    assert checked > 100
    noisy, _ = data.dilate_synthetic(count=4000, rng=np.random.default_rng(4))
    assert abs(noisy[:, 0].std() - 0.1) < 0.005  # Gaussian noise of variance 0.01 (the first step has no peak)


# -- metrics ----------------------------------------------------------------------------------------------
def test_dtw_and_tdi_match_tslearn_and_the_papers_definition():
    rng = np.random.default_rng(0)
    truth, predicted = rng.normal(size=(20, 12)), rng.normal(size=(20, 12))
    distances, distortion, paths = metrics.dtw_alignment(truth, predicted)
    for k in range(20):
        path, similarity = dtw_path(truth[k], predicted[k])
        assert paths[k] == path and distances[k] == pytest.approx(similarity)
        assert distortion[k] == pytest.approx(sum((i - j) ** 2 for i, j in path) / 144)
    assert metrics.dtw(truth, predicted) == pytest.approx(distances.mean())


def test_timing_metrics_exact_small_values():
    spike = np.array([[0.0, 8.0, 0.0, 0.0]])
    late = np.array([[0.0, 0.0, 8.0, 0.0]])
    assert metrics.dtw(spike, spike) == 0.0 and metrics.tdi(spike, spike) == 0.0
    # The late spike aligns at no cost, but only along a path that bends away from the diagonal.
    distances, distortion, paths = metrics.dtw_alignment(spike, late)
    assert distances[0] == 0.0 and distortion[0] > 0
    assert distortion[0] == pytest.approx(sum((i - j) ** 2 for i, j in paths[0]) / 16)
    assert metrics.mse(spike, late) == pytest.approx(32.0)
    blur = np.array([[0.0, 8 / 3, 8 / 3, 8 / 3]])
    time_error, height_error = metrics.peak_errors(spike, blur)
    assert time_error.tolist() == [0.0] and height_error[0] == pytest.approx(16 / 3)
    assert metrics.peak_time_error(spike, late) == 1.0 and metrics.peak_height_error(spike, late) == 0.0
    assert metrics.peak_hit_rate(np.r_[spike, spike], np.r_[late, blur]) == 0.5


def test_metrics_refuse_mismatched_shapes():
    with pytest.raises(ValueError, match="y_pred"):
        metrics.dtw(np.zeros((2, 5)), np.zeros((3, 5)))
    with pytest.raises(ValueError, match="y_true"):
        metrics.tdi(np.zeros((2, 0)), np.zeros((2, 0)))


# -- config -----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("params,field,value", [({"gamma": "0"}, "gamma", 0.001), ({"gamma": "-3"}, "gamma", 0.001),
                                                ({"alpha": "1.5"}, "alpha", 1.0), ({"alpha": "-1"}, "alpha", 0.0),
                                                ({"horizon": "500"}, "horizon", 36)])
def test_bad_values_are_clamped_with_a_warning(params, field, value):
    config, warnings = Config.from_params(params)
    assert getattr(config, field) == value and any(field in w for w in warnings)


def test_a_horizon_too_long_for_the_budget_is_shortened_with_a_warning():
    config, warnings = Config.from_params({"horizon": "36", "windows": "3000", "epochs": "500"})
    assert config.work() <= MAX_WORK and config.horizon < 36
    assert any("Horizon (horizon)" in w for w in warnings) and any("Epochs (epochs)" in w for w in warnings)


def test_many_tiny_steps_are_capped_too():
    config, warnings = Config.from_params({"windows": "1000", "batch_size": "2", "epochs": "500"})
    assert config.epochs * config.steps_per_epoch() <= 2_500 and any("Epochs (epochs)" in w for w in warnings)


def test_horizon_with_a_fixed_length_set_is_explained():
    config, warnings = Config.from_params({"dataset": "seed", "horizon": "12"})
    assert config.steps == 7 and any("applies to the generated events only" in w for w in warnings)


def test_defaults_and_seed_preset():
    config = Config()
    assert config.dataset == "events" and config.work() <= MAX_WORK and config.steps == 7
    preset = seed_preset()
    assert (preset.dataset, preset.units, preset.epochs, preset.batch_size) == ("seed", 100, 100, 6)
    assert Config(dataset="dilate_synthetic").steps == 20 and Config(dataset="dilate_synthetic").test_windows == 500


# -- the run ----------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def tiny_result():
    scenario = seqcore.get_scenario("event_timing")
    config, warnings = scenario.Config.from_params(TINY_EVENT_TIMING)
    assert warnings == []
    return scenario.run(config)


def test_tiny_run_has_exactly_the_promised_metric_keys(tiny_result):
    promised = {f"{v}/{m}" for v in VARIANTS for m in ("mse", "dtw", "tdi", "peak_time_error", "peak_height_error")}
    assert promised <= set(tiny_result.metrics)
    assert all(np.isfinite(value) for value in tiny_result.metrics.values())
    assert set(tiny_result.models) == set(VARIANTS) == set(tiny_result.history)


def test_history_logs_dilates_shape_and_temporal_parts_every_epoch(tiny_result):
    for variant in VARIANTS:
        assert len(tiny_result.history[variant]) == 2
        assert {"loss", "shape", "temporal"} <= set(tiny_result.history[variant][0])


def test_artifacts_hold_what_the_page_draws_and_are_small(tiny_result):
    from seqcore.scenarios.event_timing import plots
    artifacts = json.loads(json.dumps(tiny_result.artifacts, default=lambda value: np.asarray(value).tolist()))
    assert len(json.dumps(artifacts)) < 300_000
    shown = artifacts["windows"]
    assert len(shown["features"]) == len(shown["labels"]) == len(shown["predicted"]["dilate"]) >= 1
    assert np.asarray(artifacts["alignment"]["soft"]["dilate"]).shape == (len(shown["labels"]), 7, 7)
    for index in range(len(shown["labels"])):
        for variant in VARIANTS:
            figure = plots.alignment(artifacts, index, variant)
            assert figure.layout.xaxis.title.text and figure.layout.yaxis.title.text
    for figure in (plots.window(artifacts, 0), plots.peaks(artifacts),
                   plots.dilate_parts(tiny_result.history)):
        assert figure.to_dict()["data"]
    assert artifacts["paper"] is None and plots.metric_rows(artifacts)[0]["trained with"] == "MSE"


def test_same_config_gives_the_same_metrics(tiny_result):
    scenario = seqcore.get_scenario("event_timing")
    config, _ = scenario.Config.from_params(TINY_EVENT_TIMING)
    assert scenario.run(config).metrics == tiny_result.metrics


def test_seed_set_run_scores_the_seeds_windows():
    scenario = seqcore.get_scenario("event_timing")
    config, _ = scenario.Config.from_params({"dataset": "seed", "epochs": "2", "units": "4"})
    result = scenario.run(config)
    assert result.artifacts["held_out_windows"] == 6 and result.notes
    assert np.asarray(result.artifacts["windows"]["labels"][1]).tolist() == [8, 0, 0, 4, 0, 0, 0]
    assert {"dilate/peak_time_error", "mse/tdi"} <= set(result.metrics)


def test_pretrained_default_shows_the_blur_and_the_sharp_peak():
    """The shipped default reproduces the page's story; if this fails: python -m seqcore pretrain --bundle."""
    from seqcore.store import BUNDLED_DIR, Store, entry_key
    scenario = seqcore.get_scenario("event_timing")
    key = entry_key(scenario.name, scenario.Config(), scenario.version)
    result, warnings = Store(BUNDLED_DIR / "none", bundled=BUNDLED_DIR).load(key)
    assert result is not None, f"stale or missing pretrained default {key}: run python -m seqcore pretrain --bundle"
    assert warnings == []
    metrics_ = result.metrics
    assert metrics_["mse/peak_height_error"] > 3  # MSE: a low blur
    assert max(metrics_["dilate/peak_hit_rate"], metrics_["soft_dtw/peak_hit_rate"]) > 0.5  # a sharp, timely 8
    assert metrics_["dilate/tdi"] < metrics_["mse/tdi"]
